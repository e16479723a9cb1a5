/**
 * The durable state store: consumers, their API keys, connections and their encrypted
 * secrets, OAuth token metadata, leases, and the audit log, which doubles as the change feed
 * that lets caches on every instance drop what changed.
 *
 * Backends: SQLite (default, one process) and PostgreSQL (any number of instances). Both
 * pass the one contract suite in contract.ts. Every mutation writes its audit event in the
 * same transaction, so the log and the feed never miss a change.
 *
 * The store never sees plaintext secrets: it keeps SealedSecret values that src/secrets
 * produced, bound to their connection id and purpose.
 */

/** Who made a change, for the audit log: `admin`, `cli`, `system:oauth-refresh`, `consumer:<id>`… */
export type Actor = string;

export type JsonObject = Record<string, unknown>;

export interface PageRequest {
  /** At most this many rows (default 100, at most 1000). */
  limit?: number;
  /** Rows whose id sorts after this one (ids sort by creation time). */
  after?: string;
}

// Consumers: one tenant of the gateway.

export interface Consumer {
  id: string;
  name: string;
  metadata: JsonObject;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewConsumer {
  /** Defaults to a fresh `cons_…` id. */
  id?: string;
  name: string;
  metadata?: JsonObject;
  enabled?: boolean;
}

export type ConsumerPatch = Partial<Pick<Consumer, 'name' | 'metadata' | 'enabled'>>;

// API keys: the key itself is never stored (see src/secrets/api-keys.ts).

/** What a key may reach; an absent list means "all". */
export interface ApiKeyScopes {
  /** Route names. */
  routes?: string[];
  /** Connection ids. */
  connections?: string[];
}

export interface ApiKey {
  id: string;
  consumerId: string;
  name: string | null;
  /** Non-secret lookup prefix, e.g. `ug_live_8k2m4n6p9q`; unique. */
  prefix: string;
  /** Hash of the full key. Not a secret, but admin views leave it out. */
  hash: string;
  scopes: ApiKeyScopes;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export interface NewApiKey {
  /** Defaults to a fresh `key_…` id. */
  id?: string;
  consumerId: string;
  name?: string | null;
  prefix: string;
  hash: string;
  scopes?: ApiKeyScopes;
  expiresAt?: Date | null;
}

// Connections: an upstream (or commerce platform) bound to one consumer's credentials.

export type ConnectionKind = 'upstream' | 'platform';
export type ConnectionStatus = 'active' | 'needs_reauth' | 'disabled';

export interface Connection {
  id: string;
  consumerId: string;
  name: string | null;
  kind: ConnectionKind;
  /** Upstream name (kind `upstream`) or platform name such as `shopify` (kind `platform`). */
  target: string;
  /** http(s) URL without user info; credentials belong in the sealed credential set. */
  baseUrl: string | null;
  /** Credential-injection strategy, e.g. `header`, `bearer`, `oauth2_refresh_token`. */
  authStrategy: string;
  /** The strategy's non-secret settings (header name, token URL, scopes…). */
  authSettings: JsonObject;
  status: ConnectionStatus;
  /** Why the status is not `active`, for admins (e.g. the failed refresh). */
  statusReason: string | null;
  lastRefreshAt: Date | null;
  /** Access-token expiry, in clear so refreshes can be scheduled without decrypting. */
  tokenExpiresAt: Date | null;
  /** When the sealed credential set / token set was last written; null when there is none. */
  credentialsUpdatedAt: Date | null;
  oauthTokensUpdatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewConnection {
  /** Defaults to a fresh `conn_…` id; required with `credentials`, which are bound to it. */
  id?: string;
  consumerId: string;
  name?: string | null;
  kind: ConnectionKind;
  target: string;
  baseUrl?: string | null;
  authStrategy: string;
  authSettings?: JsonObject;
  /** Sealed for (this id, `credentials`), stored in the same transaction. */
  credentials?: SealedSecret;
}

/** `needs_reauth` is set by markNeedsReauth, not by a patch. Setting `active` clears the reason. */
export type ConnectionPatch = Partial<Pick<Connection, 'name' | 'baseUrl' | 'authStrategy' | 'authSettings'>> & {
  status?: 'active' | 'disabled';
  statusReason?: string | null;
};

// Secrets: opaque to the store.

/** `credentials`: the connection's credential set; `oauth_tokens`: its OAuth token set. */
export type SecretPurpose = 'credentials' | 'oauth_tokens';

/** An envelope from src/secrets: AES-256-GCM, bound to (connection id, purpose). */
export interface SealedSecret {
  /** Master key the envelope was sealed with (also inside the envelope); indexed for rotation. */
  keyId: string;
  /** The base64url envelope. */
  ciphertext: string;
}

export interface StoredSecret extends SealedSecret {
  connectionId: string;
  purpose: SecretPurpose;
  /** Incremented on every write; rotation swaps ciphertexts only if it is unchanged. */
  version: number;
  updatedAt: Date;
}

/** Plaintext inside an `oauth_tokens` envelope. Exists only in memory while injecting. */
export interface OAuthTokenSet {
  accessToken: string;
  refreshToken?: string;
  tokenType?: string;
  scope?: string;
  /** ISO 8601. */
  expiresAt?: string;
}

export interface OAuthTokenUpdate {
  /** The new token set, sealed for (connection id, `oauth_tokens`). */
  sealed: SealedSecret;
  /** Defaults to now. */
  refreshedAt?: Date;
  expiresAt: Date | null;
}

/** Keyset cursor over secrets, for rotation batches. */
export interface SecretCursor {
  connectionId: string;
  purpose: SecretPurpose;
}

export interface SecretQuery {
  /** Only secrets sealed under a different key (rotation's work list). */
  notKeyId?: string;
  after?: SecretCursor;
  limit: number;
}

// Leases: one holder at a time per name, across instances; expire unless renewed.

export interface Lease {
  name: string;
  /** Unique per acquisition attempt (see lease.ts). */
  holder: string;
  /** Increases with every acquisition of this name: a fencing token. */
  fence: number;
  expiresAt: Date;
}

// Idempotent answers: the first answer to a write sent with an Idempotency-Key, replayed to
// its retries until it expires. Kept here, not in the shared cache, so that neither a cache
// purge, nor eviction, nor a Redis restart can let a retried write be applied twice.

export interface IdempotentAnswer {
  /** What the first request was (operation, target, body), to refuse the key's reuse for another. */
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  expiresAt: Date;
}

export interface NewIdempotentAnswer extends Omit<IdempotentAnswer, 'expiresAt'> {
  /** The connection the write went to: deleting it deletes its answers. */
  connectionId: string;
  ttlMs: number;
}

// Audit log and change feed.

export interface AuditEvent {
  /** Position in the change feed: strictly increasing in commit order. */
  seq: number;
  at: Date;
  actor: Actor;
  /** `consumer.create`, `api_key.revoke`, `connection.needs_reauth`, `secrets.rotate`… */
  action: string;
  entityType: 'consumer' | 'api_key' | 'connection' | 'keyring' | (string & {});
  entityId: string;
  consumerId: string | null;
  /** Non-secret facts: changed field names, key prefix, key id, status reason. */
  details: JsonObject;
}

export type NewAuditEvent = Omit<AuditEvent, 'seq' | 'at' | 'consumerId' | 'details'> & {
  consumerId?: string | null;
  details?: JsonObject;
};

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  consumerId?: string;
  /** Newest first; events older than this seq (cursor for the next page). */
  beforeSeq?: number;
  limit?: number;
}

/** What a cache needs to know: which entity changed. */
export type Change = Pick<AuditEvent, 'seq' | 'at' | 'action' | 'entityType' | 'entityId' | 'consumerId'>;

export type ChangeListener = (changes: Change[]) => void | Promise<void>;

export interface WatchOptions {
  /** Start after this seq; defaults to the latest at subscription time. */
  fromSeq?: number;
  /**
   * Poll period, the staleness bound when notifications are lost (default 1000 ms).
   * PostgreSQL also pushes LISTEN/NOTIFY wake-ups, usually within milliseconds of commit.
   */
  pollIntervalMs?: number;
  onError?: (err: unknown) => void;
}

export interface ChangeSubscription {
  /** Last seq delivered. */
  readonly seq: number;
  /**
   * Start time (ms) of the last successful sync: every change committed before it has
   * been delivered. A cache should stop trusting entries when this falls too far behind.
   */
  readonly syncedAt: number;
  /** Fetches and delivers pending changes now. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface MigrationReport {
  /** Versions applied by this open, in order; empty when the schema was current. */
  applied: number[];
  /** Schema version after opening. */
  current: number;
}

export interface StateStore {
  readonly backend: 'sqlite' | 'postgres';
  readonly migrations: MigrationReport;

  createConsumer(input: NewConsumer, actor: Actor): Promise<Consumer>;
  getConsumer(id: string): Promise<Consumer | undefined>;
  listConsumers(page?: PageRequest): Promise<Consumer[]>;
  updateConsumer(id: string, patch: ConsumerPatch, actor: Actor): Promise<Consumer | undefined>;
  /** Also deletes its API keys and connections, each with its own audit event. */
  deleteConsumer(id: string, actor: Actor): Promise<boolean>;

  /** Throws NOT_FOUND for an unknown consumer, CONFLICT for a duplicate prefix. */
  createApiKey(input: NewApiKey, actor: Actor): Promise<ApiKey>;
  getApiKey(id: string): Promise<ApiKey | undefined>;
  /** The authentication lookup: one unique-index read. Returns revoked and expired keys too. */
  findApiKeyByPrefix(prefix: string): Promise<ApiKey | undefined>;
  listApiKeys(consumerId: string): Promise<ApiKey[]>;
  /** Idempotent: a second revoke keeps the first time and records nothing. */
  revokeApiKey(id: string, actor: Actor): Promise<ApiKey | undefined>;
  deleteApiKey(id: string, actor: Actor): Promise<boolean>;

  createConnection(input: NewConnection, actor: Actor): Promise<Connection>;
  getConnection(id: string): Promise<Connection | undefined>;
  listConnections(filter?: PageRequest & { consumerId?: string }): Promise<Connection[]>;
  updateConnection(id: string, patch: ConnectionPatch, actor: Actor): Promise<Connection | undefined>;
  deleteConnection(id: string, actor: Actor): Promise<boolean>;

  /** Replaces the sealed secret; throws NOT_FOUND for an unknown connection. */
  putSecret(connectionId: string, purpose: SecretPurpose, sealed: SealedSecret, actor: Actor): Promise<StoredSecret>;
  getSecret(connectionId: string, purpose: SecretPurpose): Promise<StoredSecret | undefined>;
  deleteSecret(connectionId: string, purpose: SecretPurpose, actor: Actor): Promise<boolean>;

  /**
   * After a successful refresh: stores the sealed token set, sets lastRefreshAt and
   * tokenExpiresAt, and moves `needs_reauth` back to `active` (`disabled` stays).
   * With `lease`, throws LEASE_LOST unless that lease is still held, so a holder whose
   * lease expired mid-refresh cannot overwrite newer tokens.
   */
  saveOAuthTokens(connectionId: string, update: OAuthTokenUpdate, actor: Actor, lease?: Lease): Promise<Connection>;
  /** After a failed refresh: status `needs_reauth` (unless `disabled`) with a reason admins see. */
  markNeedsReauth(connectionId: string, reason: string, actor: Actor, lease?: Lease): Promise<Connection | undefined>;

  /** Rotation: secrets in (connection id, purpose) order. */
  listSecrets(query: SecretQuery): Promise<StoredSecret[]>;
  /** Rotation: swaps the ciphertext only if the version is unchanged; no change event. */
  replaceSecretCiphertext(connectionId: string, purpose: SecretPurpose, expectedVersion: number, sealed: SealedSecret): Promise<boolean>;
  /** How many secrets each key id seals: retiring a key requires zero. */
  countSecretsByKey(): Promise<Map<string, number>>;

  /** Undefined when another holder has an unexpired lease on `name`. */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends a lease still held; undefined if it was lost. */
  renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined>;
  releaseLease(lease: Lease): Promise<void>;

  /** The unexpired answer kept under `key` (a hash of consumer, connection and client key). */
  getIdempotentAnswer(key: string): Promise<IdempotentAnswer | undefined>;
  /** Keeps the first answer under `key`: false (nothing written) while an unexpired one is there. */
  saveIdempotentAnswer(key: string, answer: NewIdempotentAnswer): Promise<boolean>;
  /** Deletes up to `limit` expired answers; resolves to how many. */
  deleteExpiredIdempotentAnswers(limit?: number): Promise<number>;

  /** For events outside entity writes (e.g. `secrets.rotate`); also appears in the change feed. */
  recordAudit(event: NewAuditEvent): Promise<AuditEvent>;
  listAuditEvents(query?: AuditQuery): Promise<AuditEvent[]>;
  /** Changes after `seq`, oldest first. */
  changesSince(seq: number, limit?: number): Promise<Change[]>;
  latestChangeSeq(): Promise<number>;
  /** Delivers every later change, in order, to `listener` (see WatchOptions for the bound). */
  watchChanges(listener: ChangeListener, options?: WatchOptions): Promise<ChangeSubscription>;

  close(): Promise<void>;
}

export type StateStoreErrorCode =
  /** The referenced consumer or connection does not exist. */
  | 'NOT_FOUND'
  /** Duplicate id or API key prefix. */
  | 'CONFLICT'
  /** A value the schema refuses (bad status, base URL with credentials…). */
  | 'INVALID_INPUT'
  /** The lease passed to a fenced write is no longer held. */
  | 'LEASE_LOST'
  /** The database was migrated by a newer Unigate, or an applied migration was edited. */
  | 'SCHEMA_MISMATCH';

export class StateStoreError extends Error {
  readonly code: StateStoreErrorCode;

  constructor(code: StateStoreErrorCode, message: string) {
    super(message);
    this.name = 'StateStoreError';
    this.code = code;
  }
}
