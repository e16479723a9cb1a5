/** PostgreSQL: sealed secrets of connections, and the OAuth refresh outcomes that go with them. */
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
import { one, rows, type PgDb, type Sql } from './pg-db.js';
import { CONNECTION_SELECT, toConnection, toSecret } from './rows.js';

export async function readConnection(sql: Sql, id: string, lock = false): Promise<Connection | undefined> {
  const row = await one(sql, `${CONNECTION_SELECT} WHERE c.id = $1${lock ? ' FOR UPDATE OF c' : ''}`, [id]);
  return row && toConnection(row);
}

export async function upsertSecret(sql: Sql, connectionId: string, purpose: SecretPurpose, sealed: SealedSecret, now: Date): Promise<StoredSecret> {
  const row = await one(
    sql,
    `INSERT INTO connection_secrets (connection_id, purpose, key_id, ciphertext, version, updated_at) VALUES ($1, $2, $3, $4, 1, $5)
     ON CONFLICT (connection_id, purpose) DO UPDATE SET key_id = EXCLUDED.key_id, ciphertext = EXCLUDED.ciphertext,
       version = connection_secrets.version + 1, updated_at = EXCLUDED.updated_at
     RETURNING *`,
    [connectionId, purpose, sealed.keyId, sealed.ciphertext, now],
  );
  return toSecret(row!);
}

export function putSecret(db: PgDb, connectionId: string, purpose: SecretPurpose, sealed: SealedSecret, actor: Actor): Promise<StoredSecret> {
  checkPurpose(purpose);
  return db.tx(async (sql, events) => {
    const c = await readConnection(sql, connectionId, true);
    if (c === undefined) throw notFound('connection', connectionId);
    const stored = await upsertSecret(sql, connectionId, purpose, sealed, new Date());
    events.push(audit.connection(`${purpose}.set`, c, actor, { keyId: stored.keyId, version: stored.version }));
    return stored;
  });
}

export async function getSecret(db: PgDb, connectionId: string, purpose: SecretPurpose): Promise<StoredSecret | undefined> {
  const row = await db.one('SELECT * FROM connection_secrets WHERE connection_id = $1 AND purpose = $2', [connectionId, purpose]);
  return row && toSecret(row);
}

export function deleteSecret(db: PgDb, connectionId: string, purpose: SecretPurpose, actor: Actor): Promise<boolean> {
  return db.tx(async (sql, events) => {
    const c = await readConnection(sql, connectionId, true);
    if (c === undefined) return false;
    const result = await sql.query('DELETE FROM connection_secrets WHERE connection_id = $1 AND purpose = $2', [connectionId, purpose]);
    if (result.rowCount === 0) return false;
    events.push(audit.connection(`${purpose}.delete`, c, actor));
    return true;
  });
}

export function saveOAuthTokens(db: PgDb, connectionId: string, update: OAuthTokenUpdate, actor: Actor, lease?: Lease): Promise<Connection> {
  return db.tx(async (sql, events) => {
    if (lease !== undefined) await requireLease(sql, lease);
    const c = await readConnection(sql, connectionId, true);
    if (c === undefined) throw notFound('connection', connectionId);
    const now = new Date();
    const stored = await upsertSecret(sql, connectionId, 'oauth_tokens', update.sealed, now);
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
    await sql.query(
      'UPDATE connections SET status = $1, status_reason = $2, last_refresh_at = $3, token_expires_at = $4, updated_at = $5 WHERE id = $6',
      [next.status, next.statusReason, next.lastRefreshAt, next.tokenExpiresAt, now, connectionId],
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

export function markNeedsReauth(db: PgDb, connectionId: string, reason: string, actor: Actor, lease?: Lease): Promise<Connection | undefined> {
  return db.tx(async (sql, events) => {
    if (lease !== undefined) await requireLease(sql, lease);
    const c = await readConnection(sql, connectionId, true);
    if (c === undefined) return undefined;
    const statusReason = checkReason(reason);
    if (c.status === 'disabled' || (c.status === 'needs_reauth' && c.statusReason === statusReason)) return c;
    const next: Connection = { ...c, status: 'needs_reauth', statusReason, updatedAt: new Date() };
    await sql.query("UPDATE connections SET status = 'needs_reauth', status_reason = $1, updated_at = $2 WHERE id = $3", [
      statusReason,
      next.updatedAt,
      connectionId,
    ]);
    events.push(audit.connection('needs_reauth', c, actor, { reason: statusReason }));
    return next;
  });
}

export async function listSecrets(db: PgDb, query: SecretQuery): Promise<StoredSecret[]> {
  const found = await db.rows(
    `SELECT * FROM connection_secrets WHERE ($1::text IS NULL OR key_id <> $1) AND (connection_id, purpose) > ($2, $3)
     ORDER BY connection_id, purpose LIMIT $4`,
    [query.notKeyId ?? null, query.after?.connectionId ?? '', query.after?.purpose ?? '', query.limit],
  );
  return found.map(toSecret);
}

/** Rotation keeps updated_at: admins read it as "credentials last set", which rotation does not change. */
export async function replaceSecretCiphertext(db: PgDb, connectionId: string, purpose: SecretPurpose, expectedVersion: number, sealed: SealedSecret): Promise<boolean> {
  const result = await db.pool.query(
    `UPDATE connection_secrets SET key_id = $1, ciphertext = $2, version = version + 1
     WHERE connection_id = $3 AND purpose = $4 AND version = $5`,
    [sealed.keyId, sealed.ciphertext, connectionId, purpose, expectedVersion],
  );
  return result.rowCount === 1;
}

export async function countSecretsByKey(db: PgDb): Promise<Map<string, number>> {
  const found = await db.rows('SELECT key_id, COUNT(*) AS n FROM connection_secrets GROUP BY key_id');
  return new Map(found.map((r) => [r.key_id as string, Number(r.n)]));
}

/** Locks the lease row until commit, so it cannot be taken over between this check and the write. */
export async function requireLease(sql: Sql, lease: Lease): Promise<void> {
  const held = await rows(
    sql,
    'SELECT 1 FROM leases WHERE name = $1 AND holder = $2 AND fence = $3 AND expires_at > clock_timestamp() FOR UPDATE',
    [lease.name, lease.holder, lease.fence],
  );
  if (held.length === 0) throw leaseLost(lease);
}
