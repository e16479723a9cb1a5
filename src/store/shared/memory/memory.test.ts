import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONTRACT_T0, sharedStoreContract } from '../contract.js';
import { ByteLru } from './lru.js';
import { createMemorySharedStore, MemoryHub } from './index.js';

sharedStoreContract('memory', async () => {
  let now = CONTRACT_T0;
  const hub = new MemoryHub({ clock: () => now });
  return {
    open: async () => createMemorySharedStore({ hub }),
    advance: (ms) => {
      now += ms;
    },
    cleanup: async () => {},
  };
});

describe('memory shared store', () => {
  const entry = (bytes: number) => ({ url: 'https://up/x', tags: [], meta: {}, body: Buffer.alloc(bytes) });

  it('evicts the least recently used entries to stay within its byte bound', () => {
    const lru = new ByteLru(10_000, () => CONTRACT_T0);
    lru.set('a', entry(3000), 60_000);
    lru.set('b', entry(3000), 60_000);
    lru.set('c', entry(3000), 60_000);
    expect(lru.get('a')).toBeDefined();
    lru.set('d', entry(3000), 60_000);
    expect(lru.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].every((k) => lru.get(k) !== undefined)).toBe(true);
    expect(lru.usedBytes).toBeLessThanOrEqual(10_000);
  });

  it('does not store an entry larger than the whole bound', async () => {
    const store = createMemorySharedStore({ cacheMaxBytes: 1000 });
    await store.cache.set('big', entry(2000), 60_000);
    expect(await store.cache.get('big')).toBeUndefined();
  });

  it('gives each store its own state unless they share a hub', async () => {
    const limit = { kind: 'gcra', rate: 1, periodMs: 60_000 } as const;
    const one = createMemorySharedStore();
    const two = createMemorySharedStore();
    expect((await one.rates.check('k', [limit])).allowed).toBe(true);
    expect((await two.rates.check('k', [limit])).allowed).toBe(true);
    expect((await one.rates.check('k', [limit])).allowed).toBe(false);
  });
});

describe('single-flight lock renewal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the lock while a slow leader works, so another instance does not run too', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let now = CONTRACT_T0;
    const hub = new MemoryHub({ clock: () => now });
    const [a, b] = [createMemorySharedStore({ hub }), createMemorySharedStore({ hub })];
    const other: boolean[] = [];
    const result = await a.locks.singleFlight(
      'slow',
      async () => {
        for (let i = 0; i < 5; i++) {
          now += 150;
          vi.advanceTimersByTime(100);
          other.push((await b.locks.acquire('sf:slow', { limit: 1, ttlMs: 200 })).acquired);
        }
        return 'done';
      },
      { ttlMs: 200, waitMs: 1000, follow: async () => undefined },
    );
    expect(result).toEqual({ value: 'done', role: 'leader' });
    // 750 ms of work on a 200 ms lock: renewed every 100 ms, never free.
    expect(other).toEqual([false, false, false, false, false]);
    expect((await b.locks.acquire('sf:slow', { limit: 1, ttlMs: 200 })).acquired).toBe(true);
  });
});
