/**
 * The connection whose credentials a request's attempts carry, resolved once per request
 * and kept in ctx.connection. Policies that key state by connection (shield budgets, cache
 * entries) resolve it before credential injection runs, which then reuses it.
 */
import type { RequestContext } from '../server/context.js';
import type { Connection } from '../store/state/types.js';
import { CONNECTION_HEADER, type ConnectionResolver } from './upstream/credentials/connection-resolver.js';

export async function requestConnection(ctx: RequestContext, upstream: string, mode: string, connections: ConnectionResolver): Promise<Connection> {
  if (ctx.connection !== undefined) return ctx.connection;
  ctx.connection = await connections.resolve(upstream, mode, {
    consumerId: ctx.consumerId,
    allowedConnections: ctx.identity?.apiKey?.scopes.connections,
    requested: ctx.header(CONNECTION_HEADER),
  });
  return ctx.connection;
}
