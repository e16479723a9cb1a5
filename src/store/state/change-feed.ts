/**
 * Follows the change feed (the audit log's seq) for one subscriber: polls every
 * `pollIntervalMs` and also syncs whenever the backend signals a commit (PostgreSQL
 * LISTEN/NOTIFY, or a local write). Polling alone bounds staleness; the signal makes the
 * usual case fast. Syncs never overlap, and changes arrive in seq order exactly once.
 */
import type { Change, ChangeListener, ChangeSubscription, WatchOptions } from './types.js';

export const DEFAULT_POLL_INTERVAL_MS = 1000;
const BATCH = 500;

export interface ChangeSource {
  changesSince(seq: number, limit?: number): Promise<Change[]>;
  latestChangeSeq(): Promise<number>;
}

/** Registers a wake-up callback for commits; returns the function that unregisters it. */
export type WakeRegistration = (wake: () => void) => (() => void) | Promise<() => void>;

export async function followChanges(
  source: ChangeSource,
  listener: ChangeListener,
  options: WatchOptions = {},
  register?: WakeRegistration,
): Promise<ChangeSubscription> {
  const startedAt = Date.now();
  const seq = options.fromSeq ?? (await source.latestChangeSeq());
  const follower = new ChangeFollower(source, listener, options, seq, startedAt);
  if (register !== undefined) follower.unregister = await register(() => void follower.sync());
  return follower;
}

class ChangeFollower implements ChangeSubscription {
  #seq: number;
  #syncedAt: number;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;
  readonly #timer: NodeJS.Timeout;
  unregister: () => void = () => {};

  constructor(
    private readonly source: ChangeSource,
    private readonly listener: ChangeListener,
    private readonly options: WatchOptions,
    seq: number,
    syncedAt: number,
  ) {
    this.#seq = seq;
    this.#syncedAt = syncedAt;
    const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.#timer = setInterval(() => void this.sync(), interval);
    this.#timer.unref();
  }

  get seq(): number {
    return this.#seq;
  }

  get syncedAt(): number {
    return this.#syncedAt;
  }

  sync(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#running !== undefined) {
      // A commit may have landed after the running pass read the feed: read again after it.
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.unregister();
    await this.#running;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      await this.#drain();
    } while (this.#again && !this.#closed);
  }

  async #drain(): Promise<void> {
    const startedAt = Date.now();
    try {
      for (;;) {
        const batch = await this.source.changesSince(this.#seq, BATCH);
        if (batch.length > 0) {
          try {
            await this.listener(batch);
          } catch (err) {
            this.options.onError?.(err); // a failing listener must not stall the feed for good
          }
          this.#seq = batch[batch.length - 1]!.seq;
        }
        if (batch.length < BATCH || this.#closed) break;
      }
      this.#syncedAt = startedAt;
    } catch (err) {
      this.options.onError?.(err);
    }
  }
}
