/**
 * Runs the contract against the real PostgreSQL server on 127.0.0.1:5432 (trust auth,
 * database `test`; override with UNIGATE_TEST_POSTGRES_URL). Every test gets its own
 * database, created and dropped here, so runs never collide. An unreachable server fails
 * every test with a message saying so; nothing is skipped.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { stateStoreContract } from '../contract.js';
import { POSTGRES_MIGRATIONS } from '../migrations/postgres.js';
import { openStateStore } from '../open-state-store.js';
import type { Change, StateStore } from '../types.js';
import { PostgresStateStore, type PostgresStoreOptions } from './postgres-store.js';

const CANDIDATES = process.env.UNIGATE_TEST_POSTGRES_URL
  ? [process.env.UNIGATE_TEST_POSTGRES_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

let admin: Promise<{ pool: pg.Pool; url: URL }> | undefined;

/** The first candidate that answers; rejects with a clear message when none does. */
function adminPool(): Promise<{ pool: pg.Pool; url: URL }> {
  admin ??= (async () => {
    const failures: string[] = [];
    for (const candidate of CANDIDATES) {
      const pool = new pg.Pool({ connectionString: candidate, max: 2, connectionTimeoutMillis: 3_000 });
      try {
        await pool.query('SELECT 1');
        return { pool, url: new URL(candidate) };
      } catch (err) {
        failures.push(`${new URL(candidate).username}@${new URL(candidate).host}: ${(err as Error).message}`);
        await pool.end().catch(() => {});
      }
    }
    throw new Error(
      `PostgreSQL is unreachable, so the postgres state store tests cannot run (${failures.join('; ')}). ` +
        'Start PostgreSQL on 127.0.0.1:5432 with trust auth and a database named test, or set UNIGATE_TEST_POSTGRES_URL.',
    );
  })();
  return admin;
}

afterAll(async () => {
  if (admin !== undefined) await (await admin.catch(() => undefined))?.pool.end();
});

/** A fresh database; returns its URL and a function that drops it. */
async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { pool, url } = await adminPool();
  const name = `unigate_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  await pool.query(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return { url: dbUrl.toString(), drop: async () => void (await pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)) };
}

function openOn(url: string, stores: StateStore[], options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStateStore> {
  return PostgresStateStore.open({ url, poolSize: 4, ...options }).then((store) => {
    stores.push(store);
    return store;
  });
}

stateStoreContract('postgres', async () => {
  const db = await freshDatabase();
  const stores: StateStore[] = [];
  return {
    open: () => openOn(db.url, stores),
    async cleanup() {
      await Promise.all(stores.map((s) => s.close()));
      await db.drop();
    },
  };
});

describe('postgres store: instances sharing one database', () => {
  const stores: StateStore[] = [];
  const drops: (() => Promise<void>)[] = [];

  async function database(): Promise<string> {
    const db = await freshDatabase();
    drops.push(db.drop);
    return db.url;
  }

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await Promise.all(drops.splice(0).map((drop) => drop()));
  });

  it('opens from a postgres:// stores.state string', async () => {
    const url = await database();
    const store = await openStateStore(url, { dataDir: '/nonexistent' });
    stores.push(store);
    expect(store.backend).toBe('postgres');
  });

  // Versions of the shipped list, and the one a test adds after them.
  const shipped = POSTGRES_MIGRATIONS.map((m) => m.version);
  const next = shipped.length + 1;

  it('applies migrations once when instances start together, and by version later', async () => {
    const url = await database();
    const opened = await Promise.all([openOn(url, stores), openOn(url, stores), openOn(url, stores)]);
    expect(opened.map((s) => s.migrations.applied).sort()).toEqual([[], [], shipped]);

    const extended = [...POSTGRES_MIGRATIONS, { version: next, name: 'test_extra', sql: 'CREATE TABLE extra (id integer);' }];
    expect((await openOn(url, stores, { migrations: extended })).migrations).toEqual({ applied: [next], current: next });
    expect((await openOn(url, stores, { migrations: extended })).migrations).toEqual({ applied: [], current: next });
    await expect(openOn(url, stores)).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' });
  });

  it('rolls back a failing migration entirely', async () => {
    const url = await database();
    const broken = [...POSTGRES_MIGRATIONS, { version: next, name: 'broken', sql: 'CREATE TABLE half (id integer); SELECT * FROM missing;' }];
    await expect(openOn(url, stores, { migrations: broken })).rejects.toThrow(/missing/);
    expect((await openOn(url, stores)).migrations).toEqual({ applied: shipped, current: shipped.length });
  });

  it('pushes changes to another instance through NOTIFY, long before the next poll', async () => {
    const url = await database();
    const writer = await openOn(url, stores);
    const reader = await openOn(url, stores);
    const seen: Change[] = [];
    const subscription = await reader.watchChanges((changes) => void seen.push(...changes), { pollIntervalMs: 60_000 });
    const started = Date.now();
    const consumer = await writer.createConsumer({ name: 'Acme' }, 'admin');
    await eventually(() => seen.some((c) => c.entityId === consumer.id), 3_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    await subscription.close();
  });

  it('without notifications, polling alone delivers within the poll interval', async () => {
    const url = await database();
    const writer = await openOn(url, stores);
    const reader = await openOn(url, stores, { notifications: false });
    const seen: Change[] = [];
    const subscription = await reader.watchChanges((changes) => void seen.push(...changes), { pollIntervalMs: 250 });
    const started = Date.now();
    const consumer = await writer.createConsumer({ name: 'Acme' }, 'admin');
    await eventually(() => seen.some((c) => c.entityId === consumer.id), 3_000);
    expect(Date.now() - started).toBeLessThan(250 + 500);
    await subscription.close();
  });

  it('keeps seq order equal to commit order under concurrent writers, so a follower skips nothing', async () => {
    const url = await database();
    const a = await openOn(url, stores);
    const b = await openOn(url, stores);
    const seen: number[] = [];
    const subscription = await a.watchChanges((changes) => void seen.push(...changes.map((c) => c.seq)), { pollIntervalMs: 20 });
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).createConsumer({ name: `c${i}` }, 'admin')));
    await eventually(() => seen.length >= 60, 5_000);
    const all = (await b.changesSince(0, 1000)).map((c) => c.seq);
    expect(seen).toEqual(all);
    await subscription.close();
  });

  it('fails to open with a clear error when the server is unreachable', async () => {
    await expect(PostgresStateStore.open({ url: 'postgres://postgres@127.0.0.1:1/none' })).rejects.toThrow(/ECONNREFUSED/);
  });
});

async function eventually(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
