import { describe, expect, it } from 'vitest';
import { checkMigrationList, checksum, pendingMigrations } from './migrations.js';
import { POSTGRES_MIGRATIONS } from './postgres.js';
import { SQLITE_MIGRATIONS } from './sqlite.js';

describe('migration lists', () => {
  it('give both backends the same versions and names, numbered from 1', () => {
    const shape = (list: typeof SQLITE_MIGRATIONS) => list.map((m) => [m.version, m.name]);
    expect(shape(SQLITE_MIGRATIONS)).toEqual(shape(POSTGRES_MIGRATIONS));
    expect(() => checkMigrationList(SQLITE_MIGRATIONS)).not.toThrow();
  });

  it('create the same tables in both backends', () => {
    const tables = (sql: string) => [...sql.matchAll(/CREATE TABLE (\w+)/g)].map((m) => m[1]).sort();
    SQLITE_MIGRATIONS.forEach((m, i) => expect(tables(m.sql)).toEqual(tables(POSTGRES_MIGRATIONS[i]!.sql)));
  });

  it('refuses gaps and disorder', () => {
    expect(() => checkMigrationList([{ version: 2, name: 'x', sql: '' }])).toThrow(/expected version 1/);
  });

  it('returns only what is not applied, and refuses unknown or edited versions', () => {
    const list = [
      { version: 1, name: 'a', sql: 'A' },
      { version: 2, name: 'b', sql: 'B' },
    ];
    const applied = (m: (typeof list)[number]) => ({ version: m.version, name: m.name, checksum: checksum(m) });
    expect(pendingMigrations(list, []).map((m) => m.version)).toEqual([1, 2]);
    expect(pendingMigrations(list, [applied(list[0]!)]).map((m) => m.version)).toEqual([2]);
    expect(pendingMigrations(list, list.map(applied))).toEqual([]);
    expect(() => pendingMigrations(list.slice(0, 1), list.map(applied))).toThrow(/newer than this Unigate/);
    expect(() => pendingMigrations(list, [{ ...applied(list[0]!), checksum: 'other' }])).toThrow(/differs/);
  });
});
