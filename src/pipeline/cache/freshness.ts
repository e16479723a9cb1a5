/**
 * RFC 9111 freshness for a shared cache: whether a response may be stored (§3, §3.5),
 * its freshness lifetime (§4.2.1, heuristics §4.2.2 only when configured), its age
 * (§4.2.3), and how long it may be served stale (RFC 5861 stale-while-revalidate and
 * stale-if-error; never with must-revalidate or proxy-revalidate, §5.2.2.2, §5.2.2.8).
 */
import { deltaMs, type Directives } from './directives.js';

export type Headers = Record<string, string | string[] | undefined>;

export interface FreshnessOptions {
  readonly statuses: ReadonlySet<number>;
  /** Lifetime for responses without explicit freshness; 0: none. */
  readonly defaultTtlMs: number;
  readonly heuristic: boolean;
  /** Defaults when the response gives none. */
  readonly staleWhileRevalidateMs: number;
  readonly staleIfErrorMs: number;
}

export interface Freshness {
  readonly lifetimeMs: number;
  /** Corrected initial age (§4.2.3) when the response was received. */
  readonly initialAgeMs: number;
  readonly staleWhileRevalidateMs: number;
  readonly staleIfErrorMs: number;
  /** Never served without validating: no-cache (§5.2.2.4). */
  readonly noCache: boolean;
  /** Never served stale: must-revalidate, proxy-revalidate (§5.2.2.2, §5.2.2.8). */
  readonly mustRevalidate: boolean;
}

/** 10% of the time since Last-Modified (§4.2.2), at most a day. */
const HEURISTIC_FRACTION = 0.1;
const HEURISTIC_MAX_MS = 86_400_000;

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Why a response may not be stored, or undefined when it may (§3). `upstreamAuthorization`:
 * the request carried an Authorization header of its own to the upstream (§3.5).
 */
export function notStorable(status: number, response: Directives, request: Directives, headers: Headers, upstreamAuthorization: boolean, options: FreshnessOptions): string | undefined {
  if (!options.statuses.has(status)) return 'status';
  if (request.has('no-store') || response.has('no-store')) return 'no-store';
  if (response.has('private')) return 'private';
  if (upstreamAuthorization && !response.has('public') && !response.has('s-maxage') && !response.has('must-revalidate')) return 'authorization';
  if (header(headers, 'vary')?.includes('*')) return 'vary';
  // Cookies are per client: a shared cache replaying them would hand one client's session to others.
  if (headers['set-cookie'] !== undefined) return 'set-cookie';
  return undefined;
}

export function freshness(status: number, response: Directives, headers: Headers, requestTime: number, responseTime: number, options: FreshnessOptions): Freshness {
  const mustRevalidate = response.has('must-revalidate') || response.has('proxy-revalidate');
  return {
    lifetimeMs: lifetime(response, headers, responseTime, options),
    initialAgeMs: initialAge(headers, requestTime, responseTime),
    staleWhileRevalidateMs: mustRevalidate ? 0 : (deltaMs(response, 'stale-while-revalidate') ?? options.staleWhileRevalidateMs),
    staleIfErrorMs: mustRevalidate ? 0 : (deltaMs(response, 'stale-if-error') ?? options.staleIfErrorMs),
    noCache: response.has('no-cache'),
    mustRevalidate,
  };
}

/** §4.2.1: s-maxage, max-age, Expires − Date; then the route's TTL; then a heuristic if allowed. */
export function lifetime(response: Directives, headers: Headers, responseTime: number, options: FreshnessOptions): number {
  if (response.has('no-cache')) return 0;
  const explicit = deltaMs(response, 's-maxage') ?? deltaMs(response, 'max-age');
  if (explicit !== undefined) return explicit;
  const expires = header(headers, 'expires');
  if (expires !== undefined) {
    // An invalid Expires (e.g. "0") means already expired (§5.3).
    const at = Date.parse(expires);
    return Number.isNaN(at) ? 0 : Math.max(0, at - dateOf(headers, responseTime));
  }
  if (options.defaultTtlMs > 0) return options.defaultTtlMs;
  const lastModified = Date.parse(header(headers, 'last-modified') ?? '');
  if (options.heuristic && !Number.isNaN(lastModified)) {
    return Math.min(HEURISTIC_MAX_MS, Math.max(0, (dateOf(headers, responseTime) - lastModified) * HEURISTIC_FRACTION));
  }
  return 0;
}

/** §4.2.3 corrected_initial_age. */
export function initialAge(headers: Headers, requestTime: number, responseTime: number): number {
  const ageHeader = header(headers, 'age');
  const ageValue = ageHeader !== undefined && /^\d+$/.test(ageHeader.trim()) ? Number(ageHeader.trim()) * 1000 : 0;
  // Date has one-second resolution: against a millisecond clock it would add up to a second to
  // every age (a max-age=1 answer could be stale as it is stored). Whole seconds, as Date has.
  const apparentAge = Math.max(0, Math.floor(responseTime / 1000) * 1000 - dateOf(headers, responseTime));
  const responseDelay = Math.max(0, responseTime - requestTime);
  return Math.max(apparentAge, ageValue + responseDelay);
}

export function currentAge(f: Pick<Freshness, 'initialAgeMs'>, responseTime: number, now: number): number {
  return f.initialAgeMs + Math.max(0, now - responseTime);
}

function dateOf(headers: Headers, fallback: number): number {
  const date = Date.parse(header(headers, 'date') ?? '');
  return Number.isNaN(date) ? fallback : date;
}
