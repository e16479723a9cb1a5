/**
 * The Redis shared store (`stores.shared: redis://…`, `rediss://…` or
 * `redis+cluster://host:port,host:port`): every instance on one Redis (or Redis Cluster)
 * shares limits, leases, pub/sub and the cache. Two connections per instance: one for
 * commands and scripts, one for subscriptions.
 *
 * @example
 *   const store = await createRedisSharedStore({ cluster: false, tls: false, nodes: [{ host: '127.0.0.1', port: 6379 }] });
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { HealthTracker } from '../health.js';
import type { SharedStore } from '../types.js';
import { createRedisCache, type LocalLayerOptions } from './cache.js';
import { createRedisClient, firstAttempt, watchConnection, type RedisTarget } from './connection.js';
import { RedisContext } from './context.js';
import { createRedisLocks } from './locks.js';
import { ChannelRouter, createRedisPubSub } from './pubsub.js';
import { createRedisRates } from './rates.js';

export type { RedisTarget, RedisNode } from './connection.js';

export interface RedisStoreOptions {
  /** Prepended to every key and channel (default `unigate:`), so deployments can share a Redis. */
  prefix?: string;
  /** Longest a single Redis command may take before the call fails (default 500). */
  commandTimeoutMs?: number;
  /** Longest a connection attempt may take (default 2000). */
  connectTimeoutMs?: number;
  /** Cap of the reconnect backoff (default 2000). */
  reconnectMaxDelayMs?: number;
  /** While unavailable, how often to ping to notice recovery when no traffic does (default 1000). */
  probeIntervalMs?: number;
  localCache?: LocalLayerOptions;
  logger?: Pick<Logger, 'info' | 'warn'>;
  registry?: Registry;
  /** Tests only: use this clock instead of Redis TIME, so time can be moved. */
  now?: () => number;
}

export async function createRedisSharedStore(target: RedisTarget, options: RedisStoreOptions = {}): Promise<SharedStore> {
  const prefix = options.prefix ?? 'unigate:';
  if (/[{}]/.test(prefix)) throw new TypeError('the shared store key prefix must not contain { or }');
  const timeouts = {
    commandTimeoutMs: options.commandTimeoutMs ?? 500,
    connectTimeoutMs: options.connectTimeoutMs ?? 2000,
    reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? 2000,
  };
  const backend = target.cluster ? 'redis-cluster' : 'redis';
  const health = new HealthTracker({ backend, target: describeTarget(target), initial: 'unavailable', logger: options.logger, registry: options.registry });
  const client = createRedisClient(target, timeouts, true);
  const subscriber = createRedisClient(target, timeouts, false);
  subscriber.on('error', () => {});
  watchConnection(client, health);
  const ready = Promise.all([firstAttempt(client, timeouts.connectTimeoutMs), firstAttempt(subscriber, timeouts.connectTimeoutMs)]);
  const channels = new ChannelRouter(subscriber, timeouts.commandTimeoutMs);
  const ctx = new RedisContext({
    client,
    channels,
    prefix,
    health,
    // Cluster redirects and the ioredis internals may add a little; nothing may add more.
    operationTimeoutMs: timeouts.commandTimeoutMs * 2 + 100,
    now: options.now,
  });
  const { cache, start } = createRedisCache(ctx, randomUUID(), options.localCache);
  await ready;
  await start();

  let probing: NodeJS.Timeout | undefined;
  const probe = (): void => {
    if (health.state === 'connected' || probing !== undefined) return;
    probing = setInterval(() => {
      if (health.state === 'connected') {
        clearInterval(probing);
        probing = undefined;
      } else void ctx.run(() => client.ping()).catch(() => {});
    }, options.probeIntervalMs ?? 1000);
    probing.unref();
  };
  health.onChange(probe);
  probe();

  return {
    backend,
    rates: createRedisRates(ctx),
    locks: createRedisLocks(ctx),
    pubsub: createRedisPubSub(ctx),
    cache,
    health,
    async close() {
      health.close();
      clearInterval(probing);
      client.disconnect();
      subscriber.disconnect();
    },
  };
}

function describeTarget(target: RedisTarget): string {
  const scheme = `${target.tls ? 'rediss' : 'redis'}${target.cluster ? '+cluster' : ''}`;
  return `${scheme}://${target.nodes.map((n) => `${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}`).join(',')}`;
}
