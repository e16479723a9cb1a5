import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../simulator-kit/clock.js';
import { DEFAULT_PERIOD_END } from '../../simulator-kit/dataset.js';
import { BIGCOMMERCE_SIMULATOR_TOKEN, startBigCommerceSimulator, type BigCommerceSimulator } from './index.js';

const DAY = 86_400_000;
const STATUS_TYPE = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes';

interface Got {
  status: number;
  headers: Headers;
  body: any;
}

async function call(url: string, init: RequestInit & { token?: string | null } = {}): Promise<Got> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(init.headers as Record<string, string>) };
  const token = init.token === undefined ? BIGCOMMERCE_SIMULATOR_TOKEN : init.token;
  if (token !== null) headers['X-Auth-Token'] = token;
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

function put(url: string, body: unknown, token?: string): Promise<Got> {
  return call(url, { method: 'PUT', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' }, token });
}

/** Follow meta.pagination.links.next (a relative query string) to the end, bounded. */
async function walkV3(collection: string, firstQuery: string, maxPages = 500): Promise<{ pages: any[][]; metas: any[] }> {
  const pages: any[][] = [];
  const metas: any[] = [];
  let query: string | undefined = firstQuery;
  for (let i = 0; query !== undefined && i < maxPages; i++) {
    const res = await call(`${collection}${query}`);
    expect(res.status).toBe(200);
    pages.push(res.body.data);
    metas.push(res.body.meta.pagination);
    query = res.body.meta.pagination.links.next;
  }
  expect(query).toBeUndefined();
  return { pages, metas };
}

/** V2 lists have no metadata: page until a 204 or a short page (bigcommerce.md §4). */
async function walkV2(collection: string, limit: number, extra = ''): Promise<any[]> {
  const all: any[] = [];
  for (let page = 1; page <= 500; page++) {
    const res = await call(`${collection}?page=${page}&limit=${limit}${extra}`);
    if (res.status === 204) break;
    expect(res.status).toBe(200);
    all.push(...res.body);
    if (res.body.length < limit) break;
  }
  return all;
}

describe('BigCommerce simulator', () => {
  const clock = createManualClock(DEFAULT_PERIOD_END + DAY);
  let sim: BigCommerceSimulator;
  let v3: string;
  let v2: string;

  beforeAll(async () => {
    sim = await startBigCommerceSimulator({
      seed: 13,
      sizes: { products: 33, customers: 21, orders: 70, categories: 7 },
      clock,
      rateLimit: false,
      credentials: [
        { accessToken: BIGCOMMERCE_SIMULATOR_TOKEN },
        { accessToken: 'readonly', scopes: ['store_v2_products_read_only', 'store_v2_orders_read_only'] },
      ],
    });
    v3 = sim.apiUrl('v3');
    v2 = sim.apiUrl('v2');
  });
  afterAll(() => sim.close());

  describe('V3 pagination (meta.pagination)', () => {
    it('walks every product with relative links; totals and counts add up', async () => {
      const { pages, metas } = await walkV3(`${v3}/catalog/products`, '?limit=5&include=variants');
      const ids = pages.flat().map((p) => p.id);
      expect(ids).toHaveLength(33);
      expect(new Set(ids).size).toBe(33);
      expect(metas.map((m) => m.count)).toEqual(pages.map((p) => p.length));
      expect(metas.every((m) => m.total === 33 && m.total_pages === 7 && m.per_page === 5)).toBe(true);
      expect(metas[0].links).toEqual({ current: '?include=variants&page=1&limit=5', next: '?include=variants&page=2&limit=5' });
      expect(Object.keys(metas[3].links)).toEqual(['previous', 'current', 'next']);
      expect(Object.keys(metas.at(-1).links)).toEqual(['previous', 'current']);
      expect(pages.flat().every((p) => Array.isArray(p.variants) && p.variants.length > 0)).toBe(true);
    });

    it('answers 413 above the maximum limit and an empty page past the end', async () => {
      const tooMany = await call(`${v3}/catalog/products?limit=251`);
      expect(tooMany.status).toBe(413);
      expect(tooMany.body.status).toBe(413);
      const past = await call(`${v3}/catalog/products?limit=10&page=9`);
      expect(past.body.data).toEqual([]);
      expect(past.body.meta.pagination).toMatchObject({ total: 33, count: 0, current_page: 9, total_pages: 4 });
    });

    it('caps pages at 10 when options are included', async () => {
      const res = await call(`${v3}/catalog/products?limit=50&include=options`);
      expect(res.body.data).toHaveLength(10);
      expect(res.body.meta.pagination.per_page).toBe(10);
    });

    it('pages customers by page and by cursor to the same list', async () => {
      const { pages } = await walkV3(`${v3}/customers`, '?limit=4');
      const byPage = pages.flat().map((c) => c.id);
      const byCursor: number[] = [];
      let res = await call(`${v3}/customers?limit=4`);
      for (let i = 0; i < 50; i++) {
        byCursor.push(...res.body.data.map((c: any) => c.id));
        const next = res.body.meta.cursor_pagination?.links.next;
        if (next === undefined) break;
        res = await call(`${v3}/customers${next}`);
      }
      expect(byPage).toHaveLength(21);
      expect(byCursor).toEqual(byPage);
    });
  });

  describe('V2 orders', () => {
    it('pages bare arrays until 204, and /orders/count agrees', async () => {
      const all = await walkV2(`${v2}/orders`, 8);
      const count = (await call(`${v2}/orders/count`)).body;
      expect(all.length).toBe(count.count);
      expect(count.statuses.reduce((s: number, x: any) => s + x.count, 0)).toBe(count.count);
      expect(all.some((o) => o.status_id === 0)).toBe(false);
      const ids = all.map((o) => o.id);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    });

    it('covers every status id once status_id=0 is asked for separately', async () => {
      const all = await walkV2(`${v2}/orders`, 250);
      const incomplete = await walkV2(`${v2}/orders`, 250, '&status_id=0');
      const seen = new Set([...all, ...incomplete].map((o) => o.status_id));
      expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
      expect(incomplete.length + all.length).toBe(70);
    });

    it('renders V2 money as 4-decimal strings and dates as RFC 2822, with link objects that resolve', async () => {
      const order = (await call(`${v2}/orders?limit=1&status_id=11`)).body[0];
      expect(order.total_inc_tax).toMatch(/^\d+\.\d{4}$/);
      expect(order.date_created).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
      expect(order.date_shipped).toBe('');
      const products = await call(order.products.url);
      expect(products.status).toBe(200);
      expect(products.body.every((p: any) => p.order_id === order.id)).toBe(true);
      const sum = products.body.reduce((s: number, p: any) => s + Number(p.total_ex_tax), 0);
      expect(sum).toBeCloseTo(Number(order.subtotal_ex_tax), 2);
      expect(order.shipping_addresses.url).toMatch(/\/shippingaddresses$/);
      const viaLink = await call(order.shipping_addresses.url);
      const viaRoute = await call(`${v2}/orders/${order.id}/shipping_addresses`);
      expect(viaLink.body).toEqual(viaRoute.body);
    });

    it('filters by min_date_created in RFC 2822 and ISO 8601 alike, and sorts', async () => {
      const all = await walkV2(`${v2}/orders`, 250);
      const pivot = all[10];
      const rfc = await walkV2(`${v2}/orders`, 250, `&min_date_created=${encodeURIComponent(pivot.date_created)}`);
      const iso = await walkV2(`${v2}/orders`, 250, `&min_date_created=${new Date(Date.parse(pivot.date_created)).toISOString()}`);
      expect(rfc.map((o) => o.id)).toEqual(iso.map((o) => o.id));
      expect(rfc[0].id).toBe(pivot.id);
      const desc = (await call(`${v2}/orders?sort=id:desc&limit=3`)).body.map((o: any) => o.id);
      expect(desc).toEqual([...all].reverse().slice(0, 3).map((o) => o.id));
    });

    it('updates the status of an order', async () => {
      const order = (await call(`${v2}/orders?status_id=11&limit=1`)).body[0];
      const res = await put(`${v2}/orders/${order.id}`, { status_id: 2 });
      expect(res.body.status).toBe('Shipped');
      expect((await call(`${v2}/orders/${order.id}`)).body.status_id).toBe(2);
      const bad = await put(`${v2}/orders/${order.id}`, { status_id: 99 });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual([{ status: 400, message: "The field 'status_id' is invalid." }]);
    });

    it('answers an empty list with 204 and no body', async () => {
      const res = await call(`${v2}/orders?min_id=999999`);
      expect(res.status).toBe(204);
      expect(res.body).toBeUndefined();
    });
  });

  describe('reads and errors', () => {
    it('gets a product, a variant, a category, and a customer by id:in', async () => {
      const listed = (await call(`${v3}/catalog/products?limit=1&include=variants,images`)).body.data[0];
      const one = await call(`${v3}/catalog/products/${listed.id}?include=variants,images`);
      expect(one.body).toEqual({ data: listed, meta: {} });
      const variant = listed.variants[0];
      expect((await call(`${v3}/catalog/products/${listed.id}/variants/${variant.id}`)).body.data).toEqual(variant);
      const category = (await call(`${v3}/catalog/categories`)).body.data[2];
      expect((await call(`${v3}/catalog/categories/${category.id}`)).body.data).toEqual(category);
      const customer = (await call(`${v3}/customers?limit=3`)).body.data[2];
      expect((await call(`${v3}/customers?id:in=${customer.id}`)).body.data).toEqual([customer]);
    });

    it('keeps id with include_fields and cannot exclude it', async () => {
      const picked = (await call(`${v3}/catalog/products?limit=1&include_fields=name,price`)).body.data[0];
      expect(Object.keys(picked).sort()).toEqual(['gift_wrapping_options_list', 'gift_wrapping_options_type', 'id', 'name', 'price']);
      const excluded = (await call(`${v3}/catalog/products?limit=1&exclude_fields=id,description`)).body.data[0];
      expect(excluded).toHaveProperty('id');
      expect(excluded).not.toHaveProperty('description');
    });

    it('answers unknown resources in each generation\'s error style', async () => {
      const v3Missing = await call(`${v3}/catalog/products/99999`);
      expect(v3Missing.status).toBe(404);
      expect(v3Missing.body).toEqual({ status: 404, title: 'The resource at that URL is not found.', type: STATUS_TYPE });
      // Customers V3 has no single GET (§10.5).
      expect((await call(`${v3}/customers/1`)).status).toBe(404);
      const v2Missing = await call(`${v2}/orders/99999`);
      expect(v2Missing.status).toBe(404);
      expect(v2Missing.body).toEqual([{ status: 404, message: 'The requested resource was not found.' }]);
    });

    it('rejects bad credentials with 401 and missing scopes with 403', async () => {
      const unauthorized = { status: 401, title: 'Unauthorized', type: STATUS_TYPE };
      for (const [url, token] of [
        [`${v3}/catalog/products`, null],
        [`${v3}/catalog/products`, 'wrong'],
        [`${v2}/orders`, 'wrong'],
        [`${sim.url}/stores/otherstore/v3/catalog/products`, BIGCOMMERCE_SIMULATOR_TOKEN],
      ] as const) {
        const res = await call(url, { token });
        expect(res.status).toBe(401);
        expect(res.body).toEqual(unauthorized);
      }
      const forbidden = {
        status: 403,
        title: 'Unauthorized Access. You do not have permission to make this request.',
        type: '/api-docs/getting-started/api-status-codes',
      };
      expect((await call(`${v3}/catalog/products`, { token: 'readonly' })).status).toBe(200);
      const noScope = await call(`${v3}/customers`, { token: 'readonly' });
      expect(noScope.status).toBe(403);
      expect(noScope.body).toEqual(forbidden);
      const product = (await call(`${v3}/catalog/products?limit=1`)).body.data[0];
      const write = await put(`${v3}/catalog/products/${product.id}`, { price: 1 }, 'readonly');
      expect(write.status).toBe(403);
      expect(write.body).toEqual(forbidden);
    });

    it('answers 406 when Accept rules out JSON', async () => {
      const res = await call(`${v2}/orders`, { headers: { Accept: 'application/xml' } });
      expect(res.status).toBe(406);
      expect(res.body).toEqual([{ status: 406, message: 'The requested format is not supported.' }]);
    });

    it('filters products by sku, category, visibility and condition (lower-case filter, capitalised field)', async () => {
      const all = (await call(`${v3}/catalog/products?limit=250&include=variants`)).body.data;
      const withOptions = all.find((p: any) => p.variants.length > 1);
      const sku = withOptions.variants[1].sku;
      expect((await call(`${v3}/catalog/products?sku=${sku}`)).body.data.map((p: any) => p.id)).toEqual([withOptions.id]);
      const category = all[0].categories[0];
      const inCategory = (await call(`${v3}/catalog/products?limit=250&categories:in=${category}`)).body.data;
      expect(inCategory.length).toBe(all.filter((p: any) => p.categories.includes(category)).length);
      const hidden = (await call(`${v3}/catalog/products?limit=250&is_visible=false`)).body.data;
      expect(hidden.length).toBe(all.filter((p: any) => !p.is_visible).length);
      const used = (await call(`${v3}/catalog/products?limit=250&condition=used`)).body.data;
      expect(used.every((p: any) => p.condition === 'Used')).toBe(true);
      expect(used.length).toBe(all.filter((p: any) => p.condition === 'Used').length);
      expect((await call(`${v3}/catalog/products?id:in=abc`)).status).toBe(422);
    });
  });

  describe('writes', () => {
    it('updates a product price and stock; variants that inherit follow; date_modified moves', async () => {
      clock.advance(60_000);
      const products = (await call(`${v3}/catalog/products?limit=250&include=variants`)).body.data;
      const simple = products.find((p: any) => p.inventory_tracking === 'product');
      const res = await put(`${v3}/catalog/products/${simple.id}`, { price: 19.99, sale_price: 17.5, inventory_level: 12 });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ price: 19.99, sale_price: 17.5, calculated_price: 17.5, inventory_level: 12 });
      const again = (await call(`${v3}/catalog/products/${simple.id}?include=variants`)).body.data;
      expect(again.variants[0]).toMatchObject({ price: null, sale_price: null, calculated_price: 17.5, inventory_level: 12 });
      expect(Date.parse(again.date_modified)).toBeGreaterThan(Date.parse(simple.date_modified));
    });

    it('updates a variant price and stock; null goes back to inheriting', async () => {
      clock.advance(60_000);
      const products = (await call(`${v3}/catalog/products?limit=250&include=variants`)).body.data;
      const multi = products.find((p: any) => p.inventory_tracking === 'variant' && p.variants.length > 1);
      const variant = multi.variants[1];
      const url = `${v3}/catalog/products/${multi.id}/variants/${variant.id}`;
      const res = await put(url, { price: 99.5, inventory_level: 7 });
      expect(res.body.data).toMatchObject({ price: 99.5, calculated_price: 99.5, inventory_level: 7 });
      const product = (await call(`${v3}/catalog/products/${multi.id}?include=variants`)).body.data;
      const expected = product.variants.reduce((s: number, v: any) => s + v.inventory_level, 0);
      expect(product.inventory_level).toBe(expected);
      expect(Date.parse(product.date_modified)).toBeGreaterThan(Date.parse(multi.date_modified));
      const reset = await put(url, { price: null });
      expect(reset.body.data.price).toBeNull();
      expect(reset.body.data.calculated_price).toBe(product.price);
    });

    it('rejects invalid values with 422 and changes nothing', async () => {
      const product = (await call(`${v3}/catalog/products?limit=1`)).body.data[0];
      const url = `${v3}/catalog/products/${product.id}`;
      const bad = await put(url, { price: 'abc', inventory_level: 1.5, name: 'ok' });
      expect(bad.status).toBe(422);
      expect(bad.body).toEqual({
        status: 422,
        title: 'JSON data is missing or invalid',
        type: STATUS_TYPE,
        errors: { price: 'error.expected.jsnumber', inventory_level: 'error.expected.jsnumber' },
      });
      expect((await put(url, { price: -1 })).body.errors).toEqual({ price: 'error.min' });
      const wrongType = await call(url, { method: 'PUT', body: '{"price":1}', headers: { 'Content-Type': 'text/plain' } });
      expect(wrongType.status).toBe(415);
      expect((await call(url)).body.data).toEqual(product);
    });

    it('finds written products with date_modified:min, where a date without time means "today at the current time"', async () => {
      const day = Date.UTC(2025, 5, 10);
      clock.set(day + 10 * 3_600_000);
      const [a, b] = (await call(`${v3}/catalog/products?limit=2`)).body.data;
      await put(`${v3}/catalog/products/${a.id}`, { name: 'Written at ten' });
      clock.set(day + 15 * 3_600_000);
      await put(`${v3}/catalog/products/${b.id}`, { name: 'Written at three' });
      const since10 = (await call(`${v3}/catalog/products?date_modified:min=2025-06-10T09:59:00Z`)).body.data.map((p: any) => p.id);
      expect(since10).toEqual([a.id, b.id]);
      // §3 quirk: "2025-06-10" becomes 2025-06-10 15:00 (the request's time of day), so the 10:00 write drops out.
      const dateOnly = (await call(`${v3}/catalog/products?date_modified:min=2025-06-10`)).body.data.map((p: any) => p.id);
      expect(dateOnly).toEqual([b.id]);
    });
  });
});

describe('BigCommerce simulator rate limit (fixed window)', () => {
  it('counts down the quota in headers, answers 429 with reset headers, and refills after the window', async () => {
    const clock = createManualClock(DEFAULT_PERIOD_END);
    const sim = await startBigCommerceSimulator({ seed: 2, sizes: { products: 3, orders: 3, customers: 3 }, clock, rateLimit: { quota: 5 } });
    try {
      const url = `${sim.apiUrl('v3')}/catalog/products`;
      const left: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await call(url);
        expect(res.status).toBe(200);
        left.push(res.headers.get('x-rate-limit-requests-left') as string);
        expect(res.headers.get('x-rate-limit-requests-quota')).toBe('5');
        expect(res.headers.get('x-rate-limit-time-window-ms')).toBe('30000');
      }
      expect(left).toEqual(['4', '3', '2', '1', '0']);
      clock.advance(12_000);
      const limited = await call(`${sim.apiUrl('v2')}/orders`);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('x-rate-limit-time-reset-ms')).toBe('18000');
      expect(limited.headers.get('x-retry-after')).toBe('18');
      expect(limited.body).toMatchObject({ status: 429 });
      clock.advance(18_000);
      const refilled = await call(url);
      expect(refilled.status).toBe(200);
      expect(refilled.headers.get('x-rate-limit-requests-left')).toBe('4');
      expect(refilled.headers.get('x-rate-limit-time-reset-ms')).toBe('30000');
    } finally {
      await sim.close();
    }
  });

  it('defaults to 150 per 30 seconds, shared by every token of the store', async () => {
    const sim = await startBigCommerceSimulator({
      seed: 2,
      sizes: { products: 1, orders: 1, customers: 1 },
      clock: createManualClock(DEFAULT_PERIOD_END),
      credentials: [{ accessToken: 'a' }, { accessToken: 'b' }],
    });
    try {
      expect((await call(`${sim.apiUrl('v2')}/time`, { token: 'a' })).headers.get('x-rate-limit-requests-left')).toBe('149');
      expect((await call(`${sim.apiUrl('v2')}/time`, { token: 'b' })).headers.get('x-rate-limit-requests-left')).toBe('148');
    } finally {
      await sim.close();
    }
  });
});

describe('BigCommerce simulator faults, determinism and size', () => {
  it('injects 5xx in each generation\'s error style, resets, and latency', async () => {
    const waits: number[] = [];
    const sim = await startBigCommerceSimulator({
      seed: 5,
      sizes: { products: 2, orders: 2, customers: 2 },
      rateLimit: false,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    try {
      sim.faults.enqueue({ kind: 'error', status: 503 }, { kind: 'error', status: 500 }, { kind: 'reset' }, { kind: 'latency', ms: 75 });
      const v3 = await call(`${sim.apiUrl('v3')}/catalog/products`);
      expect(v3.status).toBe(503);
      expect(v3.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
      const v2 = await call(`${sim.apiUrl('v2')}/orders`);
      expect(v2.status).toBe(500);
      expect(v2.body).toEqual([{ status: 500, message: 'Internal Server Error' }]);
      await expect(fetch(`${sim.apiUrl('v2')}/time`, { headers: { 'X-Auth-Token': sim.token } })).rejects.toThrow();
      expect((await call(`${sim.apiUrl('v2')}/time`)).status).toBe(200);
      expect(waits).toEqual([75]);
      sim.faults.set({ errorRate: 1, errorStatus: 502, pathPattern: /\/v3\// });
      expect((await call(`${sim.apiUrl('v3')}/catalog/products`)).status).toBe(502);
      expect((await call(`${sim.apiUrl('v2')}/time`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('serves the same data for the same seed and different data for another', async () => {
    const sizes = { products: 12, orders: 15, customers: 8 };
    const sims = await Promise.all([9, 9, 10].map((seed) => startBigCommerceSimulator({ seed, sizes, rateLimit: false, storeHash: 'same' })));
    try {
      for (const path of ['v3/catalog/products?include=variants,images', 'v3/customers?include=addresses', 'v2/orders', 'v3/catalog/categories']) {
        // Link objects carry each server's own origin; everything else must match.
        const [x, y, z] = await Promise.all(sims.map(async (s) => JSON.stringify((await call(`${s.url}/stores/same/${path}`)).body).replaceAll(s.url, '')));
        expect(y).toEqual(x);
        expect(z).not.toEqual(x);
      }
    } finally {
      await Promise.all(sims.map((s) => s.close()));
    }
  });

  it('syncs a 10,000-product catalog to the end', async () => {
    const sim = await startBigCommerceSimulator({ seed: 4, sizes: { products: 10_000, orders: 10, customers: 10 }, rateLimit: false });
    try {
      const { pages, metas } = await walkV3(`${sim.apiUrl('v3')}/catalog/products`, '?limit=250&include_fields=date_modified', 100);
      expect(pages).toHaveLength(40);
      expect(metas[0].total).toBe(10_000);
      expect(new Set(pages.flat().map((p) => p.id)).size).toBe(10_000);
    } finally {
      await sim.close();
    }
  });
});
