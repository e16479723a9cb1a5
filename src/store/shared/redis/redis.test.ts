/**
 * The contract on the machine's Redis at 127.0.0.1:6379 (unique key prefix per test, keys
 * removed afterwards). Fails, rather than skips, when that Redis does not answer.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_T0, sharedStoreContract, eventually } from '../contract.js';
import { createMemorySharedStore, MemoryHub } from '../memory/index.js';
import type { RateLimitSpec, SharedStore } from '../types.js';
import { createRedisSharedStore, type RedisTarget } from './index.js';
import { deleteKeys, redisHarness, uniquePrefix } from './test-support/redis-server.js';

const target: RedisTarget = { cluster: false, tls: false, nodes: [{ host: '127.0.0.1', port: 6379 }] };

describe('the Redis at 127.0.0.1:6379', () => {
  it('answers', async () => {
    const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });
});

sharedStoreContract('redis', redisHarness(target, 'contract'));

describe('redis shared store', () => {
  const prefix = uniquePrefix('redis');
  const stores: SharedStore[] = [];
  const open = async (options = {}): Promise<SharedStore> => {
    const store = await createRedisSharedStore(target, { prefix, ...options });
    stores.push(store);
    return store;
  };
  let a: SharedStore;
  let b: SharedStore;
  const entry = (text: string, tags: string[] = []) => ({ url: `https://up/${text}`, tags, meta: { v: text }, body: Buffer.from(text) });

  beforeAll(async () => {
    a = await open({ localCache: { maxTtlMs: 600_000 } });
    b = await open({ localCache: { maxTtlMs: 600_000 } });
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await deleteKeys([6379], prefix);
  });

  it('serves repeated reads from the local layer, and a purge elsewhere empties it', async () => {
    await a.cache.set('page', entry('page', ['catalog']), 600_000);
    expect((await b.cache.get('page'))?.tier).toBe('shared');
    // The write's own invalidation may still reach b and drop its first copy: poll.
    await eventually(async () => expect((await b.cache.get('page'))?.tier).toBe('local'));
    await a.cache.purgeTag('catalog');
    // The local copy would live ten minutes: only the invalidation message can remove it.
    await eventually(async () => expect(await b.cache.get('page')).toBeUndefined());
  });

  it('decides with Redis TIME: instances agree on a fresh limit', async () => {
    const limit = { kind: 'gcra', rate: 2, periodMs: 3_600_000 } as const;
    const first = await a.rates.check('time', [limit]);
    expect(first.allowed).toBe(true);
    expect(first.limits[0]?.remaining).toBe(1);
    // Reset is one emission interval (30 min) minus the moments that passed between the calls.
    expect(first.limits[0]?.resetMs).toBeLessThanOrEqual(1_800_000);
    const second = await b.rates.check('time', [limit]);
    expect(second.limits[0]?.remaining).toBe(0);
    const refused = await a.rates.check('time', [limit]);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(1_700_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(1_800_000);
  });

  it('keeps every key under its prefix', async () => {
    await a.rates.increment('x', 1, 60_000);
    await a.locks.acquire('x', { limit: 1, ttlMs: 60_000 });
    const client = new Redis({ host: '127.0.0.1', port: 6379 });
    try {
      const keys = await client.keys(`*${prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key.startsWith(prefix) || key.startsWith(`{${prefix}`)).toBe(true);
    } finally {
      client.disconnect();
    }
  });

  it('reports a script error as the bug it is, not as an outage', async () => {
    const client = new Redis({ host: '127.0.0.1', port: 6379 });
    try {
      await client.set(`{${prefix}rl:typed}:pause`, 'x');
      await client.hset(`{${prefix}rl:typed}:w:3:1000`, 's', 'not-a-number');
    } finally {
      client.disconnect();
    }
    await expect(a.rates.check('typed', [{ kind: 'window', limit: 3, windowMs: 1000 }])).rejects.toThrow();
    expect(a.health.state).toBe('connected');
  });
});

describe('Lua scripts and the in-process arithmetic', () => {
  it('agree exactly on 3000 random calls', async () => {
    let now = CONTRACT_T0 + 123;
    const prefix = uniquePrefix('mirror');
    const redis = await createRedisSharedStore(target, { prefix, now: () => now });
    const memory = createMemorySharedStore({ hub: new MemoryHub({ clock: () => now }) });
    // A small deterministic generator (mulberry32), so a failure can be replayed.
    let seed = 0x5eed;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const specs: RateLimitSpec[] = [
      { kind: 'gcra', rate: 3, periodMs: 1000 },
      { kind: 'gcra', rate: 7, periodMs: 1000, burst: 2.5 },
      { kind: 'gcra', rate: 2, periodMs: 1000, burst: 40 },
      { kind: 'window', limit: 5, windowMs: 1000 },
      { kind: 'window', limit: 2.5, windowMs: 700 },
    ];
    try {
      for (let i = 0; i < 3000; i++) {
        now += pick([0, 0, 1, 7, 50, 143, 333, 1000]);
        const key = pick(['a', 'b']);
        const op = random();
        if (op < 0.05) {
          const duration = pick([10, 500]);
          expect(await redis.rates.pause(key, duration)).toBe(await memory.rates.pause(key, duration));
        } else if (op < 0.15) {
          const spec = specs[2] as Extract<RateLimitSpec, { kind: 'gcra' }>;
          const level = pick([0, 3, 32, 39.5, 41]);
          const mode = pick(['raise', 'set'] as const);
          expect(await redis.rates.setLevel(key, spec, level, mode)).toEqual(await memory.rates.setLevel(key, spec, level, mode));
        } else {
          const limits = specs.filter(() => random() < 0.4);
          const options = { cost: pick([0, 1, 1, 1, 2, 0.5, 3]), maxDelayMs: pick([0, 0, 0, 120, 900]) };
          const [fromRedis, fromMemory] = [await redis.rates.check(key, limits, options), await memory.rates.check(key, limits, options)];
          expect({ i, ...fromRedis }).toEqual({ i, ...fromMemory });
        }
      }
    } finally {
      await redis.close();
      await deleteKeys([6379], prefix);
    }
  }, 60_000);
});
