/** Limit config → the shared store's limit specs, and the RateLimit-Policy header that describes them. */
import { parseDuration } from '../../config/duration.js';
import type { RateLimitSpec } from '../../store/shared/types.js';

/** A limit as the loader hands it over (camelCase; the same fields as in YAML). */
export interface LimitFields {
  algorithm?: 'gcra' | 'token-bucket' | 'sliding-window';
  rate?: number;
  per?: string | number;
  burst?: number;
  limit?: number;
  window?: string | number;
}

export function toSpec(limit: LimitFields): RateLimitSpec {
  if (limit.algorithm === 'sliding-window' || (limit.algorithm === undefined && limit.limit !== undefined)) {
    return { kind: 'window', limit: limit.limit!, windowMs: parseDuration(limit.window!) };
  }
  const spec = { kind: 'gcra' as const, rate: limit.rate!, periodMs: parseDuration(limit.per!) };
  return limit.burst === undefined ? spec : { ...spec, burst: limit.burst };
}

/**
 * `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers): `quota;w=seconds` per limit; a
 * token bucket's quota is its rate per period, with its burst as an extension parameter.
 */
export function policyHeader(specs: readonly RateLimitSpec[]): string {
  return specs
    .map((s) =>
      s.kind === 'window'
        ? `${s.limit};w=${Math.ceil(s.windowMs / 1000)}`
        : `${s.rate};w=${Math.ceil(s.periodMs / 1000)};burst=${s.burst ?? s.rate}`,
    )
    .join(', ');
}
