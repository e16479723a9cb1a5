import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { parseCacheControl, requestDirectives } from './directives.js';
import type { ResponseMeta } from './entry.js';
import { freshness, initialAge, lifetime, notStorable, type FreshnessOptions } from './freshness.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const options: FreshnessOptions = { statuses: new Set([200, 404]), defaultTtlMs: 0, heuristic: false, staleWhileRevalidateMs: 0, staleIfErrorMs: 0 };
const date = (ms: number) => new Date(ms).toUTCString();

function meta(cacheControl: string, headers: Record<string, string> = {}, opts: FreshnessOptions = options): ResponseMeta {
  const all = { 'cache-control': cacheControl, date: date(T0), ...headers };
  return { kind: 'response', status: 200, headers: all, responseTime: T0, ...freshness(200, parseCacheControl(cacheControl), all, T0, T0, opts) };
}

describe('Cache-Control parsing (RFC 9111 §5.2)', () => {
  it('reads arguments, quoted strings and repeated directives (first wins)', () => {
    const d = parseCacheControl('max-age=60, s-maxage="120", no-cache="set-cookie, x-a", Public, max-age=5');
    expect(d.get('max-age')).toBe('60');
    expect(d.get('s-maxage')).toBe('120');
    expect(d.get('no-cache')).toBe('set-cookie, x-a');
    expect(d.get('public')).toBe(true);
  });

  it('takes Pragma: no-cache only without Cache-Control (§5.4)', () => {
    expect(requestDirectives(undefined, 'no-cache').has('no-cache')).toBe(true);
    expect(requestDirectives('max-age=5', 'no-cache').has('no-cache')).toBe(false);
  });
});

describe('freshness lifetime (§4.2.1)', () => {
  it('prefers s-maxage over max-age over Expires', () => {
    const headers = { date: date(T0), expires: date(T0 + 300_000) };
    expect(lifetime(parseCacheControl('max-age=60, s-maxage=10'), headers, T0, options)).toBe(10_000);
    expect(lifetime(parseCacheControl('max-age=60'), headers, T0, options)).toBe(60_000);
    expect(lifetime(parseCacheControl(''), headers, T0, options)).toBe(300_000);
  });

  it('treats an invalid Expires as already expired, and no-cache as zero', () => {
    expect(lifetime(parseCacheControl(''), { expires: '0' }, T0, options)).toBe(0);
    expect(lifetime(parseCacheControl('no-cache, max-age=60'), {}, T0, options)).toBe(0);
  });

  it('uses the route TTL only without explicit freshness, and the heuristic only when enabled (§4.2.2)', () => {
    const headers = { date: date(T0), 'last-modified': date(T0 - 1_000_000) };
    expect(lifetime(parseCacheControl(''), headers, T0, options)).toBe(0);
    expect(lifetime(parseCacheControl(''), headers, T0, { ...options, heuristic: true })).toBe(100_000);
    expect(lifetime(parseCacheControl(''), headers, T0, { ...options, heuristic: true, defaultTtlMs: 7000 })).toBe(7000);
    expect(lifetime(parseCacheControl('max-age=3'), headers, T0, { ...options, defaultTtlMs: 7000 })).toBe(3000);
  });
});

describe('age (§4.2.3)', () => {
  it('is the larger of the apparent age and Age plus the response delay', () => {
    expect(initialAge({ date: date(T0 - 10_000) }, T0 - 500, T0)).toBe(10_000);
    expect(initialAge({ date: date(T0), age: '30' }, T0 - 500, T0)).toBe(30_500);
  });

  it('counts the apparent age in whole seconds, as Date has them', () => {
    // Sent and received within the second Date names: no age, however late in that second.
    expect(initialAge({ date: date(T0) }, T0 + 990, T0 + 999)).toBe(9);
    expect(initialAge({ date: date(T0) }, T0 + 2400, T0 + 2500)).toBe(2000);
  });
});

describe('storability (§3)', () => {
  const none = parseCacheControl('');
  it('refuses no-store, private, unlisted statuses, Vary: *, Set-Cookie', () => {
    expect(notStorable(200, parseCacheControl('no-store'), none, {}, false, options)).toBe('no-store');
    expect(notStorable(200, none, parseCacheControl('no-store'), {}, false, options)).toBe('no-store');
    expect(notStorable(200, parseCacheControl('private, max-age=60'), none, {}, false, options)).toBe('private');
    expect(notStorable(500, none, none, {}, false, options)).toBe('status');
    expect(notStorable(200, none, none, { vary: 'Accept, *' }, false, options)).toBe('vary');
    expect(notStorable(200, none, none, { 'set-cookie': 'a=b' }, false, options)).toBe('set-cookie');
    expect(notStorable(200, parseCacheControl('max-age=60'), none, {}, false, options)).toBeUndefined();
  });

  it('stores a response to a request with Authorization only when public, s-maxage or must-revalidate allow it (§3.5)', () => {
    expect(notStorable(200, parseCacheControl('max-age=60'), parseCacheControl(''), {}, true, options)).toBe('authorization');
    expect(notStorable(200, parseCacheControl('public, max-age=60'), parseCacheControl(''), {}, true, options)).toBeUndefined();
    expect(notStorable(200, parseCacheControl('s-maxage=60'), parseCacheControl(''), {}, true, options)).toBeUndefined();
  });
});

describe('what to do with a stored response', () => {
  const none = requestDirectives(undefined, undefined);
  it('serves it fresh, then (without validators) misses', () => {
    const m = meta('max-age=60');
    expect(decide(m, none, T0 + 59_000).action).toBe('fresh');
    expect(decide(m, none, T0 + 61_000).action).toBe('miss');
  });

  it('revalidates a stale or no-cache entry that has validators', () => {
    expect(decide(meta('max-age=1', { etag: '"a"' }), none, T0 + 5000).action).toBe('revalidate');
    expect(decide(meta('no-cache', { etag: '"a"' }), none, T0).action).toBe('revalidate');
  });

  it('serves stale within stale-while-revalidate, then within stale-if-error', () => {
    const m = meta('max-age=10, stale-while-revalidate=20, stale-if-error=60');
    expect(decide(m, none, T0 + 25_000).action).toBe('stale-while-revalidate');
    expect(decide(m, none, T0 + 50_000).action).toBe('stale-if-error');
    expect(decide(m, none, T0 + 80_000).action).toBe('miss');
  });

  it('never serves stale with must-revalidate or proxy-revalidate (§5.2.2.2, §5.2.2.8)', () => {
    for (const directive of ['must-revalidate', 'proxy-revalidate']) {
      const m = meta(`max-age=10, stale-while-revalidate=20, stale-if-error=60, ${directive}`);
      expect(decide(m, none, T0 + 15_000).action).toBe('miss');
    }
  });

  it('lets the request be stricter: no-cache, max-age, min-fresh (§5.2.1)', () => {
    const m = meta('max-age=60', { etag: '"a"' });
    expect(decide(m, requestDirectives('no-cache', undefined), T0 + 1000).action).toBe('revalidate');
    expect(decide(m, requestDirectives('max-age=5', undefined), T0 + 10_000).action).toBe('revalidate');
    expect(decide(m, requestDirectives('min-fresh=30', undefined), T0 + 40_000).action).toBe('revalidate');
    expect(decide(m, requestDirectives('max-age=30', undefined), T0 + 10_000).action).toBe('fresh');
  });

  it('uses the configured defaults when the response names no stale windows', () => {
    const m = meta('max-age=10', {}, { ...options, staleWhileRevalidateMs: 5000 });
    expect(decide(m, none, T0 + 14_000).action).toBe('stale-while-revalidate');
  });
});
