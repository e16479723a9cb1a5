/**
 * The unified eCommerce API end to end: a real gateway, real platform simulators on
 * loopback, connections with credentials in the vault, and the same normalized JSON from
 * every platform.
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { Order, Product } from '../../src/commerce/models.js';
import { startBigCommerceSimulator, type BigCommerceSimulator } from '../../src/connectors/bigcommerce/simulator/index.js';
import { startMagento2Simulator, type Magento2Simulator } from '../../src/connectors/magento2/simulator/index.js';
import { startShopifySimulator, type ShopifySimulator } from '../../src/connectors/shopify/simulator/index.js';
import { startWooCommerceSimulator, type WooCommerceSimulator } from '../../src/connectors/woocommerce/simulator/index.js';
import type { ConnectorDefinition } from '../../src/connectors/common/definition.js';
import { SHOPIFY } from '../../src/connectors/shopify/definition.js';
import { BIGCOMMERCE } from '../../src/connectors/bigcommerce/definition.js';
import { MAGENTO2 } from '../../src/connectors/magento2/definition.js';
import { WOOCOMMERCE } from '../../src/connectors/woocommerce/definition.js';
import { createPlatformConnection } from '../helpers/connections.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { createConsumer, createKey } from '../helpers/identities.js';

let shopify: ShopifySimulator;
let bigcommerce: BigCommerceSimulator;
let woocommerce: WooCommerceSimulator;
let magento: Magento2Simulator;
let gw: TestGateway;
let key: string;
let otherKey: string;
const ids = { shopify: '', bigcommerce: '', woocommerce: '', magento2: '', down: '' };
/** Every store that is up, one per platform. */
const stores = () => [ids.shopify, ids.bigcommerce, ids.woocommerce, ids.magento2];

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validProduct = ajv.compile(Product);
const validOrder = ajv.compile(Order);

beforeAll(async () => {
  const sizes = { products: 30, customers: 10, orders: 12, categories: 4 };
  shopify = await startShopifySimulator({ port: 0, seed: 3, sizes });
  bigcommerce = await startBigCommerceSimulator({ port: 0, seed: 3, sizes });
  // Plain HTTP: WooCommerce accepts only OAuth 1.0a here, signed by the engine per attempt (woocommerce.md §2.3).
  woocommerce = await startWooCommerceSimulator({ port: 0, seed: 3, sizes });
  magento = await startMagento2Simulator({ port: 0, seed: 3, sizes });
  gw = await startGateway('upstreams: {}\nroutes: []\n');
  const consumer = await createConsumer(gw.gateway, 'shop-owner');
  key = (await createKey(gw.gateway, consumer.id)).key;
  const other = await createConsumer(gw.gateway, 'someone-else');
  otherKey = (await createKey(gw.gateway, other.id)).key;
  // The strategy, its settings and the credential fields come from each platform's definition.
  const add = (id: string, definition: ConnectorDefinition, baseUrl: string, credentials: Record<string, string>) =>
    createPlatformConnection(gw, { id, consumerId: consumer.id, definition, baseUrl, credentials });
  ids.shopify = (await add('conn_shop', SHOPIFY, shopify.url, { access_token: shopify.token })).id;
  ids.bigcommerce = (await add('conn_bc', BIGCOMMERCE, bigcommerce.apiUrl('v3').replace(/\/v3$/, ''), { access_token: bigcommerce.token })).id;
  ids.woocommerce = (await add('conn_woo', WOOCOMMERCE, woocommerce.url, { consumer_key: woocommerce.consumerKey, consumer_secret: woocommerce.consumerSecret })).id;
  ids.magento2 = (await add('conn_m2', MAGENTO2, magento.url, { token: magento.token })).id;
  ids.down = (await add('conn_down', SHOPIFY, 'http://127.0.0.1:9', { access_token: 'x' })).id;
});

afterAll(async () => {
  await gw.close();
  await shopify.close();
  await bigcommerce.close();
  await woocommerce.close();
  await magento.close();
});

async function api(path: string, init: { method?: string; body?: unknown; key?: string } = {}) {
  const res = await request(`${gw.url}${path}`, {
    method: (init.method ?? 'GET') as 'GET',
    headers: { 'x-api-key': init.key ?? key, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text === '' ? undefined : (JSON.parse(text) as Record<string, any>) };
}

describe('unified product.list', () => {
  it('returns the same normalized shape from Shopify, BigCommerce, WooCommerce and Magento 2', async () => {
    for (const id of stores()) {
      const res = await api(`/v1/connections/${id}/products?limit=5`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body!.data).toHaveLength(5);
      for (const product of res.body!.data as Record<string, unknown>[]) {
        const { connection, ...record } = product;
        expect(connection).toBe(id);
        expect(validProduct(record), JSON.stringify(validProduct.errors)).toBe(true);
        expect(record.raw).toBeUndefined();
        for (const variant of record.variants as Record<string, unknown>[]) expect(variant.raw).toBeUndefined();
      }
      expect(typeof res.body!.next_cursor).toBe('string');
    }
  });

  it('pages to the end with one opaque cursor, and the method alias answers the same', async () => {
    for (const id of stores()) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 20; page++) {
        const res = await api(`/v1/product.list?connection=${id}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...(res.body!.data as { id: string }[]).map((p) => p.id));
        cursor = res.body!.next_cursor as string | null;
        if (cursor === null) break;
      }
      expect(cursor).toBeNull();
      expect(new Set(seen).size).toBe(30);
      const count = await api(`/v1/connections/${id}/products/count`);
      expect(count.body!.count).toBe(30);
    }
  });

  it('projects fields and adds raw records on request', async () => {
    const res = await api(`/v1/connections/${ids.shopify}/products?limit=2&fields=id,name,variants(id,price)&include=raw`);
    expect(res.status).toBe(200);
    const product = res.body!.data[0] as Record<string, unknown>;
    expect(Object.keys(product).sort()).toEqual(['id', 'name', 'variants']);
    const full = await api(`/v1/connections/${ids.shopify}/products?limit=1&include=raw`);
    const withRaw = full.body!.data[0] as { raw: unknown; variants: { raw: unknown }[] };
    expect(withRaw.raw).toBeDefined();
    expect(withRaw.variants[0]!.raw).toBeDefined();
    const bad = await api(`/v1/connections/${ids.shopify}/products?fields=id,(`);
    expect(bad.status).toBe(400);
    expect(bad.body!.error.code).toBe('VALIDATION_FAILED');
  });

  it('fans out over every store, reporting the one that is down without failing the call', async () => {
    const res = await api('/v1/product.list?connection=all&limit=3');
    expect(res.status).toBe(200);
    const byConnection = new Set((res.body!.data as { connection: string }[]).map((p) => p.connection));
    expect(byConnection).toEqual(new Set(stores()));
    expect(res.body!.errors).toEqual([expect.objectContaining({ connection: ids.down, error: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }) })]);
    const counts = await api('/v1/product.count?connection=conn_shop,conn_bc,conn_woo,conn_m2');
    expect(counts.body).toMatchObject({ count: 120, counts: { conn_shop: 30, conn_bc: 30, conn_woo: 30, conn_m2: 30 } });
  });
});

describe('orders, updates and errors', () => {
  it('normalizes orders with the native status kept', async () => {
    for (const id of stores()) {
      const res = await api(`/v1/connections/${id}/orders?limit=5`);
      expect(res.status).toBe(200);
      for (const order of res.body!.data as Record<string, unknown>[]) {
        const { connection: _c, ...record } = order;
        expect(validOrder(record), JSON.stringify(validOrder.errors)).toBe(true);
      }
    }
  });

  it('updates price and stock, visible on re-read', async () => {
    for (const id of stores()) {
      const list = await api(`/v1/connections/${id}/products?limit=30`);
      // No running sale: a sale must stay below the new price.
      const simple = (list.body!.data as { id: string; variants: unknown[]; sale_price: string | null }[]).find((p) => p.variants.length <= 1 && p.sale_price === null)!;
      const updated = await api(`/v1/connections/${id}/products/${simple.id}`, { method: 'PATCH', body: { price: '42.50', quantity: 7 } });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
      const again = await api(`/v1/product.info?connection=${id}&id=${simple.id}`);
      expect(again.body!.data).toMatchObject({ price: '42.50', quantity: 7 });
    }
  });

  it('applies a write retried with the same Idempotency-Key once, on every platform', async () => {
    for (const id of stores()) {
      const list = await api(`/v1/connections/${id}/products?limit=30`);
      const simple = (list.body!.data as { id: string; variants: unknown[]; sale_price: string | null }[]).find((p) => p.variants.length <= 1 && p.sale_price === null)!;
      const path = `/v1/connections/${id}/products/${simple.id}`;
      const write = () =>
        request(`${gw.url}${path}`, { method: 'PATCH', headers: { 'x-api-key': key, 'content-type': 'application/json', 'idempotency-key': `retry-${id}` }, body: JSON.stringify({ price: '31.00' }) });
      const first = await write();
      const firstText = await first.body.text();
      expect(first.statusCode, firstText).toBe(200);
      // A change made between the write and its retry stays: the retry is not applied again.
      expect((await api(path, { method: 'PATCH', body: { price: '32.00' } })).status).toBe(200);
      const retry = await write();
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(await retry.body.text()).toBe(firstText);
      expect((await api(path)).body!.data.price).toBe('32.00');
    }
  });

  it('answers 404 for missing records and for connections of other consumers', async () => {
    for (const id of stores()) expect((await api(`/v1/connections/${id}/products/999999999`)).body!.error.code).toBe('NOT_FOUND');
    const foreign = await api(`/v1/connections/${ids.shopify}/products`, { key: otherKey });
    expect(foreign.status).toBe(404);
    expect(foreign.body!.error.code).toBe('CONNECTION_NOT_FOUND');
    expect((await api('/v1/connections/nope/products')).status).toBe(404);
  });

  it('requires authentication, and validates parameters', async () => {
    const res = await request(`${gw.url}/v1/connections/${ids.shopify}/products`);
    expect(res.statusCode).toBe(401);
    await res.body.dump();
    const bad = await api(`/v1/connections/${ids.shopify}/products?limit=999&colour=red`);
    expect(bad.status).toBe(400);
    expect(bad.body!.error.details.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['querystring.limit', 'querystring.colour']));
  });

  it('says what is wrong with a write body it cannot read, without quoting it', async () => {
    const write = (body: string, headers: Record<string, string>) =>
      request(`${gw.url}/v1/connections/${ids.shopify}/products/1`, { method: 'PATCH', headers: { 'x-api-key': key, ...headers }, body }).then(async (res) => ({
        status: res.statusCode,
        text: await res.body.text(),
      }));
    const cases = [
      { body: '{"price": "1.00", "token": "sk_secret_in_a_broken_body', type: 'application/json', status: 400, code: 'VALIDATION_FAILED', says: 'the body is not valid JSON' },
      { body: 'price=1.00', type: 'application/x-www-form-urlencoded', status: 415, code: 'VALIDATION_FAILED', says: 'the body must be JSON (Content-Type: application/json)' },
      { body: `{"price": "${'9'.repeat(1024 * 1024)}"}`, type: 'application/json', status: 413, code: 'PAYLOAD_TOO_LARGE', says: undefined },
    ];
    for (const c of cases) {
      const res = await write(c.body, { 'content-type': c.type });
      const error = (JSON.parse(res.text) as { error: { code: string; status: number; details: { errors?: { path: string; message: string }[]; limit_bytes?: number } } }).error;
      expect(error.code, c.type).toBe(c.code);
      expect(error.status, c.type).toBe(res.status);
      if (c.says === undefined) expect(error.details.limit_bytes).toBe(1024 * 1024);
      else expect(error.details.errors).toEqual([{ path: 'body', rule: 'readable', message: c.says }]);
      expect(res.text).not.toContain('sk_secret');
    }
  });
});

describe('passthrough and docs', () => {
  it('forwards raw platform calls with the stored credential injected', async () => {
    const res = await api(`/v1/connections/${ids.shopify}/raw/admin/api/2024-04/products/count.json`);
    expect(res.status).toBe(200);
    // Shopify counts active products by default (shopify.md §3); the unified count says the same with status=active.
    const active = await api(`/v1/connections/${ids.shopify}/products/count?status=active`);
    expect(res.body).toEqual({ count: active.body!.count });
  });

  it('signs WooCommerce passthrough calls and sends the Magento bearer token', async () => {
    const woo = await api(`/v1/connections/${ids.woocommerce}/raw/wp-json/wc/v3/products?per_page=2`);
    expect(woo.status, JSON.stringify(woo.body)).toBe(200);
    expect(woo.body).toHaveLength(2);
    const m2 = await api(`/v1/connections/${ids.magento2}/raw/rest/V1/store/storeConfigs`);
    expect(m2.status, JSON.stringify(m2.body)).toBe(200);
    expect((m2.body as unknown as Array<{ code: string }>)[0]?.code).toBe('default');
  });

  it('serves the OpenAPI document and the docs page without a key', async () => {
    const doc = await request(`${gw.url}/v1/openapi.json`);
    const openapi = (await doc.body.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/v1/connections/{connection}/products', '/v1/product.list']));
    const page = await request(`${gw.url}/docs`);
    expect(page.statusCode).toBe(200);
    expect(await page.body.text()).toContain('swagger-ui-bundle.js');
    const bundle = await request(`${gw.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.statusCode).toBe(200);
    await bundle.body.dump();
  });
});
