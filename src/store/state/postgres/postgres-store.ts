/**
 * The PostgreSQL state store, for several instances sharing one database. Writes are
 * transactions on a pooled connection; every instance follows the change feed through
 * LISTEN/NOTIFY (fast) and polling (the bound), and leases use the database clock.
 */
import pg from 'pg';
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
import {
  StateStoreError,
  type Actor,
  type ApiKey,
  type AuditEvent,
  type AuditQuery,
  type Change,
  type ChangeListener,
  type ChangeSubscription,
  type Connection,
  type ConnectionPatch,
  type Consumer,
  type ConsumerPatch,
  type IdempotentAnswer,
  type Lease,
  type NewIdempotentAnswer,
  type MigrationReport,
  type NewApiKey,
  type NewAuditEvent,
  type NewConnection,
  type NewConsumer,
  type OAuthTokenUpdate,
  type PageRequest,
  type SealedSecret,
  type SecretPurpose,
  type SecretQuery,
  type StateStore,
  type StoredSecret,
  type WatchOptions,
} from '../types.js';
import * as feed from './feed.js';
import * as answers from './idempotent-answers.js';
import { migratePostgres } from './migrate.js';
import { ChangeNotifier } from './notifier.js';
import { one, PgDb, type Sql } from './pg-db.js';
import { CONNECTION_SELECT, toApiKey, toConnection, toConsumer } from './rows.js';
import * as secrets from './secrets.js';

export interface PostgresStoreOptions {
  /** `postgres://user@host:5432/db`. */
  url: string;
  /** Pool size (default 10). */
  poolSize?: number;
  /** LISTEN/NOTIFY wake-ups for change followers (default true); polling alone otherwise. */
  notifications?: boolean;
  /** Errors of idle pool connections and of the LISTEN connection (reconnected automatically). */
  onError?: (err: unknown) => void;
  /** Overrides the migration list (tests of the migration runner). */
  migrations?: readonly Migration[];
}

export class PostgresStateStore implements StateStore {
  readonly backend = 'postgres' as const;
  readonly #db: PgDb;
  readonly #notifier: ChangeNotifier | undefined;
  readonly #subscriptions = new Set<ChangeSubscription>();

  private constructor(
    pool: pg.Pool,
    readonly migrations: MigrationReport,
    notifier: ChangeNotifier | undefined,
  ) {
    this.#db = new PgDb(pool);
    this.#notifier = notifier;
  }

  static async open(options: PostgresStoreOptions): Promise<PostgresStateStore> {
    const config: pg.ClientConfig = { connectionString: options.url, application_name: 'unigate' };
    const onError = options.onError ?? (() => {});
    const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 });
    pool.on('error', onError); // an idle connection dropped by the server must not crash the process
    try {
      const report = await migratePostgres(pool, options.migrations);
      const notifier = options.notifications === false ? undefined : new ChangeNotifier(config, onError);
      return new PostgresStateStore(pool, report, notifier);
    } catch (err) {
      await pool.end().catch(() => {});
      if (err instanceof StateStoreError) throw err;
      // pg's messages hold no password; the URL might, so only host and database are named.
      throw new Error(`PostgreSQL state store ${where(options.url)}: ${(err as Error).message}`, { cause: err });
    }
  }

  // Consumers

  async createConsumer(input: NewConsumer, actor: Actor): Promise<Consumer> {
    const c = buildConsumer(input, new Date());
    await this.#db.tx(async (sql, events) => {
      await sql.query(
        'INSERT INTO consumers (id, name, metadata, enabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [c.id, c.name, JSON.stringify(c.metadata), c.enabled, c.createdAt, c.updatedAt],
      );
      events.push(audit.consumer('create', c, actor));
    });
    return c;
  }

  async getConsumer(id: string): Promise<Consumer | undefined> {
    const row = await this.#db.one('SELECT * FROM consumers WHERE id = $1', [id]);
    return row && toConsumer(row);
  }

  async listConsumers(page: PageRequest = {}): Promise<Consumer[]> {
    const found = await this.#db.rows('SELECT * FROM consumers WHERE id > $1 ORDER BY id LIMIT $2', [page.after ?? '', pageLimit(page.limit)]);
    return found.map(toConsumer);
  }

  async updateConsumer(id: string, patch: ConsumerPatch, actor: Actor): Promise<Consumer | undefined> {
    return this.#db.tx(async (sql, events) => {
      const row = await one(sql, 'SELECT * FROM consumers WHERE id = $1 FOR UPDATE', [id]);
      if (row === undefined) return undefined;
      const { next, changed } = patchConsumer(toConsumer(row), patch, new Date());
      if (changed.length === 0) return next;
      await sql.query('UPDATE consumers SET name = $1, metadata = $2, enabled = $3, updated_at = $4 WHERE id = $5', [
        next.name,
        JSON.stringify(next.metadata),
        next.enabled,
        next.updatedAt,
        id,
      ]);
      events.push(audit.consumer('update', next, actor, changed));
      return next;
    });
  }

  async deleteConsumer(id: string, actor: Actor): Promise<boolean> {
    return this.#db.tx(async (sql, events) => {
      const row = await one(sql, 'SELECT * FROM consumers WHERE id = $1 FOR UPDATE', [id]);
      if (row === undefined) return false;
      // The cascade removes keys and connections; each gets its own event so caches drop them.
      for (const k of (await sql.query('SELECT * FROM api_keys WHERE consumer_id = $1', [id])).rows) {
        events.push(audit.apiKey('delete', toApiKey(k), actor, { cascade: 'consumer' }));
      }
      for (const c of (await sql.query('SELECT id FROM connections WHERE consumer_id = $1', [id])).rows) {
        events.push(audit.connection('delete', { id: c.id as string, consumerId: id }, actor, { cascade: 'consumer' }));
      }
      await sql.query('DELETE FROM consumers WHERE id = $1', [id]);
      events.push(audit.consumer('delete', toConsumer(row), actor));
      return true;
    });
  }

  // API keys

  async createApiKey(input: NewApiKey, actor: Actor): Promise<ApiKey> {
    const k = buildApiKey(input, new Date());
    await this.#db.tx(async (sql, events) => {
      await requireConsumer(sql, k.consumerId);
      await sql.query(
        `INSERT INTO api_keys (id, consumer_id, name, prefix, hash, scopes, expires_at, revoked_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8)`,
        [k.id, k.consumerId, k.name, k.prefix, k.hash, JSON.stringify(k.scopes), k.expiresAt, k.createdAt],
      );
      events.push(audit.apiKey('create', k, actor));
    });
    return k;
  }

  async getApiKey(id: string): Promise<ApiKey | undefined> {
    const row = await this.#db.one('SELECT * FROM api_keys WHERE id = $1', [id]);
    return row && toApiKey(row);
  }

  async findApiKeyByPrefix(prefix: string): Promise<ApiKey | undefined> {
    const row = await this.#db.one('SELECT * FROM api_keys WHERE prefix = $1', [prefix]);
    return row && toApiKey(row);
  }

  async listApiKeys(consumerId: string): Promise<ApiKey[]> {
    return (await this.#db.rows('SELECT * FROM api_keys WHERE consumer_id = $1 ORDER BY id', [consumerId])).map(toApiKey);
  }

  async revokeApiKey(id: string, actor: Actor): Promise<ApiKey | undefined> {
    return this.#db.tx(async (sql, events) => {
      const row = await one(sql, 'SELECT * FROM api_keys WHERE id = $1 FOR UPDATE', [id]);
      if (row === undefined) return undefined;
      const key = toApiKey(row);
      if (key.revokedAt !== null) return key;
      const revoked = { ...key, revokedAt: new Date() };
      await sql.query('UPDATE api_keys SET revoked_at = $1 WHERE id = $2', [revoked.revokedAt, id]);
      events.push(audit.apiKey('revoke', revoked, actor));
      return revoked;
    });
  }

  async deleteApiKey(id: string, actor: Actor): Promise<boolean> {
    return this.#db.tx(async (sql, events) => {
      const row = await one(sql, 'DELETE FROM api_keys WHERE id = $1 RETURNING *', [id]);
      if (row === undefined) return false;
      events.push(audit.apiKey('delete', toApiKey(row), actor));
      return true;
    });
  }

  // Connections

  async createConnection(input: NewConnection, actor: Actor): Promise<Connection> {
    const now = new Date();
    const c = buildConnection(input, now);
    await this.#db.tx(async (sql, events) => {
      await requireConsumer(sql, c.consumerId);
      await sql.query(
        `INSERT INTO connections (id, consumer_id, name, kind, target, base_url, auth_strategy, auth_settings, status,
           status_reason, last_refresh_at, token_expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, NULL, $10, $11)`,
        [c.id, c.consumerId, c.name, c.kind, c.target, c.baseUrl, c.authStrategy, JSON.stringify(c.authSettings), c.status, c.createdAt, c.updatedAt],
      );
      if (input.credentials !== undefined) await secrets.upsertSecret(sql, c.id, 'credentials', input.credentials, now);
      events.push(audit.connection('create', c, actor, connectionCreatedDetails(c)));
    });
    return c;
  }

  async getConnection(id: string): Promise<Connection | undefined> {
    return secrets.readConnection(this.#db.pool, id);
  }

  async listConnections(filter: PageRequest & { consumerId?: string } = {}): Promise<Connection[]> {
    const found = await this.#db.rows(
      `${CONNECTION_SELECT} WHERE c.id > $1 AND ($2::text IS NULL OR c.consumer_id = $2) ORDER BY c.id LIMIT $3`,
      [filter.after ?? '', filter.consumerId ?? null, pageLimit(filter.limit)],
    );
    return found.map(toConnection);
  }

  async updateConnection(id: string, patch: ConnectionPatch, actor: Actor): Promise<Connection | undefined> {
    return this.#db.tx(async (sql, events) => {
      const current = await secrets.readConnection(sql, id, true);
      if (current === undefined) return undefined;
      const { next, changed } = patchConnection(current, patch, new Date());
      if (changed.length === 0) return next;
      await sql.query(
        `UPDATE connections SET name = $1, base_url = $2, auth_strategy = $3, auth_settings = $4, status = $5, status_reason = $6,
           updated_at = $7 WHERE id = $8`,
        [next.name, next.baseUrl, next.authStrategy, JSON.stringify(next.authSettings), next.status, next.statusReason, next.updatedAt, id],
      );
      events.push(audit.connection('update', next, actor, { changed, status: next.status }));
      return next;
    });
  }

  async deleteConnection(id: string, actor: Actor): Promise<boolean> {
    return this.#db.tx(async (sql, events) => {
      const row = await one(sql, 'DELETE FROM connections WHERE id = $1 RETURNING id, consumer_id', [id]);
      if (row === undefined) return false;
      events.push(audit.connection('delete', { id, consumerId: row.consumer_id as string }, actor));
      return true;
    });
  }

  // Secrets and OAuth outcomes (secrets.ts)

  putSecret(connectionId: string, purpose: SecretPurpose, sealed: SealedSecret, actor: Actor): Promise<StoredSecret> {
    return secrets.putSecret(this.#db, connectionId, purpose, sealed, actor);
  }

  getSecret(connectionId: string, purpose: SecretPurpose): Promise<StoredSecret | undefined> {
    return secrets.getSecret(this.#db, connectionId, purpose);
  }

  deleteSecret(connectionId: string, purpose: SecretPurpose, actor: Actor): Promise<boolean> {
    return secrets.deleteSecret(this.#db, connectionId, purpose, actor);
  }

  saveOAuthTokens(connectionId: string, update: OAuthTokenUpdate, actor: Actor, lease?: Lease): Promise<Connection> {
    return secrets.saveOAuthTokens(this.#db, connectionId, update, actor, lease);
  }

  markNeedsReauth(connectionId: string, reason: string, actor: Actor, lease?: Lease): Promise<Connection | undefined> {
    return secrets.markNeedsReauth(this.#db, connectionId, reason, actor, lease);
  }

  listSecrets(query: SecretQuery): Promise<StoredSecret[]> {
    return secrets.listSecrets(this.#db, query);
  }

  replaceSecretCiphertext(connectionId: string, purpose: SecretPurpose, expectedVersion: number, sealed: SealedSecret): Promise<boolean> {
    return secrets.replaceSecretCiphertext(this.#db, connectionId, purpose, expectedVersion, sealed);
  }

  countSecretsByKey(): Promise<Map<string, number>> {
    return secrets.countSecretsByKey(this.#db);
  }

  // Idempotent answers (idempotent-answers.ts)

  getIdempotentAnswer(key: string): Promise<IdempotentAnswer | undefined> {
    return answers.getIdempotentAnswer(this.#db, key);
  }

  saveIdempotentAnswer(key: string, answer: NewIdempotentAnswer): Promise<boolean> {
    return answers.saveIdempotentAnswer(this.#db, key, answer);
  }

  deleteExpiredIdempotentAnswers(limit = 1000): Promise<number> {
    return answers.deleteExpiredIdempotentAnswers(this.#db, limit);
  }

  // Leases, audit log and change feed (feed.ts)

  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    return feed.acquireLease(this.#db, name, holder, ttlMs);
  }

  renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    return feed.renewLease(this.#db, lease, ttlMs);
  }

  releaseLease(lease: Lease): Promise<void> {
    return feed.releaseLease(this.#db, lease);
  }

  recordAudit(event: NewAuditEvent): Promise<AuditEvent> {
    return feed.recordAudit(this.#db, event);
  }

  listAuditEvents(query: AuditQuery = {}): Promise<AuditEvent[]> {
    return feed.listAuditEvents(this.#db, query);
  }

  changesSince(seq: number, limit = 500): Promise<Change[]> {
    return feed.changesSince(this.#db, seq, limit);
  }

  latestChangeSeq(): Promise<number> {
    return feed.latestChangeSeq(this.#db);
  }

  async watchChanges(listener: ChangeListener, options: WatchOptions = {}): Promise<ChangeSubscription> {
    const notifier = this.#notifier;
    const subscription = await followChanges(this, listener, options, notifier && ((wake) => notifier.add(wake)));
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    await this.#notifier?.close();
    await this.#db.pool.end();
  }
}

function where(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

async function requireConsumer(sql: Sql, id: string): Promise<void> {
  if ((await one(sql, 'SELECT 1 FROM consumers WHERE id = $1', [id])) === undefined) throw notFound('consumer', id);
}
