/**
 * Applies pending migrations to a SQLite database in one IMMEDIATE transaction, so two
 * processes opening the same file at once apply each version exactly once.
 */
import type Database from 'better-sqlite3';
import { checksum, migrationReport, pendingMigrations, type AppliedMigration, type Migration } from '../migrations/migrations.js';
import { SQLITE_MIGRATIONS } from '../migrations/sqlite.js';
import type { MigrationReport } from '../types.js';

export function migrateSqlite(db: Database.Database, list: readonly Migration[] = SQLITE_MIGRATIONS): MigrationReport {
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      checksum TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    const applied = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as AppliedMigration[];
    const pending = pendingMigrations(list, applied);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
    for (const m of pending) {
      db.exec(m.sql);
      record.run(m.version, m.name, checksum(m), Date.now());
    }
    return migrationReport(applied, pending);
  });
  return run.immediate();
}
