/**
 * The proxy port's request handler: framing checks, route match, limits, the route's
 * inbound policies, then forwarding; one log line and metrics per request.
 * Served from node:http directly: the hot path runs only what the route was built with.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BuiltRoute } from '../config/compile.js';
import { UnigateError, toUnigateError } from '../errors/unigate-error.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { runRequestPolicies } from '../pipeline/run.js';
import { forward, type ForwardObserver } from '../pipeline/upstream/forward.js';
import { RequestContext } from './context.js';
import { checkRequest } from './request-guard.js';
import { sendError, sendReply } from './respond.js';
import type { Runtime } from './runtime.js';
import { upstreamPath } from './upstream-request.js';
import { UNIFIED_ROUTE, type UnifiedApi } from '../commerce/unified-api.js';
import type { RequestLog } from '../observability/request-log.js';

export interface ProxyEnvironment {
  runtime(): Runtime;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly observer: ForwardObserver;
  readonly unified: UnifiedApi | undefined;
  readonly secure: boolean;
  readonly trustForwarded: boolean;
  /** Writes the request line; undefined when request logging is off. */
  readonly requestLog: RequestLog | undefined;
  readonly draining: boolean;
  readiness(): { ready: boolean; details: Record<string, unknown> };
}

const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function incomingRequestId(value: string | string[] | undefined): string {
  return typeof value === 'string' && REQUEST_ID.test(value) ? value : randomUUID();
}

export function clientIpOf(req: IncomingMessage, trustForwarded: boolean): string {
  if (trustForwarded) {
    const xff = req.headers['x-forwarded-for'];
    const last = typeof xff === 'string' ? xff.slice(xff.lastIndexOf(',') + 1).trim() : undefined;
    if (last) return last;
  }
  return req.socket.remoteAddress ?? '';
}

export function createProxyHandler(env: ProxyEnvironment): (req: IncomingMessage, res: ServerResponse, expectContinue?: boolean) => void {
  return (req, res, expectContinue = false) => void handle(env, req, res, expectContinue);
}

async function handle(env: ProxyEnvironment, req: IncomingMessage, res: ServerResponse, expectContinue: boolean): Promise<void> {
  const runtime = env.runtime();
  runtime.enter();
  env.metrics.inflight.inc();
  const startedAt = performance.now();
  const requestId = incomingRequestId(req.headers['x-request-id']);
  let ctx: RequestContext | undefined;
  let route: BuiltRoute | undefined;
  let status = 0;
  let errorCode: string | undefined;
  let path = '';
  let unified = false;
  try {
    if (env.draining) res.shouldKeepAlive = false;
    const target = checkRequest(req);
    path = target.path;
    if (target.path === '/healthz' || target.path === '/readyz') {
      status = answerHealth(env, target.path, res, requestId);
      return;
    }
    const method = req.method ?? 'GET';
    if (env.unified?.owns(target.path)) {
      unified = true;
      await env.unified.serve(req, res, target, requestId, expectContinue, { clientIp: clientIpOf(req, env.trustForwarded), secure: env.secure, trustForwarded: env.trustForwarded });
      status = res.statusCode;
      return;
    }
    const match = runtime.router.find(method, target.host, target.path);
    if (match === undefined) throw new UnigateError('ROUTE_NOT_FOUND', { details: { method, path: target.path } });
    route = match.value;
    const hasBody = checkLimits(req, route);
    const clientIp = clientIpOf(req, env.trustForwarded);
    ctx = new RequestContext(requestId, method, target.host, target.path, target.query, clientIp, req.headers, route, env.secure);
    ctx.params = match.params;
    ctx.upstreamPath = upstreamPath(route, target.path);
    ctx.forwardClientHeaders({
      clientIp,
      proto: env.secure ? 'https' : 'http',
      requestId,
      preserveHost: route.preserveHost,
      trustForwarded: env.trustForwarded,
    });
    if (route.policies.needsRequestBody && hasBody) {
      ctx.requestBody = await readBody(req, res, route.limits.maxBodyBytes, expectContinue);
    }
    if (route.policies.request.length > 0) {
      const ran = runRequestPolicies(route.policies.request, ctx);
      const reply = ran instanceof Promise ? await ran : ran;
      if (reply !== undefined) {
        const sent = sendReply(res, reply, requestId, ctx.responseHeaders);
        ctx.bytesOut = method === 'HEAD' ? 0 : sent;
        ctx.status = reply.status;
        return;
      }
    }
    await forward(ctx, { req, res, hasBody: hasBody && ctx.requestBody === undefined, expectContinue }, env.observer);
  } catch (thrown) {
    const err = toUnigateError(thrown);
    if (err.code === 'INTERNAL_ERROR') env.logger.error({ err: err.cause, req_id: requestId }, 'internal error');
    status = err.status;
    errorCode = err.code;
    if (ctx) {
      ctx.status = status;
      ctx.errorCode = errorCode;
    }
    // A body we never read, or one a client is waiting to send after 100-continue, rules out reuse.
    sendError(res, err, requestId, expectContinue || !req.complete, ctx?.responseHeaders);
  } finally {
    runtime.leave();
    env.metrics.inflight.dec();
    ctx?.finish();
    finishRequest(env, req, requestId, path, startedAt, route, ctx, status, errorCode, unified);
  }
}

/** Reads the whole request body (for policies that need it), capped at the route limit. */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number, expectContinue: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (err: Error) => {
      req.off('data', onData);
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(new UnigateError('PAYLOAD_TOO_LARGE', { details: { limit_bytes: limit } }));
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', fail);
    if (expectContinue) res.writeContinue();
  });
}

/** Limits known from the head alone; returns whether a body follows. */
function checkLimits(req: IncomingMessage, route: BuiltRoute): boolean {
  const limits = route.limits;
  if ((req.url?.length ?? 0) > limits.maxUrlBytes) throw new UnigateError('URI_TOO_LONG', { details: { limit_bytes: limits.maxUrlBytes } });
  const raw = req.rawHeaders;
  let headerBytes = 0;
  for (let i = 0; i < raw.length; i++) headerBytes += raw[i]!.length + 2;
  if (headerBytes > limits.maxHeaderBytes) throw new UnigateError('HEADERS_TOO_LARGE', { details: { limit_bytes: limits.maxHeaderBytes } });
  const contentLength = req.headers['content-length'];
  if (contentLength !== undefined) {
    const length = Number(contentLength);
    if (length > limits.maxBodyBytes) throw new UnigateError('PAYLOAD_TOO_LARGE', { details: { limit_bytes: limits.maxBodyBytes } });
    return length > 0;
  }
  return req.headers['transfer-encoding'] !== undefined;
}

function answerHealth(env: ProxyEnvironment, path: string, res: ServerResponse, requestId: string): number {
  const { ready, details } = path === '/healthz' ? { ready: true, details: {} } : env.readiness();
  const body = JSON.stringify({ status: ready ? 'ok' : 'unavailable', ...details });
  const status = ready ? 200 : 503;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', 'x-request-id': requestId });
  res.end(body);
  return status;
}

function finishRequest(
  env: ProxyEnvironment,
  req: IncomingMessage,
  requestId: string,
  path: string,
  startedAt: number,
  route: BuiltRoute | undefined,
  ctx: RequestContext | undefined,
  status: number,
  errorCode: string | undefined,
  unified: boolean,
): void {
  const ms = performance.now() - startedAt;
  const finalStatus = ctx?.clientAborted ? 499 : (ctx?.status ?? status);
  const routeName = route?.name ?? (unified ? UNIFIED_ROUTE : '');
  const upstreamName = route?.upstream.name ?? '';
  env.metrics.requests.record(routeName, upstreamName, finalStatus, ms / 1000, ctx !== undefined && ctx.attempts > 0 ? ctx.upstreamMs / 1000 : undefined);
  env.requestLog?.({
    reqId: requestId,
    method: req.method,
    path,
    route: routeName || undefined,
    upstream: upstreamName || undefined,
    target: ctx?.target?.origin,
    status: finalStatus,
    error: ctx?.errorCode ?? errorCode,
    attempts: ctx?.attempts,
    bytesIn: ctx?.bytesIn,
    bytesOut: ctx?.bytesOut,
    ms: round(ms),
    upstreamMs: ctx ? round(ctx.upstreamMs) : undefined,
    queueMs: ctx ? round(ctx.queueMs) : undefined,
    clientIp: ctx?.clientIp ?? req.socket.remoteAddress,
  });
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
