import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stateStoreContract } from '../contract.js';
import { SQLITE_MIGRATIONS } from '../migrations/sqlite.js';
import { openStateStore, parseStateStoreLocation } from '../open-state-store.js';
import type { StateStore } from '../types.js';
import { SqliteStateStore } from './sqlite-store.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'unigate-sqlite-'));
}

stateStoreContract('sqlite', async () => {
  const dir = tempDir();
  const stores: StateStore[] = [];
  return {
    async open() {
      const store = await SqliteStateStore.open({ path: join(dir, 'unigate.db') });
      stores.push(store);
      return store;
    },
    async cleanup() {
      await Promise.all(stores.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite store: file and migrations', () => {
  const dirs: string[] = [];
  const stores: StateStore[] = [];
  const dir = () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
  const track = <T extends StateStore>(s: T): T => {
    stores.push(s);
    return s;
  };

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('creates <data_dir>/unigate.db on first start, in WAL mode', async () => {
    const dataDir = join(dir(), 'nested', 'data');
    const store = track(await openStateStore(undefined, { dataDir }));
    expect(store.backend).toBe('sqlite');
    const file = join(dataDir, 'unigate.db');
    expect(statSync(file).isFile()).toBe(true);
    // The database header records WAL mode as file format versions 2/2 (bytes 18 and 19).
    const header = readFileSync(file).subarray(18, 20);
    expect([...header]).toEqual([2, 2]);
  });

  it('parses every stores.state form, and never echoes an unknown one', () => {
    expect(parseStateStoreLocation(undefined, '/d')).toEqual({ backend: 'sqlite', path: join('/d', 'unigate.db') });
    expect(parseStateStoreLocation('', '/d')).toEqual({ backend: 'sqlite', path: join('/d', 'unigate.db') });
    expect(parseStateStoreLocation('sqlite:/var/u.db', '/d')).toEqual({ backend: 'sqlite', path: '/var/u.db' });
    expect(parseStateStoreLocation('sqlite::memory:', '/d')).toEqual({ backend: 'sqlite', path: ':memory:' });
    expect(parseStateStoreLocation('postgres://u@h/db', '/d')).toEqual({ backend: 'postgres', url: 'postgres://u@h/db' });
    expect(parseStateStoreLocation('postgresql://u@h/db', '/d').backend).toBe('postgres');
    expect(() => parseStateStoreLocation('mysql://u:hunter2@h/db', '/d')).toThrow(/stores.state must be/);
    expect(() => parseStateStoreLocation('mysql://u:hunter2@h/db', '/d')).not.toThrow(/hunter2/);
  });

  // Versions of the shipped list, and the one a test adds after them.
  const shipped = SQLITE_MIGRATIONS.map((m) => m.version);
  const next = shipped.length + 1;

  it('applies migrations once, by version, and records them', async () => {
    const path = join(dir(), 'unigate.db');
    const first = track(await SqliteStateStore.open({ path }));
    expect(first.migrations).toEqual({ applied: shipped, current: shipped.length });
    const again = track(await SqliteStateStore.open({ path }));
    expect(again.migrations).toEqual({ applied: [], current: shipped.length });

    const extended = [...SQLITE_MIGRATIONS, { version: next, name: 'test_extra', sql: 'CREATE TABLE extra (id INTEGER) STRICT;' }];
    const upgraded = track(await SqliteStateStore.open({ path, migrations: extended }));
    expect(upgraded.migrations).toEqual({ applied: [next], current: next });
    const upgradedAgain = track(await SqliteStateStore.open({ path, migrations: extended }));
    expect(upgradedAgain.migrations).toEqual({ applied: [], current: next });
  });

  it('refuses a database migrated by a newer version, or an edited migration', async () => {
    const path = join(dir(), 'unigate.db');
    const extended = [...SQLITE_MIGRATIONS, { version: next, name: 'future', sql: 'CREATE TABLE future (id INTEGER) STRICT;' }];
    track(await SqliteStateStore.open({ path, migrations: extended }));
    await expect(SqliteStateStore.open({ path })).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', message: /newer than this Unigate/ });
    const edited = [...SQLITE_MIGRATIONS, { version: next, name: 'future', sql: 'CREATE TABLE future (id TEXT) STRICT;' }];
    await expect(SqliteStateStore.open({ path, migrations: edited })).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', message: /differs/ });
  });

  it('rolls back a failing migration entirely', async () => {
    const path = join(dir(), 'unigate.db');
    const broken = [...SQLITE_MIGRATIONS, { version: next, name: 'broken', sql: 'CREATE TABLE half (id INTEGER) STRICT; SELECT * FROM missing;' }];
    await expect(SqliteStateStore.open({ path, migrations: broken })).rejects.toThrow(/missing/);
    const store = track(await SqliteStateStore.open({ path }));
    // The shipped versions were in the same transaction as the broken one, so nothing was applied.
    expect(store.migrations).toEqual({ applied: shipped, current: shipped.length });
  });
});
