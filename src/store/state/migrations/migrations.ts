/**
 * Versioned schema migrations. Each backend has its own SQL list (types differ: INTEGER ms
 * vs timestamptz, TEXT vs jsonb) with the same versions and names, checked by a test.
 * A store applies missing versions at open, in one transaction, and records each in
 * `schema_migrations` with a checksum. Never edit an applied migration: add the next version.
 */
import { createHash } from 'node:crypto';
import { StateStoreError, type MigrationReport } from '../types.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

export function checksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex').slice(0, 16);
}

/** Versions must be 1, 2, 3… in order, so "current" is simply the highest applied. */
export function checkMigrationList(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: expected version ${i + 1}, found ${m.version}`);
  });
}

/**
 * Which migrations to apply, given what the database recorded. Refuses a database migrated
 * by a newer Unigate, or one whose applied migration no longer matches the code.
 */
export function pendingMigrations(list: readonly Migration[], applied: readonly AppliedMigration[]): Migration[] {
  checkMigrationList(list);
  const known = new Map(list.map((m) => [m.version, m]));
  for (const row of applied) {
    const m = known.get(row.version);
    if (m === undefined) {
      throw new StateStoreError(
        'SCHEMA_MISMATCH',
        `the database has schema version ${row.version} (${row.name}), newer than this Unigate knows (${list.length}); upgrade Unigate`,
      );
    }
    if (row.checksum !== checksum(m)) {
      throw new StateStoreError(
        'SCHEMA_MISMATCH',
        `migration ${row.version} (${row.name}) differs from the one applied to this database; restore it and add a new version instead`,
      );
    }
  }
  const done = new Set(applied.map((row) => row.version));
  return list.filter((m) => !done.has(m.version));
}

export function migrationReport(applied: readonly AppliedMigration[], appliedNow: readonly Migration[]): MigrationReport {
  const versions = [...applied.map((row) => row.version), ...appliedNow.map((m) => m.version)];
  return { applied: appliedNow.map((m) => m.version), current: Math.max(0, ...versions) };
}
