/**
 * A Redis this test starts itself (its own port, never the machine's shared one) killed and
 * restarted mid-test: fail-open routes keep serving, fail-closed routes answer 503, nothing
 * hangs, the outage is logged and counted once (not per request), /readyz reports it, and
 * everything recovers on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { RedisServer, uniquePrefix } from '../../src/store/shared/redis/test-support/redis-server.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { countBy, eventually, fire } from '../helpers/load.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let redis: RedisServer;
let upstream: TestUpstream;
let gw: TestGateway;

beforeAll(async () => {
  redis = await RedisServer.start();
  upstream = await startUpstream();
  gw = await startGateway(`
stores: { shared: "redis://127.0.0.1:${redis.port}?prefix=${uniquePrefix('outage')}" }
upstreams:
  api: { targets: [{ url: "${upstream.url}" }] }
routes:
  - name: open
    match: { path: /open }
    upstream: api
    policies: { rate_limit: { key: [route], on_store_error: open, limits: [{ rate: 1000, per: 1s }] } }
  - name: closed
    match: { path: /closed }
    upstream: api
    policies: { rate_limit: { key: [route], on_store_error: closed, limits: [{ rate: 1000, per: 1s }] } }
`);
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await redis?.stop();
});

const readyz = async () => (await (await request(`${gw.url}/readyz`)).body.json()) as { shared_store: { state: string } };
const logged = (msg: string) => gw.logs.records.filter((r) => r.msg === msg).length;

describe('shared store outage', () => {
  it('serves, refuses or recovers by policy, with one log line per state change', async () => {
    const before = await fire([`${gw.url}/open`, `${gw.url}/closed`], { total: 10, concurrency: 5 });
    expect(countBy(before, (r) => r.status)).toEqual({ 200: 10 });
    expect((await readyz()).shared_store.state).toBe('connected');

    await redis.kill();
    const during = await fire([`${gw.url}/open`, `${gw.url}/closed`], { total: 40, concurrency: 10 });
    // Every request was answered (no hang on the dead store): open ones served, closed ones refused.
    expect(countBy(during, (r) => `${r.target}:${r.status}`)).toEqual({ '0:200': 20, '1:503': 20 });
    const refused = during.find((r) => r.status === 503)!;
    expect(JSON.parse(refused.body).error.code).toBe('SHARED_STORE_UNAVAILABLE');
    expect(refused.headers['retry-after']).toBe('1');
    const ready = await request(`${gw.url}/readyz`);
    expect(((await ready.body.json()) as { shared_store: { state: string } }).shared_store.state).toBe('unavailable');
    expect(logged('shared store unavailable')).toBe(1);

    await redis.restart();
    await eventually(async () => (await readyz()).shared_store.state === 'connected', 15_000);
    await eventually(async () => (await request(`${gw.url}/closed`)).statusCode === 200, 5000);
    const after = await fire([`${gw.url}/open`, `${gw.url}/closed`], { total: 10, concurrency: 5 });
    expect(countBy(after, (r) => r.status)).toEqual({ 200: 10 });
    expect(logged('shared store unavailable')).toBe(1);
    const metrics = await (await request(`${gw.adminUrl}/metrics`, { headers: { authorization: `Bearer ${gw.gateway.token}` } })).body.text();
    expect(metrics).toMatch(/unigate_shared_store_state_changes_total\{backend="redis",state="unavailable"\} 1/);
    expect(metrics).toMatch(/unigate_rate_limit_store_errors_total\{route="closed",outcome="closed"\} 20/);
  });
});
