/**
 * commerce.rate_limit end to end: inbound limits on the unified API per consumer, counted
 * over every authenticated call (operations and the raw passthrough alike), with the same
 * RateLimit-* headers and 429 envelope as a route's limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { compileConfig } from '../../src/config/compile.js';
import { ConfigError, loadConfigText } from '../../src/config/load.js';
import { SHOPIFY } from '../../src/connectors/shopify/definition.js';
import { startShopifySimulator, type ShopifySimulator } from '../../src/connectors/shopify/simulator/index.js';
import { createPlatformConnection } from '../helpers/connections.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { createConsumer, createKey } from '../helpers/identities.js';

let shopify: ShopifySimulator;
let gw: TestGateway;
const callers: { key: string; connection: string }[] = [];

beforeAll(async () => {
  shopify = await startShopifySimulator({ port: 0, seed: 5, sizes: { products: 10, customers: 2, orders: 2, categories: 2 } });
  gw = await startGateway('upstreams: {}\nroutes: []\ncommerce:\n  rate_limit:\n    key: [consumer]\n    limits: [{ limit: 3, window: 1m }]\n');
  for (const name of ['first', 'second']) {
    const consumer = await createConsumer(gw.gateway, name);
    const { key } = await createKey(gw.gateway, consumer.id);
    const id = `conn_${name}`;
    await createPlatformConnection(gw, { id, consumerId: consumer.id, definition: SHOPIFY, baseUrl: shopify.url, credentials: { access_token: shopify.token } });
    callers.push({ key, connection: id });
  }
});

afterAll(async () => {
  await gw.close();
  await shopify.close();
});

async function call(path: string, key: string | undefined) {
  const res = await request(`${gw.url}${path}`, { headers: key === undefined ? {} : { 'x-api-key': key } });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as Record<string, any>) };
}

describe('commerce.rate_limit', () => {
  it('admits a consumer up to its limit across operations and the raw passthrough, then answers 429', async () => {
    const { key, connection } = callers[0]!;
    const paths = [`/v1/connections/${connection}/products?limit=2`, `/v1/connections/${connection}/raw/admin/api/${SHOPIFY.apiVersion}/shop.json`, `/v1/product.list?connection=${connection}&limit=1`];
    for (const [i, path] of paths.entries()) {
      const res = await call(path, key);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('3');
      expect(res.headers['ratelimit-remaining']).toBe(String(2 - i));
      expect(res.headers['ratelimit-policy']).toBe('3;w=60');
    }
    for (const path of paths) {
      const refused = await call(path, key);
      expect(refused.status).toBe(429);
      expect(refused.body!.error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.headers['ratelimit-remaining']).toBe('0');
    }
    // Request lines are written in batches, within 10 ms.
    const logged = () => gw.logs.records.filter((r) => r.status === 429 && r.route === 'unified-api');
    for (let i = 0; i < 100 && logged().length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(logged().length).toBeGreaterThanOrEqual(3);
  });

  it('counts each consumer apart, and leaves unauthenticated calls and the public documents alone', async () => {
    const { key, connection } = callers[1]!;
    const res = await call(`/v1/connections/${connection}/products?limit=1`, key);
    expect(res.status).toBe(200);
    expect(res.headers['ratelimit-remaining']).toBe('2');
    expect((await call(`/v1/connections/${connection}/products`, undefined)).status).toBe(401);
    expect((await call(`/v1/connections/${connection}/products`, 'ug_live_notavalidkey')).status).toBe(401);
    for (let i = 0; i < 5; i++) {
      const doc = await call('/v1/openapi.json', undefined);
      expect(doc.status).toBe(200);
      expect(doc.headers['ratelimit-limit']).toBeUndefined();
    }
  });

  it('refuses a malformed limit with its path', () => {
    const yaml = 'upstreams: {}\nroutes: []\ncommerce:\n  rate_limit:\n    limits: [{ limit: 3 }]\n';
    let problems: { path: string; message: string }[] = [];
    try {
      compileConfig(loadConfigText(yaml, 'test.yaml', {}));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems = err.problems;
    }
    expect(problems).toContainEqual(expect.objectContaining({ path: 'commerce.rate_limit.limits[0]', message: 'a sliding window needs limit and window' }));
  });

  it('applies a changed limit, and its removal, on reload', async () => {
    const { key, connection } = callers[1]!;
    const path = `/v1/connections/${connection}/products?limit=1`;
    gw.writeConfig('upstreams: {}\nroutes: []\ncommerce:\n  rate_limit:\n    key: [consumer]\n    limits: [{ limit: 100, window: 1m }]\n');
    expect(await gw.gateway.reload()).toBeUndefined();
    const raised = await call(path, key);
    expect(raised.status).toBe(200);
    expect(raised.headers['ratelimit-limit']).toBe('100');
    gw.writeConfig('upstreams: {}\nroutes: []\ncommerce:\n  fan_out_concurrency: 2\n');
    expect(await gw.gateway.reload()).toBeUndefined();
    const unlimited = await call(path, key);
    expect(unlimited.status).toBe(200);
    expect(unlimited.headers['ratelimit-limit']).toBeUndefined();
  });
});
