/**
 * Which connection supplies a request's backend credentials, and its secrets: connection
 * records and sealed secrets are cached in memory (dropped by the store's change feed,
 * re-read at most every `ttlMs`). A sealed credential set is opened once per record read and
 * the clear set kept beside it in memory only (where the master key already is: caching it
 * exposes nothing new), so a request pays no AES-GCM open and JSON parse; it goes when the
 * record does.
 */
import { UnigateError } from '../../../errors/unigate-error.js';
import { openCredentials, openTokenSet, type CredentialSet } from '../../../secrets/connection-secrets.js';
import type { Keyring } from '../../../secrets/keyring.js';
import type { Change, Connection, OAuthTokenSet, SecretPurpose, StateStore, StoredSecret } from '../../../store/state/types.js';

/** What the resolver needs to know about the caller. */
export interface ConnectionRequest {
  readonly consumerId: string | undefined;
  /** Connection ids the caller's API key is limited to (empty or absent: any). */
  readonly allowedConnections: readonly string[] | undefined;
  /** `X-Unigate-Connection` sent by the caller, if any. */
  readonly requested: string | undefined;
}

interface Cached<T> {
  value: T;
  loadedAt: number;
}

export const CONNECTION_HEADER = 'x-unigate-connection';

const EMPTY: Readonly<CredentialSet> = Object.freeze({});

export class ConnectionResolver {
  private readonly byId = new Map<string, Cached<Connection | undefined>>();
  private readonly byConsumer = new Map<string, Cached<Connection[]>>();
  private readonly secrets = new Map<string, Cached<StoredSecret | undefined>>();
  /** Clear credential sets by the sealed record they came from (a re-read record is a new key). */
  private readonly opened = new WeakMap<StoredSecret, Readonly<CredentialSet>>();

  constructor(
    private readonly store: StateStore,
    private readonly keyring: Keyring,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The connection for an upstream: a fixed id, or (`per-consumer`) the caller's own, picked
   * by `X-Unigate-Connection` when it has several. Throws the errors callers see.
   */
  async resolve(upstream: string, mode: string, request: ConnectionRequest): Promise<Connection> {
    if (mode !== 'per-consumer') return this.choose(upstream, mode, request, await this.get(mode), []);
    if (request.consumerId === undefined) throw new UnigateError('UNAUTHENTICATED', { message: 'This route needs an authenticated consumer' });
    return this.choose(upstream, mode, request, undefined, await this.ofConsumer(request.consumerId));
  }

  /**
   * resolve() from the cache alone, for the hot path: undefined when what it needs is not
   * cached and fresh (resolve then loads it); throws what resolve would.
   */
  resolveCached(upstream: string, mode: string, request: ConnectionRequest): Connection | undefined {
    if (mode !== 'per-consumer') {
      const entry = this.fresh(this.byId, mode);
      return entry === undefined ? undefined : this.choose(upstream, mode, request, entry.value, []);
    }
    if (request.consumerId === undefined) return undefined;
    const entry = this.fresh(this.byConsumer, request.consumerId);
    return entry === undefined ? undefined : this.choose(upstream, mode, request, undefined, entry.value);
  }

  /** The connection `mode` names: `fixed` (a connection id), or one of the consumer's `own`. */
  private choose(upstream: string, mode: string, request: ConnectionRequest, fixed: Connection | undefined, all: readonly Connection[]): Connection {
    let connection: Connection | undefined;
    if (mode !== 'per-consumer') {
      connection = fixed;
      if (connection === undefined || connection.target !== upstream) {
        throw new UnigateError('CONNECTION_NOT_FOUND', { details: { upstream } });
      }
    } else {
      const own = all.filter((c) => c.kind === 'upstream' && c.target === upstream);
      if (request.requested !== undefined) {
        connection = own.find((c) => c.id === request.requested);
        if (connection === undefined) throw new UnigateError('CONNECTION_NOT_FOUND', { details: { upstream, connection: request.requested } });
      } else if (own.length === 1) {
        connection = own[0];
      } else if (own.length === 0) {
        throw new UnigateError('CONNECTION_NOT_FOUND', { details: { upstream } });
      } else {
        throw new UnigateError('CONNECTION_AMBIGUOUS', { details: { upstream, connections: own.map((c) => c.id) } });
      }
    }
    const allowed = request.allowedConnections;
    if (allowed !== undefined && allowed.length > 0 && !allowed.includes(connection!.id)) {
      throw new UnigateError('FORBIDDEN', { message: 'The API key may not use this connection', details: { connection: connection!.id } });
    }
    return usable(connection!);
  }

  async get(id: string): Promise<Connection | undefined> {
    return this.cached(this.byId, id, () => this.store.getConnection(id));
  }

  async credentials(connection: Connection): Promise<Readonly<CredentialSet>> {
    return this.open(await this.secret(connection.id, 'credentials'));
  }

  /** The credential set when its record is cached and fresh (no wait); undefined otherwise. */
  cachedCredentials(connection: Connection): Readonly<CredentialSet> | undefined {
    const entry = this.fresh(this.secrets, `${connection.id}|credentials`);
    return entry === undefined ? undefined : this.open(entry.value);
  }

  private open(stored: StoredSecret | undefined): Readonly<CredentialSet> {
    if (stored === undefined) return EMPTY;
    let open = this.opened.get(stored);
    if (open === undefined) {
      open = Object.freeze(openCredentials(this.keyring, stored));
      this.opened.set(stored, open);
    }
    return open;
  }

  async tokens(connection: Connection): Promise<OAuthTokenSet | undefined> {
    const stored = await this.secret(connection.id, 'oauth_tokens');
    return stored === undefined ? undefined : openTokenSet(this.keyring, stored);
  }

  /** Drops what a store change touched (here and, through the feed, on every instance). */
  onChanges(changes: readonly Change[]): void {
    for (const change of changes) {
      if (change.entityType !== 'connection' && change.entityType !== 'consumer') continue;
      this.byId.delete(change.entityId);
      this.secrets.delete(`${change.entityId}|credentials`);
      this.secrets.delete(`${change.entityId}|oauth_tokens`);
      if (change.consumerId !== null) this.byConsumer.delete(change.consumerId);
      if (change.entityType === 'consumer') this.byConsumer.delete(change.entityId);
    }
  }

  /** Forget one connection now (after this instance wrote it). */
  forget(connectionId: string): void {
    this.onChanges([{ seq: 0, at: new Date(), action: 'local', entityType: 'connection', entityId: connectionId, consumerId: null }]);
    this.byConsumer.clear();
  }

  /** A consumer's connections (cached like the rest). */
  ofConsumer(consumerId: string): Promise<Connection[]> {
    return this.cached(this.byConsumer, consumerId, () => this.store.listConnections({ consumerId, limit: 1000 }));
  }

  private secret(connectionId: string, purpose: SecretPurpose): Promise<StoredSecret | undefined> {
    return this.cached(this.secrets, `${connectionId}|${purpose}`, () => this.store.getSecret(connectionId, purpose));
  }

  private fresh<T>(map: Map<string, Cached<T>>, key: string): Cached<T> | undefined {
    const entry = map.get(key);
    return entry !== undefined && this.now() - entry.loadedAt < this.ttlMs ? entry : undefined;
  }

  private async cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const entry = map.get(key);
    const now = this.now();
    if (entry !== undefined && now - entry.loadedAt < this.ttlMs) return entry.value;
    const value = await load();
    map.set(key, { value, loadedAt: now });
    return value;
  }
}

function usable(connection: Connection): Connection {
  if (connection.status === 'disabled') {
    throw new UnigateError('FORBIDDEN', { message: 'The connection is disabled', details: { connection: connection.id } });
  }
  if (connection.status === 'needs_reauth') {
    throw new UnigateError('CONNECTOR_AUTH_FAILED', {
      message: 'The connection needs to be re-authorized by an administrator',
      details: { connection: connection.id },
    });
  }
  return connection;
}
