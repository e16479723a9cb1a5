/**
 * Unified calls in mapping threads (the default) against the same calls on the event loop
 * (`commerce.mapping_threads.count: 0`): two real gateways over the same platform
 * simulators must answer byte for byte alike, errors included; a thread that stops
 * mid-call fails that call with INTERNAL_ERROR, and the next call gets a fresh thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startBigCommerceSimulator, type BigCommerceSimulator } from '../../src/connectors/bigcommerce/simulator/index.js';
import { startShopifySimulator, type ShopifySimulator } from '../../src/connectors/shopify/simulator/index.js';
import { BIGCOMMERCE } from '../../src/connectors/bigcommerce/definition.js';
import { SHOPIFY } from '../../src/connectors/shopify/definition.js';
import type { MappingThreads } from '../../src/commerce/executor/mapping-threads.js';
import { createPlatformConnection } from '../helpers/connections.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { createConsumer, createKey } from '../helpers/identities.js';

let shopify: ShopifySimulator;
let bigcommerce: BigCommerceSimulator;
const threaded = { gw: undefined as unknown as TestGateway, key: '' };
const onLoop = { gw: undefined as unknown as TestGateway, key: '' };

async function setUp(target: typeof threaded, yaml: string): Promise<void> {
  target.gw = await startGateway(yaml);
  const consumer = await createConsumer(target.gw.gateway, 'shop-owner');
  target.key = (await createKey(target.gw.gateway, consumer.id)).key;
  const add = (id: string, definition: typeof SHOPIFY, baseUrl: string, token: string) =>
    createPlatformConnection(target.gw, { id, consumerId: consumer.id, definition, baseUrl, credentials: { access_token: token } });
  await add('conn_shop', SHOPIFY, shopify.url, shopify.token);
  await add('conn_bc', BIGCOMMERCE, bigcommerce.apiUrl('v3').replace(/\/v3$/, ''), bigcommerce.token);
  await add('conn_down', SHOPIFY, 'http://127.0.0.1:9', 'x');
}

beforeAll(async () => {
  const sizes = { products: 30, customers: 8, orders: 10, categories: 4 };
  shopify = await startShopifySimulator({ port: 0, seed: 5, sizes, rateLimit: false });
  bigcommerce = await startBigCommerceSimulator({ port: 0, seed: 5, sizes, rateLimit: false });
  await setUp(threaded, 'upstreams: {}\nroutes: []\n');
  await setUp(onLoop, 'commerce: { mapping_threads: { count: 0 } }\nupstreams: {}\nroutes: []\n');
});

afterAll(async () => {
  await threaded.gw?.close();
  await onLoop.gw?.close();
  await shopify?.close();
  await bigcommerce?.close();
});

async function call(target: typeof threaded, path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await request(`${target.gw.url}${path}`, {
    method: (init.method ?? 'GET') as 'GET',
    headers: { 'x-api-key': target.key, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.statusCode, type: res.headers['content-type'], text: await res.body.text() };
}

/** An answer without what differs between any two calls (request ids). */
function comparable(text: string): unknown {
  const json = JSON.parse(text) as { error?: { request_id?: string } };
  if (json.error !== undefined) delete json.error.request_id;
  return json;
}

describe('unified calls in mapping threads', () => {
  it('answer exactly as on the event loop: pages, cursors, projections, raw records, fan-outs and errors', async () => {
    const paths = [
      '/v1/connections/conn_shop/products?limit=7',
      '/v1/connections/conn_bc/products?limit=7&include=raw',
      '/v1/product.list?connection=conn_shop&limit=5&fields=id,name,variants.sku',
      '/v1/connections/conn_shop/store',
      '/v1/connections/conn_bc/orders?limit=4',
      '/v1/connections/conn_shop/customers?limit=3',
      '/v1/connections/conn_bc/categories',
      '/v1/product.count?connection=all',
      '/v1/product.list?connection=all&limit=3',
      '/v1/connections/conn_shop/products/999999',
      '/v1/connections/conn_down/products',
      '/v1/connections/conn_shop/products?limit=5&fields=id,(',
      '/v1/connections/conn_shop/products?cursor=bm90LWEtY3Vyc29y',
    ];
    for (const path of paths) {
      const [a, b] = [await call(threaded, path), await call(onLoop, path)];
      expect({ path, status: a.status }).toEqual({ path, status: b.status });
      expect(a.type).toBe('application/json; charset=utf-8');
      expect(comparable(a.text), path).toEqual(comparable(b.text));
    }
    // A cursor from one gateway pages the other alike, to the end.
    let next: string | null = (JSON.parse((await call(threaded, '/v1/connections/conn_bc/products?limit=12')).text) as { next_cursor: string | null }).next_cursor;
    let pages = 0;
    while (next !== null && pages < 10) {
      const path = `/v1/connections/conn_bc/products?cursor=${encodeURIComponent(next)}`;
      const [a, b] = [await call(threaded, path), await call(onLoop, path)];
      expect(a.status).toBe(200);
      expect(a.text).toBe(b.text);
      next = (JSON.parse(a.text) as { next_cursor: string | null }).next_cursor;
      pages++;
    }
    expect(pages).toBeGreaterThan(0);
    expect(next).toBeNull();
  });

  it('updates through a thread and reads the change back; a refused update changes nothing', async () => {
    const list = JSON.parse((await call(threaded, '/v1/connections/conn_shop/products?limit=30')).text) as { data: { id: string; variants: unknown[]; sale_price: string | null }[] };
    // No running sale: a sale must stay below the new price.
    const simple = list.data.find((p) => p.variants.length <= 1 && p.sale_price === null)!;
    const path = `/v1/connections/conn_shop/products/${simple.id}`;
    const before = await call(threaded, path);
    const bad = await call(threaded, path, { method: 'PATCH', body: { price: 'free' } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await call(threaded, path)).text).toBe(before.text);
    const updated = await call(threaded, path, { method: 'PATCH', body: { price: '42.50' } });
    expect(updated.status, updated.text).toBe(200);
    expect(JSON.parse((await call(onLoop, path)).text)).toMatchObject({ data: { price: '42.50' } });
  });

  it('fails the calls of a thread that stops with INTERNAL_ERROR, logs it, and serves the next call from a new thread', async () => {
    // Reaching into the gateway is the only way to stop a thread from outside, as a crash would.
    const threads = (threaded.gw.gateway.unified as unknown as { options: { service: { deps: { executor: MappingThreads } } } }).options.service.deps.executor;
    const running = (threads as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads;
    shopify.faults.enqueue({ kind: 'latency', ms: 1500 });
    const pending = call(threaded, '/v1/connections/conn_shop/products?limit=3');
    // The call is in the thread, waiting on the delayed native answer.
    for (let i = 0; i < 100 && shopify.faults.stats.delayed === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(running).toHaveLength(1);
    await running[0]!.worker.terminate();
    const failed = await pending;
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.text)).toMatchObject({ error: { code: 'INTERNAL_ERROR', message: 'The call was interrupted' } });
    expect(threaded.gw.logs.records.some((r) => r.msg === 'mapping thread stopped; the next call starts a new one')).toBe(true);
    const next = await call(threaded, '/v1/connections/conn_shop/products?limit=3');
    expect(next.status).toBe(200);
    expect(JSON.parse(next.text).data).toHaveLength(3);
    const metrics = await (await request(`${threaded.gw.adminUrl}/metrics`, { headers: { authorization: `Bearer ${threaded.gw.gateway.token}` } })).body.text();
    expect(metrics).toContain('unigate_mapping_thread_exits_total 1');
    expect(metrics).toContain('unigate_mapping_thread_calls{state="threads"} 1');
    expect(metrics).toContain('unigate_mapping_thread_calls{state="calls"} 0');
  });
});
