/**
 * The shield's wait queue for one upstream on this instance: bounded, with a deadline per
 * request, and fair between tenants: each pass over the queue offers the budget to the
 * oldest waiter of every tenant in turn, starting after the tenant served last (round
 * robin), so one tenant's flood cannot starve the others. When full, the tenant with the
 * most waiters gives up its newest one to a tenant with fewer.
 *
 * The queue is per instance, in memory; the budget it waits for is the shared one.
 */

export type Acquired<G> = { readonly ok: true; readonly grant: G } | { readonly ok: false; readonly waitMs: number };

export interface Waiter {
  readonly tenant: string;
  /** performance.now() by which it must be admitted. */
  readonly deadline: number;
  /** The request is gone (client closed): drop it without asking the budget. */
  cancelled(): boolean;
}

export class ShedError extends Error {
  constructor(
    readonly reason: 'queue_full' | 'deadline' | 'cancelled',
    /** When coming back could work, ms from now. */
    readonly retryAfterMs: number,
  ) {
    super(`shed: ${reason}`);
    this.name = 'ShedError';
  }
}

export interface FairQueueOptions<W extends Waiter, G> {
  readonly maxSize: number;
  tryAcquire(waiter: W): Promise<Acquired<G>>;
  /** Gives back a grant whose waiter left while it was being acquired. */
  release(grant: G): void;
  onDepth?(depth: number): void;
  now?: () => number;
}

interface Entry<W, G> {
  readonly waiter: W;
  resolve(grant: G): void;
  reject(err: Error): void;
  blockedUntil: number;
  lastWaitMs: number;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
}

const DEFAULT_RETRY_MS = 1000;

export class FairQueue<W extends Waiter, G> {
  private readonly lanes = new Map<string, Entry<W, G>[]>();
  private size = 0;
  private lastServed: string | undefined;
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly now: () => number;

  constructor(private readonly options: FairQueueOptions<W, G>) {
    this.now = options.now ?? (() => performance.now());
  }

  get depth(): number {
    return this.size;
  }

  /** Resolves with a grant once the budget admits the waiter; rejects with ShedError. */
  async enter(waiter: W): Promise<G> {
    if (this.size === 0) {
      // Nobody waits: ask directly, concurrently with other arrivals.
      const first = await this.options.tryAcquire(waiter);
      if (first.ok) return first.grant;
      if (this.now() + first.waitMs > waiter.deadline) throw new ShedError('deadline', first.waitMs);
      return this.enqueue(waiter, this.now() + first.waitMs, first.waitMs);
    }
    return this.enqueue(waiter, 0, 0);
  }

  /** Lets every waiter be asked again now (a concurrency slot was freed). */
  unblock(): void {
    for (const lane of this.lanes.values()) for (const entry of lane) entry.blockedUntil = 0;
    this.wake();
  }

  private enqueue(waiter: W, blockedUntil: number, lastWaitMs: number): Promise<G> {
    if (this.size >= this.options.maxSize && !this.makeRoom(waiter.tenant)) {
      return Promise.reject(new ShedError('queue_full', this.estimateWait()));
    }
    return new Promise<G>((resolve, reject) => {
      const entry: Entry<W, G> = { waiter, resolve, reject, blockedUntil, lastWaitMs, settled: false, timer: undefined };
      entry.timer = setTimeout(() => this.settle(entry, new ShedError('deadline', entry.lastWaitMs || DEFAULT_RETRY_MS)), Math.max(0, waiter.deadline - this.now()));
      let lane = this.lanes.get(waiter.tenant);
      if (lane === undefined) this.lanes.set(waiter.tenant, (lane = []));
      lane.push(entry);
      this.size++;
      this.options.onDepth?.(this.size);
      this.wake();
    });
  }

  /** Full: the tenant with the most waiters gives up its newest, if it has more than the newcomer's. */
  private makeRoom(tenant: string): boolean {
    let longest: Entry<W, G>[] | undefined;
    for (const lane of this.lanes.values()) if (longest === undefined || lane.length > longest.length) longest = lane;
    const own = this.lanes.get(tenant)?.length ?? 0;
    if (longest === undefined || longest.length <= own + 1 || longest[0]!.waiter.tenant === tenant) return false;
    this.settle(longest[longest.length - 1]!, new ShedError('queue_full', this.estimateWait()));
    return true;
  }

  private estimateWait(): number {
    let wait = 0;
    for (const lane of this.lanes.values()) wait = Math.max(wait, lane[0]?.lastWaitMs ?? 0);
    return wait || DEFAULT_RETRY_MS;
  }

  /** Removes the entry and resolves or rejects it, once. */
  private settle(entry: Entry<W, G>, outcome: Error | { grant: G }): void {
    if (entry.settled) return;
    entry.settled = true;
    clearTimeout(entry.timer);
    const lane = this.lanes.get(entry.waiter.tenant);
    const index = lane?.indexOf(entry) ?? -1;
    if (index >= 0) {
      lane!.splice(index, 1);
      if (lane!.length === 0) this.lanes.delete(entry.waiter.tenant);
      this.size--;
      this.options.onDepth?.(this.size);
    }
    if (outcome instanceof Error) entry.reject(outcome);
    else entry.resolve(outcome.grant);
  }

  private wake(): void {
    if (this.running) this.again = true;
    else void this.pump();
  }

  /** Tenants in serving order: the one after the last served first. */
  private rotation(): string[] {
    const tenants = [...this.lanes.keys()];
    const at = this.lastServed === undefined ? -1 : tenants.indexOf(this.lastServed);
    return at < 0 ? tenants : [...tenants.slice(at + 1), ...tenants.slice(0, at + 1)];
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      let progressed: boolean;
      do {
        this.again = false;
        progressed = false;
        let soonest = Infinity;
        for (const tenant of this.rotation()) {
          const entry = this.lanes.get(tenant)?.[0];
          if (entry === undefined) continue;
          if (entry.waiter.cancelled()) {
            this.settle(entry, new ShedError('cancelled', 0));
            continue;
          }
          if (entry.blockedUntil > this.now()) {
            soonest = Math.min(soonest, entry.blockedUntil);
            continue;
          }
          let result: Acquired<G>;
          try {
            result = await this.options.tryAcquire(entry.waiter);
          } catch (err) {
            this.settle(entry, err as Error);
            continue;
          }
          if (result.ok) {
            if (entry.settled) this.options.release(result.grant);
            else this.lastServed = tenant;
            this.settle(entry, { grant: result.grant });
            progressed = true;
            continue;
          }
          entry.lastWaitMs = result.waitMs;
          const at = this.now() + result.waitMs;
          if (at > entry.waiter.deadline) this.settle(entry, new ShedError('deadline', result.waitMs));
          else soonest = Math.min(soonest, (entry.blockedUntil = at));
        }
        if (!this.again && !progressed && this.size > 0 && soonest < Infinity) this.sleepUntil(soonest);
      } while (this.again || (progressed && this.size > 0));
    } finally {
      this.running = false;
    }
  }

  private sleepUntil(at: number): void {
    if (this.timer !== undefined && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.wake();
    }, Math.max(1, Math.ceil(at - this.now())));
  }
}
