/**
 * The shield across two instances on the real Redis at 127.0.0.1:6379 (unique prefix): one
 * budget for both, counted at the backend, and a 429 seen by one instance pausing the
 * backend for the other too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { deleteKeys, uniquePrefix } from '../../src/store/shared/redis/test-support/redis-server.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { countBy, eventually, fire } from '../helpers/load.js';
import { startThrottledBackend, type ThrottledBackend } from '../helpers/throttled-backend.js';

const prefix = uniquePrefix('shield-cluster');
const gateways: TestGateway[] = [];
let paced: ThrottledBackend;
let moody: ThrottledBackend;

beforeAll(async () => {
  paced = await startThrottledBackend({ capacity: 10, leakPerSecond: 20 });
  moody = await startThrottledBackend({ capacity: 1000, leakPerSecond: 1000 });
  const yaml = `
stores: { shared: "redis://127.0.0.1:6379?prefix=${prefix}" }
logging: { requests: false }
upstreams:
  paced:
    targets: [{ url: "${paced.url}" }]
    shield: { per_upstream: { limits: [{ rate: 18, per: 1s, burst: 8 }] } }
  moody:
    targets: [{ url: "${moody.url}" }]
    shield: { learn: [shopify], queue: { timeout: 10s } }
routes:
  - { name: paced, match: { path: /paced }, upstream: paced }
  - { name: moody, match: { path: /moody }, upstream: moody }
`;
  for (let i = 0; i < 2; i++) gateways.push(await startGateway(yaml));
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await paced?.close();
  await moody?.close();
  await deleteKeys([6379], prefix);
});

describe('one budget for the cluster', () => {
  it('two instances together stay within the backend\'s bucket', async () => {
    const results = await fire(gateways.map((g) => `${g.url}/paced`), { total: 60, concurrency: 30 });
    console.log(`[shield-cluster] backend served ${paced.served}, refused ${paced.refused}`);
    expect(countBy(results, (r) => r.status)).toEqual({ 200: 60 });
    expect(paced.refused).toBe(0);
    expect(paced.served).toBe(60);
  });

  it('a 429 seen by one instance pauses the backend for every instance, and the request is re-sent after the pause', async () => {
    moody.throttle(1000, '1');
    const first = request(`${gateways[0]!.url}/moody`);
    await eventually(() => moody.refused === 1);
    // The pause goes to Redis right after the 429 arrives; give it a moment to land.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const others = await fire(gateways.map((g) => `${g.url}/moody`), { total: 10, concurrency: 10 });
    const res = await first;
    await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(countBy(others, (r) => r.status)).toEqual({ 200: 10 });
    expect(moody.violations).toBe(0);
    expect(moody.refused).toBe(1);
    expect(moody.served).toBe(11);
  });
});
