/**
 * Request coalescing over any Locks backend. On one instance, concurrent callers share one
 * promise; across instances, the instance that takes the lock runs `work` and the others
 * wait for its release (woken by pub/sub, or by the lock's expiry if the leader crashed)
 * and then `follow`, typically re-reading the cache the leader just filled.
 */
import { isSharedStoreUnavailable } from './health.js';
import type { Locks, SingleFlightOptions, SingleFlightResult } from './types.js';

type LockPrimitives = Pick<Locks, 'acquire' | 'renew' | 'release' | 'waitForSlot'>;

export type SingleFlight = <T>(key: string, work: () => Promise<T>, options: SingleFlightOptions<T>) => Promise<SingleFlightResult<T>>;

export function createSingleFlight(locks: LockPrimitives): SingleFlight {
  const inflight = new Map<string, Promise<SingleFlightResult<unknown>>>();
  return async function singleFlight<T>(key: string, work: () => Promise<T>, options: SingleFlightOptions<T>): Promise<SingleFlightResult<T>> {
    const running = inflight.get(key) as Promise<SingleFlightResult<T>> | undefined;
    if (running !== undefined) return { value: (await running).value, role: 'joined' };
    const flight = coordinate(locks, `sf:${key}`, work, options).finally(() => inflight.delete(key));
    inflight.set(key, flight);
    return flight;
  };
}

async function coordinate<T>(locks: LockPrimitives, lockKey: string, work: () => Promise<T>, options: SingleFlightOptions<T>): Promise<SingleFlightResult<T>> {
  // A local deadline: it only bounds this instance's own wait.
  const deadline = performance.now() + options.waitMs;
  for (;;) {
    let attempt;
    try {
      attempt = await locks.acquire(lockKey, { limit: 1, ttlMs: options.ttlMs });
    } catch (err) {
      // Coalescing only saves upstream calls; without the store the call still goes through.
      if (isSharedStoreUnavailable(err)) return { value: await work(), role: 'alone' };
      throw err;
    }
    if (attempt.acquired) {
      const { lease } = attempt;
      // Renewed while the work runs, so only a crashed leader's lock runs out.
      const renewing = setInterval(() => void locks.renew(lease, options.ttlMs).catch(() => false), options.ttlMs / 2);
      renewing.unref();
      try {
        return { value: await work(), role: 'leader' };
      } finally {
        clearInterval(renewing);
        await locks.release(lease).catch(() => false);
      }
    }
    const remaining = deadline - performance.now();
    if (remaining <= 0) return { value: await work(), role: 'alone' };
    try {
      await locks.waitForSlot(lockKey, { limit: 1, timeoutMs: remaining });
    } catch (err) {
      if (isSharedStoreUnavailable(err)) return { value: await work(), role: 'alone' };
      throw err;
    }
    const followed = await options.follow();
    if (followed !== undefined) return { value: followed, role: 'follower' };
  }
}
