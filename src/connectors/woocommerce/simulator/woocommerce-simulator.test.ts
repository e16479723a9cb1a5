import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../simulator-kit/clock.js';
import { DEFAULT_PERIOD_END } from '../../simulator-kit/dataset.js';
import { startWooCommerceSimulator, type WooCommerceSimulator } from './index.js';

const DAY = 86_400_000;

interface Got {
  status: number;
  headers: Headers;
  body: any;
}

let auth = '';

async function call(url: string, init: RequestInit = {}): Promise<Got> {
  const res = await fetch(url, { ...init, headers: { Authorization: auth, ...(init.headers as Record<string, string>) } });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : json ? JSON.parse(text) : text };
}

function put(url: string, body: unknown): Promise<Got> {
  return call(url, { method: 'PUT', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
}

/** Follow `Link: <…>; rel="next"` to the end, bounded. */
async function walk(first: string, maxPages = 500): Promise<{ items: any[]; pages: Got[] }> {
  const pages: Got[] = [];
  let url: string | undefined = first;
  for (let i = 0; url !== undefined && i < maxPages; i++) {
    const res = await call(url);
    expect(res.status).toBe(200);
    pages.push(res);
    url = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  expect(url).toBeUndefined();
  return { items: pages.flatMap((p) => p.body), pages };
}

const withoutZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

describe('WooCommerce simulator', () => {
  const clock = createManualClock(DEFAULT_PERIOD_END + DAY);
  let sim: WooCommerceSimulator;
  let api: string;

  beforeAll(async () => {
    sim = await startWooCommerceSimulator({ seed: 21, sizes: { products: 37, customers: 15, orders: 60, categories: 6 }, clock, assumeHttps: true });
    api = sim.apiUrl;
    auth = `Basic ${Buffer.from(`${sim.consumerKey}:${sim.consumerSecret}`).toString('base64')}`;
  });
  afterAll(() => sim.close());

  describe('pagination (page, per_page, X-WP-Total*, Link)', () => {
    it('walks every product; headers agree with the walk; Link has prev and next only', async () => {
      const { items, pages } = await walk(`${api}/products?per_page=7`);
      expect(items).toHaveLength(37);
      expect(new Set(items.map((p) => p.id)).size).toBe(37);
      expect(pages).toHaveLength(6);
      for (const p of pages) {
        expect(p.headers.get('x-wp-total')).toBe('37');
        expect(p.headers.get('x-wp-totalpages')).toBe('6');
      }
      expect(pages[0]?.headers.get('link')).toBe(`<${api}/products?per_page=7&page=2>; rel="next"`);
      expect(pages[2]?.headers.get('link')).toBe(`<${api}/products?per_page=7&page=2>; rel="prev", <${api}/products?per_page=7&page=4>; rel="next"`);
      expect(pages[5]?.headers.get('link')).toBe(`<${api}/products?per_page=7&page=5>; rel="prev"`);
      // Newest first by default.
      const created = items.map((p) => p.date_created_gmt);
      expect([...created].sort().reverse()).toEqual(created);
    });

    it('defaults to 10 per page, caps at 100 with rest_invalid_param, and answers [] past the end with true totals', async () => {
      expect((await call(`${api}/products`)).body).toHaveLength(10);
      const tooMany = await call(`${api}/products?per_page=101`);
      expect(tooMany.status).toBe(400);
      expect(tooMany.body).toEqual({
        code: 'rest_invalid_param',
        message: 'Invalid parameter(s): per_page',
        data: {
          status: 400,
          params: { per_page: 'per_page must be between 1 (inclusive) and 100 (inclusive)' },
          details: { per_page: { code: 'rest_out_of_bounds', message: 'per_page must be between 1 (inclusive) and 100 (inclusive)', data: null } },
        },
      });
      expect((await call(`${api}/products?per_page=0`)).status).toBe(400);
      const several = await call(`${api}/products?page=0&per_page=abc&orderby=nope`);
      expect(Object.keys(several.body.data.params)).toEqual(['page', 'per_page', 'orderby']);
      expect(several.body.data.params.per_page).toBe('per_page is not of type integer.');
      const past = await call(`${api}/products?per_page=10&page=9`);
      expect(past.status).toBe(200);
      expect(past.body).toEqual([]);
      expect(past.headers.get('x-wp-total')).toBe('37');
      expect(past.headers.get('link')).toBe(`<${api}/products?per_page=10&page=4>; rel="prev"`);
    });

    it('counts: X-WP-Total with per_page=1 equals the walked length, for every collection', async () => {
      for (const path of ['products', 'orders', 'customers', 'products/categories']) {
        const head = await call(`${api}/${path}?per_page=1`);
        const { items } = await walk(`${api}/${path}?per_page=100`);
        expect(Number(head.headers.get('x-wp-total'))).toBe(items.length);
      }
      const totals = (await call(`${api}/reports/products/totals`)).body;
      expect(totals.reduce((s: number, t: any) => s + t.total, 0)).toBe(37);
    });

    it('supports offset and include with orderby=include', async () => {
      const all = (await call(`${api}/products?per_page=100`)).body;
      expect((await call(`${api}/products?per_page=3&offset=5`)).body.map((p: any) => p.id)).toEqual(all.slice(5, 8).map((p: any) => p.id));
      const pick = [all[4].id, all[1].id, all[9].id];
      const included = await call(`${api}/products?include=${pick.join(',')}&orderby=include`);
      expect(included.body.map((p: any) => p.id)).toEqual(pick);
      const bracketed = await call(`${api}/products?include[]=${pick[0]}&include[]=${pick[1]}`);
      expect(bracketed.body).toHaveLength(2);
    });
  });

  describe('reads and shapes', () => {
    it('gets a product, its variations, a category, an order and a customer by id', async () => {
      const all = (await call(`${api}/products?per_page=100`)).body;
      const variable = all.find((p: any) => p.type === 'variable');
      expect((await call(`${api}/products/${variable.id}`)).body).toEqual(variable);
      expect(variable.regular_price).toBe('');
      const variations = (await call(`${api}/products/${variable.id}/variations`)).body;
      expect(variations.map((v: any) => v.id)).toEqual(variable.variations);
      expect((await call(`${api}/products/${variable.id}/variations/${variations[0].id}`)).body).toEqual(variations[0]);
      expect(variable.price).toBe(variations.map((v: any) => v.price).sort((a: string, b: string) => Number(a) - Number(b))[0]);
      const category = (await call(`${api}/products/categories`)).body[1];
      expect((await call(`${api}/products/categories/${category.id}`)).body).toEqual(category);
      const order = (await call(`${api}/orders?per_page=1`)).body[0];
      expect((await call(`${api}/orders/${order.id}`)).body).toEqual(order);
      const customer = (await call(`${api}/customers?per_page=1`)).body[0];
      expect((await call(`${api}/customers/${customer.id}`)).body).toEqual(customer);
    });

    it('renders money as strings, dates as zone-less local/GMT pairs, line item prices as numbers', async () => {
      const product = (await call(`${api}/products?type=simple&per_page=1`)).body[0];
      expect(product.regular_price).toMatch(/^\d+\.\d{2}$/);
      expect(product.date_created).toMatch(withoutZone);
      expect(product.date_created_gmt).toMatch(withoutZone);
      // America/New_York is 4 or 5 hours behind GMT.
      const lag = (Date.parse(`${product.date_created_gmt}Z`) - Date.parse(`${product.date_created}Z`)) / 3_600_000;
      expect([4, 5]).toContain(lag);
      const orders = (await call(`${api}/orders?per_page=100`)).body;
      expect(orders.every((o: any) => typeof o.total === 'string' && o.number === String(o.id))).toBe(true);
      expect(orders.every((o: any) => o.line_items.every((l: any) => typeof l.price === 'number'))).toBe(true);
      expect(orders.some((o: any) => o.customer_id === 0)).toBe(true);
      expect(orders.some((o: any) => o.status === 'checkout-draft')).toBe(false);
      const dp0 = (await call(`${api}/orders/${orders[0].id}?dp=0`)).body;
      expect(dp0.total).toMatch(/^\d+$/);
    });

    it('lists customers with role=customer by default; role=all adds the administrator', async () => {
      const customers = (await call(`${api}/customers?per_page=100`)).body;
      expect(customers).toHaveLength(15);
      expect(customers.every((c: any) => c.role === 'customer')).toBe(true);
      const everyone = (await call(`${api}/customers?per_page=100&role=all`)).body;
      expect(everyone.find((c: any) => c.id === 1)?.role).toBe('administrator');
      const email = customers[3].email;
      expect((await call(`${api}/customers?email=${encodeURIComponent(email)}`)).body.map((c: any) => c.id)).toEqual([customers[3].id]);
    });

    it('filters products by sku, status, type, category; orders by status and customer', async () => {
      const all = (await call(`${api}/products?per_page=100`)).body;
      const simple = all.find((p: any) => p.type === 'simple');
      expect((await call(`${api}/products?sku=${simple.sku}`)).body.map((p: any) => p.id)).toEqual([simple.id]);
      const drafts = (await call(`${api}/products?status=draft&per_page=100`)).body;
      expect(drafts.length).toBe(all.filter((p: any) => p.status === 'draft').length);
      const category = all[0].categories[0].id;
      const inCategory = (await call(`${api}/products?category=${category}&per_page=100`)).body;
      expect(inCategory.length).toBe(all.filter((p: any) => p.categories.some((c: any) => c.id === category)).length);
      const orders = (await call(`${api}/orders?per_page=100`)).body;
      const done = (await call(`${api}/orders?status=completed,refunded&per_page=100`)).body;
      expect(done.length).toBe(orders.filter((o: any) => ['completed', 'refunded'].includes(o.status)).length);
      const buyer = orders.find((o: any) => o.customer_id > 0).customer_id;
      const theirs = (await call(`${api}/orders?customer=${buyer}&per_page=100`)).body;
      expect(theirs.length).toBe(orders.filter((o: any) => o.customer_id === buyer).length);
      expect((await call(`${api}/orders?status=shipped`)).body.code).toBe('rest_invalid_param');
    });

    it('answers missing ids and unknown routes with WordPress error bodies', async () => {
      const missing = [
        ['products/99999', 404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.'],
        ['orders/99999', 404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.'],
        ['customers/99999', 404, 'woocommerce_rest_invalid_id', 'Invalid resource ID.'],
        ['products/categories/99999', 404, 'woocommerce_rest_term_invalid', "Resource doesn't exist."],
        ['products/11/variations/99999', 404, 'woocommerce_rest_product_variation_invalid_id', 'Invalid ID.'],
        ['nothing-here', 404, 'rest_no_route', 'No route was found matching the URL and request method'],
        ['products/abc', 404, 'rest_no_route', 'No route was found matching the URL and request method'],
      ] as const;
      for (const [path, status, code, message] of missing) {
        const res = await call(`${api}/${path}`);
        expect(res.status, path).toBe(status);
        expect(res.body).toEqual({ code, message, data: { status } });
      }
      // Updates of a missing id are 400, not 404 (§10.8).
      const update = await put(`${api}/products/99999`, { regular_price: '1.00' });
      expect(update).toMatchObject({ status: 400, body: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 400 } } });
    });

    it('serves store information: system status, general settings and the WordPress index', async () => {
      const status = (await call(`${api}/system_status`)).body;
      expect(status.settings.currency).toBe('USD');
      const settings = (await call(`${api}/settings/general`)).body;
      expect(settings.find((s: any) => s.id === 'woocommerce_currency').value).toBe('USD');
      const site = await fetch(`${sim.url}/wp-json/`);
      expect(((await site.json()) as { timezone_string: string }).timezone_string).toBe('America/New_York');
      const viaRestRoute = await call(`${sim.url}/?rest_route=/wc/v3/products/categories`);
      expect(viaRestRoute.status).toBe(200);
    });
  });

  describe('writes', () => {
    it('updates price, sale price and stock of a simple product; re-read shows them; date_modified moves', async () => {
      clock.advance(60_000);
      const all = (await call(`${api}/products?per_page=100&type=simple`)).body;
      const p = all.find((x: any) => x.manage_stock === true);
      const res = await put(`${api}/products/${p.id}`, { regular_price: '24.54', sale_price: '19.99', stock_quantity: 7 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ regular_price: '24.54', sale_price: '19.99', price: '19.99', on_sale: true, stock_quantity: 7, stock_status: 'instock' });
      const again = (await call(`${api}/products/${p.id}`)).body;
      expect(again).toMatchObject({ regular_price: '24.54', sale_price: '19.99', stock_quantity: 7 });
      expect(Date.parse(`${again.date_modified_gmt}Z`)).toBeGreaterThan(Date.parse(`${p.date_modified_gmt}Z`));
      expect((await put(`${api}/products/${p.id}`, { stock_quantity: 0 })).body.stock_status).toMatch(/outofstock|onbackorder/);
      const cleared = await put(`${api}/products/${p.id}`, { sale_price: '' });
      expect(cleared.body).toMatchObject({ sale_price: '', price: '24.54', on_sale: false });
    });

    it('ignores stock_quantity without manage_stock, and applies it with manage_stock:true', async () => {
      const all = (await call(`${api}/products?per_page=100&type=simple`)).body;
      const p = all.find((x: any) => x.manage_stock === false);
      expect(p).toBeDefined();
      expect((await put(`${api}/products/${p.id}`, { stock_quantity: 5 })).body.stock_quantity).toBeNull();
      const managed = (await put(`${api}/products/${p.id}`, { manage_stock: true, stock_quantity: 5 })).body;
      expect(managed).toMatchObject({ manage_stock: true, stock_quantity: 5 });
    });

    it('updates a variation and bumps it and its parent', async () => {
      clock.advance(60_000);
      const variable = (await call(`${api}/products?per_page=100&type=variable`)).body[0];
      const v = (await call(`${api}/products/${variable.id}/variations`)).body[0];
      const res = await call(`${api}/products/${variable.id}/variations/${v.id}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ regular_price: '99.50', manage_stock: true, stock_quantity: 3 }),
      });
      expect(res.body).toMatchObject({ regular_price: '99.50', stock_quantity: 3, manage_stock: true });
      expect(Date.parse(`${res.body.date_modified_gmt}Z`)).toBeGreaterThan(Date.parse(`${v.date_modified_gmt}Z`));
      const parent = (await call(`${api}/products/${variable.id}`)).body;
      expect(parent.date_modified_gmt).toBe(res.body.date_modified_gmt);
    });

    it('rejects wrong types with 400 rest_invalid_param and changes nothing', async () => {
      const p = (await call(`${api}/products?per_page=1&type=simple`)).body[0];
      const bad = await put(`${api}/products/${p.id}`, { regular_price: 12.5, stock_quantity: 'many', name: 'Renamed' });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('rest_invalid_param');
      expect(bad.body.message).toBe('Invalid parameter(s): regular_price, stock_quantity');
      expect(bad.body.data.params).toEqual({ regular_price: 'regular_price is not of type string.', stock_quantity: 'stock_quantity is not of type integer.' });
      const json = await call(`${api}/products/${p.id}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"regular_price":' });
      expect(json.body).toMatchObject({ code: 'rest_invalid_json', message: 'Invalid JSON body passed.', data: { status: 400 } });
      expect((await call(`${api}/products/${p.id}`)).body).toEqual(p);
    });

    it('batch-updates products, reports per-item errors, and refuses more than 100 objects', async () => {
      const [a, b] = (await call(`${api}/products?per_page=2&type=simple`)).body;
      const res = await call(`${api}/products/batch`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ update: [{ id: a.id, regular_price: '5.00' }, { id: 99999, regular_price: '1.00' }, { id: b.id, stock_quantity: 'x' }] }),
      });
      expect(res.status).toBe(200);
      expect(res.body.update[0]).toMatchObject({ id: a.id, regular_price: '5.00' });
      expect(res.body.update[1]).toEqual({ id: 99999, error: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 400 } } });
      expect(res.body.update[2].error.code).toBe('rest_invalid_param');
      const tooMany = await call(`${api}/products/batch`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ update: Array.from({ length: 101 }, () => ({ id: a.id })) }),
      });
      expect(tooMany).toMatchObject({ status: 413, body: { code: 'woocommerce_rest_request_entity_too_large', message: 'Unable to accept more than 100 items for this request.' } });
    });

    it('finds written products and orders with modified_after, site-local or GMT', async () => {
      const day = Date.UTC(2025, 6, 1, 12);
      clock.set(day);
      const [a, b] = (await call(`${api}/products?per_page=2&orderby=id&order=asc`)).body;
      await put(`${api}/products/${a.id}`, { name: 'Written at noon GMT' });
      clock.set(day + 3_600_000);
      await put(`${api}/products/${b.id}`, { name: 'Written an hour later' });
      const since = async (q: string): Promise<number[]> => (await call(`${api}/products?per_page=100&orderby=modified&order=asc&${q}`)).body.map((p: any) => p.id);
      expect(await since('modified_after=2025-07-01T11:59:59&dates_are_gmt=true')).toEqual([a.id, b.id]);
      // Exclusive bound, second precision.
      expect(await since('modified_after=2025-07-01T12:00:00&dates_are_gmt=true')).toEqual([b.id]);
      // Without dates_are_gmt the value is site-local (New York, GMT-4 in July).
      expect(await since('modified_after=2025-07-01T08:30:00')).toEqual([b.id]);
      expect(await since('modified_after=2025-07-01T12:30:00Z')).toEqual([b.id]);
      expect((await call(`${api}/products?modified_after=2025-07-01`)).body.data.params).toEqual({ modified_after: 'Invalid date.' });
      const order = (await call(`${api}/orders?per_page=1`)).body[0];
      const written = await put(`${api}/orders/${order.id}`, { status: 'completed' });
      expect(written.body.status).toBe('completed');
      const changed = (await call(`${api}/orders?modified_after=2025-07-01T12:30:00&dates_are_gmt=true`)).body;
      expect(changed.map((o: any) => o.id)).toEqual([order.id]);
    });
  });
});

describe('WooCommerce simulator host limiter and faults', () => {
  it('is off by default; the optional host limiter answers 429 with Retry-After and refills on the injected clock', async () => {
    const clock = createManualClock(DEFAULT_PERIOD_END);
    const sim = await startWooCommerceSimulator({ seed: 2, sizes: { products: 2, orders: 1, customers: 1 }, clock, hostLimit: { quota: 3, windowMs: 10_000, retryAfterSeconds: 7 }, htmlHostErrors: true });
    try {
      const url = (): string => sim.signedUrl('GET', `${sim.apiUrl}/products`);
      for (let i = 0; i < 3; i++) expect((await fetch(url())).status).toBe(200);
      const limited = await fetch(url());
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(limited.headers.get('content-type')).toBe('text/html');
      expect(await limited.text()).toMatch(/429 Too Many Requests/);
      clock.advance(10_000);
      expect((await fetch(url())).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('injects WordPress 500s, host 503 pages, resets and latency', async () => {
    const waits: number[] = [];
    const sim = await startWooCommerceSimulator({ seed: 5, sizes: { products: 2, orders: 1, customers: 1 }, sleep: async (ms) => void waits.push(ms) });
    try {
      sim.faults.enqueue({ kind: 'error', status: 500 }, { kind: 'error', status: 503 }, { kind: 'reset' }, { kind: 'latency', ms: 40 });
      const fatal = await fetch(sim.signedUrl('GET', `${sim.apiUrl}/products`));
      expect(fatal.status).toBe(500);
      expect(await fatal.json()).toMatchObject({ code: 'internal_server_error', data: { status: 500 } });
      const unavailable = await fetch(sim.signedUrl('GET', `${sim.apiUrl}/products`));
      expect(unavailable.status).toBe(503);
      expect(await unavailable.text()).toMatch(/^<html>/);
      await expect(fetch(sim.signedUrl('GET', `${sim.apiUrl}/products`))).rejects.toThrow();
      expect((await fetch(sim.signedUrl('GET', `${sim.apiUrl}/products`))).status).toBe(200);
      expect(waits).toEqual([40]);
    } finally {
      await sim.close();
    }
  });
});

describe('WooCommerce simulator determinism and size', () => {
  it('serves the same data for the same seed and different data for another', async () => {
    const sizes = { products: 12, orders: 15, customers: 8 };
    const sims = await Promise.all([9, 9, 10].map((seed) => startWooCommerceSimulator({ seed, sizes, assumeHttps: true })));
    try {
      for (const path of ['products?per_page=100', 'orders?per_page=100', 'customers?per_page=100', 'products/categories']) {
        const bodies = await Promise.all(
          sims.map(async (s) => {
            const res = await fetch(`${s.apiUrl}/${path}`, { headers: { Authorization: `Basic ${Buffer.from(`${s.consumerKey}:${s.consumerSecret}`).toString('base64')}` } });
            return (await res.text()).replaceAll(s.url, '');
          }),
        );
        expect(bodies[1]).toEqual(bodies[0]);
        expect(bodies[2]).not.toEqual(bodies[0]);
      }
    } finally {
      await Promise.all(sims.map((s) => s.close()));
    }
  });

  it('syncs a 10,000-product catalog to the end over OAuth 1.0a', async () => {
    const sim = await startWooCommerceSimulator({ seed: 4, sizes: { products: 10_000, orders: 10, customers: 10 } });
    try {
      const ids = new Set<number>();
      let url: string | undefined = `${sim.apiUrl}/products?per_page=100&orderby=id&order=asc&_fields=id,date_modified_gmt`;
      let pages = 0;
      while (url !== undefined && pages < 150) {
        const res = await fetch(sim.signedUrl('GET', url));
        expect(res.status).toBe(200);
        for (const p of (await res.json()) as Array<{ id: number }>) ids.add(p.id);
        if (pages === 0) expect(res.headers.get('x-wp-totalpages')).toBe('100');
        pages++;
        url = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      }
      expect(pages).toBe(100);
      expect(ids.size).toBe(10_000);
    } finally {
      await sim.close();
    }
  });
});
