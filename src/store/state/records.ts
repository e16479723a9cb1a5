/**
 * What both backends share: building and patching records, input checks, and the audit
 * events each mutation writes. Backends only move rows, so both record the same facts.
 * Audit details carry names and ids, never secret material or free-form settings.
 */
import { newId } from './ids.js';
import {
  StateStoreError,
  type Actor,
  type ApiKey,
  type Connection,
  type ConnectionPatch,
  type Consumer,
  type ConsumerPatch,
  type JsonObject,
  type NewApiKey,
  type NewAuditEvent,
  type NewConnection,
  type NewConsumer,
  type SecretPurpose,
} from './types.js';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;
const MAX_REASON = 500;
const KINDS = new Set(['upstream', 'platform']);
const PURPOSES = new Set(['credentials', 'oauth_tokens']);

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  return Math.max(1, Math.min(MAX_PAGE, Math.floor(limit)));
}

export function buildConsumer(input: NewConsumer, now: Date): Consumer {
  return {
    id: input.id ?? newId('cons', now.getTime()),
    name: checkName(input.name, 'consumer name'),
    metadata: checkObject(input.metadata ?? {}, 'metadata'),
    enabled: input.enabled ?? true,
    createdAt: now,
    updatedAt: now,
  };
}

export function patchConsumer(current: Consumer, patch: ConsumerPatch, now: Date): { next: Consumer; changed: string[] } {
  const next: Consumer = {
    ...current,
    name: patch.name === undefined ? current.name : checkName(patch.name, 'consumer name'),
    metadata: patch.metadata === undefined ? current.metadata : checkObject(patch.metadata, 'metadata'),
    enabled: patch.enabled ?? current.enabled,
  };
  const changed = changedFields(current, next, ['name', 'metadata', 'enabled']);
  return { next: changed.length === 0 ? current : { ...next, updatedAt: now }, changed };
}

export function buildApiKey(input: NewApiKey, now: Date): ApiKey {
  if (!/^[A-Za-z0-9_]{8,64}$/.test(input.prefix)) throw invalid('API key prefix must be 8-64 characters [A-Za-z0-9_]');
  if (typeof input.hash !== 'string' || input.hash.length < 32) throw invalid('API key hash is missing');
  return {
    id: input.id ?? newId('key', now.getTime()),
    consumerId: input.consumerId,
    name: input.name ?? null,
    prefix: input.prefix,
    hash: input.hash,
    scopes: checkObject(input.scopes ?? {}, 'scopes'),
    expiresAt: input.expiresAt ?? null,
    revokedAt: null,
    createdAt: now,
  };
}

export function buildConnection(input: NewConnection, now: Date): Connection {
  if (input.credentials !== undefined && input.id === undefined) {
    throw invalid('a connection created with credentials needs its id: the ciphertext is bound to it');
  }
  if (!KINDS.has(input.kind)) throw invalid(`connection kind must be upstream or platform`);
  return {
    id: input.id ?? newId('conn', now.getTime()),
    consumerId: input.consumerId,
    name: input.name ?? null,
    kind: input.kind,
    target: checkName(input.target, 'connection target'),
    baseUrl: checkBaseUrl(input.baseUrl ?? null),
    authStrategy: checkName(input.authStrategy, 'auth strategy'),
    authSettings: checkObject(input.authSettings ?? {}, 'authSettings'),
    status: 'active',
    statusReason: null,
    lastRefreshAt: null,
    tokenExpiresAt: null,
    credentialsUpdatedAt: input.credentials === undefined ? null : now,
    oauthTokensUpdatedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

export function patchConnection(current: Connection, patch: ConnectionPatch, now: Date): { next: Connection; changed: string[] } {
  if (patch.status !== undefined && patch.status !== 'active' && patch.status !== 'disabled') {
    throw invalid('status can be set to active or disabled; needs_reauth comes from a failed refresh');
  }
  const status = patch.status ?? current.status;
  const next: Connection = {
    ...current,
    name: patch.name === undefined ? current.name : patch.name,
    baseUrl: patch.baseUrl === undefined ? current.baseUrl : checkBaseUrl(patch.baseUrl),
    authStrategy: patch.authStrategy === undefined ? current.authStrategy : checkName(patch.authStrategy, 'auth strategy'),
    authSettings: patch.authSettings === undefined ? current.authSettings : checkObject(patch.authSettings, 'authSettings'),
    status,
    statusReason:
      patch.statusReason !== undefined ? checkReason(patch.statusReason) : status === 'active' ? null : current.statusReason,
  };
  const changed = changedFields(current, next, ['name', 'baseUrl', 'authStrategy', 'authSettings', 'status', 'statusReason']);
  return { next: changed.length === 0 ? current : { ...next, updatedAt: now }, changed };
}

export function checkPurpose(purpose: SecretPurpose): SecretPurpose {
  if (!PURPOSES.has(purpose)) throw invalid('secret purpose must be credentials or oauth_tokens');
  return purpose;
}

export function checkReason(reason: string | null): string | null {
  if (reason === null) return null;
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
}

/** The audit events each mutation writes (also the change feed entries). */
export const audit = {
  consumer(action: 'create' | 'update' | 'delete', c: Consumer, actor: Actor, changed?: string[]): NewAuditEvent {
    const details: JsonObject = action === 'update' ? { changed } : { name: c.name, enabled: c.enabled };
    return { actor, action: `consumer.${action}`, entityType: 'consumer', entityId: c.id, consumerId: c.id, details };
  },
  apiKey(action: 'create' | 'revoke' | 'delete', k: ApiKey, actor: Actor, extra: JsonObject = {}): NewAuditEvent {
    const details: JsonObject =
      action === 'create'
        ? { prefix: k.prefix, name: k.name, scopes: k.scopes, expiresAt: k.expiresAt?.toISOString() ?? null }
        : { prefix: k.prefix, ...extra };
    return { actor, action: `api_key.${action}`, entityType: 'api_key', entityId: k.id, consumerId: k.consumerId, details };
  },
  connection(action: string, c: Pick<Connection, 'id' | 'consumerId'>, actor: Actor, details: JsonObject = {}): NewAuditEvent {
    return { actor, action: `connection.${action}`, entityType: 'connection', entityId: c.id, consumerId: c.consumerId, details };
  },
};

export function connectionCreatedDetails(c: Connection): JsonObject {
  return { kind: c.kind, target: c.target, authStrategy: c.authStrategy, credentials: c.credentialsUpdatedAt !== null };
}

export function notFound(what: string, id: string): StateStoreError {
  return new StateStoreError('NOT_FOUND', `${what} ${id} does not exist`);
}

export function leaseLost(lease: { name: string }): StateStoreError {
  return new StateStoreError('LEASE_LOST', `lease ${lease.name} is no longer held; another holder may have taken over`);
}

export function invalid(message: string): StateStoreError {
  return new StateStoreError('INVALID_INPUT', message);
}

function checkName(value: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) throw invalid(`${what} must be 1-200 characters`);
  return value;
}

function checkObject<T extends object>(value: T, what: string): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(`${what} must be an object`);
  return value;
}

/** User info in a URL would be a secret stored in clear and echoed by admin reads. */
function checkBaseUrl(value: string | null): string | null {
  if (value === null) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('baseUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('baseUrl must be an absolute http(s) URL');
  if (url.username !== '' || url.password !== '') {
    throw invalid('baseUrl must not contain user info: put credentials in the connection credentials');
  }
  return value;
}

function changedFields<T extends object>(before: T, after: T, fields: (keyof T & string)[]): string[] {
  return fields.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}
