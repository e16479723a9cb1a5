/** PostgreSQL rows ↔ records: pg returns timestamptz as Date, jsonb parsed, and bigint as a string. */
import type { ApiKey, AuditEvent, Change, Connection, Consumer, Lease, StoredSecret } from '../types.js';

export type Row = Record<string, unknown>;

export const CONNECTION_SELECT = `SELECT c.*,
  (SELECT updated_at FROM connection_secrets s WHERE s.connection_id = c.id AND s.purpose = 'credentials') AS credentials_updated_at,
  (SELECT updated_at FROM connection_secrets s WHERE s.connection_id = c.id AND s.purpose = 'oauth_tokens') AS oauth_tokens_updated_at
FROM connections c`;

function dateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : (value as Date);
}

export function toConsumer(r: Row): Consumer {
  return {
    id: r.id as string,
    name: r.name as string,
    metadata: r.metadata as Consumer['metadata'],
    enabled: r.enabled as boolean,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

export function toApiKey(r: Row): ApiKey {
  return {
    id: r.id as string,
    consumerId: r.consumer_id as string,
    name: (r.name as string | null) ?? null,
    prefix: r.prefix as string,
    hash: r.hash as string,
    scopes: r.scopes as ApiKey['scopes'],
    expiresAt: dateOrNull(r.expires_at),
    revokedAt: dateOrNull(r.revoked_at),
    createdAt: r.created_at as Date,
  };
}

export function toConnection(r: Row): Connection {
  return {
    id: r.id as string,
    consumerId: r.consumer_id as string,
    name: (r.name as string | null) ?? null,
    kind: r.kind as Connection['kind'],
    target: r.target as string,
    baseUrl: (r.base_url as string | null) ?? null,
    authStrategy: r.auth_strategy as string,
    authSettings: r.auth_settings as Connection['authSettings'],
    status: r.status as Connection['status'],
    statusReason: (r.status_reason as string | null) ?? null,
    lastRefreshAt: dateOrNull(r.last_refresh_at),
    tokenExpiresAt: dateOrNull(r.token_expires_at),
    credentialsUpdatedAt: dateOrNull(r.credentials_updated_at),
    oauthTokensUpdatedAt: dateOrNull(r.oauth_tokens_updated_at),
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

export function toSecret(r: Row): StoredSecret {
  return {
    connectionId: r.connection_id as string,
    purpose: r.purpose as StoredSecret['purpose'],
    keyId: r.key_id as string,
    ciphertext: r.ciphertext as string,
    version: Number(r.version),
    updatedAt: r.updated_at as Date,
  };
}

export function toAuditEvent(r: Row): AuditEvent {
  return { ...toChange(r), actor: r.actor as string, details: r.details as AuditEvent['details'] };
}

export function toChange(r: Row): Change {
  return {
    seq: Number(r.seq),
    at: r.at as Date,
    action: r.action as string,
    entityType: r.entity_type as string,
    entityId: r.entity_id as string,
    consumerId: (r.consumer_id as string | null) ?? null,
  };
}

export function toLease(r: Row): Lease {
  return { name: r.name as string, holder: r.holder as string, fence: Number(r.fence), expiresAt: r.expires_at as Date };
}
