/**
 * The shared budgets an attempt must fit in: the upstream's and its connection's, each a
 * set of limits (token buckets, windows) and a concurrency cap, plus the pauses an
 * upstream asked for, all kept in the shared store so every instance spends one budget.
 * Pauses are also remembered locally, so a paused budget costs no store round trip.
 */
import { isSharedStoreUnavailable } from '../../../store/shared/health.js';
import type { GcraLimit, Lease, Locks, RateLimiter, RateLimitSpec } from '../../../store/shared/types.js';
import type { Acquired } from './fair-queue.js';

export interface Lane {
  readonly key: string;
  readonly limits: readonly RateLimitSpec[];
  readonly concurrency: number | undefined;
}

export interface Grant {
  readonly leases: readonly Lease[];
}

export interface BudgetOptions {
  readonly rates: RateLimiter;
  readonly locks: Locks;
  readonly leaseTtlMs: number;
  /** The store could not answer: an error to refuse with (fail closed), or undefined to send unpaced (fail open). */
  onStoreError(err: unknown): Error | undefined;
  /** A slot was freed somewhere: waiters may try again. */
  onSlotFree(): void;
}

/** How often a waiter blocked on a concurrency slot re-asks when no release wakes it. */
const SLOT_POLL_MS = 250;
const NO_LEASES: Grant = { leases: [] };

export class Budget {
  private readonly pausedUntil = new Map<string, number>();
  private readonly watching = new Set<string>();

  constructor(private readonly options: BudgetOptions) {}

  async tryAcquire(lanes: readonly Lane[]): Promise<Acquired<Grant>> {
    const now = Date.now();
    for (const lane of lanes) {
      const until = this.pausedUntil.get(lane.key);
      if (until === undefined) continue;
      if (until > now) return { ok: false, waitMs: until - now };
      this.pausedUntil.delete(lane.key);
    }
    const leases: Lease[] = [];
    try {
      // Slots first: they are given back when a rate refuses, while rate units are not.
      for (const lane of lanes) {
        if (lane.concurrency === undefined) continue;
        const slotKey = `${lane.key}|slots`;
        const slot = await this.options.locks.acquire(slotKey, { limit: lane.concurrency, ttlMs: this.options.leaseTtlMs });
        if (!slot.acquired) {
          this.release({ leases });
          this.watch(slotKey, lane.concurrency);
          return { ok: false, waitMs: Math.min(slot.retryAfterMs, SLOT_POLL_MS) };
        }
        leases.push(slot.lease);
      }
      // Every lane is checked, so pauses on any of them hold (a lane without limits only checks its pause).
      for (const lane of lanes) {
        const decision = await this.options.rates.check(lane.key, lane.limits);
        if (!decision.allowed) {
          this.release({ leases });
          if (decision.pausedMs > 0) this.notePause(lane.key, decision.pausedMs);
          return { ok: false, waitMs: Math.max(1, Number.isFinite(decision.retryAfterMs) ? decision.retryAfterMs : 1000) };
        }
      }
      return { ok: true, grant: { leases } };
    } catch (err) {
      this.release({ leases });
      if (!isSharedStoreUnavailable(err)) throw err;
      const refusal = this.options.onStoreError(err);
      if (refusal !== undefined) throw refusal;
      return { ok: true, grant: NO_LEASES };
    }
  }

  release(grant: Grant): void {
    if (grant.leases.length === 0) return;
    for (const lease of grant.leases) void this.options.locks.release(lease).catch(() => false);
    this.options.onSlotFree();
  }

  /** Pauses the lane for everyone, on every instance (extends, never shortens). */
  pause(key: string, ms: number): void {
    this.notePause(key, ms);
    void this.options.rates.pause(key, ms).catch(() => 0);
  }

  /** Corrects the bucket's level from what the backend counted. */
  setLevel(key: string, limit: GcraLimit, level: number): void {
    void this.options.rates.setLevel(key, limit, level, 'raise').catch(() => undefined);
  }

  private notePause(key: string, ms: number): void {
    const until = Date.now() + ms;
    if ((this.pausedUntil.get(key) ?? 0) < until) this.pausedUntil.set(key, until);
  }

  /** Wakes the queue when another instance frees a slot (pub/sub), or after a while. */
  private watch(slotKey: string, limit: number): void {
    if (this.watching.has(slotKey)) return;
    this.watching.add(slotKey);
    void this.options.locks
      .waitForSlot(slotKey, { limit, timeoutMs: 1000 })
      .catch(() => false)
      .then(() => {
        this.watching.delete(slotKey);
        this.options.onSlotFree();
      });
  }
}
