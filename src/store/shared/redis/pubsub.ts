/**
 * Pub/sub over one subscriber connection per store. Channels are subscribed while at least
 * one handler wants them (lock waiters come and go), and ioredis re-subscribes after a
 * reconnect; messages published meanwhile are lost (Redis docs, "Pub/Sub": at-most-once).
 */
import { SharedStoreUnavailableError } from '../health.js';
import type { PubSub, Unsubscribe } from '../types.js';
import { classify, type RedisClient } from './connection.js';
import type { RedisContext } from './context.js';

type Handler = (message: string) => void;

export class ChannelRouter {
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(
    private readonly subscriber: RedisClient,
    private readonly timeoutMs: number,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      for (const handler of this.handlers.get(channel) ?? []) deliver(handler, message);
    });
  }

  get ready(): boolean {
    return this.subscriber.status === 'ready';
  }

  /** Resolves once Redis confirmed the subscription; rejects with SharedStoreUnavailableError. */
  async add(channel: string, handler: Handler): Promise<() => void> {
    let set = this.handlers.get(channel);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(channel, set);
      const subscribing = this.bounded(this.subscriber.subscribe(channel));
      this.pending.set(channel, subscribing);
      void subscribing.catch(() => {}).finally(() => {
        if (this.pending.get(channel) === subscribing) this.pending.delete(channel);
      });
    }
    set.add(handler);
    const remove = (): void => this.remove(channel, handler);
    try {
      await this.pending.get(channel);
    } catch (err) {
      remove();
      throw classify(err);
    }
    return remove;
  }

  onReady(listener: () => void): void {
    this.subscriber.on('ready', listener);
  }

  onClose(listener: () => void): void {
    this.subscriber.on('close', listener);
  }

  private remove(channel: string, handler: Handler): void {
    const set = this.handlers.get(channel);
    if (set === undefined || !set.delete(handler) || set.size > 0) return;
    this.handlers.delete(channel);
    // Commands on one connection run in order, so a later SUBSCRIBE of this channel wins.
    void this.subscriber.unsubscribe(channel).catch(() => {});
  }

  private bounded<T>(op: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SharedStoreUnavailableError('subscribe timed out')), this.timeoutMs);
    });
    return Promise.race([op, bound]).finally(() => clearTimeout(timer));
  }
}

export function createRedisPubSub(ctx: RedisContext): PubSub {
  const channel = (name: string): string => `${ctx.prefix}ps:${name}`;
  return {
    async publish(name: string, message: string): Promise<void> {
      await ctx.run(() => ctx.client.publish(channel(name), message));
    },
    async subscribe(name: string, handler: (message: string) => void): Promise<Unsubscribe> {
      const remove = await ctx.channels.add(channel(name), handler);
      return async () => remove();
    },
  };
}

/** A handler that throws must not stop delivery to the others, nor the connection's reader. */
function deliver(handler: Handler, message: string): void {
  try {
    handler(message);
  } catch {
    // The subscriber owns its errors; pub/sub has no one to report them to.
  }
}
