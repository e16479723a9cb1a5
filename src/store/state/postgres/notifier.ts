/**
 * One LISTEN connection per store, outside the pool, fanning change notifications out to
 * local followers. If it drops, it reconnects with backoff and wakes everyone once
 * connected (a notification sent meanwhile is lost; followers' polling covers the gap).
 */
import pg from 'pg';
import { CHANGES_CHANNEL } from './pg-db.js';

export class ChangeNotifier {
  readonly #wakers = new Set<() => void>();
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryMs = 500;
  #closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Registers a waker; resolves once LISTEN is active (or has failed and will be retried). */
  async add(wake: () => void): Promise<() => void> {
    this.#wakers.add(wake);
    await this.#ensure();
    return () => this.#wakers.delete(wake);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    await this.#connecting;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  #ensure(): Promise<void> {
    if (this.#closed || this.#client !== undefined) return Promise.resolve();
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('notification', () => this.#wakeAll());
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client, undefined));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (err) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      this.onError(err);
      this.#scheduleRetry();
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#retryMs = 500;
    this.#wakeAll(); // anything committed while we were not listening
  }

  #lost(client: pg.Client, err: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    if (err !== undefined) this.onError(err);
    client.end().catch(() => {});
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#wakers.size === 0 || this.#retryTimer !== undefined) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#ensure();
    }, this.#retryMs);
    this.#retryTimer.unref();
    this.#retryMs = Math.min(this.#retryMs * 2, 30_000);
  }

  #wakeAll(): void {
    for (const wake of this.#wakers) wake();
  }
}
