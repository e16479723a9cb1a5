/**
 * Test helper: a request context as the proxy handler builds it (upstream path and headers
 * included), for calling a policy's hooks directly, and an upstream response to feed them.
 *
 *   const ctx = testContext({ method: 'POST', path: '/orders/7', params: { id: '7' }, body: '{"a":1}' });
 *   await policy.onRequest!(ctx);
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { BuiltRoute } from '../../config/compile.js';
import { RequestContext } from '../../server/context.js';
import { upstreamHeaders } from '../../server/upstream-request.js';
import type { Identity } from '../authenticate/identity-cache.js';
import { NO_POLICIES, type UpstreamResponse } from '../policy.js';

export interface TestRequest {
  method?: string;
  path?: string;
  query?: string;
  headers?: IncomingHttpHeaders;
  /** Read into ctx.requestBody, as for a route whose policies need the body. */
  body?: string | Buffer;
  params?: Record<string, string>;
  identity?: Identity;
  limits?: Partial<BuiltRoute['limits']>;
}

export function testRoute(limits: Partial<BuiltRoute['limits']> = {}): BuiltRoute {
  return {
    name: 'test-route',
    upstream: { name: 'test-upstream' },
    stripSegments: 0,
    addPrefix: '',
    preserveHost: false,
    retryNonIdempotent: false,
    websocket: false,
    limits: { maxBodyBytes: 1024 * 1024, maxResponseBytes: 1024 * 1024, maxHeaderBytes: 16384, maxUrlBytes: 8192, ...limits },
    policies: NO_POLICIES,
  } as unknown as BuiltRoute;
}

export function testContext(request: TestRequest = {}): RequestContext {
  const headers: IncomingHttpHeaders = { host: 'gateway.test', ...request.headers };
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  if (body !== undefined) headers['content-length'] ??= String(body.length);
  const path = request.path ?? '/';
  const ctx = new RequestContext('req-1', request.method ?? 'GET', 'gateway.test', path, request.query ?? '', '127.0.0.1', headers, testRoute(request.limits), false);
  ctx.params = request.params ?? {};
  ctx.upstreamPath = path;
  ctx.upstreamHeaders = upstreamHeaders(headers, { clientIp: '127.0.0.1', proto: 'http', requestId: 'req-1', preserveHost: false, trustForwarded: false });
  ctx.requestBody = body;
  if (request.identity !== undefined) {
    ctx.identity = request.identity;
    ctx.consumerId = request.identity.consumer.id;
  }
  return ctx;
}

export function testResponse(status: number, headers: Record<string, string | string[]>, body?: string | Buffer): UpstreamResponse {
  return { status, headers: { ...headers }, body: typeof body === 'string' ? Buffer.from(body) : body };
}
