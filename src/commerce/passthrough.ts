/**
 * `ANY /v1/connections/{id}/raw/{path}`: the platform's own API behind the caller's
 * connection, streamed through the engine like any route — the vault's credential injected,
 * the platform's shield pacing it, retries and timeouts — so integrations can reach what the
 * unified model does not cover.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestContext } from '../server/context.js';
import { runRequestPolicies } from '../pipeline/run.js';
import { forward, type ForwardObserver } from '../pipeline/upstream/forward.js';
import { sendReply } from '../server/respond.js';
import type { ConnectionRoutes } from './connection-routes.js';
import type { CallScope, CommerceService } from './service.js';

export interface ClientInfo {
  clientIp: string;
  secure: boolean;
  trustForwarded: boolean;
}

export function createPassthrough(service: CommerceService, routes: ConnectionRoutes, observer: () => ForwardObserver) {
  return async function passthrough(
    req: IncomingMessage,
    res: ServerResponse,
    scope: CallScope & { credentialHeader: string; client: ClientInfo },
    connectionId: string,
    rawPath: string,
    query: string,
    expectContinue: boolean,
  ): Promise<void> {
    const { connection, registered } = await service.connection(scope.identity, connectionId);
    const route = routes.rawRouteFor(connection, registered.definition);
    const method = req.method ?? 'GET';
    const ctx = new RequestContext(scope.requestId, method, 'unigate.raw', rawPath, query, scope.client.clientIp, req.headers, route, scope.client.secure);
    ctx.identity = scope.identity;
    ctx.consumerId = scope.identity.consumer.id;
    ctx.upstreamPath = rawPath;
    ctx.upstreamQuery = query;
    ctx.forwardClientHeaders({
      clientIp: scope.client.clientIp,
      proto: scope.client.secure ? 'https' : 'http',
      requestId: scope.requestId,
      preserveHost: false,
      trustForwarded: scope.client.trustForwarded,
    });
    // The caller's Unigate credential is for Unigate only.
    ctx.withholdHeader(scope.credentialHeader);
    const length = req.headers['content-length'];
    const hasBody = length !== undefined ? Number(length) > 0 : req.headers['transfer-encoding'] !== undefined;
    try {
      // The raw cache (commerce.raw_cache) may answer before any platform call.
      if (route.policies.request.length > 0) {
        const reply = await runRequestPolicies(route.policies.request, ctx);
        if (reply !== undefined) {
          sendReply(res, reply, scope.requestId, ctx.responseHeaders);
          return;
        }
      }
      await forward(ctx, { req, res, hasBody, expectContinue }, observer());
    } finally {
      ctx.finish();
    }
  };
}
