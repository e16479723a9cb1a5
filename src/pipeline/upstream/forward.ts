/**
 * Forwards one request to its upstream and streams the answer back: picks a target per
 * attempt, runs the attempt hooks (shield, credentials), retries what is safe to retry,
 * enforces the timeouts, and never lets a failure after the response started look like a
 * complete response (the client connection is cut).
 *
 * Dispatches with undici's handler interface directly: on routes without response
 * policies the body goes from the upstream socket to the client socket chunk by chunk, with
 * backpressure, without a stream in between.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { UnigateError, isUnigateError, toUnigateError } from '../../errors/unigate-error.js';
import type { RequestContext } from '../../server/context.js';
import { sendError } from '../../server/respond.js';
import { requestTarget } from '../../server/upstream-request.js';
import type { AttemptRequest, UpstreamResponse } from '../policy.js';
import { parseRawHeaders, responseHeaders, retryAfterMs, toHeaderList } from './response-headers.js';
import { backoffDelay } from './retry-budget.js';
import { ClientBodyError, RequestBody } from './request-body.js';
import { BodyTimeoutError, HeadersTimeoutError, isExactTimeout } from './exact-timeouts.js';
import type { Target } from './target.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
const DEFAULT_FAILURE_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

export type FailureKind = 'connect' | 'connect-timeout' | 'reset' | 'headers-timeout' | 'body-timeout' | 'total-timeout' | 'bad-response';

export interface ForwardObserver {
  onRetry(ctx: RequestContext, reason: string): void;
  onUpstreamFailure(ctx: RequestContext, target: Target, kind: FailureKind): void;
  /** A hook threw something that is not a UnigateError: a bug to log with its cause. */
  onInternalError(ctx: RequestContext, err: unknown): void;
}

/**
 * Where the answer goes: the client's ServerResponse, or an in-process collector (the
 * unified API calls platforms through the same engine). The subset of ServerResponse used.
 */
export interface ResponseSink {
  readonly headersSent: boolean;
  writeHead(status: number, headers: string[] | OutgoingHttpHeaders): unknown;
  write(chunk: Buffer): boolean;
  end(chunk?: Buffer): unknown;
  destroy(err?: Error): unknown;
  on(event: 'close' | 'drain', listener: () => void): unknown;
  once(event: 'close' | 'drain', listener: () => void): unknown;
  off(event: 'close' | 'drain', listener: () => void): unknown;
  /** In-process sinks take Unigate's own errors as errors, not as an envelope. */
  fail?(err: UnigateError): void;
}

export interface ForwardIO {
  /** The client's request; only read when `hasBody`. */
  req: IncomingMessage | undefined;
  res: ResponseSink;
  /** The request has a body to stream (Content-Length > 0 or chunked) and it was not read into ctx.requestBody. */
  hasBody: boolean;
  expectContinue: boolean;
}

class TotalTimeoutError extends Error {
  readonly code = 'UNIGATE_TOTAL_TIMEOUT';
}
class ClientGoneError extends Error {
  readonly code = 'UNIGATE_CLIENT_GONE';
}

function onHeadersTimeout(attempt: Attempt): void {
  attempt.timer = undefined;
  attempt.abort?.(new HeadersTimeoutError(`no response headers within ${attempt.timeouts.responseHeadersMs} ms`));
}

/** Silence counts only while the attempt reads: a paused body (a slow client) is not idle. */
function onBodyTimeout(attempt: Attempt): void {
  if (attempt.paused) {
    attempt.timer!.refresh();
    return;
  }
  attempt.timer = undefined;
  attempt.abort?.(new BodyTimeoutError(`no response body data for ${attempt.timeouts.bodyIdleMs} ms`));
}

export function forward(ctx: RequestContext, io: ForwardIO, observer: ForwardObserver): Promise<void> {
  return new Promise((resolve) => new Exchange(ctx, io, observer, resolve).start());
}

/** One upstream attempt; undici calls it, it hands everything to its exchange. */
class Attempt implements Dispatcher.DispatchHandler, AttemptRequest {
  abort: ((err: Error) => void) | undefined = undefined;
  /** undici's resume of this response, once its head arrived. */
  private resumeUpstream: (() => void) | undefined = undefined;
  /** The response is being read only to free the connection (a retry is under way). */
  discard = false;
  released = false;
  /** Body chunks kept for response policies that read the whole body. */
  chunks: Buffer[] | undefined = undefined;
  collected = 0;
  /** When > 0, buffering is optional: past this many bytes the response streams instead. */
  upTo = 0;
  response: UpstreamResponse | undefined = undefined;
  readonly sentAt = performance.now();
  /** The header, then body, timer of a short timeout (exact-timeouts.ts). */
  timer: NodeJS.Timeout | undefined = undefined;
  /** The exchange asked undici to stop reading (the client is behind). */
  paused = false;

  constructor(
    private readonly exchange: Exchange,
    readonly target: Target,
    readonly number: number,
    public headers: RequestContext['upstreamHeaders'],
    public query: string,
    readonly timeouts: { responseHeadersMs: number; bodyIdleMs: number },
  ) {}

  /** undici starts the request (it may have waited for a connection until now). */
  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort as (err: Error) => void;
    if (isExactTimeout(this.timeouts.responseHeadersMs)) this.timer = setTimeout(onHeadersTimeout, this.timeouts.responseHeadersMs, this);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // 1xx heads come before the response's own; the header timer runs on until that one.
    if (statusCode >= 200) {
      this.stopTimer();
      if (isExactTimeout(this.timeouts.bodyIdleMs)) this.timer = setTimeout(onBodyTimeout, this.timeouts.bodyIdleMs, this);
    }
    this.resumeUpstream = resume;
    return this.reading(this.exchange.onHeaders(this, statusCode, rawHeaders));
  }

  onData(chunk: Buffer): boolean {
    this.timer?.refresh();
    return this.discard || this.reading(this.exchange.onData(this, chunk));
  }

  onComplete(): void {
    this.stopTimer();
    this.exchange.onComplete(this);
  }

  onError(err: Error): void {
    this.stopTimer();
    this.exchange.onError(this, err);
  }

  /** Reads the upstream again after a pause (the client caught up, or the head was written). */
  resume(): void {
    this.paused = false;
    this.resumeUpstream?.();
  }

  private reading(more: boolean): boolean {
    this.paused = !more;
    return more;
  }

  private stopTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
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
  private readonly onDrain = (): void => this.attempt?.resume();
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
    const { ctx } = this;
    let target: Target;
    try {
      target = ctx.route.upstream.acquire(ctx, exclude, Date.now());
    } catch (err) {
      this.fail(toUnigateError(err));
      return;
    }
    ctx.target = target;
    ctx.attempts++;
    const hooks = ctx.route.policies.attempt;
    // Attempt hooks change their own copy, so every attempt starts from the request as built.
    const attempt = new Attempt(
      this,
      target,
      ctx.attempts,
      hooks.length === 0 ? ctx.upstreamHeaders : { ...ctx.upstreamHeaders },
      ctx.upstreamQuery,
      ctx.route.timeouts,
    );
    this.attempt = attempt;
    if (hooks.length === 0) {
      this.send(attempt);
      return;
    }
    let pending: Promise<void> | undefined;
    try {
      pending = this.runAttemptHooks(attempt);
    } catch (err) {
      this.attemptHooksFailed(attempt, err);
      return;
    }
    if (pending === undefined) this.send(attempt);
    else
      pending.then(
        () => this.send(attempt),
        (err: unknown) => this.attemptHooksFailed(attempt, err),
      );
  }

  /**
   * The attempt hooks in order, synchronously while each answers synchronously (a credential
   * already open in memory): undefined when all did, else a promise for the rest. A hook
   * that waits (the shield's queue) hands the remaining ones to the promise.
   */
  private runAttemptHooks(attempt: Attempt): Promise<void> | undefined {
    const started = performance.now();
    const hooks = this.ctx.route.policies.attempt;
    for (let i = 0; i < hooks.length; i++) {
      const result = hooks[i]!.onAttempt?.(this.ctx, attempt);
      if (result instanceof Promise) return this.finishAttemptHooks(result, i + 1, attempt, started);
    }
    this.ctx.queueMs += performance.now() - started;
    return undefined;
  }

  private async finishAttemptHooks(pending: Promise<void>, next: number, attempt: Attempt, started: number): Promise<void> {
    await pending;
    const hooks = this.ctx.route.policies.attempt;
    for (let i = next; i < hooks.length; i++) await hooks[i]!.onAttempt?.(this.ctx, attempt);
    this.ctx.queueMs += performance.now() - started;
  }

  private attemptHooksFailed(attempt: Attempt, err: unknown): void {
    this.release(attempt);
    if (attempt !== this.attempt) return;
    const failure = toUnigateError(err);
    if (failure.code === 'INTERNAL_ERROR') this.observer.onInternalError(this.ctx, err);
    this.fail(failure);
  }

  private send(attempt: Attempt): void {
    if (this.finished || attempt !== this.attempt) {
      this.release(attempt);
      return;
    }
    const { ctx, io } = this;
    const { route } = ctx;
    let body: RequestBody | Buffer | null = ctx.requestBody ?? null;
    if (io.hasBody) {
      this.body?.destroy();
      this.body = new RequestBody(io.req!, io.res as ServerResponse, route.limits.maxBodyBytes, io.expectContinue);
      body = this.body;
    }
    attempt.target.pool.dispatch(
      {
        path: requestTarget(attempt.target.basePath, ctx.upstreamPath, attempt.query),
        method: ctx.method as Dispatcher.HttpMethod,
        headers: attempt.headers,
        body,
        headersTimeout: route.timeouts.responseHeadersMs,
        bodyTimeout: route.timeouts.bodyIdleMs,
      },
      attempt,
    );
  }

  onHeaders(attempt: Attempt, status: number, rawHeaders: Buffer[]): boolean {
    if (attempt !== this.attempt || this.finished) return true;
    const { ctx } = this;
    const target = attempt.target;
    const failed = (target.passive?.options.statuses ?? DEFAULT_FAILURE_STATUSES).has(status);
    target.recordOutcome(!failed, Date.now());
    const policies = ctx.route.policies;
    let parsed: Record<string, string | string[]> | undefined;
    if (policies.attempt.length > 0) {
      const headers = (): Record<string, string | string[]> => (parsed ??= parseRawHeaders(rawHeaders));
      for (const policy of policies.attempt) {
        if (policy.onAttemptResponse === undefined) continue;
        const verdict = policy.onAttemptResponse(ctx, attempt, status, headers);
        if (verdict !== undefined && this.tryRetry(attempt, verdict.reason, verdict.delayMs ?? 0, true)) return true;
      }
    }
    if (ctx.route.retries.onStatuses.has(status) && this.tryRetry(attempt, `status ${status}`, retryAfterMs(rawHeaders))) return true;

    if (policies.response.length > 0) {
      attempt.response = { status, headers: parsed ?? parseRawHeaders(rawHeaders), body: undefined };
      if (policies.needsResponseBody) {
        attempt.chunks = [];
        return true;
      }
      if (policies.responseBodyUpTo > 0 && declaredLength(attempt.response.headers) <= policies.responseBodyUpTo) {
        attempt.chunks = [];
        attempt.upTo = policies.responseBodyUpTo;
        return true;
      }
      void this.respondThroughPolicies(attempt, true);
      return false; // resumed once the head is written
    }
    try {
      this.io.res.writeHead(status, responseHeaders(rawHeaders, ctx.id, ctx.responseHeaders));
    } catch (err) {
      // The upstream sent a header Node will not write (bad bytes): not forwardable.
      attempt.abort?.(err as Error);
      this.failWith(target, 'bad-response', err);
      return false;
    }
    this.streaming = true;
    ctx.status = status;
    return true;
  }

  onData(attempt: Attempt, chunk: Buffer): boolean {
    if (attempt !== this.attempt || this.finished) return true;
    if (attempt.chunks !== undefined) {
      attempt.collected += chunk.length;
      if (attempt.upTo > 0 && attempt.collected > attempt.upTo) {
        // Larger than the policies wanted to read: stream it after all, what was read first.
        attempt.chunks.push(chunk);
        void this.respondThroughPolicies(attempt, true);
        return false;
      }
      if (attempt.collected > this.ctx.route.limits.maxResponseBytes) {
        attempt.abort?.(new UnigateError('RESPONSE_TOO_LARGE', { details: { limit_bytes: this.ctx.route.limits.maxResponseBytes } }));
        return false;
      }
      attempt.chunks.push(chunk);
      return true;
    }
    this.ctx.bytesOut += chunk.length;
    if (this.io.res.write(chunk)) return true;
    this.io.res.once('drain', this.onDrain);
    return false;
  }

  onComplete(attempt: Attempt): void {
    this.release(attempt);
    if (attempt.discard || attempt !== this.attempt || this.finished) return;
    if (attempt.chunks !== undefined) {
      attempt.response!.body = Buffer.concat(attempt.chunks, attempt.collected);
      attempt.chunks = undefined;
      void this.respondThroughPolicies(attempt, false);
      return;
    }
    this.io.res.end();
    this.finish();
  }

  /** Runs response policies, then writes the head (and the whole body when it was buffered). */
  private async respondThroughPolicies(attempt: Attempt, thenStream: boolean): Promise<void> {
    const response = attempt.response!;
    try {
      for (const policy of this.ctx.route.policies.response) await policy.onResponse!(this.ctx, response);
    } catch (err) {
      attempt.abort?.(err as Error);
      const failure = toUnigateError(err);
      if (failure.code === 'INTERNAL_ERROR') this.observer.onInternalError(this.ctx, err);
      this.fail(failure);
      return;
    }
    if (this.finished) return;
    const { res } = this.io;
    try {
      res.writeHead(response.status, toHeaderList(response.headers, this.ctx.id, this.ctx.responseHeaders, response.body?.length));
    } catch (err) {
      attempt.abort?.(err as Error);
      this.failWith(attempt.target, 'bad-response', err);
      return;
    }
    this.ctx.status = response.status;
    this.streaming = true;
    if (thenStream) {
      const read = attempt.chunks;
      attempt.chunks = undefined;
      for (const chunk of read ?? []) {
        this.ctx.bytesOut += chunk.length;
        res.write(chunk);
      }
      attempt.resume();
      return;
    }
    this.ctx.bytesOut += response.body?.length ?? 0;
    res.end(response.body);
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
      // One of our own limits tripped while streaming (413 on the request, 502 on the response).
      this.fail(err, err.code === 'PAYLOAD_TOO_LARGE');
      return;
    }
    const kind = classify(err);
    attempt.target.recordOutcome(false, Date.now());
    this.observer.onUpstreamFailure(this.ctx, attempt.target, kind);
    if (!this.streaming && this.retryable(kind) && this.tryRetry(attempt, kind, undefined)) return;
    this.failWith(attempt.target, kind, err);
  }

  private release(attempt: Attempt): void {
    if (attempt.released) return;
    attempt.released = true;
    attempt.target.release();
    for (const policy of this.ctx.route.policies.attempt) policy.onAttemptEnd?.(this.ctx, attempt);
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

  /** Schedules a retry if one may happen now; the current attempt's body is then discarded. */
  private tryRetry(attempt: Attempt, reason: string, retryAfter: number | undefined, asked = false): boolean {
    const delay = asked ? this.askedRetryDelay(retryAfter ?? 0) : this.retryDelay(retryAfter);
    if (delay === undefined) return false;
    attempt.discard = true;
    this.retries++;
    this.observer.onRetry(this.ctx, reason);
    if (delay <= 0) this.dispatch(attempt.target);
    else this.retryTimer = setTimeout(() => this.dispatch(attempt.target), delay);
    return true;
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

  /** A retry an attempt hook asked for: only the body and the deadline can rule it out. */
  private askedRetryDelay(delay: number): number | undefined {
    if (this.ctx.clientAborted) return undefined;
    if (this.body !== undefined && this.body.started) return undefined;
    if (this.deadline !== 0 && performance.now() + delay >= this.deadline) return undefined;
    return delay;
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
    } else if (this.io.res.fail !== undefined) {
      this.ctx.status = err.status;
      this.io.res.fail(err);
    } else {
      this.ctx.status = err.status;
      // Past an unread request body the connection cannot be reused.
      sendError(this.io.res as ServerResponse, err, this.ctx.id, closeConnection || (this.body !== undefined && !this.io.req!.complete), this.ctx.responseHeaders);
    }
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.ctx.bytesIn = this.body?.bytes ?? this.ctx.requestBody?.length ?? 0;
    if (this.totalTimer !== undefined) clearTimeout(this.totalTimer);
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.io.res.off('close', this.onClientClose);
    this.io.res.off('drain', this.onDrain);
    this.resolve();
  }
}

/** Content-Length of a response head, 0 when absent (unknown: reading tells). */
function declaredLength(headers: Record<string, string | string[]>): number {
  const value = headers['content-length'];
  return typeof value === 'string' ? Number(value) || 0 : 0;
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
