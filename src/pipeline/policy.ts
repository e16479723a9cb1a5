/**
 * The policy shape: a factory turns validated config and services into hooks over the
 * request context. Compilation happens in the factory; the hooks only run what was built.
 *
 * Hooks by when they run:
 *  - onRequest: once per request, inbound, in phase order (authenticate … cache lookup).
 *  - onAttempt / onAttemptResponse: once per upstream attempt (shield, credentials), so a
 *    retry gets a fresh token or signature.
 *  - onResponse: once, on the answer that goes back to the client (transforms, cache store).
 */
import type { RequestContext, OutgoingHeaders } from '../server/context.js';
import type { Target } from './upstream/target.js';
import type { Phase } from './phases.js';

/** What a request hook may answer instead of forwarding (a cache hit, say). */
export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer | string;
}

/** One upstream attempt as attempt hooks see it; they may change headers and query. */
export interface AttemptRequest {
  readonly number: number;
  readonly target: Target;
  headers: OutgoingHeaders;
  /** Raw query without '?'. */
  query: string;
}

/**
 * An attempt hook's request to send the request again (after a refresh or a pause). It does
 * not count against the route's retry count and applies to any method, since the upstream
 * refused the attempt; the request body must still be replayable.
 */
export interface AttemptVerdict {
  retry: true;
  reason: string;
  /** Wait before the retry, in milliseconds. */
  delayMs?: number;
}

/** The upstream answer as response hooks see it: lower-case header names, hop-by-hop removed. */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** The whole body, when a response policy asked for it; undefined while streaming. */
  body: Buffer | undefined;
}

export interface Policy {
  readonly name: string;
  readonly phase: Phase;
  /** The whole request body must be read (into ctx.requestBody) before onRequest runs. */
  readonly needsRequestBody?: boolean;
  /** onResponse must see the whole response body (buffered up to the route's limit). */
  readonly needsResponseBody?: boolean;
  /**
   * onResponse would like the whole body when it is at most this many bytes (a cache
   * storing it); a larger response streams and onResponse sees `body` undefined.
   */
  readonly responseBodyUpTo?: number;
  /** Returns a Reply to answer without the upstream, or throws a UnigateError. */
  onRequest?(ctx: RequestContext): Promise<Reply | undefined> | Reply | undefined;
  /** Before each attempt is sent; may wait (pacing) or throw. */
  onAttempt?(ctx: RequestContext, attempt: AttemptRequest): Promise<void> | void;
  /**
   * On each attempt's response head; may ask for a retry. `headers()` parses the head on
   * first call only: a hook that needs just the status costs no header parsing.
   */
  onAttemptResponse?(ctx: RequestContext, attempt: AttemptRequest, status: number, headers: () => Record<string, string | string[]>): AttemptVerdict | undefined;
  /**
   * Once per attempt when it is over, however it ended (also when an onAttempt threw):
   * frees what onAttempt took for this attempt, if anything.
   */
  onAttemptEnd?(ctx: RequestContext, attempt: AttemptRequest): void;
  /** On the response going to the client; may change status, headers and (if buffered) body. */
  onResponse?(ctx: RequestContext, response: UpstreamResponse): Promise<void> | void;
}

export interface BuiltPolicies {
  /** Policies with onRequest, in phase order. */
  readonly request: readonly Policy[];
  /** Policies with onAttempt or onAttemptResponse, in phase order. */
  readonly attempt: readonly Policy[];
  /** Policies with onResponse, in reverse phase order (the last inbound is the first outbound). */
  readonly response: readonly Policy[];
  readonly needsRequestBody: boolean;
  readonly needsResponseBody: boolean;
  /** Largest `responseBodyUpTo` of the response policies; 0 when none asked. */
  readonly responseBodyUpTo: number;
}

export const NO_POLICIES: BuiltPolicies = { request: [], attempt: [], response: [], needsRequestBody: false, needsResponseBody: false, responseBodyUpTo: 0 };
