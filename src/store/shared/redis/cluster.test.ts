/**
 * The contract on a three-master Redis Cluster the test starts on free ports: multi-key
 * scripts only work there if every key of a call shares a hash tag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedStoreContract, type SharedStoreHarness } from '../contract.js';
import { openSharedStore } from '../open-shared-store.js';
import { deleteKeys, RedisCluster, redisHarness, uniquePrefix } from './test-support/redis-server.js';

let cluster: RedisCluster;

beforeAll(async () => {
  cluster = await RedisCluster.start(3);
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

sharedStoreContract('redis cluster', async (): Promise<SharedStoreHarness> => redisHarness(cluster.target, 'cluster')());

describe('redis cluster shared store', () => {
  it('opens from a redis+cluster:// URL and spreads cache entries over the masters', async () => {
    const prefix = uniquePrefix('cluster-url');
    const url = `redis+cluster://${cluster.servers.map((s) => `127.0.0.1:${s.port}`).join(',')}?prefix=${encodeURIComponent(prefix)}`;
    const store = await openSharedStore(url);
    try {
      expect(store.backend).toBe('redis-cluster');
      expect(store.health.snapshot()).toMatchObject({ state: 'connected', target: expect.stringMatching(/^redis\+cluster:\/\/127\.0\.0\.1:\d+,/) });
      for (let i = 0; i < 30; i++) {
        await store.cache.set(`k${i}`, { url: `https://up/items/${i}`, tags: ['items'], meta: {}, body: Buffer.from(String(i)) }, 60_000);
      }
      expect((await store.rates.check('k', [{ kind: 'gcra', rate: 5, periodMs: 1000 }, { kind: 'window', limit: 100, windowMs: 60_000 }])).allowed).toBe(true);
      expect(await store.cache.purgePrefix('https://up/items/1')).toBe(11);
      expect(await store.cache.purgeTag('items')).toBe(19);
    } finally {
      await store.close();
      await deleteKeys(cluster.servers.map((s) => s.port), prefix);
    }
  });
});
