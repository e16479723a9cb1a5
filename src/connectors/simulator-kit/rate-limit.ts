/**
 * Rate-limit models that platform simulators plug in: a leaky bucket (Shopify REST) and a
 * fixed quota window (BigCommerce). Both read time from an injected clock and keep one
 * state per key (per app-and-store for Shopify, per store for BigCommerce).
 *
 *   const bucket = createLeakyBucket({ capacity: 40, leakPerSecond: 2, clock });
 *   const r = bucket.take('token-a'); // { allowed, used, capacity, … }
 */
import type { Clock } from './clock.js';

export interface LeakyBucketOptions {
  capacity: number;
  leakPerSecond: number;
  clock: Clock;
}

export interface LeakyBucketResult {
  allowed: boolean;
  /** Fill level after this request (a float; it leaks continuously). */
  used: number;
  capacity: number;
  /** Seconds until one more request would fit; 0 when allowed. */
  secondsUntilRoom: number;
}

export interface LeakyBucket {
  take(key: string, cost?: number): LeakyBucketResult;
  /** Current fill level without taking anything. */
  peek(key: string): number;
  reset(): void;
}

export function createLeakyBucket(options: LeakyBucketOptions): LeakyBucket {
  const { capacity, leakPerSecond, clock } = options;
  const buckets = new Map<string, { used: number; at: number }>();

  function level(key: string): { used: number; at: number } {
    const now = clock.now();
    const state = buckets.get(key) ?? { used: 0, at: now };
    // Leak what drained since the last look, never below empty.
    const leaked = (Math.max(0, now - state.at) / 1000) * leakPerSecond;
    state.used = Math.max(0, state.used - leaked);
    state.at = now;
    buckets.set(key, state);
    return state;
  }

  return {
    take(key, cost = 1) {
      const state = level(key);
      if (state.used + cost > capacity) {
        const secondsUntilRoom = leakPerSecond > 0 ? (state.used + cost - capacity) / leakPerSecond : Infinity;
        return { allowed: false, used: state.used, capacity, secondsUntilRoom };
      }
      state.used += cost;
      return { allowed: true, used: state.used, capacity, secondsUntilRoom: 0 };
    },
    peek: (key) => level(key).used,
    reset: () => buckets.clear(),
  };
}

export interface FixedWindowOptions {
  quota: number;
  windowMs: number;
  clock: Clock;
}

export interface FixedWindowResult {
  allowed: boolean;
  quota: number;
  /** Requests still allowed in the current window after this one. */
  left: number;
  windowMs: number;
  /** Milliseconds until the window ends and the quota refills. */
  resetMs: number;
}

export interface FixedWindow {
  take(key: string, cost?: number): FixedWindowResult;
  reset(): void;
}

/** A window opens at the first request after the previous one ended (not on a wall-clock grid). */
export function createFixedWindow(options: FixedWindowOptions): FixedWindow {
  const { quota, windowMs, clock } = options;
  const windows = new Map<string, { start: number; used: number }>();
  return {
    take(key, cost = 1) {
      const now = clock.now();
      let state = windows.get(key);
      if (state === undefined || now >= state.start + windowMs) {
        state = { start: now, used: 0 };
        windows.set(key, state);
      }
      const resetMs = state.start + windowMs - now;
      if (state.used + cost > quota) {
        return { allowed: false, quota, left: 0, windowMs, resetMs };
      }
      state.used += cost;
      return { allowed: true, quota, left: quota - state.used, windowMs, resetMs };
    },
    reset: () => windows.clear(),
  };
}
