/**
 * Outages on a Redis this test starts itself (never the shared one on 6379): killed and
 * restarted, then frozen with SIGSTOP. Calls must fail with SHARED_STORE_UNAVAILABLE rather
 * than hang, each state change must be reported once, and recovery must need nobody.
 */
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogCapture } from '../../../../test/helpers/log-capture.js';
import { eventually } from '../contract.js';
import { isSharedStoreUnavailable } from '../health.js';
import type { GcraLimit, HealthSnapshot, SharedStore } from '../types.js';
import { createRedisSharedStore } from './index.js';
import { RedisServer } from './test-support/redis-server.js';

const limit: GcraLimit = { kind: 'gcra', rate: 1000, periodMs: 3_600_000 };

describe('a Redis that goes away', () => {
  let server: RedisServer;
  let store: SharedStore;
  let changes: HealthSnapshot[];
  let logs: LogCapture;
  let registry: Registry;

  beforeEach(async () => {
    server = await RedisServer.start();
    logs = new LogCapture();
    registry = new Registry();
    store = await createRedisSharedStore(server.target, {
      prefix: 'outage:',
      commandTimeoutMs: 300,
      reconnectMaxDelayMs: 200,
      probeIntervalMs: 100,
      logger: logs.logger(),
      registry,
    });
    changes = [];
    store.health.onChange((s) => changes.push(s));
  });
  afterEach(async () => {
    await store.close();
    await server.stop();
  });

  async function expectUnavailable(calls: (() => Promise<unknown>)[]): Promise<void> {
    const settled = await Promise.allSettled(calls.map((call) => call()));
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      if (s.status === 'rejected') expect(isSharedStoreUnavailable(s.reason)).toBe(true);
    }
  }

  const everyKind = (s: SharedStore): (() => Promise<unknown>)[] => [
    ...Array.from({ length: 50 }, () => () => s.rates.check('k', [limit])),
    () => s.rates.pause('paused', 600_000),
    () => s.locks.acquire('lock', { limit: 1, ttlMs: 1000 }),
    () => s.pubsub.publish('news', 'x'),
    () => s.pubsub.subscribe('other', () => {}),
    () => s.cache.get('missing'),
    () => s.cache.purgeTag('t'),
  ];

  it('killed: calls fail fast, the change is reported once each way, and it recovers by itself', async () => {
    expect(store.health.state).toBe('connected');
    const heard: string[] = [];
    await store.pubsub.subscribe('news', (m) => heard.push(m));
    await store.cache.set('page', { url: 'https://up/page', tags: [], meta: {}, body: Buffer.from('v1') }, 600_000);
    expect((await store.cache.get('page'))?.tier).toBe('local');
    expect((await store.rates.check('k', [limit])).allowed).toBe(true);

    await server.kill();
    await expectUnavailable(everyKind(store));
    await eventually(() => expect(store.health.state).toBe('unavailable'));
    await expectUnavailable(everyKind(store));
    const single = await store.locks.singleFlight('page', async () => 'direct', { ttlMs: 1000, waitMs: 1000, follow: async () => undefined });
    expect(single).toEqual({ value: 'direct', role: 'alone' });
    expect(store.health.snapshot()).toMatchObject({ state: 'unavailable', error: expect.any(String) });

    await server.restart();
    await eventually(async () => expect((await store.rates.check('k', [limit])).allowed).toBe(true), 20_000);
    expect(changes.map((c) => c.state)).toEqual(['unavailable', 'connected']);

    // Scripts are loaded again on the new connection, subscriptions restored, the local layer dropped.
    await eventually(async () => {
      await store.pubsub.publish('news', 'back');
      expect(heard).toContain('back');
    }, 20_000);
    expect(await store.cache.get('page')).toBeUndefined();

    const lines = logs.records.map((r) => r.msg);
    expect(lines.filter((m) => m === 'shared store unavailable')).toHaveLength(1);
    // Connected at start, then again after the restart.
    expect(lines.filter((m) => m === 'shared store connected')).toHaveLength(2);
    const metrics = await registry.getMetricsAsJSON();
    const changesMetric = metrics.find((m) => m.name === 'unigate_shared_store_state_changes_total');
    expect(changesMetric?.values).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { backend: 'redis', state: 'unavailable' }, value: 1 }),
        expect.objectContaining({ labels: { backend: 'redis', state: 'connected' }, value: 2 }),
      ]),
    );
    expect(metrics.find((m) => m.name === 'unigate_shared_store_up')?.values[0]?.value).toBe(1);
  }, 60_000);

  it('frozen: calls time out instead of hanging, and it recovers when the server resumes', async () => {
    server.pause();
    await expectUnavailable(everyKind(store).filter((_, i) => i % 10 === 0 || i >= 50));
    expect(store.health.state).toBe('unavailable');
    server.resume();
    // No traffic needed: the probe notices.
    await eventually(() => expect(store.health.state).toBe('connected'), 20_000);
    expect(changes.map((c) => c.state)).toEqual(['unavailable', 'connected']);
    // A call that timed out may still have run once the server woke: the pause did.
    expect((await store.rates.check('paused', [])).allowed).toBe(false);
    expect((await store.rates.check('k', [limit])).allowed).toBe(true);
  }, 60_000);
});
