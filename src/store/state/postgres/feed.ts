/**
 * PostgreSQL: leases and the audit log / change feed. Lease times come from the database
 * clock (clock_timestamp()), so instances with skewed clocks still agree on expiry.
 */
import { pageLimit } from '../records.js';
import type { AuditEvent, AuditQuery, Change, Lease, NewAuditEvent } from '../types.js';
import type { PgDb } from './pg-db.js';
import { toAuditEvent, toChange, toLease } from './rows.js';

export async function acquireLease(db: PgDb, name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
  // Two racing inserts: the loser waits on the unique index, then sees an unexpired lease and gets no row.
  const row = await db.one(
    `INSERT INTO leases (name, holder, fence, expires_at) VALUES ($1, $2, 1, clock_timestamp() + $3::float8 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, fence = leases.fence + 1, expires_at = EXCLUDED.expires_at
     WHERE leases.expires_at <= clock_timestamp()
     RETURNING *`,
    [name, holder, ttlMs],
  );
  return row && toLease(row);
}

export async function renewLease(db: PgDb, lease: Lease, ttlMs: number): Promise<Lease | undefined> {
  const row = await db.one(
    `UPDATE leases SET expires_at = clock_timestamp() + $4::float8 * interval '1 millisecond'
     WHERE name = $1 AND holder = $2 AND fence = $3 AND expires_at > clock_timestamp() RETURNING *`,
    [lease.name, lease.holder, lease.fence, ttlMs],
  );
  return row && toLease(row);
}

/** Expires rather than deletes, so the fence keeps counting up across holders. */
export async function releaseLease(db: PgDb, lease: Lease): Promise<void> {
  await db.rows("UPDATE leases SET expires_at = '-infinity' WHERE name = $1 AND holder = $2 AND fence = $3", [
    lease.name,
    lease.holder,
    lease.fence,
  ]);
}

export async function recordAudit(db: PgDb, event: NewAuditEvent): Promise<AuditEvent> {
  const { written } = await db.write(async (_sql, events) => {
    events.push(event);
  });
  return written[0]!;
}

export async function listAuditEvents(db: PgDb, query: AuditQuery): Promise<AuditEvent[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const filters: [string, unknown][] = [
    ['entity_type', query.entityType],
    ['entity_id', query.entityId],
    ['consumer_id', query.consumerId],
  ];
  for (const [column, value] of filters) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  }
  if (query.beforeSeq !== undefined) {
    params.push(query.beforeSeq);
    where.push(`seq < $${params.length}`);
  }
  params.push(pageLimit(query.limit));
  const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  return (await db.rows(`SELECT * FROM audit_events ${clause} ORDER BY seq DESC LIMIT $${params.length}`, params)).map(toAuditEvent);
}

export async function changesSince(db: PgDb, seq: number, limit: number): Promise<Change[]> {
  const found = await db.rows(
    'SELECT seq, at, action, entity_type, entity_id, consumer_id FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2',
    [seq, limit],
  );
  return found.map(toChange);
}

export async function latestChangeSeq(db: PgDb): Promise<number> {
  const row = await db.one('SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_events');
  return Number(row!.seq);
}
