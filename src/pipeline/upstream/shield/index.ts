/**
 * The outbound shield, part of the upstream phase and implied by an upstream's `shield:`
 * config: before each attempt it waits, in a fair bounded queue, for room in the shared
 * budgets of the upstream and of the request's connection (requests per interval, leaky
 * bucket, concurrency); after each attempt it learns from the backend's rate headers,
 * pauses the budget for everyone after a 429, and asks for the attempt to be sent again
 * once the pause is over when that is safe and the request's deadline allows. Requests
 * that cannot be sent in time get 429 UPSTREAM_RATE_LIMITED with Retry-After.
 *
 * The budgets are cluster-wide (shared store); the queue and its fairness are per
 * instance, in memory, on top of them.
 *
 *   upstreams:
 *     shopify:
 *       targets: [{ url: https://shop.example }]
 *       credentials: { connection: per-consumer }
 *       shield: { per_connection: { limits: [{ rate: 2, per: 1s, burst: 40 }] }, learn: [shopify] }
 */
import { parseDuration } from '../../../config/duration.js';
import type { RequestContext } from '../../../server/context.js';
import type { Services } from '../../../server/services.js';
import type { AttemptRequest, Policy } from '../../policy.js';
import { requestConnection } from '../../request-connection.js';
import type { CredentialsConfig } from '../credentials/index.js';
import type { Grant } from './budget.js';
import { Shield, type ShieldConfig } from './shield.js';

export type { ShieldConfig } from './shield.js';

interface RequestState {
  readonly deadline: number;
  retries: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

// One shield per upstream and config, shared by every route to it and kept across reloads
// that leave it unchanged, so the queue and its fairness span routes.
const shields = new WeakMap<Services, Map<string, Shield>>();

function shieldFor(upstream: string, config: ShieldConfig, services: Services): Shield {
  let byUpstream = shields.get(services);
  if (byUpstream === undefined) shields.set(services, (byUpstream = new Map()));
  const existing = byUpstream.get(upstream);
  if (existing !== undefined && JSON.stringify(existing.config) === JSON.stringify(config)) return existing;
  const shield = new Shield(upstream, config, services.shared, services.metrics);
  byUpstream.set(upstream, shield);
  return shield;
}

export function createShield(upstream: string, config: ShieldConfig, credentials: CredentialsConfig | undefined, services: Services): Policy {
  const shield = shieldFor(upstream, config, services);
  const timeoutHeader = config.queue!.timeoutHeader.toLowerCase();
  const requests = new WeakMap<RequestContext, RequestState>();
  const grants = new WeakMap<AttemptRequest, Grant>();

  /** The request's queue deadline: config, or the client's header up to the maximum, within the route's total timeout. */
  function stateOf(ctx: RequestContext): RequestState {
    let state = requests.get(ctx);
    if (state !== undefined) return state;
    let waitMs = shield.queueTimeoutMs;
    const asked = ctx.header(timeoutHeader);
    if (asked !== undefined) {
      const parsed = parseWait(asked);
      if (parsed !== undefined) waitMs = Math.min(parsed, shield.maxQueueTimeoutMs);
    }
    let deadline = ctx.startedAt + waitMs;
    const totalMs = ctx.route.timeouts.totalMs;
    if (totalMs > 0) deadline = Math.min(deadline, ctx.startedAt + totalMs);
    state = { deadline, retries: 0 };
    requests.set(ctx, state);
    return state;
  }

  return {
    name: 'shield',
    phase: 'upstream',
    async onAttempt(ctx, attempt) {
      // The connection picks the budget; credential injection, next, reuses it.
      if (credentials !== undefined) await requestConnection(ctx, upstream, credentials.connection, services.connections);
      grants.set(attempt, await shield.admit(ctx, stateOf(ctx).deadline));
    },
    onAttemptResponse(ctx, _attempt, status, headers) {
      const pauseMs = shield.learn(ctx, status, headers());
      if (pauseMs === undefined) return undefined;
      const state = stateOf(ctx);
      if (state.retries >= config.retriesAfter429) return undefined;
      if (!SAFE_METHODS.has(ctx.method) && !config.retryUnsafeMethods) return undefined;
      if (performance.now() + pauseMs >= state.deadline) return undefined;
      state.retries++;
      // No delay here: the next attempt waits in the queue, where the pause holds it.
      return { retry: true, reason: 'upstream 429' };
    },
    onAttemptEnd(_ctx, attempt) {
      const grant = grants.get(attempt);
      if (grant === undefined) return;
      grants.delete(attempt);
      shield.release(grant);
    },
  };
}

/** The client's wait: a duration (`5s`) or milliseconds. */
function parseWait(value: string): number | undefined {
  const trimmed = value.trim();
  try {
    return parseDuration(/^\d+$/.test(trimmed) ? Number(trimmed) : trimmed);
  } catch {
    return undefined;
  }
}
