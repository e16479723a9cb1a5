/**
 * The in-process shared store, the default when `stores.shared` is absent or `memory`.
 * Limits, leases and the cache live in this process only, so it suits one instance.
 *
 * @example
 *   const store = createMemorySharedStore();
 *   const d = await store.rates.check('consumer:42', [{ kind: 'gcra', rate: 10, periodMs: 1000 }]);
 */
import { HealthTracker } from '../health.js';
import type { CacheEntry, CacheStorage, PubSub, SharedStore, StoredCacheEntry, Unsubscribe } from '../types.js';
import { MemoryHub, type MemoryHubOptions } from './hub.js';
import { createMemoryLocks } from './locks.js';
import { createMemoryRates } from './rates.js';

export { MemoryHub, type MemoryHubOptions };

export interface MemoryStoreOptions extends MemoryHubOptions {
  /** Share state with other stores on this hub (tests simulate instances this way); ignores the hub options. */
  hub?: MemoryHub;
}

export function createMemorySharedStore(options: MemoryStoreOptions = {}): SharedStore {
  const hub = options.hub ?? new MemoryHub(options);
  const health = new HealthTracker({ backend: 'memory', target: 'memory', initial: 'connected' });
  return {
    backend: 'memory',
    rates: createMemoryRates(hub),
    locks: createMemoryLocks(hub),
    pubsub: createMemoryPubSub(hub),
    cache: createMemoryCache(hub),
    health,
    async close() {},
  };
}

function createMemoryPubSub(hub: MemoryHub): PubSub {
  return {
    async publish(channel: string, message: string): Promise<void> {
      // Delivered on a later turn, as a network hop would be, so publishers never re-enter handlers.
      setImmediate(() => hub.events.emit(`message:${channel}`, message));
    },
    async subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe> {
      const listener = (message: string): void => {
        try {
          handler(message);
        } catch {
          // As on Redis: a handler that throws must not stop delivery to the others.
        }
      };
      hub.events.on(`message:${channel}`, listener);
      return async () => {
        hub.events.off(`message:${channel}`, listener);
      };
    },
  };
}

function createMemoryCache(hub: MemoryHub): CacheStorage {
  const { cache } = hub;
  return {
    async get(key: string): Promise<StoredCacheEntry | undefined> {
      const hit = cache.get(key);
      return hit === undefined ? undefined : { ...hit.entry, ttlMs: hit.ttlMs, tier: 'local' };
    },
    getNow: (key: string): CacheEntry | undefined => cache.get(key)?.entry,
    async set(key: string, entry: CacheEntry, ttlMs: number): Promise<void> {
      cache.set(key, entry, ttlMs);
    },
    async delete(key: string): Promise<void> {
      cache.delete(key);
    },
    async purgePrefix(urlPrefix: string): Promise<number> {
      return cache.deleteWhere((e) => e.url.startsWith(urlPrefix));
    },
    async purgeTag(tag: string): Promise<number> {
      return cache.deleteWhere((e) => e.tags.includes(tag));
    },
    async purgeAll(): Promise<void> {
      cache.clear();
    },
  };
}
