import { describe, expect, it } from 'vitest';
import { eventually } from './contract.js';
import { isSharedStoreUnavailable } from './health.js';
import { openSharedStore, parseSharedStoreUrl } from './open-shared-store.js';
import { freePort, RedisServer } from './redis/test-support/redis-server.js';

describe('parseSharedStoreUrl', () => {
  it('reads memory when absent or memory', () => {
    for (const spec of [undefined, '', 'memory', 'memory://']) expect(parseSharedStoreUrl(spec)).toEqual({ kind: 'memory' });
  });

  it('reads redis:// and rediss:// with credentials, database and prefix', () => {
    expect(parseSharedStoreUrl('redis://localhost')).toMatchObject({ kind: 'redis', cluster: false, tls: false, nodes: [{ host: 'localhost', port: 6379 }] });
    expect(parseSharedStoreUrl('rediss://app:p%40ss@cache.internal:6380/2?prefix=prod%3A')).toEqual({
      kind: 'redis',
      cluster: false,
      tls: true,
      nodes: [{ host: 'cache.internal', port: 6380 }],
      username: 'app',
      password: 'p@ss',
      db: 2,
      prefix: 'prod:',
    });
    expect(parseSharedStoreUrl('redis://:secret@[::1]:7000')).toMatchObject({ nodes: [{ host: '::1', port: 7000 }], password: 'secret', username: undefined });
  });

  it('reads redis+cluster:// seed nodes', () => {
    expect(parseSharedStoreUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001,10.0.0.3')).toMatchObject({
      cluster: true,
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '10.0.0.3', port: 6379 },
      ],
    });
    expect(parseSharedStoreUrl('rediss+cluster://a:1')).toMatchObject({ cluster: true, tls: true });
  });

  it('says what is wrong with a bad value', () => {
    expect(() => parseSharedStoreUrl('postgres://x')).toThrow(/stores.shared must be/);
    expect(() => parseSharedStoreUrl('redis://a:1,b:2')).toThrow(/redis\+cluster/);
    expect(() => parseSharedStoreUrl('redis://a:99999')).toThrow(/host:port/);
    expect(() => parseSharedStoreUrl('redis://a/x')).toThrow(/database/);
    expect(() => parseSharedStoreUrl('redis+cluster://a:1/0')).toThrow(/no database/);
  });
});

describe('openSharedStore', () => {
  it('opens the in-process store by default', async () => {
    const store = await openSharedStore(undefined);
    expect(store.backend).toBe('memory');
    expect(store.health.state).toBe('connected');
  });

  it('starts while Redis is unreachable, then connects when it appears', async () => {
    const port = await freePort();
    const store = await openSharedStore(`redis://127.0.0.1:${port}?prefix=late:`, { reconnectMaxDelayMs: 100, connectTimeoutMs: 500 });
    let server: RedisServer | undefined;
    try {
      expect(store.health.snapshot()).toMatchObject({ backend: 'redis', state: 'unavailable', target: `redis://127.0.0.1:${port}` });
      const failure = await store.rates.check('k', []).catch((err: unknown) => err);
      expect(isSharedStoreUnavailable(failure)).toBe(true);
      server = await RedisServer.start(port);
      await eventually(() => expect(store.health.state).toBe('connected'), 20_000);
      expect((await store.rates.check('k', [{ kind: 'gcra', rate: 1, periodMs: 1000 }])).allowed).toBe(true);
      // The cache subscribes once the subscriber connects, so its local layer comes into use.
      await store.cache.set('e', { url: 'https://up/e', tags: [], meta: {}, body: Buffer.from('x') }, 60_000);
      await eventually(async () => expect((await store.cache.get('e'))?.tier).toBe('local'));
    } finally {
      await store.close();
      await server?.stop();
    }
  }, 60_000);
});
