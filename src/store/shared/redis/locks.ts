/**
 * Leases on Redis: a sorted set of lease id → expiry per key, pruned by every script, so a
 * crashed instance's slots free themselves. A release publishes on the key's channel; a
 * waiter subscribes before it looks, so it cannot miss the release it waits for.
 */
import { randomUUID } from 'node:crypto';
import { createSingleFlight } from '../single-flight.js';
import type { Lease, LeaseOptions, LeaseResult, Locks } from '../types.js';
import type { RedisContext } from './context.js';

export function createRedisLocks(ctx: RedisContext): Locks {
  const leaseKey = (key: string): string => `${ctx.prefix}lk:${key}`;

  const primitives = {
    async acquire(key: string, options: LeaseOptions): Promise<LeaseResult> {
      const id = randomUUID();
      const [acquired, active, retryAfterMs] = (await ctx.script('leaseAcquire', [leaseKey(key)], [options.limit, options.ttlMs, id])) as number[];
      if (acquired === 1) return { acquired: true, lease: { key, id }, active: active ?? 1 };
      return { acquired: false, active: active ?? 0, retryAfterMs: retryAfterMs ?? 0 };
    },

    async release(lease: Lease): Promise<boolean> {
      return (await ctx.script('leaseRelease', [leaseKey(lease.key)], [lease.id, leaseKey(lease.key)])) === 1;
    },

    async waitForSlot(key: string, options: { limit: number; timeoutMs: number }): Promise<boolean> {
      let wake: () => void = () => {};
      const released = new Promise<true>((resolve) => {
        wake = () => resolve(true);
      });
      const stop = await ctx.channels.add(leaseKey(key), () => wake());
      let timer: NodeJS.Timeout | undefined;
      try {
        const [active, earliestMs] = (await ctx.script('leaseCount', [leaseKey(key)], [])) as number[];
        if ((active ?? 0) < options.limit) return true;
        const expiry = earliestMs ?? 0;
        const timedOut = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(expiry <= options.timeoutMs), Math.min(expiry, options.timeoutMs));
        });
        return await Promise.race([released, timedOut]);
      } finally {
        clearTimeout(timer);
        stop();
      }
    },

    async renew(lease: Lease, ttlMs: number): Promise<boolean> {
      return (await ctx.script('leaseRenew', [leaseKey(lease.key)], [lease.id, ttlMs])) === 1;
    },
  };

  return { ...primitives, singleFlight: createSingleFlight(primitives) };
}
