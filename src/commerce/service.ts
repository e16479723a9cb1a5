/**
 * What the unified API does for one call before it runs: check the caller may use the
 * connection(s) (unknown and foreign ones are both "not found"), then hand the call to the
 * executor (a mapping thread, by default), lending it each connection's engine client.
 */
import type { RegisteredConnector } from '../connectors/registry.js';
import { UnigateError } from '../errors/unigate-error.js';
import type { IdentityCache, Identity } from '../pipeline/authenticate/identity-cache.js';
import type { ConnectionResolver } from '../pipeline/upstream/credentials/connection-resolver.js';
import type { Connection } from '../store/state/types.js';
import type { ConnectionRoutes } from './connection-routes.js';
import { invalidQuery, parseSelection, registeredFor } from './executor/execute.js';
import type { CallConnection, Executor, Json } from './executor/index.js';
import type { Operation } from './operations.js';
import type { EnginePlatformClient } from './platform-client.js';

export interface CallScope {
  identity: Identity;
  requestId: string;
}

export interface CommerceDeps {
  identities: IdentityCache;
  connections: ConnectionResolver;
  routes: ConnectionRoutes;
  executor: Executor;
  /** Stores called at once in a fan-out. */
  fanOutConcurrency: number;
}

export class CommerceService {
  constructor(private readonly deps: CommerceDeps) {}

  /**
   * A reload's settings: calls from now on run on them (a call reads them once, as it
   * starts). Returns the executor replaced, if any, for the caller to retire.
   */
  configure(settings: Pick<CommerceDeps, 'fanOutConcurrency'> & { executor?: Executor }): Executor | undefined {
    this.deps.fanOutConcurrency = settings.fanOutConcurrency;
    if (settings.executor === undefined) return undefined;
    const previous = this.deps.executor;
    this.deps.executor = settings.executor;
    return previous;
  }

  get identities(): IdentityCache {
    return this.deps.identities;
  }

  /** The caller's store connections, without secrets. */
  async connectionsOf(scope: CallScope): Promise<Json[]> {
    const own = await this.platformConnections(scope.identity);
    return own.map((c) => ({ id: c.id, platform: c.target, name: c.name, base_url: c.baseUrl, status: c.status, status_reason: c.statusReason }));
  }

  /** The connection a caller may use; unknown and foreign ones are both "not found". */
  async connection(identity: Identity, id: string): Promise<{ connection: Connection; registered: RegisteredConnector }> {
    const connection = await this.deps.connections.get(id);
    const allowed = identity.apiKey?.scopes.connections;
    if (
      connection === undefined ||
      connection.kind !== 'platform' ||
      connection.consumerId !== identity.consumer.id ||
      (allowed !== undefined && allowed.length > 0 && !allowed.includes(id))
    ) {
      throw new UnigateError('CONNECTION_NOT_FOUND', { message: 'No such connection for this caller', details: { connection: id } });
    }
    return { connection, registered: registeredFor(connection) };
  }

  client(connection: Connection, registered: RegisteredConnector): EnginePlatformClient {
    return this.deps.routes.clientFor(connection, registered.definition);
  }

  /** The answer: an object, or its JSON bytes when a mapping thread made it. */
  async run(op: Operation, scope: CallScope, connectionSpec: string, id: string | undefined, query: Json, body: Json | undefined): Promise<Json | Buffer> {
    parseSelection(query.fields);
    const ids = connectionSpec === 'all' ? undefined : connectionSpec.split(',');
    const fanOut = ids === undefined || ids.length > 1;
    if (fanOut && op.kind !== 'list' && op.kind !== 'count') {
      throw invalidQuery('connection', `${op.name} takes one connection, not a list`);
    }
    const targets = !fanOut
      ? [(await this.connection(scope.identity, ids![0]!)).connection]
      : ids === undefined
        ? await this.platformConnections(scope.identity)
        : await Promise.all(ids.map(async (c) => (await this.connection(scope.identity, c)).connection));
    const byId = new Map(targets.map((c) => [c.id, c]));
    // A store that cannot be reached (no base URL, unknown platform) fails when it is called:
    // in a fan-out, as that store's error.
    const clientOf = (connection: Connection) => this.client(connection, registeredFor(connection));
    const connections = targets.map((c): CallConnection => ({ id: c.id, target: c.target, generation: generationOf(() => clientOf(c)) }));
    const call = { op: op.name, connections, fanOut, id, query, body, fanOutConcurrency: this.deps.fanOutConcurrency };
    return this.deps.executor.run(call, (c) => clientOf(byId.get(c.id)!));
  }

  async close(): Promise<void> {
    await this.deps.executor.close();
  }

  private async platformConnections(identity: Identity): Promise<Connection[]> {
    const allowed = identity.apiKey?.scopes.connections;
    const own = await this.deps.connections.ofConsumer(identity.consumer.id);
    return own.filter((c) => c.kind === 'platform' && (allowed === undefined || allowed.length === 0 || allowed.includes(c.id)));
  }
}

function generationOf(client: () => EnginePlatformClient): number {
  try {
    return client().generation;
  } catch {
    return 0;
  }
}
