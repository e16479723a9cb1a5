/**
 * Inbound rate limits through a real gateway: exact admission counts under concurrent
 * load (token bucket and sliding window), RateLimit-* headers on every response of a
 * limited route (admitted, refused and upstream errors alike), and per-consumer keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { createConsumer, createKey } from '../helpers/identities.js';
import { countBy, fire } from '../helpers/load.js';
import { closedPort, startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;
const N = 200;

beforeAll(async () => {
  upstream = await startUpstream();
  const dead = await closedPort();
  gw = await startGateway(`
upstreams:
  api: { targets: [{ url: "${upstream.url}" }] }
  dead: { targets: [{ url: "http://127.0.0.1:${dead}" }], retries: { count: 0 } }
routes:
  - name: bucket
    match: { path: /bucket }
    upstream: api
    policies: { rate_limit: { key: [route], limits: [{ rate: ${N}, per: 1h, burst: ${N} }] } }
  - name: window
    match: { path: /window }
    upstream: api
    policies: { rate_limit: { key: [route], limits: [{ limit: ${N}, window: 1d, algorithm: sliding-window }] } }
  - name: keyed
    match: { path: /keyed }
    upstream: api
    policies:
      authenticate: { mode: key }
      rate_limit: { key: [consumer], limits: [{ rate: 1, per: 1m, burst: 2 }, { limit: 1000, window: 1d }] }
  - name: broken
    match: { path: /broken }
    upstream: dead
    policies: { rate_limit: { key: [client_ip], limits: [{ rate: 5, per: 1s }] } }
`);
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe('accuracy on one instance', () => {
  for (const route of ['bucket', 'window']) {
    it(`admits exactly N of a concurrent burst (${route})`, async () => {
      const results = await fire([`${gw.url}/${route}`], { total: 3 * N, concurrency: 50 });
      const counts = countBy(results, (r) => r.status);
      expect(counts[200]).toBe(N);
      expect(counts[429]).toBe(2 * N);
      for (const r of results) {
        expect(r.headers['ratelimit-limit']).toBe(String(N));
        expect(r.headers['ratelimit-remaining']).toBeDefined();
        expect(r.headers['ratelimit-reset']).toBeDefined();
      }
      const refused = results.find((r) => r.status === 429)!;
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(refused.body).error.code).toBe('RATE_LIMITED');
    });
  }
});

describe('keys and headers', () => {
  it('limits each consumer on its own', async () => {
    const a = await createKey(gw.gateway, (await createConsumer(gw.gateway, 'rl-a')).id);
    const b = await createKey(gw.gateway, (await createConsumer(gw.gateway, 'rl-b')).id);
    const call = async (key: string) => (await request(`${gw.url}/keyed`, { headers: { 'x-api-key': key } })).statusCode;
    expect([await call(a.key), await call(a.key), await call(a.key)]).toEqual([200, 200, 429]);
    expect([await call(b.key), await call(b.key)]).toEqual([200, 200]);
  });

  it('puts RateLimit-* on responses Unigate itself answers, e.g. an unreachable upstream', async () => {
    const res = await request(`${gw.url}/broken`);
    await res.body.text();
    expect(res.statusCode).toBe(502);
    expect(res.headers['ratelimit-limit']).toBe('5');
    expect(res.headers['ratelimit-policy']).toBe('5;w=1;burst=5');
  });

  it('counts refusals in the metrics', async () => {
    const metrics = await (await request(`${gw.adminUrl}/metrics`, { headers: { authorization: `Bearer ${gw.gateway.token}` } })).body.text();
    expect(metrics).toMatch(/unigate_rate_limited_total\{route="bucket"\} 400/);
  });
});
