/**
 * The two limit algorithms as pure functions of (stored state, now). The Redis backend's
 * Lua scripts (../redis/scripts.ts) are line-for-line the same arithmetic; the contract
 * suite holds both to identical answers.
 */
import type { RawLimitState } from '../rate-limits.js';

/** Float slack (ms) so that 1000/3-style intervals summed three times still compare equal. */
export const EPS = 0.001;

/** A duration rounded up to whole ms, never negative: waiting this long is always enough. */
export function up(ms: number): number {
  return Math.max(0, Math.ceil(ms - EPS));
}

export function down(n: number): number {
  return Math.floor(n + EPS);
}

export interface GcraOutcome extends RawLimitState {
  delayMs: number;
  /** The theoretical arrival time to store, when the call is admitted and costs something. */
  tat: number | undefined;
}

/**
 * GCRA as in ATM's "virtual scheduling" form (ITU-T I.371; see also Brandur Leach, "Rate
 * limiting, cells, and GCRA"): TAT is when the bucket would be empty; a call costing c is
 * admitted at time t when TAT + c·T − burst·T ≤ t.
 */
export function gcraStep(stored: number | undefined, now: number, interval: number, burst: number, cost: number, maxDelay: number): GcraOutcome {
  const tau = burst * interval;
  const tat = Math.max(stored ?? now, now);
  const current = { remaining: clamp(down((tau - (tat - now)) / interval), burst), resetMs: up(tat - now) };
  if (cost > burst + EPS) return { allowed: false, ...current, retryAfterMs: -1, delayMs: 0, tat: undefined };
  const newTat = tat + cost * interval;
  const delay = newTat - tau - now;
  if (delay > maxDelay + EPS) return { allowed: false, ...current, retryAfterMs: up(delay - maxDelay), delayMs: 0, tat: undefined };
  return {
    allowed: true,
    remaining: clamp(down((tau - (newTat - now)) / interval), burst),
    resetMs: up(newTat - now),
    retryAfterMs: 0,
    delayMs: up(delay),
    tat: cost > 0 ? newTat : undefined,
  };
}

/** The level a leaky bucket is at, in units; raising it means TAT = now + level·T. */
export function gcraLevel(stored: number | undefined, now: number, interval: number, burst: number, level: number, mode: 'raise' | 'set'): { tat: number; state: RawLimitState } {
  const current = Math.max(stored ?? now, now);
  const target = now + level * interval;
  const tat = mode === 'set' || target > current ? target : current;
  const probe = gcraStep(tat, now, interval, burst, 1, 0);
  return { tat, state: { allowed: probe.allowed, remaining: clamp(down((burst * interval - (tat - now)) / interval), burst), resetMs: up(tat - now), retryAfterMs: probe.retryAfterMs } };
}

export interface WindowState {
  /** Start of the current fixed window (ms, a multiple of the window length). */
  start: number;
  count: number;
  previous: number;
}

export interface WindowOutcome extends RawLimitState {
  next: WindowState | undefined;
}

/**
 * Sliding window counter as Cloudflare describes it ("How we built rate limiting capable
 * of scaling to millions of domains"): used = previous · (overlap of the sliding window
 * with the previous fixed window) + current.
 */
export function windowStep(stored: WindowState | undefined, now: number, windowMs: number, limit: number, cost: number): WindowOutcome {
  const start = Math.floor(now / windowMs) * windowMs;
  let count = 0;
  let previous = 0;
  if (stored?.start === start) ({ count, previous } = stored);
  else if (stored?.start === start - windowMs) previous = stored.count;
  const elapsed = now - start;
  const used = (previous * (windowMs - elapsed)) / windowMs + count;
  if (cost > limit + EPS) return { allowed: false, remaining: clamp(down(limit - used), limit), resetMs: windowReset(start, windowMs, now, count, previous), retryAfterMs: -1, next: undefined };
  if (used + cost <= limit + EPS) {
    const after = count + cost;
    return {
      allowed: true,
      remaining: clamp(down(limit - used - cost), limit),
      resetMs: windowReset(start, windowMs, now, after, previous),
      retryAfterMs: 0,
      next: cost > 0 ? { start, count: after, previous } : undefined,
    };
  }
  return {
    allowed: false,
    remaining: clamp(down(limit - used), limit),
    resetMs: windowReset(start, windowMs, now, count, previous),
    retryAfterMs: windowRetry(elapsed, windowMs, limit - cost, count, previous),
    next: undefined,
  };
}

/** Ms until the counted units stop counting: the current window's count decays through the next window. */
function windowReset(start: number, windowMs: number, now: number, count: number, previous: number): number {
  if (count > 0) return up(start + 2 * windowMs - now);
  if (previous > 0) return up(start + windowMs - now);
  return 0;
}

/** Smallest wait after which previous·(W−t)/W + count ≤ need, in this window or the next. */
function windowRetry(elapsed: number, windowMs: number, need: number, count: number, previous: number): number {
  if (count <= need && previous > 0) {
    const t = windowMs * (1 - (need - count) / previous);
    if (t < windowMs) return up(t - elapsed);
  }
  const t2 = count > 0 ? Math.max(0, windowMs * (1 - need / count)) : 0;
  return up(windowMs - elapsed + t2);
}

function clamp(n: number, max: number): number {
  return Math.min(Math.max(n, 0), Math.floor(max));
}
