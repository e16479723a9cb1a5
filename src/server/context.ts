/**
 * The per-request context every policy and the engine read and write. Built once per
 * request with fixed fields (one hidden class); policies write only their own slot.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { BuiltRoute } from '../config/compile.js';
import type { HashSource } from '../pipeline/upstream/upstream.js';
import type { Target } from '../pipeline/upstream/target.js';
import type { Identity } from '../pipeline/authenticate/identity-cache.js';
import type { Connection } from '../store/state/types.js';
import { upstreamHeaders, withoutHeader, type ForwardedInfo } from './upstream-request.js';

/** Header fields to send, by lower-case name (as Node parses them; everything that adds one lower-cases it). */
export type OutgoingHeaders = Record<string, string | string[]>;

export class RequestContext implements HashSource {
  /** performance.now() when the request arrived. */
  readonly startedAt: number;
  /** Path params captured by the route (`:id`, `*`). */
  params: Record<string, string | undefined> = {};
  /** Path sent to the upstream (before the target's base path), without query. */
  upstreamPath = '';
  /** Raw query sent to the upstream, without '?'; starts as the client's, transforms may change it. */
  upstreamQuery: string;
  /**
   * Headers sent to the upstream; policies may change them. Built from the client's headers
   * on first use, so a request answered before forwarding (a cache hit, a refusal) never
   * copies them.
   */
  get upstreamHeaders(): OutgoingHeaders {
    return (this.outgoing ??= this.forwarding === undefined ? {} : upstreamHeaders(this.headers, this.forwarding, this.withheld));
  }
  set upstreamHeaders(headers: OutgoingHeaders) {
    this.outgoing = headers;
  }
  /** The whole request body, read only when a policy needs it (then sent from here, replayable). */
  requestBody: Buffer | undefined = undefined;
  /** Headers policies add to the client response (rate-limit state, cache status). */
  responseHeaders: Record<string, string> | undefined = undefined;
  consumerId: string | undefined = undefined;
  /** Who is calling, once the authenticate policy ran. */
  identity: Identity | undefined = undefined;
  /** The connection whose credentials this request's attempts carry. */
  connection: Connection | undefined = undefined;
  /** An attempt was already re-sent because the backend refused the credential (only once). */
  credentialRetried = false;
  /** Target of the latest attempt. */
  target: Target | undefined = undefined;
  attempts = 0;
  /** Milliseconds spent waiting on upstreams (all attempts, headers and body). */
  upstreamMs = 0;
  /** Milliseconds spent queued before the upstream (outbound pacing). */
  queueMs = 0;
  bytesIn = 0;
  bytesOut = 0;
  status = 0;
  errorCode: string | undefined = undefined;
  /** Set when the client went away before the response was complete. */
  clientAborted = false;
  private finishers: (() => void)[] | undefined = undefined;
  private outgoing: OutgoingHeaders | undefined = undefined;
  private forwarding: ForwardedInfo | undefined = undefined;
  private withheld: string | undefined = undefined;

  constructor(
    readonly id: string,
    readonly method: string,
    /** Lower-cased host name without port. */
    readonly host: string,
    /** Request path as received (still percent-encoded), without query. */
    readonly path: string,
    /** Raw query string without '?', '' when none. */
    readonly query: string,
    readonly clientIp: string,
    readonly headers: IncomingHttpHeaders,
    readonly route: BuiltRoute,
    readonly secure: boolean,
  ) {
    this.startedAt = performance.now();
    this.upstreamQuery = query;
  }

  /** The upstream headers are the client's, forwarded as `info` says (built when first read). */
  forwardClientHeaders(info: ForwardedInfo): void {
    this.forwarding = info;
    this.outgoing = undefined;
  }

  /** Keeps one client header (lower case) from the upstream: Unigate's own credential, say. */
  withholdHeader(name: string): void {
    if (this.outgoing === undefined && this.forwarding !== undefined && this.withheld === undefined) this.withheld = name;
    else this.outgoing = withoutHeader(this.upstreamHeaders, name);
  }

  /** Runs `fn` once the request is over, however it ended (policies release what they hold). */
  onFinish(fn: () => void): void {
    (this.finishers ??= []).push(fn);
  }

  /** Called once by the server when the request is over. */
  finish(): void {
    const finishers = this.finishers;
    this.finishers = undefined;
    for (const fn of finishers ?? []) fn();
  }

  /** First value of a request header (name in lower case). */
  header(name: string): string | undefined {
    const value = this.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }
}
