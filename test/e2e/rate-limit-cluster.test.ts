/**
 * Three Unigate instances in one process on the real Redis at 127.0.0.1:6379 (a unique key
 * prefix, removed afterwards): under concurrent load spread over all three, the cluster
 * admits N ± 1% for a limit of N. Fails, rather than skips, when Redis is not there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { deleteKeys, uniquePrefix } from '../../src/store/shared/redis/test-support/redis-server.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { countBy, fire } from '../helpers/load.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const N = 300;
const prefix = uniquePrefix('rl-cluster');
let upstream: TestUpstream;
const gateways: TestGateway[] = [];

beforeAll(async () => {
  const probe = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await probe.connect();
    expect(await probe.ping()).toBe('PONG');
  } catch (err) {
    throw new Error(`this suite needs Redis on 127.0.0.1:6379 (${(err as Error).message})`);
  } finally {
    probe.disconnect();
  }
  upstream = await startUpstream();
  const yaml = `
stores: { shared: "redis://127.0.0.1:6379?prefix=${prefix}" }
logging: { requests: false }
upstreams:
  api: { targets: [{ url: "${upstream.url}" }] }
routes:
  - name: bucket
    match: { path: /bucket }
    upstream: api
    policies: { rate_limit: { key: [route], limits: [{ rate: ${N}, per: 1h, burst: ${N} }] } }
  - name: window
    match: { path: /window }
    upstream: api
    policies: { rate_limit: { key: [route], limits: [{ limit: ${N}, window: 1d }] } }
`;
  for (let i = 0; i < 3; i++) gateways.push(await startGateway(yaml));
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await upstream?.close();
  await deleteKeys([6379], prefix);
});

describe('a limit across three instances on one Redis', () => {
  for (const route of ['bucket', 'window']) {
    it(`admits N ± 1% of a load spread over every instance (${route})`, async () => {
      const results = await fire(gateways.map((g) => `${g.url}/${route}`), { total: 3 * N, concurrency: 90 });
      const admitted = countBy(results.filter((r) => r.status === 200), (r) => r.target);
      const total = results.filter((r) => r.status === 200).length;
      console.log(`[accuracy] ${route}: admitted ${total} of ${3 * N} for N=${N}, per instance ${JSON.stringify(admitted)}`);
      expect(Math.abs(total - N)).toBeLessThanOrEqual(Math.max(1, Math.floor(N * 0.01)));
      expect(results.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
      // Every instance took part in admitting.
      expect(Object.keys(admitted)).toHaveLength(3);
    });
  }
});
