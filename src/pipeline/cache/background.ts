/**
 * One upstream GET outside the client's exchange, for refreshing a cache entry in the
 * background (stale-while-revalidate) or deciding between a new and a stale response
 * (stale-if-error). It runs what the client's request would: a target pick, the attempt
 * hooks (shield, credentials), the timeouts, and the response policies that come after
 * the cache (transforms), so what it stores matches what a miss would have stored. No
 * retries: the caller falls back to the stale entry.
 */
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { RequestContext } from '../../server/context.js';
import { requestTarget } from '../../server/upstream-request.js';
import { phaseIndex } from '../phases.js';
import { BodyTimeoutError, HeadersTimeoutError, isExactTimeout } from '../upstream/exact-timeouts.js';
import type { AttemptRequest, UpstreamResponse } from '../policy.js';

export interface Fetched extends UpstreamResponse {
  /** undefined: the body was larger than the cache keeps. */
  body: Buffer | undefined;
}

const AFTER_CACHE = phaseIndex('cache');
/** The client's own conditionals are not the cache's: its request asks for the entry it holds. */
const CONDITIONALS = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range'];

/** A copy of the request's context for a request of the cache's own (GET, extra headers). */
export function detachedContext(ctx: RequestContext, extraHeaders: Record<string, string>): RequestContext {
  const copy = new RequestContext(randomUUID(), 'GET', ctx.host, ctx.path, ctx.query, ctx.clientIp, ctx.headers, ctx.route, ctx.secure);
  copy.params = ctx.params;
  copy.upstreamPath = ctx.upstreamPath;
  copy.upstreamQuery = ctx.upstreamQuery;
  const headers = { ...ctx.upstreamHeaders };
  for (const name of CONDITIONALS) delete headers[name];
  copy.upstreamHeaders = { ...headers, ...extraHeaders, 'x-request-id': copy.id };
  copy.consumerId = ctx.consumerId;
  copy.identity = ctx.identity;
  copy.connection = ctx.connection;
  return copy;
}

export async function fetchUpstream(ctx: RequestContext, maxBytes: number): Promise<Fetched> {
  const { route } = ctx;
  const target = route.upstream.acquire(ctx, undefined, Date.now());
  ctx.target = target;
  ctx.attempts++;
  const attempt: AttemptRequest = { number: 1, target, headers: { ...ctx.upstreamHeaders }, query: ctx.upstreamQuery };
  const hooks = route.policies.attempt;
  let sent = false;
  let ok = false;
  let timer: NodeJS.Timeout | undefined;
  try {
    for (const policy of hooks) await policy.onAttempt?.(ctx, attempt);
    sent = true;
    const { responseHeadersMs, bodyIdleMs, totalMs } = route.timeouts;
    const exactTimer = new AbortController();
    const signals = totalMs > 0 ? [exactTimer.signal, AbortSignal.timeout(totalMs)] : [exactTimer.signal];
    // Counted from the call, so a connection still being opened counts too: it never fires late.
    timer = isExactTimeout(responseHeadersMs)
      ? setTimeout(() => exactTimer.abort(new HeadersTimeoutError(`no response headers within ${responseHeadersMs} ms`)), responseHeadersMs)
      : undefined;
    const response = await target.pool.request({
      path: requestTarget(target.basePath, ctx.upstreamPath, attempt.query),
      method: 'GET',
      headers: attempt.headers as Dispatcher.DispatchOptions['headers'],
      headersTimeout: responseHeadersMs,
      bodyTimeout: bodyIdleMs,
      signal: AbortSignal.any(signals),
    });
    clearTimeout(timer);
    timer = isExactTimeout(bodyIdleMs)
      ? setTimeout(() => exactTimer.abort(new BodyTimeoutError(`no response body data for ${bodyIdleMs} ms`)), bodyIdleMs)
      : undefined;
    const headers = lowerCase(response.headers);
    for (const policy of hooks) policy.onAttemptResponse?.(ctx, attempt, response.statusCode, () => headers);
    const body = await readUpTo(response.body, maxBytes, timer);
    clearTimeout(timer);
    ok = response.statusCode < 500;
    const fetched: Fetched = { status: response.statusCode, headers, body };
    if (body !== undefined) {
      for (const policy of route.policies.response) {
        if (phaseIndex(policy.phase) > AFTER_CACHE) await policy.onResponse!(ctx, fetched);
      }
    }
    return fetched;
  } finally {
    clearTimeout(timer);
    if (sent) target.recordOutcome(ok, Date.now());
    target.release();
    for (const policy of hooks) policy.onAttemptEnd?.(ctx, attempt);
  }
}

/** The whole body, or undefined past `maxBytes`; each chunk restarts the body-idle timer, if any. */
async function readUpTo(body: Dispatcher.ResponseData['body'], maxBytes: number, idleTimer: NodeJS.Timeout | undefined): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    idleTimer?.refresh();
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function lowerCase(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name.toLowerCase()] = value;
  delete out.connection;
  delete out['keep-alive'];
  delete out['transfer-encoding'];
  return out;
}
