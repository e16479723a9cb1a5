/**
 * What a backend's response says about its rate limit, read from headers described as
 * data: presets for Shopify (shopify.md §5: `X-Shopify-Shop-Api-Call-Limit: 32/40`,
 * 429 + `Retry-After: 2.0`), BigCommerce (bigcommerce.md §5: `X-Rate-Limit-Requests-Left`,
 * `X-Rate-Limit-Time-Reset-Ms`, `X-Retry-After`), the common `X-RateLimit-*`, and the
 * IETF draft's `RateLimit-*` / `RateLimit` (draft-ietf-httpapi-ratelimit-headers).
 */

export interface RateHeaderSpec {
  /** `used/capacity` of a leaky bucket. */
  readonly callLimit?: string;
  readonly remaining?: string;
  readonly reset?: string;
  readonly resetUnit?: 'seconds' | 'ms' | 'epoch-seconds' | 'auto';
  /** A structured `RateLimit` field with `r`/`remaining` and `t`/`reset` parameters. */
  readonly combined?: string;
  readonly retryAfter?: readonly string[];
}

export type Preset = 'shopify' | 'bigcommerce' | 'generic' | 'ietf';

export const PRESETS: Readonly<Record<Preset, RateHeaderSpec>> = {
  shopify: { callLimit: 'x-shopify-shop-api-call-limit' },
  bigcommerce: { remaining: 'x-rate-limit-requests-left', reset: 'x-rate-limit-time-reset-ms', resetUnit: 'ms', retryAfter: ['x-retry-after'] },
  generic: { remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', resetUnit: 'auto' },
  ietf: { remaining: 'ratelimit-remaining', reset: 'ratelimit-reset', resetUnit: 'seconds', combined: 'ratelimit' },
};

export interface Observation {
  /** The wait a 429 or 503 asked for (Retry-After, RFC 9110 §10.2.3), ms. */
  retryAfterMs?: number;
  /** The bucket's fill level as the backend counts it. */
  level?: { used: number; capacity: number };
  /** No requests left: ms until the quota refills. */
  exhaustedForMs?: number;
}

type Headers = Record<string, string | string[] | undefined>;

/** Lower-cases names once, so reading a response is plain lookups. */
export function compileSpecs(specs: readonly RateHeaderSpec[]): RateHeaderSpec[] {
  const lower = (h: string | undefined) => h?.toLowerCase();
  return specs.map((s) => ({
    ...s,
    callLimit: lower(s.callLimit),
    remaining: lower(s.remaining),
    reset: lower(s.reset),
    combined: lower(s.combined),
    retryAfter: ['retry-after', ...(s.retryAfter ?? []).map((h) => h.toLowerCase())],
  }));
}

export function observe(specs: readonly RateHeaderSpec[], status: number, headers: Headers, now: number): Observation {
  const out: Observation = {};
  for (const spec of specs) {
    if ((status === 429 || status === 503) && out.retryAfterMs === undefined) {
      for (const name of spec.retryAfter ?? []) {
        const ms = parseRetryAfter(first(headers[name]), now);
        if (ms !== undefined) {
          out.retryAfterMs = ms;
          break;
        }
      }
    }
    if (spec.callLimit !== undefined && out.level === undefined) {
      const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(first(headers[spec.callLimit]) ?? '');
      if (match !== null && Number(match[2]) > 0) out.level = { used: Number(match[1]), capacity: Number(match[2]) };
    }
    let remaining = number(first(spec.remaining === undefined ? undefined : headers[spec.remaining]));
    let resetMs = resetValue(first(spec.reset === undefined ? undefined : headers[spec.reset]), spec.resetUnit ?? 'seconds', now);
    if (spec.combined !== undefined && (remaining === undefined || resetMs === undefined)) {
      const field = first(headers[spec.combined]) ?? '';
      remaining ??= number(/(?:^|[;,\s])(?:r|remaining)=(\d+)/.exec(field)?.[1]);
      resetMs ??= resetValue(/(?:^|[;,\s])(?:t|reset)=(\d+)/.exec(field)?.[1], 'seconds', now);
    }
    if (remaining !== undefined && remaining <= 0 && resetMs !== undefined && out.exhaustedForMs === undefined) out.exhaustedForMs = resetMs;
  }
  return out;
}

/** Delay-seconds (Shopify sends fractions such as `2.0`) or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function resetValue(value: string | undefined, unit: NonNullable<RateHeaderSpec['resetUnit']>, now: number): number | undefined {
  const n = number(value);
  if (n === undefined) return undefined;
  if (unit === 'ms') return n;
  // A count of seconds this large is a Unix time (GitHub's X-RateLimit-Reset), not a delay.
  if (unit === 'epoch-seconds' || (unit === 'auto' && n > 1e9)) return Math.max(0, n * 1000 - now);
  return n * 1000;
}

function number(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
