/**
 * The connection whose credentials a request's attempts carry, resolved once per request
 * and kept in ctx.connection. Policies that key state by connection (shield budgets, cache
 * entries) resolve it before credential injection runs, which then reuses it.
 */
import type { RequestContext } from '../server/context.js';
import type { Connection } from '../store/state/types.js';
import { CONNECTION_HEADER, type ConnectionRequest, type ConnectionResolver } from './upstream/credentials/connection-resolver.js';

export async function requestConnection(ctx: RequestContext, upstream: string, mode: string, connections: ConnectionResolver): Promise<Connection> {
  return requestConnectionNow(ctx, upstream, mode, connections) ?? (ctx.connection = await connections.resolve(upstream, mode, connectionRequest(ctx)));
}

/** requestConnection without waiting: undefined when the resolver has to read the store first. */
export function requestConnectionNow(ctx: RequestContext, upstream: string, mode: string, connections: ConnectionResolver): Connection | undefined {
  ctx.connection ??= connections.resolveCached(upstream, mode, connectionRequest(ctx));
  return ctx.connection;
}

function connectionRequest(ctx: RequestContext): ConnectionRequest {
  return { consumerId: ctx.consumerId, allowedConnections: ctx.identity?.apiKey?.scopes.connections, requested: ctx.header(CONNECTION_HEADER) };
}
