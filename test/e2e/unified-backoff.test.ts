/**
 * The unified API backs off when a store is stricter than its platform's published limits:
 * the shield learns from the store's rate headers and 429 + Retry-After, pauses that store's
 * budget, and re-sends; callers get their data, and the store sees a handful of 429s, not one
 * per request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { SHOPIFY } from '../../src/connectors/shopify/definition.js';
import { startShopifySimulator, type ShopifySimulator } from '../../src/connectors/shopify/simulator/index.js';
import { createPlatformConnection } from '../helpers/connections.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { createConsumer, createKey } from '../helpers/identities.js';

let shopify: ShopifySimulator;
let gw: TestGateway;
let key: string;

beforeAll(async () => {
  // A store whose bucket is a tenth of the standard plan the connector assumes (40, 2/s).
  shopify = await startShopifySimulator({ port: 0, seed: 5, sizes: { products: 20 }, rateLimit: { bucketSize: 4, leakPerSecond: 4, retryAfterSeconds: 1 } });
  gw = await startGateway('upstreams: {}\nroutes: []\n');
  const consumer = await createConsumer(gw.gateway, 'strict-store');
  key = (await createKey(gw.gateway, consumer.id)).key;
  await createPlatformConnection(gw, { id: 'conn_strict', consumerId: consumer.id, definition: SHOPIFY, baseUrl: shopify.url, credentials: { access_token: shopify.token } });
});

afterAll(async () => {
  await gw.close();
  await shopify.close();
});

describe('back-off', () => {
  it('serves every caller of a store that throttles harder than published, with few 429s', async () => {
    const calls = Array.from({ length: 16 }, () =>
      request(`${gw.url}/v1/product.count?connection=conn_strict`, { headers: { 'x-api-key': key } }).then(async (res) => ({
        status: res.statusCode,
        body: (await res.body.json()) as { count?: number },
      })),
    );
    const results = await Promise.all(calls);
    expect(results.map((r) => r.status)).toEqual(Array(16).fill(200));
    expect(results.every((r) => typeof r.body.count === 'number')).toBe(true);
    const metrics = await gw.gateway.metrics.registry.getSingleMetricAsString('unigate_shield_upstream_429_total');
    const seen = [...metrics.matchAll(/\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    console.log(`429s the store sent: ${seen} for 16 requests`);
    expect(seen).toBeLessThan(16);
  });
});
