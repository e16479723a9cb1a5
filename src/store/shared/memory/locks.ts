/** Leases (counting semaphores with expiry) over a MemoryHub, plus single-flight on top. */
import { randomUUID } from 'node:crypto';
import { createSingleFlight } from '../single-flight.js';
import type { Lease, LeaseOptions, LeaseResult, Locks } from '../types.js';
import type { MemoryHub } from './hub.js';
import { up } from './rate-math.js';

export function createMemoryLocks(hub: MemoryHub): Locks {
  /** The live leases on a key, expired ones dropped. */
  function live(key: string): Map<string, number> | undefined {
    const held = hub.leases.get(key);
    if (held === undefined) return undefined;
    const now = hub.clock();
    for (const [id, expiresAt] of held) if (expiresAt <= now) held.delete(id);
    if (held.size === 0) {
      hub.leases.delete(key);
      return undefined;
    }
    return held;
  }

  function earliestExpiry(held: Map<string, number>): number {
    return up(Math.min(...held.values()) - hub.clock());
  }

  const primitives = {
    async acquire(key: string, options: LeaseOptions): Promise<LeaseResult> {
      const held = live(key) ?? new Map<string, number>();
      if (held.size >= options.limit) return { acquired: false, active: held.size, retryAfterMs: earliestExpiry(held) };
      const lease = { key, id: randomUUID() };
      held.set(lease.id, hub.clock() + options.ttlMs);
      hub.leases.set(key, held);
      return { acquired: true, lease, active: held.size };
    },

    async release(lease: Lease): Promise<boolean> {
      const removed = live(lease.key)?.delete(lease.id) ?? false;
      if (removed) {
        if (hub.leases.get(lease.key)?.size === 0) hub.leases.delete(lease.key);
        hub.events.emit(`release:${lease.key}`);
      }
      return removed;
    },

    async waitForSlot(key: string, options: { limit: number; timeoutMs: number }): Promise<boolean> {
      const held = live(key);
      if (held === undefined || held.size < options.limit) return true;
      const expiry = earliestExpiry(held);
      return new Promise<boolean>((resolve) => {
        const event = `release:${key}`;
        const done = (result: boolean): void => {
          clearTimeout(timer);
          hub.events.off(event, onRelease);
          resolve(result);
        };
        const onRelease = (): void => done(true);
        const timer = setTimeout(() => done(expiry <= options.timeoutMs), Math.min(expiry, options.timeoutMs));
        hub.events.on(event, onRelease);
      });
    },

    async renew(lease: Lease, ttlMs: number): Promise<boolean> {
      const held = live(lease.key);
      if (held?.has(lease.id) !== true) return false;
      held.set(lease.id, hub.clock() + ttlMs);
      return true;
    },
  };

  return { ...primitives, singleFlight: createSingleFlight(primitives) };
}
