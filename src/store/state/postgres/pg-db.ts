/**
 * A thin layer over a pg Pool: queries, and `write`, which runs a function in one
 * transaction and appends the audit events it collected, last, under a transaction-scoped
 * advisory lock. The lock makes seq order equal commit order across instances, so a follower
 * reading `seq > watermark` never skips an event that commits late; the lock is held only
 * from the audit insert to COMMIT. NOTIFY wakes followers on every instance after commit.
 */
import type pg from 'pg';
import { StateStoreError, type AuditEvent, type NewAuditEvent } from '../types.js';
import { toAuditEvent, type Row } from './rows.js';

/** Advisory lock keys: (namespace 'unig', purpose). */
export const LOCK_NAMESPACE = 0x756e6967;
export const AUDIT_LOCK = 1;
export const MIGRATION_LOCK = 2;
export const CHANGES_CHANNEL = 'unigate_changes';

export type Sql = Pick<pg.ClientBase, 'query'>;

export async function rows(sql: Sql, text: string, params: unknown[] = []): Promise<Row[]> {
  return (await sql.query(text, params)).rows as Row[];
}

export async function one(sql: Sql, text: string, params: unknown[] = []): Promise<Row | undefined> {
  return (await rows(sql, text, params))[0];
}

export class PgDb {
  constructor(readonly pool: pg.Pool) {}

  rows(text: string, params: unknown[] = []): Promise<Row[]> {
    return mapPgErrors(() => rows(this.pool, text, params));
  }

  one(text: string, params: unknown[] = []): Promise<Row | undefined> {
    return mapPgErrors(() => one(this.pool, text, params));
  }

  /** Runs `fn` and writes its audit events in one transaction; returns its value and the events. */
  async write<T>(fn: (sql: Sql, events: NewAuditEvent[]) => Promise<T>): Promise<{ value: T; written: AuditEvent[] }> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const events: NewAuditEvent[] = [];
      const value = await fn(client, events);
      const written = await appendAudit(client, events);
      await client.query('COMMIT');
      return { value, written };
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError; // the connection is unusable: destroy it rather than return it to the pool
      });
      throw translate(err);
    } finally {
      client.release(broken);
    }
  }

  async tx<T>(fn: (sql: Sql, events: NewAuditEvent[]) => Promise<T>): Promise<T> {
    return (await this.write(fn)).value;
  }
}

async function appendAudit(client: Sql, events: NewAuditEvent[]): Promise<AuditEvent[]> {
  if (events.length === 0) return [];
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, AUDIT_LOCK]);
  const at = new Date();
  const written: AuditEvent[] = [];
  for (const e of events) {
    const row = await one(
      client,
      `INSERT INTO audit_events (at, actor, action, entity_type, entity_id, consumer_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [at, e.actor, e.action, e.entityType, e.entityId, e.consumerId ?? null, JSON.stringify(e.details ?? {})],
    );
    written.push(toAuditEvent(row!));
  }
  await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, String(written[written.length - 1]!.seq)]);
  return written;
}

export async function mapPgErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translate(err);
  }
}

/** Constraint violations become store errors. The driver's `detail` quotes values, so it is dropped. */
function translate(err: unknown): unknown {
  const e = err as { code?: string; constraint?: string; table?: string };
  const where = [e.table, e.constraint].filter(Boolean).join(', ');
  if (e.code === '23505') return new StateStoreError('CONFLICT', `already exists (${where})`);
  if (e.code === '23503') return new StateStoreError('NOT_FOUND', 'a referenced record does not exist');
  if (e.code === '23514') return new StateStoreError('INVALID_INPUT', `a value is not allowed (${where})`);
  return err;
}
