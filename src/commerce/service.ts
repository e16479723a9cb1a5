/**
 * What the unified API does for one call: check the caller may use the connection(s), run
 * the platform connector through the engine, normalize, page with one opaque cursor, fan
 * out over several stores (each within its own limits; one store failing does not fail
 * the call), project fields and add the raw platform records on request.
 */
import { asObject } from '../connectors/common/mapping.js';
import { connectorFor, type RegisteredConnector } from '../connectors/registry.js';
import type { Connector, ListFilters, NativeCursor, ProductUpdate } from '../connectors/connector.js';
import { UnigateError } from '../errors/unigate-error.js';
import type { IdentityCache, Identity } from '../pipeline/authenticate/identity-cache.js';
import type { ConnectionResolver } from '../pipeline/upstream/credentials/connection-resolver.js';
import type { Connection } from '../store/state/types.js';
import { parseFields, project, ProjectionError, type Selection } from '../transform/projection/index.js';
import type { ConnectionRoutes } from './connection-routes.js';
import { decodeCursor, deserializeFilters, encodeCursor, serializeFilters, type CursorState } from './cursor.js';
import type { Operation } from './operations.js';
import { EnginePlatformClient } from './platform-client.js';
import { platformFailure } from './platform-errors.js';

export interface CallScope {
  identity: Identity;
  requestId: string;
}

export interface CommerceDeps {
  identities: IdentityCache;
  connections: ConnectionResolver;
  routes: ConnectionRoutes;
  /** Stores called at once in a fan-out. */
  fanOutConcurrency: number;
}

type Json = Record<string, unknown>;

interface StoreError {
  connection: string;
  error: { code: string; message: string; status: number; details?: Record<string, unknown> };
}

export class CommerceService {
  constructor(private readonly deps: CommerceDeps) {}

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

  async run(op: Operation, scope: CallScope, connectionSpec: string, id: string | undefined, query: Json, body: Json | undefined): Promise<Json> {
    const selection = parseSelection(query.fields);
    const includeRaw = query.include === 'raw';
    const ids = connectionSpec === 'all' ? undefined : connectionSpec.split(',');
    const fanOut = ids === undefined || ids.length > 1;
    if (fanOut && op.kind !== 'list' && op.kind !== 'count') {
      throw invalid('connection', `${op.name} takes one connection, not a list`);
    }
    const shape = (record: object, connectionId: string, fresh = false) => shapeRecord(record as Json, connectionId, includeRaw, selection, fresh);

    if (!fanOut) {
      const { connection, registered } = await this.connection(scope.identity, ids![0]!);
      const client = this.client(connection, registered);
      try {
        return await this.runOne(op, registered.connector, client, connection, id, query, body, shape);
      } catch (err) {
        throw platformFailure(err, connection.id);
      }
    }

    const targets = ids === undefined ? await this.platformConnections(scope.identity) : await Promise.all(ids.map(async (c) => (await this.connection(scope.identity, c)).connection));
    if (op.kind === 'count') return this.fanOutCount(op, targets, query);
    return this.fanOutList(op, targets, query, shape);
  }

  private async runOne(
    op: Operation,
    connector: Connector,
    client: EnginePlatformClient,
    connection: Connection,
    id: string | undefined,
    query: Json,
    body: Json | undefined,
    shape: (record: object, connectionId: string, fresh?: boolean) => Json,
  ): Promise<Json> {
    switch (op.kind) {
      case 'info':
        return { data: shape(await connector.storeInfo(client), connection.id) };
      case 'get': {
        const record = await resourceOps(connector, op).get(client, id!);
        if (record === undefined) throw new UnigateError('NOT_FOUND', { message: `No ${op.resource.replace(/s$/, '')} ${id}`, details: { connection: connection.id, id } });
        return { data: shape(record, connection.id) };
      }
      case 'variants': {
        const product = await connector.products.get(client, id!);
        if (product === undefined) throw new UnigateError('NOT_FOUND', { message: `No product ${id}`, details: { connection: connection.id, id } });
        const variants = await connector.products.variants(client, id!);
        return { data: variants.map((v) => shape(v, connection.id)) };
      }
      case 'update': {
        const product = await connector.products.update(client, id!, body as ProductUpdate);
        return { data: shape(product, connection.id) };
      }
      case 'count':
        return { count: await resourceOps(connector, op).count!(client, filtersOf(query)) };
      case 'list': {
        const cursor = typeof query.cursor === 'string' ? decodeCursor(query.cursor, op.resource) : undefined;
        const filters = cursor ? deserializeFilters(cursor.filters) : filtersOf(query);
        const native = cursor?.positions[connection.id];
        if (cursor !== undefined && native === undefined) throw invalidCursorFor(connection.id);
        const page = await this.listPage(op, connector, client, connection.id, Number(query.limit ?? 50), filters, isStart(native) ? undefined : native);
        const next = page.next === undefined ? null : encodeCursor({ positions: { [connection.id]: page.next }, resource: op.resource, filters: serializeFilters(filters) });
        return { data: page.items.map((r) => shape(r, connection.id, true)), next_cursor: next };
      }
    }
  }

  /** One store's page: from the start (no native position) or from where the cursor left it. */
  private async listPage(op: Operation, connector: Connector, client: EnginePlatformClient, connectionId: string, limit: number, filters: ListFilters, native: NativeCursor | undefined) {
    const result = await resourceOps(connector, op).list(client, { limit, cursor: native, ...filters });
    return { items: result.items as object[], next: result.next };
  }

  private async fanOutList(op: Operation, targets: Connection[], query: Json, shape: (record: object, id: string, fresh?: boolean) => Json): Promise<Json> {
    const incoming = typeof query.cursor === 'string' ? decodeCursor(query.cursor, op.resource) : undefined;
    const filters = incoming ? deserializeFilters(incoming.filters) : filtersOf(query);
    const limit = Number(query.limit ?? 50);
    const positions: CursorState['positions'] = {};
    const data: Json[] = [];
    const errors: StoreError[] = [];
    // A continuation pages only the stores its cursor still has positions for.
    const pending = incoming === undefined ? targets : targets.filter((c) => Object.hasOwn(incoming.positions, c.id));
    await eachLimited(pending, this.deps.fanOutConcurrency, async (connection) => {
      const native = incoming?.positions[connection.id];
      try {
        const registered = registeredFor(connection);
        const page = await this.listPage(op, registered.connector, this.client(connection, registered), connection.id, limit, filters, isStart(native) ? undefined : native);
        for (const item of page.items) data.push(shape(item, connection.id, true));
        if (page.next !== undefined) positions[connection.id] = page.next;
      } catch (err) {
        errors.push(storeError(connection.id, err));
        // A store that failed keeps its place (or its start), so the next page tries it again.
        positions[connection.id] = native ?? START;
      }
    });
    const next = Object.keys(positions).length === 0 ? null : encodeCursor({ positions, resource: op.resource, filters: serializeFilters(filters) });
    return { data, next_cursor: next, errors };
  }

  private async fanOutCount(op: Operation, targets: Connection[], query: Json): Promise<Json> {
    const counts: Record<string, number> = {};
    const errors: StoreError[] = [];
    const filters = filtersOf(query);
    await eachLimited(targets, this.deps.fanOutConcurrency, async (connection) => {
      try {
        const registered = registeredFor(connection);
        counts[connection.id] = await resourceOps(registered.connector, op).count!(this.client(connection, registered), filters);
      } catch (err) {
        errors.push(storeError(connection.id, err));
      }
    });
    return { count: Object.values(counts).reduce((a, b) => a + b, 0), counts, errors };
  }

  private async platformConnections(identity: Identity): Promise<Connection[]> {
    const allowed = identity.apiKey?.scopes.connections;
    const own = await this.deps.connections.ofConsumer(identity.consumer.id);
    return own.filter((c) => c.kind === 'platform' && (allowed === undefined || allowed.length === 0 || allowed.includes(c.id)));
  }
}

/** Position of a store that has not been paged yet (its first page failed). */
const START: NativeCursor = { start: true };

function isStart(native: NativeCursor | undefined): boolean {
  return native !== undefined && native.start === true && Object.keys(native).length === 1;
}

function registeredFor(connection: Connection): RegisteredConnector {
  const registered = connectorFor(connection.target);
  if (registered === undefined) throw new UnigateError('NOT_FOUND', { message: `No connector for platform "${connection.target}"` });
  return registered;
}

function invalidCursorFor(connectionId: string): UnigateError {
  return new UnigateError('VALIDATION_FAILED', {
    message: 'The cursor is not valid for this request',
    details: { errors: [{ path: 'query.cursor', message: `this cursor does not page connection ${connectionId}` }] },
  });
}

type AnyOps = {
  list: Connector['orders']['list'];
  count?: Connector['orders']['count'];
  get: Connector['orders']['get'];
};

function resourceOps(connector: Connector, op: Operation): AnyOps {
  switch (op.resource) {
    case 'products':
      return connector.products as unknown as AnyOps;
    case 'orders':
      return connector.orders as unknown as AnyOps;
    case 'customers':
      return connector.customers as unknown as AnyOps;
    case 'categories':
      return connector.categories as unknown as AnyOps;
    default:
      throw new UnigateError('INTERNAL_ERROR', { message: `no operations for ${op.resource}` });
  }
}

function filtersOf(query: Json): ListFilters {
  const filters: ListFilters = {};
  if (typeof query.modified_since === 'string') filters.modifiedSince = new Date(query.modified_since);
  if (typeof query.created_since === 'string') filters.createdSince = new Date(query.created_since);
  if (typeof query.ids === 'string') filters.ids = query.ids.split(',');
  if (typeof query.status === 'string') filters.status = query.status;
  if (typeof query.sku === 'string') filters.sku = query.sku;
  return filters;
}

function parseSelection(fields: unknown): Selection | undefined {
  if (typeof fields !== 'string') return undefined;
  try {
    return parseFields(fields);
  } catch (err) {
    if (err instanceof ProjectionError) throw invalid('fields', err.message);
    throw err;
  }
}

/**
 * A record as the caller gets it: its connection added, its platform record (and its
 * variants') only with include=raw, projected to `fields`. A `fresh` record (a page's, just
 * mapped and held by nothing else) is shaped in place: a 250-product page is not copied.
 */
function shapeRecord(record: Json, connectionId: string, includeRaw: boolean, selection: Selection | undefined, fresh: boolean): Json {
  if (fresh && selection === undefined) {
    // An undefined field is left out of the JSON answer, like an absent one.
    if (!includeRaw) {
      record.raw = undefined;
      if (Array.isArray(record.variants)) for (const v of record.variants) if (asObject(v)?.raw !== undefined) (v as Json).raw = undefined;
    }
    record.connection = connectionId;
    return record;
  }
  const { raw, ...rest } = record;
  const out: Json = { ...rest, connection: connectionId };
  if (includeRaw && raw !== undefined) out.raw = raw;
  // Nested records (a product's variants) carry their platform record too; without
  // include=raw it would more than double the answer.
  else if (Array.isArray(out.variants)) out.variants = out.variants.map((v: unknown) => (asObject(v)?.raw !== undefined ? withoutRaw(v as Json) : v));
  return selection === undefined ? out : (project(out, selection) as Json);
}

function withoutRaw(record: Json): Json {
  const { raw: _raw, ...rest } = record;
  return rest;
}

function storeError(connectionId: string, err: unknown): StoreError {
  const failure = platformFailure(err, connectionId);
  return { connection: connectionId, error: { code: failure.code, message: failure.message, status: failure.status, ...(failure.details ? { details: failure.details } : {}) } };
}

function invalid(path: string, message: string): UnigateError {
  return new UnigateError('VALIDATION_FAILED', { details: { errors: [{ path: `query.${path}`, message }] } });
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(runners);
}
