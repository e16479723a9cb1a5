/**
 * The outbound shield through a real gateway against backends that enforce their own
 * limits and count at their side: budgets per connection and per upstream, the concurrency
 * cap, per-consumer fairness of the queue, shedding with Retry-After (deadline, full queue,
 * capped client deadline), and a capped upstream Retry-After followed by a retry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { createConnection, createConsumer, createKey } from '../helpers/identities.js';
import { countBy, eventually, fire } from '../helpers/load.js';
import { startThrottledBackend, type ThrottledBackend } from '../helpers/throttled-backend.js';

let gw: TestGateway;
const backends: Record<string, ThrottledBackend> = {};
const keys: Record<string, string> = {};

beforeAll(async () => {
  backends.shop = await startThrottledBackend({ capacity: 10, leakPerSecond: 20 });
  backends.slow = await startThrottledBackend({ capacity: 1000, leakPerSecond: 1000, holdMs: 60 });
  backends.fair = await startThrottledBackend({ capacity: 1000, leakPerSecond: 1000 });
  backends.strict = await startThrottledBackend({ capacity: 1000, leakPerSecond: 1000 });
  backends.moody = await startThrottledBackend({ capacity: 1000, leakPerSecond: 1000 });
  backends.capped = await startThrottledBackend({ capacity: 1000, leakPerSecond: 1000 });
  gw = await startGateway(`
logging: { requests: false }
upstreams:
  shop:
    targets: [{ url: "${backends.shop.url}" }]
    credentials: { connection: per-consumer }
    # A little under the backend's own bucket (10, leaking 20/s): requests arrive with jitter.
    shield: { per_connection: { limits: [{ rate: 18, per: 1s, burst: 8 }] }, learn: [shopify] }
  slow:
    targets: [{ url: "${backends.slow.url}" }]
    shield: { per_upstream: { concurrency: 3 } }
  fair:
    targets: [{ url: "${backends.fair.url}" }]
    shield: { per_upstream: { limits: [{ rate: 25, per: 1s, burst: 1 }] } }
  strict:
    targets: [{ url: "${backends.strict.url}" }]
    shield:
      per_upstream: { limits: [{ rate: 1, per: 2s, burst: 1 }] }
      queue: { max_size: 1, timeout: 5s, max_timeout: 3s }
  capped:
    targets: [{ url: "${backends.capped.url}" }]
    shield:
      per_upstream: { limits: [{ rate: 1, per: 20s, burst: 1 }] }
      queue: { timeout: 1s, max_timeout: 3s }
  moody:
    targets: [{ url: "${backends.moody.url}" }]
    shield: { max_retry_after: 300ms, queue: { timeout: 5s } }
routes:
  - { name: shop, match: { path: /shop }, upstream: shop, policies: { authenticate: { mode: key } } }
  - { name: slow, match: { path: /slow }, upstream: slow }
  - { name: fair, match: { path: /fair }, upstream: fair, policies: { authenticate: { mode: key } } }
  - { name: strict, match: { path: /strict }, upstream: strict }
  - { name: capped, match: { path: /capped }, upstream: capped }
  - { name: moody, match: { path: /moody }, upstream: moody }
`);
  for (const name of ['a', 'b']) {
    const consumer = await createConsumer(gw.gateway, `shield-${name}`);
    keys[name] = (await createKey(gw.gateway, consumer.id)).key;
    await createConnection(gw.gateway, { consumerId: consumer.id, target: 'shop', strategy: 'header', settings: { name: 'X-Shopify-Access-Token' }, credentials: { api_key: `token-${name}` } });
  }
});

afterAll(async () => {
  await gw.close();
  await Promise.all(Object.values(backends).map((b) => b.close()));
});

const metrics = async () => (await request(`${gw.adminUrl}/metrics`, { headers: { authorization: `Bearer ${gw.gateway.token}` } })).body.text();

describe('budgets', () => {
  it('never sends a connection more than its bucket allows: zero 429s at the backend, every request served', async () => {
    const results = await fire([`${gw.url}/shop`], { total: 80, concurrency: 40, headers: (i) => ({ 'x-api-key': i % 2 === 0 ? keys.a! : keys.b! }) });
    const shop = backends.shop!;
    console.log(`[shield] backend served ${shop.served}, refused ${shop.refused}; per token ${JSON.stringify(shop.servedBy)}`);
    expect(countBy(results, (r) => r.status)).toEqual({ 200: 80 });
    expect(shop.refused).toBe(0);
    expect(shop.servedBy).toEqual({ 'token-a': 40, 'token-b': 40 });
    expect(await metrics()).not.toMatch(/unigate_shield_upstream_429_total\{upstream="shop"\} [1-9]/);
  });

  it('keeps at most `concurrency` requests in flight at the backend', async () => {
    const results = await fire([`${gw.url}/slow`], { total: 30, concurrency: 15 });
    expect(countBy(results, (r) => r.status)).toEqual({ 200: 30 });
    expect(backends.slow!.maxInFlight).toBeLessThanOrEqual(3);
    expect(backends.slow!.maxInFlight).toBeGreaterThan(1);
  });
});

describe('the queue', () => {
  it('is fair between consumers: a late consumer is not stuck behind another one\'s backlog', async () => {
    const fair = backends.fair!;
    const flood = fire([`${gw.url}/fair`], { total: 30, concurrency: 30, headers: () => ({ 'x-api-key': keys.a!, 'x-who': 'a' }) });
    await eventually(() => fair.arrivals.length >= 2);
    const before = fair.arrivals.length;
    const late = await fire([`${gw.url}/fair`], { total: 3, concurrency: 3, headers: () => ({ 'x-api-key': keys.b!, 'x-who': 'b' }) });
    await flood;
    expect(countBy(late, (r) => r.status)).toEqual({ 200: 3 });
    const lastB = fair.arrivals.lastIndexOf('b');
    // Round robin: each of b's requests waits for at most one of a's (plus one already admitted).
    console.log(`[shield] b joined after ${before} arrivals; b's last arrival at position ${lastB} of ${fair.arrivals.length}`);
    expect(lastB).toBeLessThanOrEqual(before + 3 * 2 + 1);
    expect(fair.arrivals.length).toBe(33);
  });

  it('sheds with 429 UPSTREAM_RATE_LIMITED and Retry-After when the deadline cannot be met or the queue is full', async () => {
    const strict = backends.strict!;
    const [first, second, third] = await Promise.all([0, 1, 2].map(() => request(`${gw.url}/strict`)));
    const answers = await Promise.all(
      [first!, second!, third!].map(async (r) => ({ status: r.statusCode, retryAfter: r.headers['retry-after'], body: (await r.body.json()) as { error?: { code: string; details: { reason: string } } } })),
    );
    const byStatus = countBy(answers, (a) => a.status);
    expect(byStatus).toEqual({ 200: 2, 429: 1 });
    const shed = answers.find((a) => a.status === 429)!;
    expect(shed.body.error).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', details: { reason: 'queue_full' } });
    expect(Number(shed.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(strict.served).toBe(2);
    // A client may shorten its own wait with the header: with the budget spent, it is shed at once.
    const impatient = await request(`${gw.url}/strict`, { headers: { 'x-unigate-queue-timeout': '1ms' } });
    const body = (await impatient.body.json()) as { error: { code: string; details: { reason: string } } };
    expect(impatient.statusCode).toBe(429);
    expect(body.error.details.reason).toBe('deadline');
    expect(Number(impatient.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await metrics()).toMatch(/unigate_shield_shed_total\{upstream="strict",reason="deadline"\} 1/);
  });

  it('caps the wait a client asks for at max_timeout', async () => {
    expect((await request(`${gw.url}/capped`)).statusCode).toBe(200);
    // The next slot is ~20 s away: asking for 100 s gets 3 s, so the request is shed at once.
    const res = await request(`${gw.url}/capped`, { headers: { 'x-unigate-queue-timeout': '100s' } });
    const body = (await res.body.json()) as { error: { code: string } };
    expect(res.statusCode).toBe(429);
    expect(body.error.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(3);
    expect(backends.capped!.served).toBe(1);
  });
});

describe('learning from the backend', () => {
  it('caps a long Retry-After, pauses that long, and re-sends the request once the pause is over', async () => {
    const moody = backends.moody!;
    moody.throttle(200, '3600');
    const res = await request(`${gw.url}/moody`);
    await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(moody.refused).toBe(1);
    expect(moody.violations).toBe(0);
    expect(moody.served).toBe(1);
    expect(await metrics()).toMatch(/unigate_shield_upstream_429_total\{upstream="moody"\} 1/);
  });
});
