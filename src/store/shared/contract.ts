/**
 * The contract every SharedStore backend passes. A harness opens any number of stores on
 * one backend (the instances of a deployment) that all read one movable clock, so limit
 * arithmetic is checked to the millisecond; pub/sub and lock wake-ups use real time.
 *
 * @example
 *   sharedStoreContract('memory', async () => memoryHarness());
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GcraLimit, SharedStore, WindowLimit } from './types.js';

export interface SharedStoreHarness {
  /** Opens one more store on the same backend: another instance of the deployment. */
  open(): Promise<SharedStore>;
  /** Moves the clock every store of this harness reads. */
  advance(ms: number): void;
  /** Closes the stores and removes everything they stored. */
  cleanup(): Promise<void>;
}

/** Day-aligned, so windows of a second or a day start exactly here. */
export const CONTRACT_T0 = 1_700_006_400_000;

/** Retries an assertion until it passes; bounded so a broken backend fails instead of hanging. */
export async function eventually(assertion: () => Promise<void> | void, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (err) {
      if (performance.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function sharedStoreContract(name: string, createHarness: () => Promise<SharedStoreHarness>): void {
  describe(`shared store contract: ${name}`, () => {
    let h: SharedStoreHarness;
    let a: SharedStore;
    let b: SharedStore;

    beforeEach(async () => {
      h = await createHarness();
      a = await h.open();
      b = await h.open();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('rates', () => {
      const tenPerSecond: GcraLimit = { kind: 'gcra', rate: 10, periodMs: 1000, burst: 5 };

      it('GCRA admits the burst at once, then one unit per emission interval', async () => {
        const remaining: number[] = [];
        const resets: number[] = [];
        for (let i = 0; i < 5; i++) {
          const d = await a.rates.check('k', [tenPerSecond]);
          expect(d.allowed).toBe(true);
          remaining.push(d.limits[0]!.remaining);
          resets.push(d.limits[0]!.resetMs);
        }
        expect(remaining).toEqual([4, 3, 2, 1, 0]);
        expect(resets).toEqual([100, 200, 300, 400, 500]);
        const refused = await a.rates.check('k', [tenPerSecond]);
        expect(refused).toMatchObject({ allowed: false, retryAfterMs: 100, pausedMs: 0 });
        expect(refused.binding).toMatchObject({ limit: 5, remaining: 0, resetMs: 500, retryAfterMs: 100 });
        h.advance(100);
        expect((await a.rates.check('k', [tenPerSecond])).allowed).toBe(true);
        expect(await a.rates.check('k', [tenPerSecond])).toMatchObject({ allowed: false, retryAfterMs: 100 });
        h.advance(250);
        expect((await a.rates.check('k', [tenPerSecond])).allowed).toBe(true);
        expect((await a.rates.check('k', [tenPerSecond])).allowed).toBe(true);
        expect(await a.rates.check('k', [tenPerSecond])).toMatchObject({ allowed: false, retryAfterMs: 50 });
      });

      it('GCRA holds a steady rate: one call every half interval gets every other one through', async () => {
        const limit: GcraLimit = { kind: 'gcra', rate: 10, periodMs: 1000, burst: 1 };
        let admitted = 0;
        for (let i = 0; i < 100; i++) {
          if ((await a.rates.check('steady', [limit])).allowed) admitted++;
          h.advance(50);
        }
        expect(admitted).toBe(50);
      });

      it('GCRA Retry-After is enough and not more, with intervals that are not whole ms', async () => {
        const limit: GcraLimit = { kind: 'gcra', rate: 3, periodMs: 1000 };
        for (let i = 0; i < 3; i++) expect((await a.rates.check('thirds', [limit])).allowed).toBe(true);
        expect((await a.rates.check('thirds', [limit])).retryAfterMs).toBe(334);
        h.advance(333);
        expect((await a.rates.check('thirds', [limit])).retryAfterMs).toBe(1);
        h.advance(1);
        expect((await a.rates.check('thirds', [limit])).allowed).toBe(true);
      });

      it('GCRA counts costs, and a cost above the burst is never admitted', async () => {
        expect((await a.rates.check('cost', [tenPerSecond], { cost: 3 })).limits[0]!.remaining).toBe(2);
        const never = await a.rates.check('cost', [tenPerSecond], { cost: 6 });
        expect(never.allowed).toBe(false);
        expect(never.retryAfterMs).toBe(Number.POSITIVE_INFINITY);
        const peek = await a.rates.check('cost', [tenPerSecond], { cost: 0 });
        expect(peek).toMatchObject({ allowed: true, delayMs: 0 });
        expect(peek.limits[0]!.remaining).toBe(2);
      });

      it('GCRA with maxDelayMs queues calls and says how long each must wait', async () => {
        const limit: GcraLimit = { kind: 'gcra', rate: 10, periodMs: 1000, burst: 1 };
        const delays: number[] = [];
        for (let i = 0; i < 3; i++) delays.push((await a.rates.check('queue', [limit], { maxDelayMs: 250 })).delayMs);
        expect(delays).toEqual([0, 100, 200]);
        expect(await a.rates.check('queue', [limit], { maxDelayMs: 250 })).toMatchObject({ allowed: false, retryAfterMs: 50 });
      });

      it('a sliding window counts the previous window by its overlap', async () => {
        const limit: WindowLimit = { kind: 'window', limit: 3, windowMs: 1000 };
        for (const remaining of [2, 1, 0]) {
          const d = await a.rates.check('w', [limit]);
          expect(d.allowed).toBe(true);
          expect(d.limits[0]).toMatchObject({ remaining, resetMs: 2000, limit: 3 });
        }
        // 3 in [0,1000): one more fits once 3·(1 − t/1000) + 1 ≤ 3 in the next window, t ≥ 333.3.
        expect(await a.rates.check('w', [limit])).toMatchObject({ allowed: false, retryAfterMs: 1334 });
        h.advance(1000);
        expect((await b.rates.check('w', [limit])).allowed).toBe(false);
        h.advance(334);
        expect((await b.rates.check('w', [limit])).allowed).toBe(true);
        // Now 3·0.666 + 1 = 2.998: the next fits when 3·(1 − t/1000) + 1 ≤ 2, at t = 666.7.
        expect(await b.rates.check('w', [limit])).toMatchObject({ allowed: false, retryAfterMs: 333 });
        h.advance(333);
        expect((await b.rates.check('w', [limit])).allowed).toBe(true);
      });

      it('several limits are checked together and a refusal consumes from none', async () => {
        const perDay: WindowLimit = { kind: 'window', limit: 3, windowMs: 86_400_000 };
        const perSecond: GcraLimit = { kind: 'gcra', rate: 10, periodMs: 1000 };
        for (let i = 0; i < 3; i++) expect((await a.rates.check('multi', [perSecond, perDay])).allowed).toBe(true);
        const refused = await b.rates.check('multi', [perSecond, perDay]);
        expect(refused.allowed).toBe(false);
        expect(refused.binding?.spec).toBe(perDay);
        expect(refused.retryAfterMs).toBe(refused.limits[1]!.retryAfterMs);
        expect(refused.limits[0]).toMatchObject({ allowed: true, remaining: 6 });
        const peek = await a.rates.check('multi', [perSecond, perDay], { cost: 0 });
        expect(peek.limits.map((l) => l.remaining)).toEqual([7, 0]);
        expect(peek.binding?.spec).toBe(perDay);
      });

      it('a pause refuses every check on the key on every instance, and only lengthens', async () => {
        expect(await a.rates.pause('upstream', 5000)).toBe(5000);
        expect(await b.rates.check('upstream', [tenPerSecond])).toMatchObject({ allowed: false, pausedMs: 5000, retryAfterMs: 5000 });
        expect(await b.rates.check('upstream', [])).toMatchObject({ allowed: false, pausedMs: 5000, binding: undefined });
        expect(await b.rates.pause('upstream', 1000)).toBe(5000);
        h.advance(5000);
        expect(await a.rates.check('upstream', [tenPerSecond])).toMatchObject({ allowed: true, pausedMs: 0 });
        expect((await a.rates.check('other', [])).allowed).toBe(true);
      });

      it('a leaky bucket level is corrected from upstream headers', async () => {
        const shopify: GcraLimit = { kind: 'gcra', rate: 2, periodMs: 1000, burst: 40 };
        expect(await a.rates.setLevel('shop', shopify, 32)).toMatchObject({ allowed: true, remaining: 8, resetMs: 16_000, limit: 40 });
        expect((await b.rates.check('shop', [shopify])).limits[0]!.remaining).toBe(7);
        expect((await a.rates.setLevel('shop', shopify, 10)).remaining).toBe(7);
        expect((await a.rates.setLevel('shop', shopify, 10, 'set')).remaining).toBe(30);
        expect(await a.rates.setLevel('shop', shopify, 40)).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 500 });
        h.advance(500);
        expect((await b.rates.check('shop', [shopify])).allowed).toBe(true);
      });

      it('counters add up and start over after their ttl', async () => {
        expect(await a.rates.increment('c', 1, 1000)).toBe(1);
        expect(await b.rates.increment('c', 2, 1000)).toBe(3);
        h.advance(999);
        expect(await a.rates.increment('c', 1, 1000)).toBe(4);
        h.advance(1);
        expect(await a.rates.increment('c', 1, 1000)).toBe(1);
      });

      it('reset forgets the limits and the pause; keys are independent', async () => {
        for (let i = 0; i < 5; i++) await a.rates.check('r', [tenPerSecond]);
        await a.rates.pause('r', 60_000);
        expect((await a.rates.check('r2', [tenPerSecond])).limits[0]!.remaining).toBe(4);
        await b.rates.reset('r', [tenPerSecond]);
        expect(await a.rates.check('r', [tenPerSecond])).toMatchObject({ allowed: true, pausedMs: 0 });
        expect((await a.rates.check('r', [tenPerSecond])).limits[0]!.remaining).toBe(3);
      });

      it('rejects limits that make no sense', async () => {
        await expect(a.rates.check('bad', [{ kind: 'gcra', rate: 0, periodMs: 1000 }])).rejects.toThrow(TypeError);
        await expect(a.rates.check('bad', [tenPerSecond], { cost: -1 })).rejects.toThrow(TypeError);
      });
    });

    describe('locks', () => {
      it('leases hold slots up to the limit until released', async () => {
        const first = await a.locks.acquire('pool', { limit: 2, ttlMs: 10_000 });
        expect(first).toMatchObject({ acquired: true, active: 1 });
        expect(await b.locks.acquire('pool', { limit: 2, ttlMs: 10_000 })).toMatchObject({ acquired: true, active: 2 });
        expect(await b.locks.acquire('pool', { limit: 2, ttlMs: 10_000 })).toEqual({ acquired: false, active: 2, retryAfterMs: 10_000 });
        if (!first.acquired) throw new Error('unreachable');
        expect(await a.locks.release(first.lease)).toBe(true);
        expect(await a.locks.release(first.lease)).toBe(false);
        expect((await b.locks.acquire('pool', { limit: 2, ttlMs: 10_000 })).acquired).toBe(true);
      });

      it('a lease expires, so a crashed holder leaks no slot', async () => {
        const held = await a.locks.acquire('crash', { limit: 1, ttlMs: 1000 });
        expect(await b.locks.acquire('crash', { limit: 1, ttlMs: 1000 })).toMatchObject({ acquired: false, retryAfterMs: 1000 });
        h.advance(1000);
        expect((await b.locks.acquire('crash', { limit: 1, ttlMs: 1000 })).acquired).toBe(true);
        if (!held.acquired) throw new Error('unreachable');
        expect(await a.locks.renew(held.lease, 1000)).toBe(false);
        expect(await a.locks.release(held.lease)).toBe(false);
      });

      it('renewing a live lease extends it', async () => {
        const held = await a.locks.acquire('renew', { limit: 1, ttlMs: 1000 });
        if (!held.acquired) throw new Error('not acquired');
        h.advance(800);
        expect(await a.locks.renew(held.lease, 1000)).toBe(true);
        h.advance(800);
        expect(await b.locks.acquire('renew', { limit: 1, ttlMs: 1000 })).toMatchObject({ acquired: false, retryAfterMs: 200 });
      });

      it("waitForSlot wakes on another instance's release, and gives up after its timeout", async () => {
        expect(await b.locks.waitForSlot('w', { limit: 1, timeoutMs: 10 })).toBe(true);
        const held = await a.locks.acquire('w', { limit: 1, ttlMs: 60_000 });
        if (!held.acquired) throw new Error('not acquired');
        expect(await b.locks.waitForSlot('w', { limit: 1, timeoutMs: 20 })).toBe(false);
        let woken = false;
        const waiting = b.locks.waitForSlot('w', { limit: 1, timeoutMs: 20_000 }).then((r) => (woken = r));
        await sleep(50);
        expect(woken).toBe(false);
        await a.locks.release(held.lease);
        expect(await waiting).toBe(true);
      });

      it('single-flight runs 100 concurrent callers on one instance once', async () => {
        let runs = 0;
        const work = async (): Promise<string> => {
          runs++;
          await sleep(20);
          return 'fresh';
        };
        const results = await Promise.all(
          Array.from({ length: 100 }, () => a.locks.singleFlight('page', work, { ttlMs: 10_000, waitMs: 10_000, follow: async () => undefined })),
        );
        expect(runs).toBe(1);
        expect(results.every((r) => r.value === 'fresh')).toBe(true);
        expect(results.filter((r) => r.role === 'leader')).toHaveLength(1);
      });

      it('single-flight runs 100 concurrent callers across two instances once', async () => {
        let runs = 0;
        const entry = (value: string) => ({ url: 'https://up/page', tags: [], meta: {}, body: Buffer.from(value) });
        const flight = (store: SharedStore) =>
          store.locks.singleFlight(
            'page',
            async () => {
              runs++;
              await sleep(50);
              await store.cache.set('page', entry('fresh'), 60_000);
              return 'fresh';
            },
            { ttlMs: 10_000, waitMs: 10_000, follow: async () => (await store.cache.get('page'))?.body.toString() },
          );
        const results = await Promise.all(Array.from({ length: 100 }, (_, i) => flight(i % 2 === 0 ? a : b)));
        expect(runs).toBe(1);
        expect(results.every((r) => r.value === 'fresh')).toBe(true);
        const roles = results.map((r) => r.role);
        expect(roles.filter((r) => r === 'leader')).toHaveLength(1);
        expect(roles.filter((r) => r === 'follower')).toHaveLength(1);
        expect(roles.filter((r) => r === 'joined')).toHaveLength(98);
      });

      it('single-flight hands a failure to the callers that joined, then lets the next call run', async () => {
        let runs = 0;
        const failing = async (): Promise<string> => {
          runs++;
          await sleep(10);
          throw new Error('upstream down');
        };
        const options = { ttlMs: 10_000, waitMs: 10_000, follow: async () => undefined };
        const settled = await Promise.allSettled(Array.from({ length: 10 }, () => a.locks.singleFlight('fail', failing, options)));
        expect(settled.every((s) => s.status === 'rejected')).toBe(true);
        expect(runs).toBe(1);
        expect((await b.locks.singleFlight('fail', async () => 'ok', options)).role).toBe('leader');
      });
    });

    describe('pubsub', () => {
      it('a message reaches every subscribed instance, the publisher included', async () => {
        const seenA: string[] = [];
        const seenB: string[] = [];
        await a.pubsub.subscribe('news', (m) => seenA.push(m));
        await b.pubsub.subscribe('news', (m) => seenB.push(m));
        await a.pubsub.publish('news', 'hello');
        await eventually(() => {
          expect(seenA).toEqual(['hello']);
          expect(seenB).toEqual(['hello']);
        });
      });

      it('channels are separate and unsubscribing stops delivery', async () => {
        const other: string[] = [];
        const marks: string[] = [];
        const stop = await b.pubsub.subscribe('other', (m) => other.push(m));
        await b.pubsub.subscribe('marks', (m) => marks.push(m));
        await a.pubsub.publish('other', 'x');
        await a.pubsub.publish('marks', '1');
        await eventually(() => expect(marks).toEqual(['1']));
        await stop();
        await a.pubsub.publish('other', 'y');
        await a.pubsub.publish('marks', '2');
        // One publisher, one subscriber connection: delivery is in order, so 'y' would be here by now.
        await eventually(() => expect(marks).toEqual(['1', '2']));
        expect(other).toEqual(['x']);
      });
    });

    describe('cache', () => {
      const body = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const entry = (url: string, tags: string[] = [], text?: string) => ({
        url,
        tags,
        meta: { status: 200, headers: { 'content-type': 'application/octet-stream' }, storedAt: 1 },
        body: text === undefined ? body : Buffer.from(text),
      });

      it('stores metadata and binary bodies with a TTL, visible to every instance', async () => {
        expect(await a.cache.get('missing')).toBeUndefined();
        await a.cache.set('e', entry('https://up/e', ['t1', 't2']), 10_000);
        for (const store of [a, b]) {
          const got = await store.cache.get('e');
          expect(got).toMatchObject({ url: 'https://up/e', tags: ['t1', 't2'], meta: entry('x').meta, ttlMs: 10_000 });
          expect(Buffer.compare(got!.body, body)).toBe(0);
        }
      });

      it('entries expire', async () => {
        await a.cache.set('short', entry('https://up/short'), 1000);
        expect(await b.cache.get('short')).toBeDefined();
        h.advance(999);
        expect((await b.cache.get('short'))?.ttlMs).toBe(1);
        h.advance(1);
        expect(await b.cache.get('short')).toBeUndefined();
        expect(await a.cache.get('short')).toBeUndefined();
      });

      it('an overwrite or delete on one instance reaches what the others hold', async () => {
        await a.cache.set('k', entry('https://up/k', [], 'v1'), 60_000);
        expect((await b.cache.get('k'))?.body.toString()).toBe('v1');
        await a.cache.set('k', entry('https://up/k', [], 'v2'), 60_000);
        await eventually(async () => expect((await b.cache.get('k'))?.body.toString()).toBe('v2'));
        await a.cache.delete('k');
        await eventually(async () => expect(await b.cache.get('k')).toBeUndefined());
      });

      it('purges by URL prefix, by tag, and everything', async () => {
        await a.cache.set('p1', entry('https://up/products/1', ['shop:a', 'product:1']), 60_000);
        await a.cache.set('p2', entry('https://up/products/2', ['shop:a']), 60_000);
        await a.cache.set('o1', entry('https://up/orders/1', ['shop:b']), 60_000);
        await a.cache.set('o2', entry('https://up/orders/2', ['shop:b', 'shop:a']), 60_000);
        for (const key of ['p1', 'p2', 'o1', 'o2']) expect(await b.cache.get(key)).toBeDefined();

        expect(await a.cache.purgePrefix('https://up/products/')).toBe(2);
        await eventually(async () => {
          expect(await b.cache.get('p1')).toBeUndefined();
          expect(await b.cache.get('p2')).toBeUndefined();
        });
        expect(await b.cache.get('o1')).toBeDefined();

        expect(await a.cache.purgeTag('shop:a')).toBe(1);
        await eventually(async () => expect(await b.cache.get('o2')).toBeUndefined());
        expect(await b.cache.get('o1')).toBeDefined();

        await a.cache.purgeAll();
        await eventually(async () => expect(await b.cache.get('o1')).toBeUndefined());
        await a.cache.set('after', entry('https://up/after'), 60_000);
        expect(await b.cache.get('after')).toBeDefined();
      });
    });

    describe('health', () => {
      it('reports connected for /readyz', () => {
        expect(a.health.state).toBe('connected');
        expect(a.health.snapshot()).toMatchObject({ backend: a.backend, state: 'connected' });
      });
    });
  });
}
