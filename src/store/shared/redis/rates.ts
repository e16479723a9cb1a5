/**
 * RateLimiter on Redis: one script call per decision. All state of one rate key shares the
 * hash tag `{<prefix>rl:<key>}`, so the multi-key check runs on one Redis Cluster slot
 * (Redis docs, "Cluster specification: hash tags").
 */
import { checkOptions, gcraBurst, gcraInterval, limitId, limitState, toDecision, validateSpecs, type RawLimitState } from '../rate-limits.js';
import type { CheckOptions, GcraLimit, LevelMode, LimitState, RateDecision, RateLimiter, RateLimitSpec } from '../types.js';
import type { ScriptArg } from './connection.js';
import type { RedisContext } from './context.js';

export function createRedisRates(ctx: RedisContext): RateLimiter {
  // A key containing '}' ends the tag early, but at the same place for all of its state.
  const tag = (key: string): string => `{${ctx.prefix}rl:${key}}`;
  const pauseKey = (key: string): string => `${tag(key)}:pause`;
  const stateKey = (key: string, spec: RateLimitSpec): string => `${tag(key)}:${limitId(spec)}`;

  return {
    async check(key: string, limits: readonly RateLimitSpec[], options?: CheckOptions): Promise<RateDecision> {
      validateSpecs(limits);
      const { cost, maxDelayMs } = checkOptions(options);
      const args: ScriptArg[] = [cost, maxDelayMs];
      for (const spec of limits) {
        if (spec.kind === 'gcra') args.push('g', gcraInterval(spec), gcraBurst(spec));
        else args.push('w', spec.windowMs, spec.limit);
      }
      const keys = [pauseKey(key), ...limits.map((spec) => stateKey(key, spec))];
      const reply = (await ctx.script('rateCheck', keys, args)) as number[];
      const states: RawLimitState[] = limits.map((_, i) => rawState(reply, 2 + i * 4));
      return toDecision(limits, { pausedMs: num(reply[0]), delayMs: num(reply[1]), limits: states });
    },

    async setLevel(key: string, limit: GcraLimit, level: number, mode: LevelMode = 'raise'): Promise<LimitState> {
      validateSpecs([limit]);
      const reply = (await ctx.script('rateLevel', [stateKey(key, limit)], [gcraInterval(limit), gcraBurst(limit), level, mode])) as number[];
      return limitState(limit, rawState(reply, 0));
    },

    async pause(key: string, durationMs: number): Promise<number> {
      return num(await ctx.script('ratePause', [pauseKey(key)], [durationMs]));
    },

    async increment(key: string, by: number, ttlMs: number): Promise<number> {
      return num(await ctx.script('counterIncr', [`${ctx.prefix}ct:${key}`], [by, ttlMs]));
    },

    async reset(key: string, limits: readonly RateLimitSpec[]): Promise<void> {
      const keys = [pauseKey(key), ...limits.map((spec) => stateKey(key, spec))];
      await ctx.run(() => ctx.client.del(...keys));
    },
  };
}

function rawState(reply: readonly unknown[], at: number): RawLimitState {
  return { allowed: num(reply[at]) === 1, remaining: num(reply[at + 1]), resetMs: num(reply[at + 2]), retryAfterMs: num(reply[at + 3]) };
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}
