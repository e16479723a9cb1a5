/**
 * Throwaway PostgreSQL databases for tests that run gateways against a shared state store:
 * the server on 127.0.0.1:5432 (trust auth; override with UNIGATE_TEST_POSTGRES_URL). An
 * unreachable server fails the test with a message saying so; nothing is skipped.
 *
 *   const db = await freshDatabase(); … stores: { state: db.url } …; await db.drop();
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const CANDIDATES = process.env.UNIGATE_TEST_POSTGRES_URL
  ? [process.env.UNIGATE_TEST_POSTGRES_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://postgres@127.0.0.1:5432/postgres', 'postgres://root@127.0.0.1:5432/test'];

let admin: Promise<{ pool: pg.Pool; url: URL }> | undefined;

function adminPool(): Promise<{ pool: pg.Pool; url: URL }> {
  admin ??= (async () => {
    const failures: string[] = [];
    for (const candidate of CANDIDATES) {
      const pool = new pg.Pool({ connectionString: candidate, max: 2, connectionTimeoutMillis: 3_000 });
      try {
        await pool.query('SELECT 1');
        return { pool, url: new URL(candidate) };
      } catch (err) {
        failures.push(`${new URL(candidate).username}@${new URL(candidate).host}${new URL(candidate).pathname}: ${(err as Error).message}`);
        await pool.end().catch(() => {});
      }
    }
    throw new Error(
      `PostgreSQL is unreachable, so this test cannot run (${failures.join('; ')}). ` +
        'Start PostgreSQL on 127.0.0.1:5432 with trust auth, or set UNIGATE_TEST_POSTGRES_URL.',
    );
  })();
  return admin;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  const { pool, url } = await adminPool();
  const name = `unigate_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  await pool.query(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return { url: dbUrl.toString(), drop: async () => void (await pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)) };
}

/** Closes the admin connection (call from afterAll). */
export async function closePostgresAdmin(): Promise<void> {
  const current = admin;
  admin = undefined;
  if (current !== undefined) await (await current.catch(() => undefined))?.pool.end();
}
