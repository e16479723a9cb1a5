/** SQLite: sealed secrets of connections, and the OAuth refresh outcomes that go with them. */
import { audit, checkPurpose, checkReason, leaseLost, notFound } from '../records.js';
import type {
  Actor,
  Connection,
  Lease,
  OAuthTokenUpdate,
  SealedSecret,
  SecretPurpose,
  SecretQuery,
  StoredSecret,
} from '../types.js';
import type { SqliteDb } from './db.js';
import { CONNECTION_SELECT, ms, toConnection, toSecret } from './rows.js';

export function readConnection(db: SqliteDb, id: string): Connection | undefined {
  const row = db.get(`${CONNECTION_SELECT} WHERE c.id = ?`, id);
  return row && toConnection(row);
}

export function upsertSecret(db: SqliteDb, connectionId: string, purpose: SecretPurpose, sealed: SealedSecret, now: Date): StoredSecret {
  const row = db.get(
    `INSERT INTO connection_secrets (connection_id, purpose, key_id, ciphertext, version, updated_at) VALUES (?, ?, ?, ?, 1, ?)
     ON CONFLICT (connection_id, purpose) DO UPDATE SET key_id = excluded.key_id, ciphertext = excluded.ciphertext,
       version = connection_secrets.version + 1, updated_at = excluded.updated_at
     RETURNING *`,
    connectionId, purpose, sealed.keyId, sealed.ciphertext, ms(now),
  );
  return toSecret(row!);
}

export function putSecret(db: SqliteDb, connectionId: string, purpose: SecretPurpose, sealed: SealedSecret, actor: Actor): StoredSecret {
  checkPurpose(purpose);
  return db.tx((events) => {
    const c = readConnection(db, connectionId);
    if (c === undefined) throw notFound('connection', connectionId);
    const stored = upsertSecret(db, connectionId, purpose, sealed, new Date());
    events.push(audit.connection(`${purpose}.set`, c, actor, { keyId: stored.keyId, version: stored.version }));
    return stored;
  });
}

export function getSecret(db: SqliteDb, connectionId: string, purpose: SecretPurpose): StoredSecret | undefined {
  const row = db.get('SELECT * FROM connection_secrets WHERE connection_id = ? AND purpose = ?', connectionId, purpose);
  return row && toSecret(row);
}

export function deleteSecret(db: SqliteDb, connectionId: string, purpose: SecretPurpose, actor: Actor): boolean {
  return db.tx((events) => {
    const c = readConnection(db, connectionId);
    if (c === undefined) return false;
    const result = db.run('DELETE FROM connection_secrets WHERE connection_id = ? AND purpose = ?', connectionId, purpose);
    if (result.changes === 0) return false;
    events.push(audit.connection(`${purpose}.delete`, c, actor));
    return true;
  });
}

export function saveOAuthTokens(db: SqliteDb, connectionId: string, update: OAuthTokenUpdate, actor: Actor, lease?: Lease): Connection {
  return db.tx((events) => {
    if (lease !== undefined) requireLease(db, lease);
    const c = readConnection(db, connectionId);
    if (c === undefined) throw notFound('connection', connectionId);
    const now = new Date();
    const stored = upsertSecret(db, connectionId, 'oauth_tokens', update.sealed, now);
    const reactivate = c.status === 'needs_reauth';
    const next: Connection = {
      ...c,
      status: reactivate ? 'active' : c.status,
      statusReason: reactivate ? null : c.statusReason,
      lastRefreshAt: update.refreshedAt ?? now,
      tokenExpiresAt: update.expiresAt,
      oauthTokensUpdatedAt: now,
      updatedAt: now,
    };
    db.run(
      'UPDATE connections SET status = ?, status_reason = ?, last_refresh_at = ?, token_expires_at = ?, updated_at = ? WHERE id = ?',
      next.status, next.statusReason, ms(next.lastRefreshAt), ms(next.tokenExpiresAt), ms(now), connectionId,
    );
    events.push(
      audit.connection('oauth_tokens.refresh', c, actor, {
        keyId: stored.keyId,
        expiresAt: update.expiresAt?.toISOString() ?? null,
        status: next.status,
      }),
    );
    return next;
  });
}

export function markNeedsReauth(db: SqliteDb, connectionId: string, reason: string, actor: Actor, lease?: Lease): Connection | undefined {
  return db.tx((events) => {
    if (lease !== undefined) requireLease(db, lease);
    const c = readConnection(db, connectionId);
    if (c === undefined) return undefined;
    const statusReason = checkReason(reason);
    if (c.status === 'disabled' || (c.status === 'needs_reauth' && c.statusReason === statusReason)) return c;
    const next: Connection = { ...c, status: 'needs_reauth', statusReason, updatedAt: new Date() };
    db.run(
      "UPDATE connections SET status = 'needs_reauth', status_reason = ?, updated_at = ? WHERE id = ?",
      statusReason, ms(next.updatedAt), connectionId,
    );
    events.push(audit.connection('needs_reauth', c, actor, { reason: statusReason }));
    return next;
  });
}

export function listSecrets(db: SqliteDb, query: SecretQuery): StoredSecret[] {
  return db
    .all(
      `SELECT * FROM connection_secrets WHERE (? IS NULL OR key_id <> ?) AND (connection_id, purpose) > (?, ?)
       ORDER BY connection_id, purpose LIMIT ?`,
      query.notKeyId ?? null, query.notKeyId ?? null, query.after?.connectionId ?? '', query.after?.purpose ?? '', query.limit,
    )
    .map(toSecret);
}

/** Rotation keeps updated_at: admins read it as "credentials last set", which rotation does not change. */
export function replaceSecretCiphertext(db: SqliteDb, connectionId: string, purpose: SecretPurpose, expectedVersion: number, sealed: SealedSecret): boolean {
  const result = db.run(
    `UPDATE connection_secrets SET key_id = ?, ciphertext = ?, version = version + 1
     WHERE connection_id = ? AND purpose = ? AND version = ?`,
    sealed.keyId, sealed.ciphertext, connectionId, purpose, expectedVersion,
  );
  return result.changes === 1;
}

export function countSecretsByKey(db: SqliteDb): Map<string, number> {
  const rows = db.all('SELECT key_id, COUNT(*) AS n FROM connection_secrets GROUP BY key_id');
  return new Map(rows.map((r) => [r.key_id as string, Number(r.n)]));
}

export function requireLease(db: SqliteDb, lease: Lease): void {
  const held = db.get(
    'SELECT 1 AS held FROM leases WHERE name = ? AND holder = ? AND fence = ? AND expires_at > ?',
    lease.name, lease.holder, lease.fence, Date.now(),
  );
  if (held === undefined) throw leaseLost(lease);
}
