/**
 * Running one unified call once the caller's connections are known: the platform
 * connector(s) fetch and map, a list pages with one opaque cursor, a fan-out calls several
 * stores (one failing does not fail the call), and records are shaped (connection added,
 * raw records only on request, fields projected). It needs no engine, store or secret: only
 * a PlatformClient per connection, so it runs on the event loop or in a mapping thread alike.
 */
import { asObject } from '../../connectors/common/mapping.js';
import type { Connector, ListFilters, NativeCursor, PlatformClient, ProductUpdate } from '../../connectors/connector.js';
import { connectorFor, type RegisteredConnector } from '../../connectors/registry.js';
import { UnigateError } from '../../errors/unigate-error.js';
import { parseFields, project, ProjectionError, type Selection } from '../../transform/projection/index.js';
import { decodeCursor, deserializeFilters, encodeCursor, serializeFilters, type CursorState } from '../cursor.js';
import { OPERATIONS, type Operation } from '../operations.js';
import { platformFailure } from '../platform-errors.js';

export type Json = Record<string, unknown>;

/** A store connection as a call needs it: who it is and which platform it runs. */
export interface CallConnection {
  id: string;
  target: string;
  /** Changes when the connection's route is rebuilt (new base URL or credential strategy). */
  generation: number;
}

/** One unified call, authorized: plain data, so it can be posted to a mapping thread. */
export interface UnifiedCall {
  /** The operation's name, e.g. `product.list`. */
  op: string;
  /** The connection(s), already checked to be the caller's. */
  connections: CallConnection[];
  /** Several stores (connection=all or a list): lists and counts only. */
  fanOut: boolean;
  id: string | undefined;
  query: Json;
  body: Json | undefined;
  fanOutConcurrency: number;
}

export type ClientFor = (connection: CallConnection) => PlatformClient;

interface StoreError {
  connection: string;
  error: { code: string; message: string; status: number; details?: Record<string, unknown> };
}

type Shape = (record: object, connectionId: string, fresh?: boolean) => Json;

const BY_NAME = new Map(OPERATIONS.map((op) => [op.name, op]));

export function operationNamed(name: string): Operation {
  const op = BY_NAME.get(name);
  if (op === undefined) throw new UnigateError('INTERNAL_ERROR', { message: `no operation ${name}` });
  return op;
}

export async function executeCall(call: UnifiedCall, clientFor: ClientFor): Promise<Json> {
  const op = operationNamed(call.op);
  const selection = parseSelection(call.query.fields);
  const includeRaw = call.query.include === 'raw';
  const shape: Shape = (record, connectionId, fresh = false) => shapeRecord(record as Json, connectionId, includeRaw, selection, fresh);
  if (!call.fanOut) {
    const connection = call.connections[0]!;
    try {
      return await runOne(op, connectorServing(connection, op), clientFor(connection), connection.id, call, shape);
    } catch (err) {
      throw platformFailure(err, connection.id);
    }
  }
  if (op.kind === 'count') return fanOutCount(op, call, clientFor);
  return fanOutList(op, call, clientFor, shape);
}

async function runOne(op: Operation, connector: Connector, client: PlatformClient, connectionId: string, call: UnifiedCall, shape: Shape): Promise<Json> {
  const { id, query } = call;
  switch (op.kind) {
    case 'info':
      return { data: shape(await connector.storeInfo(client), connectionId) };
    case 'get': {
      const record = await resourceOps(connector, op).get(client, id!);
      if (record === undefined) throw new UnigateError('NOT_FOUND', { message: `No ${op.resource.replace(/s$/, '')} ${id}`, details: { connection: connectionId, id } });
      return { data: shape(record, connectionId) };
    }
    case 'variants': {
      const product = await connector.products.get(client, id!);
      if (product === undefined) throw new UnigateError('NOT_FOUND', { message: `No product ${id}`, details: { connection: connectionId, id } });
      const variants = await connector.products.variants(client, id!);
      return { data: variants.map((v) => shape(v, connectionId)) };
    }
    case 'update': {
      const product = await connector.products.update(client, id!, call.body as ProductUpdate);
      return { data: shape(product, connectionId) };
    }
    case 'count':
      return { count: await resourceOps(connector, op).count!(client, filtersOf(query)) };
    case 'list': {
      const cursor = typeof query.cursor === 'string' ? decodeCursor(query.cursor, op.resource) : undefined;
      const filters = cursor ? deserializeFilters(cursor.filters) : filtersOf(query);
      const native = cursor?.positions[connectionId];
      if (cursor !== undefined && native === undefined) throw invalidCursorFor(connectionId);
      const page = await listPage(op, connector, client, Number(query.limit ?? 50), filters, isStart(native) ? undefined : native);
      const next = page.next === undefined ? null : encodeCursor({ positions: { [connectionId]: page.next }, resource: op.resource, filters: serializeFilters(filters) });
      return { data: page.items.map((r) => shape(r, connectionId, true)), next_cursor: next };
    }
  }
}

/** One store's page: from the start (no native position) or from where the cursor left it. */
async function listPage(op: Operation, connector: Connector, client: PlatformClient, limit: number, filters: ListFilters, native: NativeCursor | undefined) {
  const result = await resourceOps(connector, op).list(client, { limit, cursor: native, ...filters });
  return { items: result.items as object[], next: result.next };
}

async function fanOutList(op: Operation, call: UnifiedCall, clientFor: ClientFor, shape: Shape): Promise<Json> {
  const { query } = call;
  const incoming = typeof query.cursor === 'string' ? decodeCursor(query.cursor, op.resource) : undefined;
  const filters = incoming ? deserializeFilters(incoming.filters) : filtersOf(query);
  const limit = Number(query.limit ?? 50);
  const positions: CursorState['positions'] = {};
  const data: Json[] = [];
  const errors: StoreError[] = [];
  // A continuation pages only the stores its cursor still has positions for.
  const pending = incoming === undefined ? call.connections : call.connections.filter((c) => Object.hasOwn(incoming.positions, c.id));
  await eachLimited(pending, call.fanOutConcurrency, async (connection) => {
    const native = incoming?.positions[connection.id];
    try {
      const page = await listPage(op, connectorServing(connection, op), clientFor(connection), limit, filters, isStart(native) ? undefined : native);
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

async function fanOutCount(op: Operation, call: UnifiedCall, clientFor: ClientFor): Promise<Json> {
  const counts: Record<string, number> = {};
  const errors: StoreError[] = [];
  const filters = filtersOf(call.query);
  await eachLimited(call.connections, call.fanOutConcurrency, async (connection) => {
    try {
      counts[connection.id] = await resourceOps(connectorServing(connection, op), op).count!(clientFor(connection), filters);
    } catch (err) {
      errors.push(storeError(connection.id, err));
    }
  });
  return { count: Object.values(counts).reduce((a, b) => a + b, 0), counts, errors };
}

/** Position of a store that has not been paged yet (its first page failed). */
const START: NativeCursor = { start: true };

function isStart(native: NativeCursor | undefined): boolean {
  return native !== undefined && native.start === true && Object.keys(native).length === 1;
}

export function registeredFor(connection: { target: string }): RegisteredConnector {
  const registered = connectorFor(connection.target);
  if (registered === undefined) throw new UnigateError('NOT_FOUND', { message: `No connector for platform "${connection.target}"` });
  return registered;
}

/** Whether the connector implements the operation: capabilities list it, and a call of one it lacks answers 501. */
export function serves(connector: Connector, op: Operation): boolean {
  switch (op.kind) {
    case 'info':
      return typeof connector.storeInfo === 'function';
    case 'variants':
      return typeof connector.products.variants === 'function';
    case 'update':
      return typeof connector.products.update === 'function';
    default:
      return typeof resourceOps(connector, op)[op.kind] === 'function';
  }
}

/** The connection's connector, when it serves the operation. */
function connectorServing(connection: CallConnection, op: Operation): Connector {
  const { connector, definition } = registeredFor(connection);
  if (!serves(connector, op)) {
    throw new UnigateError('NOT_SUPPORTED_BY_PLATFORM', { message: `${definition.label} does not support ${op.name}`, details: { connection: connection.id, operation: op.name } });
  }
  return connector;
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

export function parseSelection(fields: unknown): Selection | undefined {
  if (typeof fields !== 'string') return undefined;
  try {
    return parseFields(fields);
  } catch (err) {
    if (err instanceof ProjectionError) throw invalidQuery('fields', err.message);
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

export function invalidQuery(path: string, message: string): UnigateError {
  return new UnigateError('VALIDATION_FAILED', { details: { errors: [{ path: `query.${path}`, message }] } });
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(runners);
}
