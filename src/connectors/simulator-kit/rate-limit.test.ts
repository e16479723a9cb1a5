import { describe, expect, it } from 'vitest';
import { createManualClock } from './clock.js';
import { createFaultInjector } from './faults.js';
import { createFixedWindow, createLeakyBucket } from './rate-limit.js';

describe('leaky bucket', () => {
  it('fills to capacity, refuses, and leaks continuously per key', () => {
    const clock = createManualClock(0);
    const bucket = createLeakyBucket({ capacity: 4, leakPerSecond: 2, clock });
    const used = Array.from({ length: 4 }, () => bucket.take('a').used);
    expect(used).toEqual([1, 2, 3, 4]);
    const refused = bucket.take('a');
    expect(refused.allowed).toBe(false);
    expect(refused.secondsUntilRoom).toBe(0.5);
    expect(bucket.take('b').allowed).toBe(true);
    clock.advance(250);
    expect(bucket.peek('a')).toBeCloseTo(3.5);
    // 3.5 + 1 does not fit in 4 (shopify.md §5: refuse when used + 1 > bucket).
    expect(bucket.take('a').allowed).toBe(false);
    clock.advance(250);
    expect(bucket.take('a')).toMatchObject({ allowed: true, used: 4 });
    clock.advance(60_000);
    expect(bucket.peek('a')).toBe(0);
  });
});

describe('fixed window', () => {
  it('counts down, refuses when empty, and opens a new window at the first request after the end', () => {
    const clock = createManualClock(1_000);
    const win = createFixedWindow({ quota: 3, windowMs: 10_000, clock });
    expect([win.take('s'), win.take('s'), win.take('s')].map((r) => r.left)).toEqual([2, 1, 0]);
    clock.advance(4_000);
    expect(win.take('s')).toMatchObject({ allowed: false, left: 0, resetMs: 6_000 });
    clock.advance(6_000);
    expect(win.take('s')).toMatchObject({ allowed: true, left: 2, resetMs: 10_000 });
  });
});

describe('fault injector', () => {
  it('is deterministic for a seed and roughly honours the rates', () => {
    const a = createFaultInjector({ errorRate: 0.3, resetRate: 0.1 }, 7);
    const b = createFaultInjector({ errorRate: 0.3, resetRate: 0.1 }, 7);
    const kinds = Array.from({ length: 1000 }, () => a.decide('/x').kind);
    expect(Array.from({ length: 1000 }, () => b.decide('/x').kind)).toEqual(kinds);
    const errors = kinds.filter((k) => k === 'error').length;
    const resets = kinds.filter((k) => k === 'reset').length;
    expect(errors).toBeGreaterThan(200);
    expect(errors).toBeLessThan(330);
    expect(resets).toBeGreaterThan(60);
    expect(resets).toBeLessThan(140);
  });

  it('applies queued faults first, honours the path pattern, and can be cleared', () => {
    const f = createFaultInjector({ latencyMs: [5, 5], pathPattern: /^\/api/ });
    f.enqueue({ kind: 'error', status: 502 }, { kind: 'latency', ms: 10 });
    expect(f.decide('/other')).toEqual({ kind: 'none', delayMs: 0 });
    expect(f.decide('/api/a')).toEqual({ kind: 'error', status: 502, delayMs: 5 });
    expect(f.decide('/api/a')).toEqual({ kind: 'none', delayMs: 15 });
    f.clear();
    expect(f.decide('/api/a')).toEqual({ kind: 'none', delayMs: 0 });
    expect(f.stats).toEqual({ errors: 1, resets: 0, delayed: 2 });
  });
});
