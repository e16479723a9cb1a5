/**
 * The `rate-limit` policy: inbound limits per consumer, API key, route, client IP or header
 * (or a combination), as token buckets (GCRA) and sliding windows, counted in the shared
 * store so every instance sees one count. Every response of a limited route carries
 * RateLimit-Limit / -Remaining / -Reset / -Policy (draft-ietf-httpapi-ratelimit-headers);
 * past a limit: 429 RATE_LIMITED with Retry-After (RFC 9110 §10.2.3).
 *
 *   routes:
 *     - name: orders
 *       policies:
 *         authenticate: { mode: key }
 *         rate_limit: { key: [consumer], limits: [{ rate: 10, per: 1s, burst: 20 }, { limit: 10000, window: 1d }] }
 */
import type { Static } from '@sinclair/typebox';
import type { CamelCased } from '../../config/case.js';
import { UnigateError } from '../../errors/unigate-error.js';
import type { Metrics } from '../../observability/metrics.js';
import { isSharedStoreUnavailable } from '../../store/shared/health.js';
import { validateSpecs } from '../../store/shared/rate-limits.js';
import type { LimitState, RateDecision, RateLimiter } from '../../store/shared/types.js';
import type { Policy } from '../policy.js';
import { compileKey, type KeySource } from './key.js';
import { policyHeader, toSpec } from './limits.js';
import type { RateLimitSchema } from './schema.js';

export type RateLimitConfig = CamelCased<Static<typeof RateLimitSchema>>;

export interface RateLimitDeps {
  routeName: string;
  rates: RateLimiter;
  metrics?: Metrics;
}

/** Who is asking, and where the RateLimit-* headers of the answer go. */
export interface LimitSubject extends KeySource {
  responseHeaders: Record<string, string> | undefined;
}

/**
 * Admits a subject or throws 429 RATE_LIMITED (503 SHARED_STORE_UNAVAILABLE when the store
 * is down and the limit fails closed); synchronous when the store counts in process.
 */
export type InboundLimiter = (subject: LimitSubject) => undefined | Promise<undefined>;

export function createRateLimit(config: RateLimitConfig, deps: RateLimitDeps): Policy {
  // The limiter itself is the hook: a request context is a limit subject.
  return { name: 'rate-limit', phase: 'rate-limit', onRequest: createInboundLimiter(config, deps) };
}

export function createInboundLimiter(config: RateLimitConfig, deps: RateLimitDeps): InboundLimiter {
  const specs = config.limits.map(toSpec);
  validateSpecs(specs);
  const keyOf = compileKey(config.key, deps.routeName);
  const failOpen = config.onStoreError === 'open';
  const policy = config.headers ? policyHeader(specs) : undefined;
  const limited = deps.metrics?.rateLimited.labels({ route: deps.routeName });
  const storeErrors = deps.metrics?.rateLimitStoreErrors.labels({ route: deps.routeName, outcome: failOpen ? 'open' : 'closed' });

  async function decide(key: string): Promise<RateDecision | undefined> {
    try {
      return await deps.rates.check(key, specs);
    } catch (err) {
      if (!isSharedStoreUnavailable(err)) throw err;
      // The store logs and counts its own state changes; here only the outcome is counted.
      storeErrors?.inc();
      if (failOpen) return undefined;
      throw new UnigateError('SHARED_STORE_UNAVAILABLE', { headers: { 'retry-after': '1' }, details: { policy: 'rate_limit' } });
    }
  }

  function apply(ctx: LimitSubject, decision: RateDecision | undefined): undefined {
    if (decision === undefined) return undefined;
    if (policy !== undefined && decision.binding !== undefined) {
      const headers = limitHeaders(decision.binding, policy);
      if (ctx.responseHeaders === undefined) ctx.responseHeaders = headers;
      else Object.assign(ctx.responseHeaders, headers);
    }
    if (decision.allowed) return undefined;
    limited?.inc();
    const retryAfter = Math.max(1, Math.ceil(finite(decision.retryAfterMs, decision.binding?.resetMs ?? 1000) / 1000));
    throw new UnigateError('RATE_LIMITED', {
      headers: { 'retry-after': String(retryAfter) },
      details: { retry_after_seconds: retryAfter },
    });
  }

  // Counted in process, the decision needs no wait: the request stays on the synchronous path.
  return (subject) => {
    const key = keyOf(subject);
    if (deps.rates.checkNow !== undefined) return apply(subject, deps.rates.checkNow(key, specs));
    return decide(key).then((decision) => apply(subject, decision));
  };
}

/** RateLimit-* for the limit that binds: the refusing one, else the one closest to refusing. */
export function limitHeaders(state: LimitState, policy: string): Record<string, string> {
  const resetMs = state.allowed ? state.resetMs : finite(state.retryAfterMs, state.resetMs);
  return {
    'ratelimit-limit': `${state.limit}`,
    'ratelimit-remaining': `${Math.max(0, Math.floor(state.remaining))}`,
    'ratelimit-reset': `${Math.ceil(resetMs / 1000)}`,
    'ratelimit-policy': policy,
  };
}

function finite(ms: number, fallback: number): number {
  return Number.isFinite(ms) ? ms : fallback;
}
