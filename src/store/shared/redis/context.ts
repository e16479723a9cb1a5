/** What the Redis-backed parts share: the clients, the key prefix, the clock and the bounded call wrapper. */
import { SharedStoreUnavailableError, type HealthTracker } from '../health.js';
import { callScript, classify, type RedisClient, type ScriptArg } from './connection.js';
import type { ChannelRouter } from './pubsub.js';
import type { ScriptName } from './scripts.js';

export interface RedisContextOptions {
  client: RedisClient;
  channels: ChannelRouter;
  /** Prepended to every key and channel; no braces, so it never becomes a hash tag by itself. */
  prefix: string;
  health: HealthTracker;
  /** No call waits longer than this, whatever the client does underneath. */
  operationTimeoutMs: number;
  /** Tests only: replaces Redis TIME in the scripts. */
  now?: () => number;
}

export class RedisContext {
  readonly client: RedisClient;
  readonly channels: ChannelRouter;
  readonly prefix: string;
  readonly health: HealthTracker;
  /** The clock for this instance's own memory (the cache's local layer). */
  readonly clock: () => number;
  private readonly operationTimeoutMs: number;
  private readonly now: (() => number) | undefined;

  constructor(options: RedisContextOptions) {
    this.client = options.client;
    this.channels = options.channels;
    this.prefix = options.prefix;
    this.health = options.health;
    this.operationTimeoutMs = options.operationTimeoutMs;
    this.now = options.now;
    this.clock = options.now ?? Date.now;
  }

  /** ARGV[1] of every script: empty, so the script reads Redis TIME, unless a test clock is set. */
  nowArg(): string {
    return this.now === undefined ? '' : String(this.now());
  }

  async run<T>(op: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SharedStoreUnavailableError(`shared store did not answer within ${this.operationTimeoutMs} ms`)), this.operationTimeoutMs);
    });
    try {
      const result = await Promise.race([op(), bound]);
      this.health.markUp();
      return result;
    } catch (err) {
      const error = classify(err);
      if (error instanceof SharedStoreUnavailableError) this.health.markDown(error.cause ?? error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  script(name: ScriptName, keys: readonly string[], args: readonly ScriptArg[], buffers = false): Promise<unknown> {
    return this.run(() => callScript(this.client, name, keys, [this.nowArg(), ...args], buffers));
  }
}
