/**
 * Applies pending migrations to PostgreSQL in one transaction, under an advisory lock so
 * instances starting together apply each version exactly once (DDL is transactional here).
 */
import type pg from 'pg';
import { checksum, migrationReport, pendingMigrations, type AppliedMigration, type Migration } from '../migrations/migrations.js';
import { POSTGRES_MIGRATIONS } from '../migrations/postgres.js';
import type { MigrationReport } from '../types.js';
import { LOCK_NAMESPACE, MIGRATION_LOCK } from './pg-db.js';

export async function migratePostgres(pool: pg.Pool, list: readonly Migration[] = POSTGRES_MIGRATIONS): Promise<MigrationReport> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = (await client.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version')).rows as AppliedMigration[];
    const pending = pendingMigrations(list, applied);
    for (const m of pending) {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, checksum(m)]);
    }
    await client.query('COMMIT');
    return migrationReport(applied, pending);
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}
