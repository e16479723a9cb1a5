/**
 * What the admin API and the CLI show of stored records: snake_case, ISO 8601 times, and
 * nothing secret. Key hashes and sealed secrets are left out; a connection shows when its
 * credentials were last written, never what they are.
 */
import { apiKeyStatus } from '../../secrets/api-keys.js';
import { credentialStrategy } from '../../pipeline/upstream/credentials/strategies.js';
import type { ApiKey, AuditEvent, Connection, Consumer, JsonObject } from '../../store/state/types.js';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function consumerView(c: Consumer): JsonObject {
  return { id: c.id, name: c.name, metadata: c.metadata, enabled: c.enabled, created_at: iso(c.createdAt), updated_at: iso(c.updatedAt) };
}

export function apiKeyView(k: ApiKey, now: Date = new Date()): JsonObject {
  return {
    id: k.id,
    consumer_id: k.consumerId,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    status: apiKeyStatus(k, now),
    expires_at: iso(k.expiresAt),
    revoked_at: iso(k.revokedAt),
    created_at: iso(k.createdAt),
  };
}

export function connectionView(c: Connection): JsonObject {
  return {
    id: c.id,
    consumer_id: c.consumerId,
    name: c.name,
    kind: c.kind,
    target: c.target,
    base_url: c.baseUrl,
    auth_strategy: c.authStrategy,
    auth_settings: c.authSettings,
    credential_fields: credentialFields(c),
    status: c.status,
    status_reason: c.statusReason,
    last_refresh_at: iso(c.lastRefreshAt),
    token_expires_at: iso(c.tokenExpiresAt),
    credentials_updated_at: iso(c.credentialsUpdatedAt),
    oauth_tokens_updated_at: iso(c.oauthTokensUpdatedAt),
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
  };
}

export function auditView(e: AuditEvent): JsonObject {
  const details: JsonObject = {};
  for (const [key, value] of Object.entries(e.details)) details[snake(key)] = value;
  return {
    seq: e.seq,
    at: iso(e.at),
    actor: e.actor,
    action: e.action,
    entity_type: e.entityType,
    entity_id: e.entityId,
    consumer_id: e.consumerId,
    details,
  };
}

/** What the strategy needs; [] for an unknown strategy or settings it cannot read (a read must not fail on them). */
function credentialFields(c: Connection): readonly string[] {
  try {
    return credentialStrategy(c.authStrategy)?.credentialFields(c.authSettings) ?? [];
  } catch {
    return [];
  }
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
