/**
 * SQLite: leases and the audit log / change feed. SQLite lives on one machine, so the
 * process clock is the lease clock; writers are serialized by SQLite, so seq order is
 * commit order.
 */
import { pageLimit } from '../records.js';
import type { AuditEvent, AuditQuery, Change, Lease, NewAuditEvent } from '../types.js';
import type { SqliteDb } from './db.js';
import { toAuditEvent, toChange, toLease } from './rows.js';

export function acquireLease(db: SqliteDb, name: string, holder: string, ttlMs: number): Lease | undefined {
  const now = Date.now();
  const row = db.get(
    `INSERT INTO leases (name, holder, fence, expires_at) VALUES (?, ?, 1, ?)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, fence = leases.fence + 1, expires_at = excluded.expires_at
     WHERE leases.expires_at <= ?
     RETURNING *`,
    name, holder, now + ttlMs, now,
  );
  return row && toLease(row);
}

export function renewLease(db: SqliteDb, lease: Lease, ttlMs: number): Lease | undefined {
  const now = Date.now();
  const row = db.get(
    'UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND fence = ? AND expires_at > ? RETURNING *',
    now + ttlMs, lease.name, lease.holder, lease.fence, now,
  );
  return row && toLease(row);
}

/** Expires rather than deletes, so the fence keeps counting up across holders. */
export function releaseLease(db: SqliteDb, lease: Lease): void {
  db.run('UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ? AND fence = ?', lease.name, lease.holder, lease.fence);
}

export function recordAudit(db: SqliteDb, event: NewAuditEvent): AuditEvent {
  return db.write((events) => events.push(event)).written[0]!;
}

export function listAuditEvents(db: SqliteDb, query: AuditQuery): AuditEvent[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const filters: [string, unknown][] = [
    ['entity_type = ?', query.entityType],
    ['entity_id = ?', query.entityId],
    ['consumer_id = ?', query.consumerId],
    ['seq < ?', query.beforeSeq],
  ];
  for (const [sql, value] of filters) {
    if (value === undefined) continue;
    where.push(sql);
    params.push(value);
  }
  const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  return db.all(`SELECT * FROM audit_events ${clause} ORDER BY seq DESC LIMIT ?`, ...params, pageLimit(query.limit)).map(toAuditEvent);
}

export function changesSince(db: SqliteDb, seq: number, limit: number): Change[] {
  return db
    .all('SELECT seq, at, action, entity_type, entity_id, consumer_id FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?', seq, limit)
    .map(toChange);
}

export function latestChangeSeq(db: SqliteDb): number {
  return Number(db.get('SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_events')!.seq);
}
