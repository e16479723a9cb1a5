/**
 * The SQLite state store (the default): one file, WAL mode, better-sqlite3. Calls are
 * synchronous underneath and each write is one IMMEDIATE transaction; the async interface
 * is shared with PostgreSQL. Several processes may open the same file (a CLI next to the
 * server): SQLite serializes their writes, leases work across them, and the change feed
 * reaches them by polling (local writes wake local followers at once).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { followChanges } from '../change-feed.js';
import type { Migration } from '../migrations/migrations.js';
import {
  audit,
  buildApiKey,
  buildConnection,
  buildConsumer,
  connectionCreatedDetails,
  notFound,
  pageLimit,
  patchConnection,
  patchConsumer,
} from '../records.js';
import type {
  Actor,
  ApiKey,
  AuditEvent,
  AuditQuery,
  Change,
  ChangeListener,
  ChangeSubscription,
  Connection,
  ConnectionPatch,
  Consumer,
  ConsumerPatch,
  IdempotentAnswer,
  Lease,
  NewIdempotentAnswer,
  MigrationReport,
  NewApiKey,
  NewAuditEvent,
  NewConnection,
  NewConsumer,
  OAuthTokenUpdate,
  PageRequest,
  SealedSecret,
  SecretPurpose,
  SecretQuery,
  StateStore,
  StoredSecret,
  WatchOptions,
} from '../types.js';
import { SqliteDb } from './db.js';
import * as feed from './feed.js';
import * as answers from './idempotent-answers.js';
import { migrateSqlite } from './migrate.js';
import { CONNECTION_SELECT, ms, toApiKey, toConnection, toConsumer } from './rows.js';
import * as secrets from './secrets.js';

export interface SqliteStoreOptions {
  /** File path, or `:memory:` (one process only). */
  path: string;
  /** Overrides the migration list (tests of the migration runner). */
  migrations?: readonly Migration[];
}

export class SqliteStateStore implements StateStore {
  readonly backend = 'sqlite' as const;
  readonly #db: SqliteDb;
  readonly #subscriptions = new Set<ChangeSubscription>();

  private constructor(
    handle: Database.Database,
    readonly migrations: MigrationReport,
  ) {
    this.#db = new SqliteDb(handle);
  }

  static async open(options: SqliteStoreOptions): Promise<SqliteStateStore> {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
    const handle = new Database(options.path);
    try {
      handle.pragma('journal_mode = WAL');
      handle.pragma('busy_timeout = 5000'); // another process holds the write lock: wait, don't fail
      handle.pragma('foreign_keys = ON');
      handle.pragma('synchronous = NORMAL'); // durable enough with WAL: a power cut loses at most the last commits
      return new SqliteStateStore(handle, migrateSqlite(handle, options.migrations));
    } catch (err) {
      handle.close();
      throw err;
    }
  }

  // Consumers

  async createConsumer(input: NewConsumer, actor: Actor): Promise<Consumer> {
    const c = buildConsumer(input, new Date());
    this.#db.tx((events) => {
      this.#db.run(
        'INSERT INTO consumers (id, name, metadata, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        c.id, c.name, JSON.stringify(c.metadata), c.enabled ? 1 : 0, ms(c.createdAt), ms(c.updatedAt),
      );
      events.push(audit.consumer('create', c, actor));
    });
    return c;
  }

  async getConsumer(id: string): Promise<Consumer | undefined> {
    const row = this.#db.get('SELECT * FROM consumers WHERE id = ?', id);
    return row && toConsumer(row);
  }

  async listConsumers(page: PageRequest = {}): Promise<Consumer[]> {
    return this.#db.all('SELECT * FROM consumers WHERE id > ? ORDER BY id LIMIT ?', page.after ?? '', pageLimit(page.limit)).map(toConsumer);
  }

  async updateConsumer(id: string, patch: ConsumerPatch, actor: Actor): Promise<Consumer | undefined> {
    return this.#db.tx((events) => {
      const row = this.#db.get('SELECT * FROM consumers WHERE id = ?', id);
      if (row === undefined) return undefined;
      const { next, changed } = patchConsumer(toConsumer(row), patch, new Date());
      if (changed.length === 0) return next;
      this.#db.run(
        'UPDATE consumers SET name = ?, metadata = ?, enabled = ?, updated_at = ? WHERE id = ?',
        next.name, JSON.stringify(next.metadata), next.enabled ? 1 : 0, ms(next.updatedAt), id,
      );
      events.push(audit.consumer('update', next, actor, changed));
      return next;
    });
  }

  async deleteConsumer(id: string, actor: Actor): Promise<boolean> {
    return this.#db.tx((events) => {
      const row = this.#db.get('SELECT * FROM consumers WHERE id = ?', id);
      if (row === undefined) return false;
      // The cascade removes keys and connections; each gets its own event so caches drop them.
      for (const k of this.#db.all('SELECT * FROM api_keys WHERE consumer_id = ?', id)) {
        events.push(audit.apiKey('delete', toApiKey(k), actor, { cascade: 'consumer' }));
      }
      for (const c of this.#db.all('SELECT id FROM connections WHERE consumer_id = ?', id)) {
        events.push(audit.connection('delete', { id: c.id as string, consumerId: id }, actor, { cascade: 'consumer' }));
      }
      this.#db.run('DELETE FROM consumers WHERE id = ?', id);
      events.push(audit.consumer('delete', toConsumer(row), actor));
      return true;
    });
  }

  // API keys

  async createApiKey(input: NewApiKey, actor: Actor): Promise<ApiKey> {
    const k = buildApiKey(input, new Date());
    this.#db.tx((events) => {
      this.#requireConsumer(k.consumerId);
      this.#db.run(
        `INSERT INTO api_keys (id, consumer_id, name, prefix, hash, scopes, expires_at, revoked_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
        k.id, k.consumerId, k.name, k.prefix, k.hash, JSON.stringify(k.scopes), ms(k.expiresAt), ms(k.createdAt),
      );
      events.push(audit.apiKey('create', k, actor));
    });
    return k;
  }

  async getApiKey(id: string): Promise<ApiKey | undefined> {
    const row = this.#db.get('SELECT * FROM api_keys WHERE id = ?', id);
    return row && toApiKey(row);
  }

  async findApiKeyByPrefix(prefix: string): Promise<ApiKey | undefined> {
    const row = this.#db.get('SELECT * FROM api_keys WHERE prefix = ?', prefix);
    return row && toApiKey(row);
  }

  async listApiKeys(consumerId: string): Promise<ApiKey[]> {
    return this.#db.all('SELECT * FROM api_keys WHERE consumer_id = ? ORDER BY id', consumerId).map(toApiKey);
  }

  async revokeApiKey(id: string, actor: Actor): Promise<ApiKey | undefined> {
    return this.#db.tx((events) => {
      const row = this.#db.get('SELECT * FROM api_keys WHERE id = ?', id);
      if (row === undefined) return undefined;
      const key = toApiKey(row);
      if (key.revokedAt !== null) return key;
      const revoked = { ...key, revokedAt: new Date() };
      this.#db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ?', ms(revoked.revokedAt), id);
      events.push(audit.apiKey('revoke', revoked, actor));
      return revoked;
    });
  }

  async deleteApiKey(id: string, actor: Actor): Promise<boolean> {
    return this.#db.tx((events) => {
      const row = this.#db.get('SELECT * FROM api_keys WHERE id = ?', id);
      if (row === undefined) return false;
      this.#db.run('DELETE FROM api_keys WHERE id = ?', id);
      events.push(audit.apiKey('delete', toApiKey(row), actor));
      return true;
    });
  }

  // Connections

  async createConnection(input: NewConnection, actor: Actor): Promise<Connection> {
    const now = new Date();
    const c = buildConnection(input, now);
    this.#db.tx((events) => {
      this.#requireConsumer(c.consumerId);
      this.#db.run(
        `INSERT INTO connections (id, consumer_id, name, kind, target, base_url, auth_strategy, auth_settings, status,
           status_reason, last_refresh_at, token_expires_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?)`,
        c.id, c.consumerId, c.name, c.kind, c.target, c.baseUrl, c.authStrategy, JSON.stringify(c.authSettings), c.status,
        ms(c.createdAt), ms(c.updatedAt),
      );
      if (input.credentials !== undefined) secrets.upsertSecret(this.#db, c.id, 'credentials', input.credentials, now);
      events.push(audit.connection('create', c, actor, connectionCreatedDetails(c)));
    });
    return c;
  }

  async getConnection(id: string): Promise<Connection | undefined> {
    return secrets.readConnection(this.#db, id);
  }

  async listConnections(filter: PageRequest & { consumerId?: string } = {}): Promise<Connection[]> {
    const byConsumer = filter.consumerId === undefined ? '' : 'AND c.consumer_id = ?';
    const params = filter.consumerId === undefined ? [] : [filter.consumerId];
    return this.#db
      .all(`${CONNECTION_SELECT} WHERE c.id > ? ${byConsumer} ORDER BY c.id LIMIT ?`, filter.after ?? '', ...params, pageLimit(filter.limit))
      .map(toConnection);
  }

  async updateConnection(id: string, patch: ConnectionPatch, actor: Actor): Promise<Connection | undefined> {
    return this.#db.tx((events) => {
      const current = secrets.readConnection(this.#db, id);
      if (current === undefined) return undefined;
      const { next, changed } = patchConnection(current, patch, new Date());
      if (changed.length === 0) return next;
      this.#db.run(
        `UPDATE connections SET name = ?, base_url = ?, auth_strategy = ?, auth_settings = ?, status = ?, status_reason = ?,
           updated_at = ? WHERE id = ?`,
        next.name, next.baseUrl, next.authStrategy, JSON.stringify(next.authSettings), next.status, next.statusReason,
        ms(next.updatedAt), id,
      );
      events.push(audit.connection('update', next, actor, { changed, status: next.status }));
      return next;
    });
  }

  async deleteConnection(id: string, actor: Actor): Promise<boolean> {
    return this.#db.tx((events) => {
      const current = secrets.readConnection(this.#db, id);
      if (current === undefined) return false;
      this.#db.run('DELETE FROM connections WHERE id = ?', id);
      events.push(audit.connection('delete', current, actor));
      return true;
    });
  }

  // Secrets and OAuth outcomes (secrets.ts)

  async putSecret(connectionId: string, purpose: SecretPurpose, sealed: SealedSecret, actor: Actor): Promise<StoredSecret> {
    return secrets.putSecret(this.#db, connectionId, purpose, sealed, actor);
  }

  async getSecret(connectionId: string, purpose: SecretPurpose): Promise<StoredSecret | undefined> {
    return secrets.getSecret(this.#db, connectionId, purpose);
  }

  async deleteSecret(connectionId: string, purpose: SecretPurpose, actor: Actor): Promise<boolean> {
    return secrets.deleteSecret(this.#db, connectionId, purpose, actor);
  }

  async saveOAuthTokens(connectionId: string, update: OAuthTokenUpdate, actor: Actor, lease?: Lease): Promise<Connection> {
    return secrets.saveOAuthTokens(this.#db, connectionId, update, actor, lease);
  }

  async markNeedsReauth(connectionId: string, reason: string, actor: Actor, lease?: Lease): Promise<Connection | undefined> {
    return secrets.markNeedsReauth(this.#db, connectionId, reason, actor, lease);
  }

  async listSecrets(query: SecretQuery): Promise<StoredSecret[]> {
    return secrets.listSecrets(this.#db, query);
  }

  async replaceSecretCiphertext(connectionId: string, purpose: SecretPurpose, expectedVersion: number, sealed: SealedSecret): Promise<boolean> {
    return secrets.replaceSecretCiphertext(this.#db, connectionId, purpose, expectedVersion, sealed);
  }

  async countSecretsByKey(): Promise<Map<string, number>> {
    return secrets.countSecretsByKey(this.#db);
  }

  // Idempotent answers (idempotent-answers.ts)

  async getIdempotentAnswer(key: string): Promise<IdempotentAnswer | undefined> {
    return answers.getIdempotentAnswer(this.#db, key);
  }

  async saveIdempotentAnswer(key: string, answer: NewIdempotentAnswer): Promise<boolean> {
    return answers.saveIdempotentAnswer(this.#db, key, answer);
  }

  async deleteExpiredIdempotentAnswers(limit = 1000): Promise<number> {
    return answers.deleteExpiredIdempotentAnswers(this.#db, limit);
  }

  // Leases, audit log and change feed (feed.ts)

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    return feed.acquireLease(this.#db, name, holder, ttlMs);
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    return feed.renewLease(this.#db, lease, ttlMs);
  }

  async releaseLease(lease: Lease): Promise<void> {
    feed.releaseLease(this.#db, lease);
  }

  async recordAudit(event: NewAuditEvent): Promise<AuditEvent> {
    return feed.recordAudit(this.#db, event);
  }

  async listAuditEvents(query: AuditQuery = {}): Promise<AuditEvent[]> {
    return feed.listAuditEvents(this.#db, query);
  }

  async changesSince(seq: number, limit = 500): Promise<Change[]> {
    return feed.changesSince(this.#db, seq, limit);
  }

  async latestChangeSeq(): Promise<number> {
    return feed.latestChangeSeq(this.#db);
  }

  async watchChanges(listener: ChangeListener, options: WatchOptions = {}): Promise<ChangeSubscription> {
    const wakers = this.#db.wakers;
    const subscription = await followChanges(this, listener, options, (wake) => {
      wakers.add(wake);
      return () => wakers.delete(wake);
    });
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    this.#db.handle.close();
  }

  #requireConsumer(id: string): void {
    if (this.#db.get('SELECT 1 AS found FROM consumers WHERE id = ?', id) === undefined) throw notFound('consumer', id);
  }
}
