/** RateLimiter over a MemoryHub: the same algorithms as the Redis scripts, in one synchronous step. */
import { checkOptions, gcraBurst, gcraInterval, limitId, limitState, toDecision, validateSpecs, type RawLimitState } from '../rate-limits.js';
import type { CheckOptions, GcraLimit, LevelMode, LimitState, RateDecision, RateLimiter, RateLimitSpec } from '../types.js';
import type { MemoryHub } from './hub.js';
import { gcraLevel, gcraStep, up, windowStep, type WindowState } from './rate-math.js';

/** Keys whose state keys are kept; past this many the memory starts over. */
const KNOWN_KEYS = 10_000;

export function createMemoryRates(hub: MemoryHub): RateLimiter {
  const { values, pauses } = hub;
  const stateKey = (key: string, spec: RateLimitSpec): string => `rl\0${key}\0${limitId(spec)}`;
  // The state keys of a key's limits, kept: a key string seen again (limiters keep theirs) then
  // finds its states without building and hashing new strings.
  const stateKeys = new Map<string, { limits: readonly RateLimitSpec[]; keys: string[] }>();
  const stateKeysOf = (key: string, limits: readonly RateLimitSpec[]): string[] => {
    const known = stateKeys.get(key);
    if (known !== undefined && known.limits === limits) return known.keys;
    if (stateKeys.size >= KNOWN_KEYS) stateKeys.clear();
    const keys = limits.map((spec) => stateKey(key, spec));
    stateKeys.set(key, { limits, keys });
    return keys;
  };
  // What each limit stores if the call is admitted (undefined: nothing), and until when. Scratch
  // reused by every check: checkNow runs to completion without yielding, so none overlap.
  const next: unknown[] = [];
  const expiresAt: number[] = [];

  function checkNow(key: string, limits: readonly RateLimitSpec[], options?: CheckOptions): RateDecision {
    validateSpecs(limits);
    const { cost, maxDelayMs } = checkOptions(options);
    const now = hub.clock();
    const until = pauses.size === 0 ? undefined : pauses.get<number>(key, now);
    const pausedMs = until !== undefined && until > now ? up(until - now) : 0;
    const states: RawLimitState[] = new Array(limits.length);
    const keys = stateKeysOf(key, limits);
    let delayMs = 0;
    let allAllowed = pausedMs === 0;
    for (let i = 0; i < limits.length; i++) {
      const spec = limits[i]!;
      const sk = keys[i]!;
      if (spec.kind === 'gcra') {
        const out = gcraStep(values.get<number>(sk, now), now, gcraInterval(spec), gcraBurst(spec), cost, maxDelayMs);
        states[i] = out;
        if (out.allowed) delayMs = Math.max(delayMs, out.delayMs);
        next[i] = out.tat;
        expiresAt[i] = out.tat ?? 0;
      } else {
        const out = windowStep(values.get<WindowState>(sk, now), now, spec.windowMs, spec.limit, cost);
        states[i] = out;
        next[i] = out.next;
        expiresAt[i] = out.next === undefined ? 0 : out.next.start + 2 * spec.windowMs;
      }
      if (!states[i]!.allowed) allAllowed = false;
    }
    // All or nothing: a call refused by one limit consumes from none of them.
    if (allAllowed) for (let i = 0; i < limits.length; i++) if (next[i] !== undefined) values.set(keys[i]!, next[i], expiresAt[i]!, now);
    next.length = 0; // holds no window state past the check
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
      const until = Math.max(now + durationMs, pauses.get<number>(key, now) ?? 0);
      pauses.set(key, until, until, now);
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
      pauses.delete(key);
      for (const spec of limits) values.delete(stateKey(key, spec));
    },
  };
}
