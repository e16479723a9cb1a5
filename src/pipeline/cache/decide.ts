/**
 * What to do with a stored response for a request (RFC 9111 §4): serve it fresh, serve it
 * stale while a background request refreshes it (RFC 5861 §3), validate it with a
 * conditional request (§4.3.1), try the upstream and fall back to it on error (RFC 5861
 * §4), or ignore it. Request directives (§5.2.1) can only make this stricter.
 */
import { currentAge } from './freshness.js';
import { deltaMs, type Directives } from './directives.js';
import type { ResponseMeta } from './entry.js';

export type Action = 'fresh' | 'stale-while-revalidate' | 'revalidate' | 'stale-if-error' | 'miss';

export interface Decision {
  readonly action: Action;
  readonly ageMs: number;
}

export function decide(meta: ResponseMeta, request: Directives, now: number): Decision {
  const ageMs = currentAge(meta, meta.responseTime, now);
  const ttl = meta.lifetimeMs - ageMs;
  const maxAge = deltaMs(request, 'max-age');
  const minFresh = deltaMs(request, 'min-fresh') ?? 0;
  const clientForbids = request.has('no-cache') || (maxAge !== undefined && ageMs > maxAge);
  if (!clientForbids && !meta.noCache && ttl > minFresh) return { action: 'fresh', ageMs };
  const validators = meta.headers.etag !== undefined || meta.headers['last-modified'] !== undefined;
  const staleness = -ttl;
  const mayServeStale = !meta.mustRevalidate && !meta.noCache && !clientForbids;
  if (mayServeStale && staleness >= 0 && staleness <= meta.staleWhileRevalidateMs) return { action: 'stale-while-revalidate', ageMs };
  const staleIfError = Math.max(meta.staleIfErrorMs, deltaMs(request, 'stale-if-error') ?? 0);
  if (mayServeStale && staleness >= 0 && staleness <= staleIfError) return { action: 'stale-if-error', ageMs };
  return { action: validators ? 'revalidate' : 'miss', ageMs };
}
