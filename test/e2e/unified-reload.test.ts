/**
 * The unified API's settings on reload: platform call settings apply from the next call
 * (each connection's route is rebuilt), new mapping threads take the next calls while a call
 * running on the old ones finishes, and `commerce.enabled` waits for a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { SHOPIFY } from '../../src/connectors/shopify/definition.js';
import { startShopifySimulator, type ShopifySimulator } from '../../src/connectors/shopify/simulator/index.js';
import { createPlatformConnection } from '../helpers/connections.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { consumerWithKey } from '../helpers/identities.js';

const BASE = 'upstreams: {}\nroutes: []\n';
const LIST = '/v1/connections/conn_shop/products?limit=5';

let shopify: ShopifySimulator;
let gw: TestGateway;
let key: string;

beforeAll(async () => {
  shopify = await startShopifySimulator({ port: 0, seed: 3, sizes: { products: 12, customers: 2, orders: 2, categories: 2 }, rateLimit: false });
  gw = await startGateway(BASE);
  const owner = await consumerWithKey(gw.gateway, 'shop-owner');
  key = owner.key;
  await createPlatformConnection(gw, { id: 'conn_shop', consumerId: owner.consumer.id, definition: SHOPIFY, baseUrl: shopify.url, credentials: { access_token: shopify.token } });
});

afterAll(async () => {
  await gw?.close();
  await shopify?.close();
});

async function call(path: string) {
  const res = await request(`${gw.url}${path}`, { headers: { 'x-api-key': key } });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, any> };
}

async function reload(yaml: string): Promise<void> {
  gw.writeConfig(yaml);
  expect(await gw.gateway.reload()).toBeUndefined();
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition(), what).toBe(true);
}

describe('commerce settings on reload', () => {
  it('applies platform call timeouts from the next call, and their return to the defaults', async () => {
    expect((await call(LIST)).status).toBe(200);
    await reload(`${BASE}commerce:\n  timeouts: { response_headers: 200ms }\n`);
    shopify.faults.enqueue({ kind: 'latency', ms: 1200 });
    const slow = await call(LIST);
    expect(slow.status, JSON.stringify(slow.body)).toBe(504);
    expect(slow.body.error.code).toBe('UPSTREAM_TIMEOUT');

    await reload(BASE);
    shopify.faults.enqueue({ kind: 'latency', ms: 1200 });
    const patient = await call(LIST);
    expect(patient.status, JSON.stringify(patient.body)).toBe(200);
    expect(patient.body.data).toHaveLength(5);
  });

  it('applies a smaller answer limit to platform answers', async () => {
    await reload(`${BASE}commerce:\n  max_response_bytes: 512\n`);
    const refused = await call(LIST);
    expect(refused.status, JSON.stringify(refused.body)).toBe(502);
    expect(refused.body.error.code).toBe('RESPONSE_TOO_LARGE');
    expect(refused.body.error.details.limit_bytes).toBe(512);
    await reload(BASE);
    expect((await call(LIST)).status).toBe(200);
  });

  it('hands the next calls to new mapping threads while a call on the old ones finishes', async () => {
    const mapping = gw.gateway.metrics.mappingCalls;
    expect((await call(LIST)).status).toBe(200);
    expect(mapping.threads).toBe(1);
    // The running call waits on its platform answer while the reload swaps the threads.
    shopify.faults.enqueue({ kind: 'latency', ms: 1000 });
    const running = call(LIST);
    await until(() => mapping.count === 1, 'a call is running in a mapping thread');
    await reload(`${BASE}commerce:\n  mapping_threads: { count: 2, young_generation_mb: 64 }\n`);
    const after = await call(LIST);
    expect(after.status).toBe(200);
    const finished = await running;
    expect(finished.status, JSON.stringify(finished.body)).toBe(200);
    expect(finished.body.data).toEqual(after.body.data);
    // The old thread stops once its call is answered; the new one stays.
    await until(() => mapping.threads === 1, 'the replaced thread stopped');
    expect(gw.logs.records.some((r) => String(r.msg).startsWith('mapping thread stopped'))).toBe(false);
  });

  it('runs calls on the event loop after a reload to count 0, and in threads again after one back', async () => {
    await reload(`${BASE}commerce:\n  mapping_threads: { count: 0 }\n`);
    const onLoop = await call(LIST);
    expect(onLoop.status).toBe(200);
    await until(() => gw.gateway.metrics.mappingCalls.threads === 0, 'the threads stopped');
    await reload(BASE);
    const threaded = await call(LIST);
    expect(threaded.body).toEqual(onLoop.body);
    expect(gw.gateway.metrics.mappingCalls.threads).toBe(1);
  });

  it('leaves commerce.enabled for a restart, and says so', async () => {
    await reload(`${BASE}commerce:\n  enabled: false\n`);
    expect(gw.logs.records.some((r) => r.msg === 'commerce.enabled changed: it takes effect on restart')).toBe(true);
    expect((await call(LIST)).status).toBe(200);
    await reload(BASE);
  });
});
