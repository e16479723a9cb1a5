/**
 * Requests of Unigate's own (the unified API calling a platform, for instance) sent through
 * the same engine as client traffic: target choice, attempt hooks (shield, credential
 * injection), retries, timeouts and the breaker. The answer is collected in memory, capped
 * at the route's `max_response_bytes`.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { OutgoingHttpHeaders } from 'node:http';
import type { BuiltRoute } from '../../config/compile.js';
import { UnigateError } from '../../errors/unigate-error.js';
import { RequestContext, type OutgoingHeaders } from '../../server/context.js';
import type { Identity } from '../authenticate/identity-cache.js';
import { forward, type ForwardObserver, type ResponseSink } from './forward.js';

export interface InternalRequest {
  method: string;
  /** Path below the upstream's base path, without query. */
  path: string;
  /** Raw query without '?'. */
  query: string;
  headers?: OutgoingHeaders;
  body?: Buffer;
  /** Who the call is made for (credential and cache scoping). */
  identity?: Identity;
  requestId?: string;
}

export interface InternalResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export async function sendInternal(route: BuiltRoute, request: InternalRequest, observer: ForwardObserver): Promise<InternalResponse> {
  const id = request.requestId ?? randomUUID();
  const ctx = new RequestContext(id, request.method, 'unigate.internal', request.path, request.query, '127.0.0.1', {}, route, false);
  ctx.upstreamPath = request.path;
  ctx.upstreamQuery = request.query;
  const headers: OutgoingHeaders = {};
  for (const name in request.headers) headers[name.toLowerCase()] = request.headers[name]!;
  headers['x-request-id'] = id;
  ctx.upstreamHeaders = headers;
  if (request.body !== undefined) {
    ctx.requestBody = request.body;
    ctx.upstreamHeaders['content-length'] = String(request.body.length);
  }
  if (request.identity !== undefined) {
    ctx.identity = request.identity;
    ctx.consumerId = request.identity.consumer.id;
  }
  const sink = new CollectingSink(route.limits.maxResponseBytes);
  await forward(ctx, { req: undefined, res: sink, hasBody: false, expectContinue: false }, observer);
  ctx.finish();
  return sink.result;
}

/** A ResponseSink that keeps the answer in memory. */
class CollectingSink extends EventEmitter implements ResponseSink {
  headersSent = false;
  private status = 0;
  private headers: Record<string, string | string[]> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;
  private resolve!: (response: InternalResponse) => void;
  private reject!: (err: unknown) => void;
  readonly result = new Promise<InternalResponse>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  constructor(private readonly maxBytes: number) {
    super();
  }

  writeHead(status: number, headers: string[] | OutgoingHttpHeaders): this {
    this.status = status;
    this.headersSent = true;
    this.headers = toHeaderMap(headers);
    return this;
  }

  write(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.destroy(new UnigateError('RESPONSE_TOO_LARGE', { details: { limit_bytes: this.maxBytes } }));
      return true;
    }
    this.chunks.push(chunk);
    return true;
  }

  end(chunk?: Buffer): this {
    if (chunk !== undefined && chunk.length > 0) this.write(chunk);
    if (!this.settled) {
      this.settled = true;
      this.resolve({ status: this.status, headers: this.headers, body: Buffer.concat(this.chunks, this.size) });
    }
    return this;
  }

  destroy(err?: Error): this {
    if (!this.settled) {
      this.settled = true;
      this.reject(
        err instanceof UnigateError
          ? err
          : new UnigateError('UPSTREAM_UNAVAILABLE', { message: 'The upstream response was cut off', details: { reason: 'reset' }, cause: err }),
      );
      this.emit('close');
    }
    return this;
  }

  fail(err: UnigateError): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
  }
}

function toHeaderMap(headers: string[] | OutgoingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const lower = name.toLowerCase();
    const existing = out[lower];
    out[lower] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  };
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) add(headers[i]!, headers[i + 1]!);
  } else {
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) add(name, String(v));
    }
  }
  return out;
}
