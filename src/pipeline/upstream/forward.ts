/**
 * Forwards one request to its upstream and streams the answer back: picks a target per
 * attempt, retries what is safe to retry, enforces the timeouts, and never lets a failure
 * after the response started look like a complete response (the client connection is cut).
 *
 * Dispatches with undici's handler interface directly: the response body goes from the
 * upstream socket to the client socket chunk by chunk, with backpressure, without a stream
 * in between.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { UnigateError, isUnigateError } from '../../errors/unigate-error.js';
import type { RequestContext } from '../../server/context.js';
import { sendError } from '../../server/respond.js';
import { connectionTokens, isHopByHop } from '../../server/hop-by-hop.js';
import { requestTarget } from '../../server/upstream-request.js';
import { backoffDelay } from './retry-budget.js';
import { ClientBodyError, RequestBody } from './request-body.js';
import type { Target } from './target.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
const DEFAULT_FAILURE_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);
const VIA = '1.1 unigate';

export type FailureKind = 'connect' | 'connect-timeout' | 'reset' | 'headers-timeout' | 'body-timeout' | 'total-timeout' | 'bad-response';

export interface ForwardObserver {
  onRetry(ctx: RequestContext, reason: string): void;
  onUpstreamFailure(ctx: RequestContext, target: Target, kind: FailureKind): void;
}

export interface ForwardIO {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request has a body to send (Content-Length > 0 or chunked). */
  hasBody: boolean;
  expectContinue: boolean;
}

class TotalTimeoutError extends Error {
  readonly code = 'UNIGATE_TOTAL_TIMEOUT';
}
class ClientGoneError extends Error {
  readonly code = 'UNIGATE_CLIENT_GONE';
}

export function forward(ctx: RequestContext, io: ForwardIO, observer: ForwardObserver): Promise<void> {
  return new Promise((resolve) => new Exchange(ctx, io, observer, resolve).start());
}

/** One upstream attempt; undici calls it, it hands everything to its exchange. */
class Attempt implements Dispatcher.DispatchHandler {
  abort: ((err: Error) => void) | undefined = undefined;
  resume: (() => void) | undefined = undefined;
  /** The response is being read only to free the connection (a retry is under way). */
  discard = false;
  released = false;
  readonly sentAt = performance.now();

  constructor(
    private readonly exchange: Exchange,
    readonly target: Target,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort as (err: Error) => void;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    this.resume = resume;
    return this.exchange.onHeaders(this, statusCode, rawHeaders);
  }

  onData(chunk: Buffer): boolean {
    return this.discard || this.exchange.onData(this, chunk);
  }

  onComplete(): void {
    this.exchange.onComplete(this);
  }

  onError(err: Error): void {
    this.exchange.onError(this, err);
  }
}

class Exchange {
  private attempt: Attempt | undefined;
  private body: RequestBody | undefined;
  private retries = 0;
  private streaming = false;
  private finished = false;
  private deadline = 0;
  private totalTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly onDrain = (): void => this.attempt?.resume?.();
  private readonly onClientClose = (): void => {
    if (this.finished) return;
    this.ctx.clientAborted = true;
    this.attempt?.abort?.(new ClientGoneError('client closed the connection'));
    this.finish();
  };

  constructor(
    private readonly ctx: RequestContext,
    private readonly io: ForwardIO,
    private readonly observer: ForwardObserver,
    private readonly resolve: () => void,
  ) {}

  start(): void {
    const { route } = this.ctx;
    this.io.res.on('close', this.onClientClose);
    const totalMs = route.timeouts.totalMs;
    if (totalMs > 0) {
      this.deadline = this.ctx.startedAt + totalMs;
      this.totalTimer = setTimeout(() => this.onTotalTimeout(), totalMs);
    }
    route.upstream.retryBudget.recordRequest(Date.now());
    this.dispatch(undefined);
  }

  private dispatch(exclude: Target | undefined): void {
    this.retryTimer = undefined;
    if (this.finished) return;
    const { ctx, io } = this;
    const { route } = ctx;
    let target: Target;
    try {
      target = route.upstream.acquire(ctx, exclude, Date.now());
    } catch (err) {
      this.fail(isUnigateError(err) ? err : new UnigateError('INTERNAL_ERROR', { cause: err }));
      return;
    }
    ctx.target = target;
    ctx.attempts++;
    if (io.hasBody) {
      this.body?.destroy();
      this.body = new RequestBody(io.req, io.res, route.limits.maxBodyBytes, io.expectContinue);
    }
    const attempt = new Attempt(this, target);
    this.attempt = attempt;
    target.pool.dispatch(
      {
        path: requestTarget(target.basePath, ctx.upstreamPath, ctx.query),
        method: ctx.method as Dispatcher.HttpMethod,
        headers: ctx.upstreamHeaders,
        body: this.body ?? null,
        headersTimeout: route.timeouts.responseHeadersMs,
        bodyTimeout: route.timeouts.bodyIdleMs,
      },
      attempt,
    );
  }

  onHeaders(attempt: Attempt, status: number, rawHeaders: Buffer[]): boolean {
    if (attempt !== this.attempt || this.finished) return true;
    const target = attempt.target;
    const failed = (target.passive?.options.statuses ?? DEFAULT_FAILURE_STATUSES).has(status);
    target.recordOutcome(!failed, Date.now());
    const { route } = this.ctx;
    if (route.retries.onStatuses.has(status)) {
      const delay = this.retryDelay(retryAfterMs(rawHeaders));
      if (delay !== undefined) {
        attempt.discard = true;
        this.scheduleRetry(`status ${status}`, target, delay);
        return true;
      }
    }
    try {
      this.io.res.writeHead(status, responseHeaders(rawHeaders, this.ctx.id));
    } catch (err) {
      // The upstream sent a header Node will not write (bad bytes): not forwardable.
      attempt.abort?.(err as Error);
      this.failWith(target, 'bad-response', err);
      return false;
    }
    this.streaming = true;
    this.ctx.status = status;
    return true;
  }

  onData(attempt: Attempt, chunk: Buffer): boolean {
    if (attempt !== this.attempt || this.finished) return true;
    this.ctx.bytesOut += chunk.length;
    if (this.io.res.write(chunk)) return true;
    this.io.res.once('drain', this.onDrain);
    return false;
  }

  onComplete(attempt: Attempt): void {
    this.release(attempt);
    if (attempt.discard || attempt !== this.attempt || this.finished) return;
    this.io.res.end();
    this.finish();
  }

  onError(attempt: Attempt, err: Error): void {
    this.release(attempt);
    if (attempt.discard || attempt !== this.attempt || this.finished) return;
    if (err instanceof ClientGoneError || err instanceof ClientBodyError || (err as { code?: string }).code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
      // The client is at fault (gone, or sent less than it announced): nothing to tell it.
      this.ctx.clientAborted = true;
      this.io.res.destroy();
      this.finish();
      return;
    }
    if (isUnigateError(err)) {
      // Our own limit tripped while streaming the request body (413).
      this.fail(err, true);
      return;
    }
    const kind = classify(err);
    attempt.target.recordOutcome(false, Date.now());
    this.observer.onUpstreamFailure(this.ctx, attempt.target, kind);
    if (!this.streaming && this.retryable(kind)) {
      const delay = this.retryDelay(undefined);
      if (delay !== undefined) {
        this.scheduleRetry(kind, attempt.target, delay);
        return;
      }
    }
    this.failWith(attempt.target, kind, err);
  }

  private release(attempt: Attempt): void {
    if (attempt.released) return;
    attempt.released = true;
    attempt.target.release();
    this.ctx.upstreamMs += performance.now() - attempt.sentAt;
  }

  private retryable(kind: FailureKind): boolean {
    const policy = this.ctx.route.retries;
    switch (kind) {
      case 'connect':
      case 'connect-timeout':
        return policy.onConnectError;
      case 'reset':
        return policy.onReset;
      case 'headers-timeout':
        return policy.onTimeout;
      default:
        return false;
    }
  }

  /** Milliseconds to wait before a retry, or undefined when no retry may happen. */
  private retryDelay(retryAfter: number | undefined): number | undefined {
    const { ctx } = this;
    const { route } = ctx;
    const policy = route.retries;
    if (this.retries >= policy.count || ctx.clientAborted) return undefined;
    if (!IDEMPOTENT.has(ctx.method) && !route.retryNonIdempotent) return undefined;
    if (this.body !== undefined && this.body.started) return undefined; // the body is gone; never replay half of it
    let delay = backoffDelay(this.retries + 1, policy.backoffBaseMs, policy.backoffMaxMs);
    if (retryAfter !== undefined) {
      if (retryAfter > policy.backoffMaxMs) return undefined; // the upstream asks for longer than we would wait
      delay = Math.max(delay, retryAfter);
    }
    if (this.deadline !== 0 && performance.now() + delay >= this.deadline) return undefined;
    if (!route.upstream.retryBudget.tryAcquire(Date.now())) return undefined;
    return delay;
  }

  private scheduleRetry(reason: string, failed: Target, delay: number): void {
    this.retries++;
    this.observer.onRetry(this.ctx, reason);
    if (delay <= 0) {
      this.dispatch(failed);
      return;
    }
    this.retryTimer = setTimeout(() => this.dispatch(failed), delay);
  }

  private onTotalTimeout(): void {
    this.totalTimer = undefined;
    if (this.finished) return;
    this.attempt?.abort?.(new TotalTimeoutError('total timeout'));
    if (this.attempt) this.observer.onUpstreamFailure(this.ctx, this.attempt.target, 'total-timeout');
    this.failWith(this.attempt?.target, 'total-timeout', undefined);
  }

  private failWith(target: Target | undefined, kind: FailureKind, cause: unknown): void {
    const details: Record<string, unknown> = { upstream: this.ctx.route.upstream.name, reason: kind };
    if (target !== undefined) details.target = target.origin;
    const code = kind === 'bad-response' ? 'UPSTREAM_BAD_RESPONSE' : kind.endsWith('timeout') ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE';
    this.fail(new UnigateError(code, { details, cause }));
  }

  private fail(err: UnigateError, closeConnection = false): void {
    if (this.finished) return;
    this.ctx.errorCode = err.code;
    if (this.streaming) {
      // Headers are out: cut the connection so the client cannot take a truncated body as complete.
      this.io.res.destroy(err);
    } else {
      this.ctx.status = err.status;
      // Past an unread request body the connection cannot be reused.
      sendError(this.io.res, err, this.ctx.id, closeConnection || (this.body !== undefined && !this.io.req.complete));
    }
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.ctx.bytesIn = this.body?.bytes ?? 0;
    if (this.totalTimer !== undefined) clearTimeout(this.totalTimer);
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.io.res.off('close', this.onClientClose);
    this.io.res.off('drain', this.onDrain);
    this.resolve();
  }
}

function classify(err: Error): FailureKind {
  const code = (err as { code?: string }).code ?? '';
  if (err instanceof TotalTimeoutError) return 'total-timeout';
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect-timeout';
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'headers-timeout';
    case 'UND_ERR_BODY_TIMEOUT':
      return 'body-timeout';
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_HEADERS_OVERFLOW':
    case 'UND_ERR_RESPONSE':
      return 'bad-response';
    default:
      return code.startsWith('HPE_') ? 'bad-response' : 'connect';
  }
}

/** Upstream response headers minus hop-by-hop ones, plus Via and the request id. */
function responseHeaders(raw: Buffer[], requestId: string): string[] {
  const out: string[] = [];
  let connection: string | undefined;
  let via: string | undefined;
  let hasRequestId = false;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 10 && raw[i]!.toString('latin1').toLowerCase() === 'connection') connection = raw[i + 1]!.toString('latin1');
  }
  const listed = connectionTokens(connection);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const lower = name.toLowerCase();
    if (isHopByHop(lower) || listed?.has(lower)) continue;
    const value = raw[i + 1]!.toString('latin1');
    if (lower === 'via') {
      via = via === undefined ? value : `${via}, ${value}`;
      continue;
    }
    if (lower === 'x-request-id') hasRequestId = true;
    out.push(name, value);
  }
  out.push('via', via === undefined ? VIA : `${via}, ${VIA}`);
  if (!hasRequestId) out.push('x-request-id', requestId);
  return out;
}

/** Retry-After (RFC 9110 §10.2.3) as milliseconds from now: delay-seconds or an HTTP date. */
function retryAfterMs(raw: Buffer[]): number | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length !== 11 || raw[i]!.toString('latin1').toLowerCase() !== 'retry-after') continue;
    const value = raw[i + 1]!.toString('latin1').trim();
    if (/^[0-9]+$/.test(value)) return Number(value) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
  }
  return undefined;
}
