/**
 * Capability discovery, 501 NOT_SUPPORTED_BY_PLATFORM and Idempotency-Key on writes, end to
 * end: a real gateway over the Shopify and BigCommerce simulators.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startBigCommerceSimulator, type BigCommerceSimulator } from '../../src/connectors/bigcommerce/simulator/index.js';
import { startShopifySimulator, type ShopifySimulator } from '../../src/connectors/shopify/simulator/index.js';
import { BIGCOMMERCE } from '../../src/connectors/bigcommerce/definition.js';
import { SHOPIFY } from '../../src/connectors/shopify/definition.js';
import { connectedPlatforms, connectorFor } from '../../src/connectors/registry.js';
import { createPlatformConnection } from '../helpers/connections.js';
import { ADMIN_TOKEN, startGateway, type TestGateway } from '../helpers/gateway.js';
import { consumerWithKey } from '../helpers/identities.js';

let shopify: ShopifySimulator;
let bigcommerce: BigCommerceSimulator;
let gw: TestGateway;
let key: string;
let otherKey: string;

beforeAll(async () => {
  const sizes = { products: 20, customers: 6, orders: 8, categories: 3 };
  shopify = await startShopifySimulator({ port: 0, seed: 9, sizes, rateLimit: false });
  bigcommerce = await startBigCommerceSimulator({ port: 0, seed: 9, sizes, rateLimit: false });
  gw = await startGateway('upstreams: {}\nroutes: []\n');
  const { consumer, key: ownerKey } = await consumerWithKey(gw.gateway, 'shop-owner');
  key = ownerKey;
  const other = await consumerWithKey(gw.gateway, 'someone-else');
  otherKey = other.key;
  await createPlatformConnection(gw, { id: 'conn_shop', consumerId: consumer.id, definition: SHOPIFY, baseUrl: shopify.url, credentials: { access_token: shopify.token } });
  await createPlatformConnection(gw, {
    id: 'conn_bc',
    consumerId: consumer.id,
    definition: BIGCOMMERCE,
    baseUrl: bigcommerce.apiUrl('v3').replace(/\/v3$/, ''),
    credentials: { access_token: bigcommerce.token },
  });
  await createPlatformConnection(gw, { id: 'conn_other', consumerId: other.consumer.id, definition: SHOPIFY, baseUrl: shopify.url, credentials: { access_token: shopify.token } });
});

afterAll(async () => {
  await gw?.close();
  await shopify?.close();
  await bigcommerce?.close();
});

async function api(path: string, init: { method?: string; body?: unknown; key?: string | null; headers?: Record<string, string>; on?: TestGateway } = {}) {
  const res = await request(`${(init.on ?? gw).url}${path}`, {
    method: (init.method ?? 'GET') as 'GET',
    headers: {
      ...(init.key === null ? {} : { 'x-api-key': init.key ?? key }),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, body: text === '' ? undefined : (JSON.parse(text) as Record<string, any>) };
}

describe('capability discovery', () => {
  it('lists every platform with its operations, filters as its connector declares them, writable fields and connection setup', async () => {
    expect((await api('/v1/platforms', { key: null })).status).toBe(401);
    const res = await api('/v1/platforms');
    expect(res.status).toBe(200);
    const platforms = res.body!.data as Record<string, any>[];
    expect(platforms.map((p) => p.platform).sort()).toEqual([...connectedPlatforms()].sort());
    for (const p of platforms) {
      const { connector, definition } = connectorFor(p.platform)!;
      expect(p.label).toBe(definition.label);
      expect(p.operations['product.list']).toBe('native');
      for (const resource of ['products', 'orders', 'customers', 'categories'] as const) {
        const declared = connector.capabilities[resource];
        expect(p.resources[resource]).toEqual({
          filters: { modified_since: declared.modified_since, created_since: declared.created_since, ids: declared.ids, status: declared.status, sku: declared.sku },
          native_page_size: declared.native_page_size,
        });
      }
      expect(p.writable.variants).toEqual(['price', 'sale_price', 'quantity']);
      expect(p.setup.fields.map((f: { name: string }) => f.name)).toEqual(definition.connection.map((f) => f.name));
      // Descriptions of fields, never values.
      expect(JSON.stringify(p)).not.toContain(shopify.token);
    }
  });

  it("answers a connection's capabilities, and 404 for another consumer's", async () => {
    const res = await api('/v1/connections/conn_bc/capabilities');
    expect(res.status).toBe(200);
    expect(res.body!.data).toMatchObject({ connection: 'conn_bc', platform: 'bigcommerce', resources: { categories: { filters: { modified_since: 'unsupported' } } } });
    const foreign = await api('/v1/connections/conn_other/capabilities');
    expect(foreign.status).toBe(404);
    expect(foreign.body!.error.code).toBe('CONNECTION_NOT_FOUND');
  });

  it('answers 501 NOT_SUPPORTED_BY_PLATFORM for a filter the platform cannot serve, per store in a fan-out', async () => {
    const res = await api('/v1/connections/conn_shop/orders?sku=ABC');
    expect(res.status).toBe(501);
    expect(res.body!.error).toMatchObject({ code: 'NOT_SUPPORTED_BY_PLATFORM', message: 'Shopify: orders cannot be filtered by sku', details: { connection: 'conn_shop' } });
    const fanOut = await api('/v1/category.list?connection=all&created_since=2020-01-01T00:00:00Z');
    expect(fanOut.status).toBe(200);
    expect(fanOut.body!.data).toEqual([]);
    expect(fanOut.body!.errors.map((e: { connection: string; error: { code: string } }) => [e.connection, e.error.code]).sort()).toEqual([
      ['conn_bc', 'NOT_SUPPORTED_BY_PLATFORM'],
      ['conn_shop', 'NOT_SUPPORTED_BY_PLATFORM'],
    ]);
    // What the capabilities call emulated is served.
    expect((await api('/v1/connections/conn_shop/orders?status=processing')).status).toBe(200);
  });

  it('documents both endpoints, 501 and the Idempotency-Key of writes in the OpenAPI document', async () => {
    const doc = (await api('/v1/openapi.json', { key: null })).body!;
    expect(doc.paths['/v1/platforms'].get.operationId).toBe('platform.list');
    expect(doc.paths['/v1/connections/{connection}/capabilities'].get.responses['501']).toBeDefined();
    const update = doc.paths['/v1/connections/{connection}/products/{id}'].patch;
    expect(update.parameters.find((p: { name: string }) => p.name === 'Idempotency-Key')).toMatchObject({ in: 'header', required: false });
    expect(Object.keys(update.responses)).toEqual(expect.arrayContaining(['409', '422']));
  });
});

describe('Idempotency-Key on product.update', () => {
  async function simpleProduct(connection: string): Promise<string> {
    const list = await api(`/v1/connections/${connection}/products?limit=20`);
    return (list.body!.data as { id: string; variants: unknown[]; sale_price: string | null }[]).find((p) => p.variants.length <= 1 && p.sale_price === null)!.id;
  }

  it('applies a write once: a retry replays the first answer and changes nothing, on every platform', async () => {
    for (const connection of ['conn_shop', 'conn_bc']) {
      const id = await simpleProduct(connection);
      const path = `/v1/connections/${connection}/products/${id}`;
      const idem = { 'idempotency-key': `price-${connection}-1` };
      const first = await api(path, { method: 'PATCH', body: { price: '11.00' }, headers: idem });
      expect(first.status, first.text).toBe(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(first.body!.data.price).toBe('11.00');
      // Someone else changes the price meanwhile; the retry must not set it back.
      expect((await api(path, { method: 'PATCH', body: { price: '22.00' } })).status).toBe(200);
      const retry = await api(path, { method: 'PATCH', body: { price: '11.00' }, headers: idem });
      expect(retry.status).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.text).toBe(first.text);
      // The method alias with the same key, connection and request is the same write.
      const alias = await api(`/v1/product.update?connection=${connection}&id=${id}`, { method: 'PUT', body: { price: '11.00' }, headers: idem });
      expect(alias.headers['idempotent-replayed']).toBe('true');
      expect((await api(path)).body!.data.price).toBe('22.00');
    }
  });

  it('refuses the key for another request, keeps client errors as answers, and scopes keys per consumer', async () => {
    const id = await simpleProduct('conn_shop');
    const path = `/v1/connections/conn_shop/products/${id}`;
    const idem = { 'idempotency-key': 'reuse-1' };
    expect((await api(path, { method: 'PATCH', body: { price: '5.00' }, headers: idem })).status).toBe(200);
    const reused = await api(path, { method: 'PATCH', body: { price: '6.00' }, headers: idem });
    expect(reused.status).toBe(422);
    expect(reused.body!.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await api(path)).body!.data.price).toBe('5.00');

    // A write the connector refuses is an answer: its retry replays it.
    const refusedKey = { 'idempotency-key': 'refused-1' };
    const refused = await api(path, { method: 'PATCH', body: { price: '9.00', sale_price: '10.00' }, headers: refusedKey });
    expect(refused.status).toBe(400);
    const again = await api(path, { method: 'PATCH', body: { price: '9.00', sale_price: '10.00' }, headers: refusedKey });
    expect(again.status).toBe(400);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body!.error.request_id).toBe(refused.body!.error.request_id);

    // Another consumer's key of the same name is its own, and it cannot reach this connection.
    const foreign = await api(path, { method: 'PATCH', body: { price: '5.00' }, headers: idem, key: otherKey });
    expect(foreign.status).toBe(404);
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_USE while the first request runs, and rejects malformed keys', async () => {
    const id = await simpleProduct('conn_shop');
    const path = `/v1/connections/conn_shop/products/${id}`;
    const idem = { 'idempotency-key': 'slow-1' };
    shopify.faults.enqueue({ kind: 'latency', ms: 800 });
    const first = api(path, { method: 'PATCH', body: { price: '7.00' }, headers: idem });
    for (let i = 0; i < 100 && shopify.faults.stats.delayed === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const during = await api(path, { method: 'PATCH', body: { price: '7.00' }, headers: idem });
    expect(during.status).toBe(409);
    expect(during.body!.error.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(Number(during.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await first).status).toBe(200);
    expect((await api(path, { method: 'PATCH', body: { price: '7.00' }, headers: idem })).headers['idempotent-replayed']).toBe('true');

    const bad = await api(path, { method: 'PATCH', body: { price: '7.00' }, headers: { 'idempotency-key': 'x'.repeat(256) } });
    expect(bad.status).toBe(400);
    expect(bad.body!.error.details.errors[0].path).toBe('header.idempotency-key');

    // Operators see how writes with keys went.
    const metrics = await request(`${gw.adminUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const text = await metrics.body.text();
    const count = (outcome: string) => Number(new RegExp(`^unigate_idempotent_writes_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    for (const outcome of ['applied', 'replayed', 'in_use']) expect(count(outcome), outcome).toBeGreaterThanOrEqual(1);
  });

  it('keeps answers in the state store: a purge of the whole cache or a restart does not let a retry apply twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'unigate-idempotency-'));
    const yaml = `server: { data_dir: ${JSON.stringify(dataDir)}, drain_timeout: 5s }\nupstreams: {}\nroutes: []\n`;
    let own = await startGateway(yaml);
    try {
      const { consumer: owner, key: ownKey } = await consumerWithKey(own.gateway, 'durable-owner');
      await createPlatformConnection(own, { id: 'conn_durable', consumerId: owner.id, definition: SHOPIFY, baseUrl: shopify.url, credentials: { access_token: shopify.token } });
      const id = await simpleProduct('conn_shop');
      const path = `/v1/connections/conn_durable/products/${id}`;
      const write = (on: TestGateway) => api(path, { method: 'PATCH', body: { price: '13.00' }, headers: { 'idempotency-key': 'durable-1' }, key: ownKey, on });
      const first = await write(own);
      expect(first.status, first.text).toBe(200);
      expect((await api(path, { method: 'PATCH', body: { price: '14.00' }, key: ownKey, on: own })).status).toBe(200);

      const purge = await request(`${own.adminUrl}/admin/cache/purge`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ all: true }),
      });
      expect(purge.statusCode).toBe(200);
      await purge.body.dump();
      const afterPurge = await write(own);
      expect(afterPurge.headers['idempotent-replayed']).toBe('true');
      expect(afterPurge.text).toBe(first.text);

      await own.close();
      own = await startGateway(yaml);
      const afterRestart = await write(own);
      expect(afterRestart.headers['idempotent-replayed']).toBe('true');
      expect(afterRestart.text).toBe(first.text);
      expect((await api(path, { key: ownKey, on: own })).body!.data.price).toBe('14.00');
    } finally {
      await own.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('raw passthrough cache (commerce.raw_cache)', () => {
  let cached: TestGateway;
  let ownerKey: string;
  let otherOwnerKey: string;

  beforeAll(async () => {
    cached = await startGateway("commerce: { raw_cache: { ttl: 60s, tags: ['connection:{connection}'] } }\nupstreams: {}\nroutes: []\n");
    const owner = await consumerWithKey(cached.gateway, 'owner');
    ownerKey = owner.key;
    const otherOwner = await consumerWithKey(cached.gateway, 'other-owner');
    otherOwnerKey = otherOwner.key;
    // Two connections to the same shop, of two consumers.
    await createPlatformConnection(cached, { id: 'raw_a', consumerId: owner.consumer.id, definition: SHOPIFY, baseUrl: shopify.url, credentials: { access_token: shopify.token } });
    await createPlatformConnection(cached, { id: 'raw_b', consumerId: otherOwner.consumer.id, definition: SHOPIFY, baseUrl: shopify.url, credentials: { access_token: shopify.token } });
  });

  afterAll(async () => {
    await cached?.close();
    shopify.faults.set({});
  });

  async function raw(connection: string, apiKey: string) {
    const res = await request(`${cached.url}/v1/connections/${connection}/raw/admin/api/2024-04/shop.json`, { headers: { 'x-api-key': apiKey } });
    return { status: res.statusCode, cache: res.headers['x-cache'], text: await res.body.text() };
  }

  it('answers a repeated raw GET from the cache, per connection, and purges by connection tag', async () => {
    // Every request the simulator serves is counted as delayed (by 1 ms).
    shopify.faults.set({ latencyMs: 1 });
    const served = () => shopify.faults.stats.delayed;
    const start = served();
    const first = await raw('raw_a', ownerKey);
    expect(first.status, first.text).toBe(200);
    expect(first.cache).toBe('MISS');
    const second = await raw('raw_a', ownerKey);
    expect(second.cache).toBe('HIT');
    expect(second.text).toBe(first.text);
    expect(served() - start).toBe(1);
    // Another consumer's connection to the same shop has entries of its own.
    expect((await raw('raw_b', otherOwnerKey)).cache).toBe('MISS');
    expect(served() - start).toBe(2);
    const purge = await request(`${cached.adminUrl}/admin/cache/purge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tag: 'connection:raw_a' }),
    });
    expect(purge.statusCode).toBe(200);
    await purge.body.text();
    expect((await raw('raw_a', ownerKey)).cache).toBe('MISS');
    expect((await raw('raw_b', otherOwnerKey)).cache).toBe('HIT');
    expect(served() - start).toBe(3);
  });
});
