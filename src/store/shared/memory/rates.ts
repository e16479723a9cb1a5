/** RateLimiter over a MemoryHub: the same algorithms as the Redis scripts, in one synchronous step. */
import { checkOptions, gcraBurst, gcraInterval, limitId, limitState, toDecision, validateSpecs, type RawLimitState } from '../rate-limits.js';
import type { CheckOptions, GcraLimit, LevelMode, LimitState, RateDecision, RateLimiter, RateLimitSpec } from '../types.js';
import type { MemoryHub } from './hub.js';
import { gcraLevel, gcraStep, up, windowStep, type WindowState } from './rate-math.js';

export function createMemoryRates(hub: MemoryHub): RateLimiter {
  const { values } = hub;
  const stateKey = (key: string, spec: RateLimitSpec): string => `rl\0${key}\0${limitId(spec)}`;
  const pauseKey = (key: string): string => `rl\0${key}\0pause`;

  function checkNow(key: string, limits: readonly RateLimitSpec[], options?: CheckOptions): RateDecision {
    validateSpecs(limits);
    const { cost, maxDelayMs } = checkOptions(options);
    const now = hub.clock();
    const until = values.get<number>(pauseKey(key), now);
    const pausedMs = until !== undefined && until > now ? up(until - now) : 0;
    const states: RawLimitState[] = [];
    const writes: (() => void)[] = [];
    let delayMs = 0;
    for (const spec of limits) {
      const sk = stateKey(key, spec);
      if (spec.kind === 'gcra') {
        const out = gcraStep(values.get<number>(sk, now), now, gcraInterval(spec), gcraBurst(spec), cost, maxDelayMs);
        states.push(out);
        if (out.allowed) delayMs = Math.max(delayMs, out.delayMs);
        const tat = out.tat;
        if (tat !== undefined) writes.push(() => values.set(sk, tat, tat, now));
      } else {
        const out = windowStep(values.get<WindowState>(sk, now), now, spec.windowMs, spec.limit, cost);
        states.push(out);
        const next = out.next;
        if (next !== undefined) writes.push(() => values.set(sk, next, next.start + 2 * spec.windowMs, now));
      }
    }
    // All or nothing: a call refused by one limit consumes from none of them.
    if (pausedMs === 0 && states.every((s) => s.allowed)) for (const write of writes) write();
    return toDecision(limits, { pausedMs, delayMs, limits: states });
  }

  return {
    checkNow,
    async check(key: string, limits: readonly RateLimitSpec[], options?: CheckOptions): Promise<RateDecision> {
      return checkNow(key, limits, options);
    },

    async setLevel(key: string, limit: GcraLimit, level: number, mode: LevelMode = 'raise'): Promise<LimitState> {
      validateSpecs([limit]);
      const now = hub.clock();
      const sk = stateKey(key, limit);
      const { tat, state } = gcraLevel(values.get<number>(sk, now), now, gcraInterval(limit), gcraBurst(limit), level, mode);
      if (tat > now) values.set(sk, tat, tat, now);
      else values.delete(sk);
      return limitState(limit, state);
    },

    async pause(key: string, durationMs: number): Promise<number> {
      const now = hub.clock();
      const until = Math.max(now + durationMs, values.get<number>(pauseKey(key), now) ?? 0);
      values.set(pauseKey(key), until, until, now);
      return up(until - now);
    },

    async increment(key: string, by: number, ttlMs: number): Promise<number> {
      const now = hub.clock();
      const ck = `ct\0${key}`;
      const current = values.get<{ value: number; expiresAt: number }>(ck, now);
      const next = { value: (current?.value ?? 0) + by, expiresAt: current?.expiresAt ?? now + ttlMs };
      values.set(ck, next, next.expiresAt, now);
      return next.value;
    },

    async reset(key: string, limits: readonly RateLimitSpec[]): Promise<void> {
      values.delete(pauseKey(key));
      for (const spec of limits) values.delete(stateKey(key, spec));
    },
  };
}
