/**
 * Cache on Redis, shared by every instance, with a bounded in-memory layer in front.
 *
 * Entries are spread over the cluster (`<prefix>ce:<key>`); the URL and tag indexes share
 * the hash tag `{<prefix>ci}` so one script keeps them consistent. Every write, delete and
 * purge is published, and each instance drops what it holds locally. The local layer is
 * used only while this instance is subscribed: after a disconnect it starts empty, since
 * invalidations sent meanwhile are lost.
 */
import { ByteLru } from '../memory/lru.js';
import type { CacheEntry, CacheStorage, StoredCacheEntry } from '../types.js';
import type { RedisContext } from './context.js';

export interface LocalLayerOptions {
  /** Bound of this instance's copy, bytes (default 16 MiB). */
  maxBytes?: number;
  /** Longest an entry is served from memory without asking Redis (default 30 s). */
  maxTtlMs?: number;
}

type Invalidation = { o: string } & ({ k: string } | { p: string } | { t: string } | { a: 1 });

const BATCH = 500;

export function createRedisCache(ctx: RedisContext, instanceId: string, options: LocalLayerOptions = {}): { cache: CacheStorage; start(): Promise<void> } {
  const local = new ByteLru(options.maxBytes ?? 16 * 1024 * 1024, ctx.clock);
  const maxLocalTtl = options.maxTtlMs ?? 30_000;
  const entryKey = (key: string): string => `${ctx.prefix}ce:${key}`;
  const index = `{${ctx.prefix}ci}`;
  const urls = `${index}:urls`;
  const expiries = `${index}:exp`;
  const tagKey = (tag: string): string => `${index}:t:${tag}`;
  const channel = `${ctx.prefix}cache:inv`;
  let listening = false;
  // Bumped by every invalidation, so a read that raced one does not refill the local layer.
  let epoch = 0;

  function invalidateLocally(message: Invalidation): void {
    epoch++;
    if ('k' in message) local.delete(message.k);
    else if ('p' in message) local.deleteWhere((e) => e.url.startsWith(message.p));
    else if ('t' in message) local.deleteWhere((e) => e.tags.includes(message.t));
    else local.clear();
  }

  /**
   * Drops local copies before and after a change to the shared tier: a read of this
   * instance that overlaps the change may have fetched the old value and must not keep it.
   */
  async function mutate<T>(change: Invalidation, op: () => Promise<T>): Promise<T> {
    invalidateLocally(change);
    try {
      return await op();
    } finally {
      invalidateLocally(change);
    }
  }

  function onMessage(raw: string): void {
    let message: Invalidation;
    try {
      message = JSON.parse(raw) as Invalidation;
    } catch {
      message = { o: '', a: 1 }; // unreadable: dropping everything is the safe reading
    }
    if (message.o !== instanceId) invalidateLocally(message);
  }

  function forget(): void {
    listening = false;
    epoch++;
    local.clear();
  }

  let subscription: (() => void) | undefined;
  let subscribing: Promise<void> | undefined;
  async function subscribe(): Promise<void> {
    if (subscription === undefined) {
      // When Redis is down this fails quietly; the subscriber's next 'ready' tries again.
      subscribing ??= ctx.channels
        .add(channel, onMessage)
        .then((remove) => void (subscription = remove), () => {})
        .finally(() => void (subscribing = undefined));
      await subscribing;
    }
    listening = subscription !== undefined && ctx.channels.ready;
  }

  async function publish(change: Invalidation): Promise<void> {
    await ctx.run(() => ctx.client.publish(channel, JSON.stringify(change)));
  }

  /** Takes index members batch by batch, deletes the live entries among them, and counts those. */
  async function drain(take: () => Promise<unknown>): Promise<number> {
    let count = 0;
    for (;;) {
      const [taken, ...live] = (await take()) as [number, ...string[]];
      // One UNLINK per key: entries sit on different cluster slots.
      await Promise.all(live.map((m) => ctx.run(() => ctx.client.unlink(entryKey(m.slice(m.indexOf('\0') + 1))))));
      count += live.length;
      if (Number(taken) < BATCH) return count;
    }
  }

  const cache: CacheStorage = {
    async get(key: string): Promise<StoredCacheEntry | undefined> {
      if (listening) {
        const hit = local.get(key);
        if (hit !== undefined) return { ...hit.entry, ttlMs: hit.ttlMs, tier: 'local' };
      }
      const before = epoch;
      const reply = (await ctx.script('cacheGet', [entryKey(key)], [], true)) as [Buffer, number | string] | null;
      if (reply === null) return undefined;
      const entry = unpack(reply[0]);
      const ttlMs = Number(reply[1]);
      if (listening && epoch === before) local.set(key, entry, Math.min(ttlMs, maxLocalTtl));
      return { ...entry, ttlMs, tier: 'shared' };
    },

    async set(key: string, entry: CacheEntry, ttlMs: number): Promise<void> {
      // The URL index separates URL and key with NUL, which a URL cannot contain.
      if (entry.url.includes('\0')) throw new TypeError('cache entry URL contains NUL');
      const change: Invalidation = { o: instanceId, k: key };
      const member = `${entry.url}\0${key}`;
      await mutate(change, () =>
        Promise.all([
          ctx.script('cacheSet', [entryKey(key)], [ttlMs, pack(entry), channel, JSON.stringify(change)]),
          ctx.script('cacheIndex', [urls, expiries, ...entry.tags.map(tagKey)], [ttlMs, member]),
        ]),
      );
      if (listening) local.set(key, entry, Math.min(ttlMs, maxLocalTtl));
    },

    async delete(key: string): Promise<void> {
      const change: Invalidation = { o: instanceId, k: key };
      await mutate(change, () => Promise.all([ctx.run(() => ctx.client.unlink(entryKey(key))), publish(change)]));
    },

    async purgePrefix(urlPrefix: string): Promise<number> {
      // Lexicographic range over members "url\0key": every URL starting with the prefix (0xFF never occurs in UTF-8).
      const min = Buffer.concat([Buffer.from('['), Buffer.from(urlPrefix)]);
      const max = Buffer.concat([min, Buffer.from([0xff])]);
      const change: Invalidation = { o: instanceId, p: urlPrefix };
      return mutate(change, async () => {
        const count = await drain(() => ctx.script('cacheTake', [urls, expiries], [BATCH, min, max]));
        await publish(change);
        return count;
      });
    },

    async purgeTag(tag: string): Promise<number> {
      const change: Invalidation = { o: instanceId, t: tag };
      return mutate(change, async () => {
        const count = await drain(() => ctx.script('cacheTake', [urls, expiries, tagKey(tag)], [BATCH]));
        await publish(change);
        return count;
      });
    },

    async purgeAll(): Promise<void> {
      const change: Invalidation = { o: instanceId, a: 1 };
      await mutate(change, async () => {
        await drain(() => ctx.script('cacheTake', [urls, expiries], [BATCH]));
        await publish(change);
      });
    },
  };

  ctx.channels.onClose(forget);
  ctx.channels.onReady(() => {
    // ioredis re-subscribes on its own; what was published while we were away is lost.
    forget();
    void subscribe();
  });
  return { cache, start: subscribe };
}

function pack(entry: CacheEntry): Buffer {
  const head = Buffer.from(JSON.stringify({ u: entry.url, t: entry.tags, m: entry.meta }));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  return Buffer.concat([length, head, entry.body]);
}

function unpack(packed: Buffer): CacheEntry {
  const length = packed.readUInt32BE(0);
  const head = JSON.parse(packed.subarray(4, 4 + length).toString('utf8')) as { u: string; t: string[]; m: CacheEntry['meta'] };
  return { url: head.u, tags: head.t, meta: head.m, body: packed.subarray(4 + length) };
}
