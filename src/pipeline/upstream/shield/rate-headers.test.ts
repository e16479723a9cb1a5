import { describe, expect, it } from 'vitest';
import { compileSpecs, observe, parseRetryAfter, PRESETS } from './rate-headers.js';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const all = compileSpecs([{}, PRESETS.shopify, PRESETS.bigcommerce, PRESETS.generic, PRESETS.ietf]);

describe('rate headers', () => {
  it('reads Retry-After as fractional seconds or an HTTP date, on 429 and 503 only', () => {
    expect(parseRetryAfter('2.0', NOW)).toBe(2000);
    expect(parseRetryAfter(new Date(NOW + 5000).toUTCString(), NOW)).toBe(5000);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(observe(all, 429, { 'retry-after': '2.0' }, NOW).retryAfterMs).toBe(2000);
    expect(observe(all, 200, { 'retry-after': '2.0' }, NOW).retryAfterMs).toBeUndefined();
  });

  it('reads the Shopify bucket level (shopify.md §5)', () => {
    expect(observe(all, 200, { 'x-shopify-shop-api-call-limit': '32/40' }, NOW).level).toEqual({ used: 32, capacity: 40 });
  });

  it('pauses until the reset when BigCommerce reports no requests left (bigcommerce.md §5)', () => {
    const seen = observe(all, 200, { 'x-rate-limit-requests-left': '0', 'x-rate-limit-time-reset-ms': '15000', 'x-rate-limit-requests-quota': '150' }, NOW);
    expect(seen.exhaustedForMs).toBe(15000);
    expect(observe(all, 429, { 'x-retry-after': '3' }, NOW).retryAfterMs).toBe(3000);
    expect(observe(all, 200, { 'x-rate-limit-requests-left': '35', 'x-rate-limit-time-reset-ms': '15000' }, NOW).exhaustedForMs).toBeUndefined();
  });

  it('reads X-RateLimit-Reset as a Unix time when it is one, else seconds', () => {
    expect(observe(all, 200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 30) }, NOW).exhaustedForMs).toBe(30_000);
    expect(observe(all, 200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '12' }, NOW).exhaustedForMs).toBe(12_000);
  });

  it('reads the IETF draft fields, separate or combined', () => {
    expect(observe(all, 200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '7' }, NOW).exhaustedForMs).toBe(7000);
    expect(observe(all, 200, { ratelimit: '"default";r=0;t=9' }, NOW).exhaustedForMs).toBe(9000);
  });

  it('takes custom layouts as data', () => {
    const custom = compileSpecs([{ remaining: 'X-Quota-Left', reset: 'X-Quota-Reset-Ms', resetUnit: 'ms', retryAfter: ['X-Wait'] }]);
    expect(observe(custom, 200, { 'x-quota-left': '0', 'x-quota-reset-ms': '250' }, NOW).exhaustedForMs).toBe(250);
    expect(observe(custom, 429, { 'x-wait': '4' }, NOW).retryAfterMs).toBe(4000);
  });
});
