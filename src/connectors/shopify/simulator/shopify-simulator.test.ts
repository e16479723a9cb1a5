import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../simulator-kit/clock.js';
import { DEFAULT_PERIOD_END } from '../../simulator-kit/dataset.js';
import { SHOPIFY_SIMULATOR_TOKEN, startShopifySimulator, type ShopifySimulator } from './index.js';

const DAY = 86_400_000;

interface Got {
  status: number;
  headers: Headers;
  body: any;
}

async function get(url: string, token: string | null = SHOPIFY_SIMULATOR_TOKEN, init: RequestInit = {}): Promise<Got> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (token !== null) headers['X-Shopify-Access-Token'] = token;
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

function put(url: string, body: unknown, token = SHOPIFY_SIMULATOR_TOKEN): Promise<Got> {
  return get(url, token, { method: 'PUT', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
}

function post(url: string, body: unknown): Promise<Got> {
  return get(url, SHOPIFY_SIMULATOR_TOKEN, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
}

/** The official client's parsing: split on ", " then `<([^<]+)>; rel="([^"]+)"` (shopify.md §4). */
function parseLink(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header?.split(', ') ?? []) {
    const m = /<([^<]+)>; rel="([^"]+)"/.exec(part);
    if (m) out[m[2] as string] = m[1] as string;
  }
  return out;
}

/** Follow rel="next" to the end (bounded), returning every page's items. */
async function walk(first: string, root: string, maxPages = 500): Promise<{ pages: any[][]; links: Array<Record<string, string>> }> {
  const pages: any[][] = [];
  const links: Array<Record<string, string>> = [];
  let url: string | undefined = first;
  for (let i = 0; url !== undefined && i < maxPages; i++) {
    const res = await get(url);
    expect(res.status).toBe(200);
    pages.push(res.body[root]);
    const link = parseLink(res.headers.get('link'));
    links.push(link);
    url = link.next;
  }
  expect(url).toBeUndefined();
  return { pages, links };
}

describe('Shopify simulator', () => {
  const clock = createManualClock(DEFAULT_PERIOD_END + DAY);
  let sim: ShopifySimulator;
  let api: string;

  beforeAll(async () => {
    sim = await startShopifySimulator({
      seed: 11,
      sizes: { products: 37, customers: 23, orders: 60, categories: 5 },
      clock,
      rateLimit: false,
      credentials: [
        { accessToken: SHOPIFY_SIMULATOR_TOKEN },
        { accessToken: 'shpat_orders_only', scopes: ['read_orders'] },
        { accessToken: 'shpat_recent_orders', scopes: ['read_orders', 'write_products'] },
      ],
    });
    api = sim.adminUrl();
  });
  afterAll(() => sim.close());

  describe('pagination (Link + page_info)', () => {
    it('walks every product with a small limit, with rel="previous" and rel="next" where they apply', async () => {
      const total = (await get(`${api}/products/count.json?status=active,draft,archived`)).body.count;
      expect(total).toBe(37);
      const { pages, links } = await walk(`${api}/products.json?limit=5&status=active,draft,archived`, 'products');
      const ids = pages.flat().map((p) => p.id);
      expect(ids).toHaveLength(37);
      expect(new Set(ids).size).toBe(37);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 5, 5, 5, 2]);
      expect(Object.keys(links[0] ?? {})).toEqual(['next']);
      expect(Object.keys(links[3] ?? {})).toEqual(['previous', 'next']);
      expect(Object.keys(links.at(-1) ?? {})).toEqual(['previous']);
    });

    it('rel="previous" returns the page before, exactly', async () => {
      const first = await get(`${api}/products.json?limit=4&status=active,draft,archived`);
      const second = await get(parseLink(first.headers.get('link')).next as string);
      const back = await get(parseLink(second.headers.get('link')).previous as string);
      expect(back.body.products.map((p: any) => p.id)).toEqual(first.body.products.map((p: any) => p.id));
      expect(Object.keys(parseLink(back.headers.get('link')))).toEqual(['next']);
    });

    it('has no Link header when everything fits in one page', async () => {
      const res = await get(`${api}/products.json?limit=250&status=active,draft,archived`);
      expect(res.body.products).toHaveLength(37);
      expect(res.headers.get('link')).toBeNull();
    });

    it('keeps the first request filters on later pages', async () => {
      const vendor = (await get(`${api}/products.json?limit=1`)).body.products[0].vendor as string;
      const expected = (await get(`${api}/products/count.json?vendor=${encodeURIComponent(vendor)}`)).body.count;
      const { pages } = await walk(`${api}/products.json?limit=2&vendor=${encodeURIComponent(vendor)}`, 'products');
      const all = pages.flat();
      expect(all).toHaveLength(expected);
      expect(all.every((p) => p.vendor === vendor && p.status === 'active')).toBe(true);
    });

    it('refuses filters other than limit and fields next to page_info, and unreadable page_info', async () => {
      const first = await get(`${api}/products.json?limit=3`);
      const next = parseLink(first.headers.get('link')).next as string;
      expect((await get(`${next}&fields=id,title`)).status).toBe(200);
      const mixed = await get(`${next}&vendor=x`);
      expect(mixed.status).toBe(400);
      expect(mixed.body.errors).toHaveProperty('page_info');
      expect((await get(`${api}/products.json?page_info=garbage`)).body).toEqual({ errors: { page_info: 'Invalid value.' } });
      expect((await get(`${api}/products.json?page=2`)).status).toBe(400);
    });

    it('pages orders and customers the same way and counts agree with the lists', async () => {
      for (const [path, root, query] of [
        ['orders', 'orders', 'status=any'],
        ['customers', 'customers', ''],
      ] as const) {
        const count = (await get(`${api}/${path}/count.json?${query}`)).body.count;
        const { pages } = await walk(`${api}/${path}.json?limit=7&${query}`, root);
        expect(pages.flat()).toHaveLength(count);
        expect(count).toBeGreaterThan(0);
      }
    });
  });

  describe('reads', () => {
    it('gets a product, its variants and a variant by id; fields keeps only the named keys in order', async () => {
      const listed = (await get(`${api}/products.json?limit=1`)).body.products[0];
      const one = await get(`${api}/products/${listed.id}.json`);
      expect(one.body.product).toEqual(listed);
      const variant = listed.variants[0];
      expect((await get(`${api}/variants/${variant.id}.json`)).body.variant).toEqual(variant);
      expect((await get(`${api}/products/${listed.id}/variants.json`)).body.variants).toEqual(listed.variants);
      const picked = await get(`${api}/products/${listed.id}.json?fields=title,id,nope`);
      expect(Object.keys(picked.body.product)).toEqual(['id', 'title']);
    });

    it('answers unknown ids and paths with {"errors":"Not Found"}', async () => {
      for (const path of ['products/1.json', 'products/8100999999.json', 'orders/5500999999.json', 'customers/123.json', 'nothing.json']) {
        const res = await get(`${api}/${path}`);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ errors: 'Not Found' });
      }
    });

    it('renders money as 2-decimal strings and timestamps with the shop offset', async () => {
      const order = (await get(`${api}/orders.json?status=any&limit=1`)).body.orders[0];
      for (const key of ['total_price', 'subtotal_price', 'total_tax', 'total_discounts']) expect(order[key]).toMatch(/^\d+\.\d{2}$/);
      expect(order.total_price_set.shop_money).toEqual({ amount: order.total_price, currency_code: 'USD' });
      expect(order.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00$/);
      const sum = order.line_items.reduce((s: number, l: any) => s + Number(l.price) * l.quantity, 0);
      expect(Number(order.total_line_items_price)).toBeCloseTo(sum, 2);
    });

    it('lists open orders by default; status=any adds closed and cancelled ones', async () => {
      const open = (await get(`${api}/orders/count.json`)).body.count;
      const any = (await get(`${api}/orders/count.json?status=any`)).body.count;
      const cancelled = (await get(`${api}/orders.json?status=cancelled&limit=250`)).body.orders;
      expect(any).toBe(60);
      expect(open).toBeLessThan(any);
      expect(cancelled.length).toBeGreaterThan(0);
      expect(cancelled.every((o: any) => o.cancelled_at !== null)).toBe(true);
      const all = (await get(`${api}/orders.json?status=any&limit=250`)).body.orders;
      const financial = new Set(all.map((o: any) => o.financial_status));
      for (const s of ['pending', 'authorized', 'partially_paid', 'paid', 'partially_refunded', 'refunded', 'voided']) {
        expect(financial).toContain(s);
      }
    });

    it('hides orders older than 60 days from a token without read_all_orders', async () => {
      const recent = await get(`${api}/orders.json?status=any&limit=250`, 'shpat_recent_orders');
      const cutoff = clock.now() - 60 * DAY;
      expect(recent.body.orders.length).toBeGreaterThan(0);
      expect(recent.body.orders.length).toBeLessThan(60);
      expect(recent.body.orders.every((o: any) => Date.parse(o.created_at) >= cutoff)).toBe(true);
      const oldest = (await get(`${api}/orders.json?status=any&limit=1`)).body.orders[0];
      expect((await get(`${api}/orders/${oldest.id}.json`, 'shpat_recent_orders')).status).toBe(404);
    });

    it('filters customers by ids and created_at_min', async () => {
      const all = (await get(`${api}/customers.json?limit=250`)).body.customers;
      const picked = [all[2].id, all[5].id];
      const byIds = (await get(`${api}/customers.json?ids=${picked.join(',')}`)).body.customers;
      expect(byIds.map((c: any) => c.id)).toEqual(picked);
      const since = all[10].created_at as string;
      const after = (await get(`${api}/customers.json?limit=250&created_at_min=${encodeURIComponent(since)}`)).body.customers;
      expect(after[0].id).toBe(all[10].id);
      expect(after).toHaveLength(all.length - 10);
    });

    it('lists custom and smart collections with their filters, and products by collection', async () => {
      const custom = (await get(`${api}/custom_collections.json`)).body.custom_collections;
      expect(custom).toHaveLength(5);
      const published = (await get(`${api}/custom_collections/count.json?published_status=published`)).body.count;
      expect(published).toBe(custom.filter((c: any) => c.published_at !== null).length);
      const later = new Date(Date.parse(custom[0].updated_at) + 1000).toISOString();
      const updated = (await get(`${api}/custom_collections.json?updated_at_min=${later}`)).body.custom_collections;
      expect(updated.every((c: any) => Date.parse(c.updated_at) >= Date.parse(later))).toBe(true);
      const inFirst = (await get(`${api}/products/count.json?collection_id=${custom[0].id}&status=active,draft,archived`)).body.count;
      expect(inFirst).toBe(custom[0].products_count);
      const collects = (await get(`${api}/collects/count.json?collection_id=${custom[0].id}`)).body.count;
      expect(collects).toBe(custom[0].products_count);
      const smart = (await get(`${api}/smart_collections.json`)).body.smart_collections[0];
      const byType = (await get(`${api}/products.json?limit=250&collection_id=${smart.id}&status=active,draft,archived`)).body.products;
      expect(byType.length).toBe(smart.products_count);
      expect(byType.every((p: any) => p.product_type === smart.rules[0].condition)).toBe(true);
    });

    it('falls forward to the oldest supported version and echoes newer ones', async () => {
      const old = await get(`${sim.url}/admin/api/2022-01/shop.json`);
      expect(old.headers.get('x-shopify-api-version')).toBe('2024-04');
      const newer = await get(`${sim.url}/admin/api/2025-01/shop.json`);
      expect(newer.headers.get('x-shopify-api-version')).toBe('2025-01');
      expect(newer.body.shop.myshopify_domain).toMatch(/\.myshopify\.com$/);
    });
  });

  describe('authentication', () => {
    const invalid = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };

    it('answers a missing or unknown token with 401 and the exact body', async () => {
      const missing = await get(`${api}/products.json`, null);
      expect(missing.status).toBe(401);
      expect(missing.body).toEqual(invalid);
      const wrong = await get(`${api}/products.json`, 'shpat_wrong');
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual(invalid);
    });

    it('answers a valid token without the scope with 403', async () => {
      const res = await get(`${api}/products.json`, 'shpat_orders_only');
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ errors: 'User does not have access' });
      expect((await get(`${api}/orders.json`, 'shpat_orders_only')).status).toBe(200);
      // write_products implies read_products.
      expect((await get(`${api}/products.json`, 'shpat_recent_orders')).status).toBe(200);
    });
  });

  describe('writes', () => {
    it('updates a variant price; the change shows on re-read and bumps updated_at on variant and product', async () => {
      clock.advance(60_000);
      const product = (await get(`${api}/products.json?limit=1`)).body.products[0];
      const variant = product.variants[0];
      const res = await put(`${api}/variants/${variant.id}.json`, { variant: { id: variant.id, price: '12.34', compare_at_price: 15 } });
      expect(res.status).toBe(200);
      expect(res.body.variant.price).toBe('12.34');
      expect(res.body.variant.compare_at_price).toBe('15.00');
      const again = (await get(`${api}/products/${product.id}.json`)).body.product;
      expect(again.variants[0].price).toBe('12.34');
      expect(Date.parse(again.updated_at)).toBeGreaterThan(Date.parse(product.updated_at));
      expect(Date.parse(again.variants[0].updated_at)).toBeGreaterThan(Date.parse(variant.updated_at));
    });

    it('finds exactly the written products with updated_at_min after the write', async () => {
      clock.advance(3_600_000);
      const mark = new Date(clock.now()).toISOString();
      const before = (await get(`${api}/products/count.json?updated_at_min=${mark}`)).body.count;
      expect(before).toBe(0);
      const products = (await get(`${api}/products.json?limit=3`)).body.products;
      await put(`${api}/products/${products[2].id}.json`, { product: { id: products[2].id, title: 'Renamed Mug' } });
      const after = (await get(`${api}/products.json?updated_at_min=${mark}`)).body.products;
      expect(after.map((p: any) => p.id)).toEqual([products[2].id]);
      expect(after[0].title).toBe('Renamed Mug');
    });

    it('sets stock through inventory_levels/set and shows it as inventory_quantity', async () => {
      clock.advance(60_000);
      const variant = (await get(`${api}/products.json?limit=1`)).body.products[0].variants[0];
      const location = (await get(`${api}/locations.json`)).body.locations[0];
      const set = await post(`${api}/inventory_levels/set.json`, { location_id: location.id, inventory_item_id: variant.inventory_item_id, available: 42 });
      expect(set.status).toBe(200);
      expect(set.body.inventory_level).toMatchObject({ available: 42, location_id: location.id, inventory_item_id: variant.inventory_item_id });
      const adjust = await post(`${api}/inventory_levels/adjust.json`, { location_id: location.id, inventory_item_id: variant.inventory_item_id, available_adjustment: -2 });
      expect(adjust.body.inventory_level.available).toBe(40);
      const after = (await get(`${api}/variants/${variant.id}.json`)).body.variant;
      expect(after.inventory_quantity).toBe(40);
      expect(Date.parse(after.updated_at)).toBeGreaterThan(Date.parse(variant.updated_at));
      const levels = await get(`${api}/inventory_levels.json?inventory_item_ids=${variant.inventory_item_id}`);
      expect(levels.body.inventory_levels).toEqual([expect.objectContaining({ available: 40 })]);
    });

    it('rejects invalid values with 422 and a missing root key with 400, changing nothing', async () => {
      const product = (await get(`${api}/products.json?limit=1`)).body.products[0];
      const variant = product.variants[0];
      const bad = await put(`${api}/variants/${variant.id}.json`, { variant: { price: 'abc' } });
      expect(bad.status).toBe(422);
      expect(bad.body).toEqual({ errors: { price: ['is not a number'] } });
      const negative = await put(`${api}/variants/${variant.id}.json`, { variant: { price: -1, sku: 'CHANGED' } });
      expect(negative.body).toEqual({ errors: { price: ['must be greater than or equal to 0'] } });
      const blank = await put(`${api}/products/${product.id}.json`, { product: { title: '' } });
      expect(blank.status).toBe(422);
      expect(blank.body).toEqual({ errors: { title: ["can't be blank"] } });
      const status = await put(`${api}/products/${product.id}.json`, { product: { status: 'sold' } });
      expect(status.body).toEqual({ errors: { status: ['is not included in the list'] } });
      const unwrapped = await put(`${api}/products/${product.id}.json`, { title: 'x' });
      expect(unwrapped.status).toBe(400);
      expect(unwrapped.body).toEqual({ errors: { product: 'Required parameter missing or invalid' } });
      const after = (await get(`${api}/products/${product.id}.json`)).body.product;
      expect(after.variants[0].sku).toBe(variant.sku);
      expect(after.updated_at).toBe(product.updated_at);
    });

    it('needs write_products to write', async () => {
      const product = (await get(`${api}/products.json?limit=1`)).body.products[0];
      const res = await put(`${api}/products/${product.id}.json`, { product: { title: 'x' } }, 'shpat_orders_only');
      expect(res.status).toBe(403);
    });
  });
});

describe('Shopify simulator rate limit (leaky bucket)', () => {
  it('allows a burst of 40, then 429 with Retry-After, and leaks 2 per second', async () => {
    const clock = createManualClock(DEFAULT_PERIOD_END);
    const sim = await startShopifySimulator({ seed: 2, sizes: { products: 3, orders: 3, customers: 3 }, clock });
    try {
      const url = `${sim.adminUrl()}/shop.json`;
      const seen: string[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await get(url);
        expect(res.status).toBe(200);
        seen.push(res.headers.get('x-shopify-shop-api-call-limit') as string);
      }
      expect(seen[0]).toBe('1/40');
      expect(seen[39]).toBe('40/40');
      const limited = await get(url);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('2.0');
      expect(limited.headers.get('x-shopify-shop-api-call-limit')).toBe('40/40');
      expect(limited.body).toEqual({
        errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
      });
      clock.advance(1_000);
      expect((await get(url)).headers.get('x-shopify-shop-api-call-limit')).toBe('39/40');
      expect((await get(url)).headers.get('x-shopify-shop-api-call-limit')).toBe('40/40');
      expect((await get(url)).status).toBe(429);
      // 10 s leak 20 of the 40; this request adds one.
      clock.advance(10_000);
      expect((await get(url)).headers.get('x-shopify-shop-api-call-limit')).toBe('21/40');
    } finally {
      await sim.close();
    }
  });

  it('keeps one bucket per token and applies a plan preset', async () => {
    const clock = createManualClock(DEFAULT_PERIOD_END);
    const sim = await startShopifySimulator({
      seed: 2,
      sizes: { products: 2, orders: 2, customers: 2 },
      clock,
      rateLimit: { bucketSize: 3, leakPerSecond: 1 },
      credentials: [{ accessToken: 'a' }, { accessToken: 'b' }],
    });
    try {
      const url = `${sim.adminUrl()}/shop.json`;
      for (let i = 0; i < 3; i++) expect((await get(url, 'a')).status).toBe(200);
      expect((await get(url, 'a')).status).toBe(429);
      const other = await get(url, 'b');
      expect(other.status).toBe(200);
      expect(other.headers.get('x-shopify-shop-api-call-limit')).toBe('1/3');
    } finally {
      await sim.close();
    }
  });
});

describe('Shopify simulator faults and determinism', () => {
  it('injects 5xx, resets and latency, and can change them at runtime', async () => {
    const waits: number[] = [];
    const sim = await startShopifySimulator({
      seed: 5,
      sizes: { products: 2, orders: 2, customers: 2 },
      rateLimit: false,
      faults: { errorRate: 1 },
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    try {
      const url = `${sim.adminUrl()}/shop.json`;
      const failed = await get(url);
      expect(failed.status).toBe(500);
      expect(failed.body).toEqual({ errors: 'An unexpected error occurred' });
      sim.faults.set({ latencyMs: 250 });
      expect((await get(url)).status).toBe(200);
      expect(waits).toEqual([250]);
      sim.faults.enqueue({ kind: 'reset' }, { kind: 'error', status: 503 });
      await expect(fetch(url, { headers: { 'X-Shopify-Access-Token': sim.token } })).rejects.toThrow();
      expect((await get(url)).status).toBe(503);
      sim.faults.clear();
      expect((await get(url)).status).toBe(200);
      expect(sim.faults.stats).toEqual({ errors: 2, resets: 1, delayed: 3 });
    } finally {
      await sim.close();
    }
  });

  it('serves the same data for the same seed and different data for another', async () => {
    const sizes = { products: 15, orders: 20, customers: 10 };
    const [a, b, c] = await Promise.all([
      startShopifySimulator({ seed: 9, sizes, rateLimit: false }),
      startShopifySimulator({ seed: 9, sizes, rateLimit: false }),
      startShopifySimulator({ seed: 10, sizes, rateLimit: false }),
    ]);
    try {
      for (const path of ['products.json?status=active,draft,archived', 'orders.json?status=any', 'customers.json', 'custom_collections.json']) {
        const [x, y, z] = await Promise.all([a, b, c].map((s) => get(`${s.adminUrl()}/${path}&limit=250`.replace('.json&', '.json?'))));
        expect(y?.body).toEqual(x?.body);
        expect(z?.body).not.toEqual(x?.body);
      }
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('syncs a 10,000-product catalog to the end', async () => {
    const sim = await startShopifySimulator({ seed: 4, sizes: { products: 10_000, orders: 10, customers: 10 }, rateLimit: false, productStatusDefault: 'any' });
    try {
      const count = (await get(`${sim.adminUrl()}/products/count.json`)).body.count;
      const { pages } = await walk(`${sim.adminUrl()}/products.json?limit=250&fields=id,updated_at`, 'products', 100);
      expect(count).toBe(10_000);
      expect(pages).toHaveLength(40);
      expect(new Set(pages.flat().map((p) => p.id)).size).toBe(10_000);
    } finally {
      await sim.close();
    }
  });
});
