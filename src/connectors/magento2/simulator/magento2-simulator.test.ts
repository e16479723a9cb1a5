import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../simulator-kit/clock.js';
import { DEFAULT_PERIOD_END } from '../../simulator-kit/dataset.js';
import { MAGENTO2_SIMULATOR_ADMIN, MAGENTO2_SIMULATOR_TOKEN, startMagento2Simulator, type Magento2Simulator } from './index.js';

const DAY = 86_400_000;

interface Got {
  status: number;
  headers: Headers;
  body: any;
}

async function call(url: string, init: RequestInit & { token?: string | null } = {}): Promise<Got> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  const token = init.token === undefined ? MAGENTO2_SIMULATOR_TOKEN : init.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : json ? JSON.parse(text) : text };
}

function send(method: 'PUT' | 'POST', url: string, body: unknown, token?: string | null): Promise<Got> {
  return call(url, { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' }, token });
}

/** `searchCriteria[filterGroups][g][filters][f][…]` for groups of [field, value, condition]. */
function criteria(groups: Array<Array<[string, string, string?]>>, extra: Record<string, string | number> = {}): string {
  const q = new URLSearchParams();
  groups.forEach((g, i) =>
    g.forEach(([field, value, condition], j) => {
      q.set(`searchCriteria[filterGroups][${i}][filters][${j}][field]`, field);
      q.set(`searchCriteria[filterGroups][${i}][filters][${j}][value]`, value);
      if (condition) q.set(`searchCriteria[filterGroups][${i}][filters][${j}][conditionType]`, condition);
    }),
  );
  for (const [k, v] of Object.entries(extra)) q.set(`searchCriteria[${k}]`, String(v));
  if (groups.length === 0 && Object.keys(extra).length === 0) q.set('searchCriteria', '');
  return q.toString();
}

/** Page with pageSize until current_page * page_size >= total_count (the §3.1 connector rule). */
async function walk(url: string, pageSize: number, extra = ''): Promise<{ items: any[]; pages: any[] }> {
  const pages: any[] = [];
  for (let page = 1; page <= 500; page++) {
    const res = await call(`${url}?searchCriteria[pageSize]=${pageSize}&searchCriteria[currentPage]=${page}${extra}`);
    expect(res.status).toBe(200);
    pages.push(res.body);
    if (page * pageSize >= res.body.total_count) break;
  }
  return { items: pages.flatMap((p) => p.items), pages };
}

describe('Magento 2 simulator', () => {
  const clock = createManualClock(DEFAULT_PERIOD_END + DAY);
  let sim: Magento2Simulator;
  let rest: string;

  beforeAll(async () => {
    sim = await startMagento2Simulator({ seed: 17, sizes: { products: 30, customers: 14, orders: 50, categories: 6 }, clock });
    rest = sim.restUrl('default');
  });
  afterAll(() => sim.close());

  describe('searchCriteria lists', () => {
    it('pages products to the end; total_count is constant and counts children and parents', async () => {
      const { items, pages } = await walk(`${rest}/V1/products`, 7);
      const total = pages[0].total_count;
      expect(items).toHaveLength(total);
      expect(new Set(items.map((p) => p.id)).size).toBe(total);
      expect(pages.every((p) => p.total_count === total)).toBe(true);
      expect(pages[1].search_criteria).toEqual({ filter_groups: [], page_size: 7, current_page: 2 });
      // Natural order: entity id ascending.
      expect(items.map((p) => p.id)).toEqual([...items.map((p) => p.id)].sort((a, b) => a - b));
      const types = new Set(items.map((p) => p.type_id));
      expect(types.has('configurable') && types.has('simple')).toBe(true);
    });

    it('returns everything without pageSize, and omits unsent keys from the echo', async () => {
      const all = await call(`${rest}/V1/orders?searchCriteria=`);
      expect(all.body.items).toHaveLength(50);
      expect(all.body.search_criteria).toEqual({ filter_groups: [] });
      expect(all.body.total_count).toBe(50);
    });

    it('answers a page past the end with items [] and the real total_count (2.4)', async () => {
      const past = await call(`${rest}/V1/customers/search?searchCriteria[pageSize]=5&searchCriteria[currentPage]=9`);
      expect(past.status).toBe(200);
      expect(past.body).toEqual({ items: [], search_criteria: { filter_groups: [], page_size: 5, current_page: 9 }, total_count: 14 });
      const zero = await call(`${rest}/V1/customers/search?searchCriteria[pageSize]=5&searchCriteria[currentPage]=0`);
      expect(zero.body.items.map((c: any) => c.id)).toEqual([1, 2, 3, 4, 5]);
    });

    it('total_count with pageSize=1 equals the walked length for every list', async () => {
      for (const path of ['products', 'orders', 'customers/search', 'categories/list', 'inventory/source-items']) {
        const head = await call(`${rest}/V1/${path}?searchCriteria[pageSize]=1`);
        const { items } = await walk(`${rest}/V1/${path}`, 11);
        expect(head.body.total_count, path).toBe(items.length);
      }
    });

    it('ORs filters inside a group and ANDs groups, with both key spellings and condition types', async () => {
      const all = (await call(`${rest}/V1/products?searchCriteria=`)).body.items;
      const configurable = all.filter((p: any) => p.type_id === 'configurable');
      const camel = await call(`${rest}/V1/products?${criteria([[['type_id', 'configurable']]])}`);
      expect(camel.body.total_count).toBe(configurable.length);
      expect(camel.body.search_criteria.filter_groups).toEqual([{ filters: [{ field: 'type_id', value: 'configurable', condition_type: 'eq' }] }]);
      const snake = await call(`${rest}/V1/products?searchCriteria[filter_groups][0][filters][0][field]=type_id&searchCriteria[filter_groups][0][filters][0][value]=configurable`);
      expect(snake.body.total_count).toBe(configurable.length);
      const [a, b] = all;
      const either = await call(`${rest}/V1/products?${criteria([[['sku', a.sku], ['sku', b.sku]]])}`);
      expect(either.body.items.map((p: any) => p.sku)).toEqual([a.sku, b.sku]);
      const both = await call(`${rest}/V1/products?${criteria([[['sku', a.sku]], [['type_id', 'configurable']]])}`);
      expect(both.body.total_count).toBe(a.type_id === 'configurable' ? 1 : 0);
      const inList = await call(`${rest}/V1/products?${criteria([[['entity_id', `${a.id},${b.id}`, 'in']]])}`);
      expect(inList.body.total_count).toBe(2);
      const like = await call(`${rest}/V1/products?${criteria([[['sku', `${a.sku.slice(0, 6)}%`, 'like']]])}`);
      expect(like.body.items.every((p: any) => p.sku.startsWith(a.sku.slice(0, 6)))).toBe(true);
      const category = configurable[0].extension_attributes.category_links[0].category_id;
      const inCategory = await call(`${rest}/V1/products?${criteria([[['category_id', category]]])}`);
      expect(inCategory.body.items.every((p: any) => p.extension_attributes.category_links.some((l: any) => l.category_id === category))).toBe(true);
    });

    it('sorts by sortOrders and rejects a bad direction', async () => {
      const desc = await call(`${rest}/V1/orders?searchCriteria[sortOrders][0][field]=created_at&searchCriteria[sortOrders][0][direction]=DESC&searchCriteria[pageSize]=5`);
      const dates = desc.body.items.map((o: any) => o.created_at);
      expect([...dates].sort().reverse()).toEqual(dates);
      expect(desc.body.search_criteria.sort_orders).toEqual([{ field: 'created_at', direction: 'DESC' }]);
      const bad = await call(`${rest}/V1/orders?searchCriteria[sortOrders][0][field]=created_at&searchCriteria[sortOrders][0][direction]=up`);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ message: 'The sort order has to be specified as %1 for ascending order or %2 for descending order.', parameters: ['ASC', 'DESC'] });
    });

    it('requires searchCriteria and answers unknown fields as Magento does', async () => {
      const missing = await call(`${rest}/V1/products`);
      expect(missing).toMatchObject({ status: 400, body: { message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'searchCriteria' } } });
      const eav = await call(`${rest}/V1/products?${criteria([[['nope', '1']]])}`);
      expect(eav).toMatchObject({ status: 400, body: { message: 'Invalid attribute name: %1', parameters: ['nope'] } });
      const flat = await call(`${rest}/V1/orders?${criteria([[['nope', '1']]])}`);
      expect(flat.status).toBe(500);
      expect(flat.body.message).toMatch(/^Internal Error\. Details are available in Magento log file\. Report ID: webapi-[0-9a-f]+$/);
      const notInt = await call(`${rest}/V1/orders?searchCriteria[pageSize]=ten`);
      expect(notInt.body).toEqual({ message: 'The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.', parameters: { value: 'ten', type: 'int' } });
    });

    it('trims responses with fields=', async () => {
      const res = await call(`${rest}/V1/products?searchCriteria[pageSize]=2&fields=items[sku,price],total_count`);
      expect(Object.keys(res.body)).toEqual(['items', 'total_count']);
      expect(Object.keys(res.body.items[0])).toEqual(['sku', 'price']);
    });
  });

  describe('reads, shapes and errors', () => {
    it('gets products by SKU; stock_item only on the single GET; configurable links resolve to children', async () => {
      const list = (await call(`${rest}/V1/products?searchCriteria=`)).body.items;
      const parent = list.find((p: any) => p.type_id === 'configurable');
      expect(parent.extension_attributes.stock_item).toBeUndefined();
      const one = (await call(`${rest}/V1/products/${encodeURIComponent(parent.sku)}`)).body;
      expect(one.extension_attributes.stock_item).toMatchObject({ item_id: parent.id, stock_id: 1 });
      const { stock_item: _stock, ...withoutStock } = one.extension_attributes;
      expect({ ...one, extension_attributes: withoutStock }).toEqual(parent);
      const children = (await call(`${rest}/V1/configurable-products/${parent.sku}/children`)).body;
      expect(children.map((c: any) => c.id)).toEqual(parent.extension_attributes.configurable_product_links);
      expect(children.every((c: any) => c.visibility === 1 && c.type_id === 'simple' && typeof c.price === 'number')).toBe(true);
      const option = parent.extension_attributes.configurable_product_options[0];
      const code = { 93: 'color', 144: 'size', 145: 'material' }[Number(option.attribute_id) as 93 | 144 | 145];
      const values = children.map((c: any) => Number(c.custom_attributes.find((a: any) => a.attribute_code === code).value));
      expect(values.every((v: number) => option.values.some((x: any) => x.value_index === v))).toBe(true);
      const categoryIds = one.custom_attributes.find((a: any) => a.attribute_code === 'category_ids').value;
      expect(categoryIds.every((v: unknown) => typeof v === 'string')).toBe(true);
    });

    it('renders money as numbers, UTC dates without a zone, and configurable order lines twice', async () => {
      const orders = (await call(`${rest}/V1/orders?searchCriteria=`)).body.items;
      const o = orders.find((x: any) => x.items.some((i: any) => i.parent_item_id !== undefined));
      expect(typeof o.grand_total).toBe('number');
      expect(o.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(o.increment_id).toMatch(/^\d{9}$/);
      const childLine = o.items.find((i: any) => i.parent_item_id !== undefined);
      expect(childLine).toMatchObject({ price: 0, product_type: 'simple' });
      expect(o.items.find((i: any) => i.item_id === childLine.parent_item_id).product_type).toBe('configurable');
      expect(orders.some((x: any) => x.customer_is_guest === 1 && !('customer_id' in x))).toBe(true);
      const shipped = orders.find((x: any) => x.is_virtual === 0);
      expect(shipped.extension_attributes.shipping_assignments[0].shipping.address.address_type).toBe('shipping');
      expect((await call(`${rest}/V1/orders/${o.entity_id}`)).body).toEqual(o);
      const customer = (await call(`${rest}/V1/customers/search?searchCriteria[pageSize]=1`)).body.items[0];
      expect((await call(`${rest}/V1/customers/${customer.id}`)).body).toEqual(customer);
      expect(typeof customer.default_billing).toBe('string');
    });

    it('serves the category tree (rooted at 2, depth), the flat list and single categories', async () => {
      const tree = (await call(`${rest}/V1/categories`)).body;
      expect(tree).toMatchObject({ id: 2, parent_id: 1, name: 'Default Category', level: 1 });
      const shallow = (await call(`${rest}/V1/categories?rootCategoryId=1&depth=1`)).body;
      expect(shallow.children_data.map((c: any) => c.id)).toEqual([2]);
      expect(shallow.children_data[0].children_data).toEqual([]);
      const list = (await call(`${rest}/V1/categories/list?searchCriteria=`)).body;
      expect(list.total_count).toBe(8);
      const third = list.items[3];
      expect((await call(`${rest}/V1/categories/${third.id}`)).body).toEqual(third);
      expect(typeof third.children).toBe('string');
    });

    it('answers missing entities, unknown routes and unknown store codes with Magento bodies', async () => {
      const cases: Array<[string, number, object]> = [
        ['V1/products/NOPE', 404, { message: "The product that was requested doesn't exist. Verify the product and try again." }],
        ['V1/orders/99999', 404, { message: "The entity that was requested doesn't exist. Verify the entity and try again." }],
        ['V1/customers/99999', 404, { message: 'No such entity with %fieldName = %fieldValue', parameters: { fieldName: 'customerId', fieldValue: 99999 } }],
        ['V1/categories/99999', 404, { message: 'No such entity with %fieldName = %fieldValue', parameters: { fieldName: 'id', fieldValue: 99999 } }],
        ['V1/stockItems/NOPE', 404, { message: "The product that was requested doesn't exist. Verify the product and try again." }],
        ['V1/nothing', 404, { message: 'Request does not match any route.' }],
      ];
      for (const [path, status, body] of cases) {
        const res = await call(`${rest}/${path}`);
        expect(res.status, path).toBe(status);
        expect(res.body).toEqual(body);
      }
      expect((await call(`${sim.restUrl('nostore')}/V1/products?searchCriteria=`)).body).toEqual({ message: 'Request does not match any route.' });
      expect((await call(`${sim.restUrl()}/V1/products?searchCriteria[pageSize]=1`)).status).toBe(200);
      expect((await call(`${sim.restUrl('all')}/V1/products?searchCriteria[pageSize]=1`)).status).toBe(200);
    });

    it('serves store configuration, views, websites and groups', async () => {
      const configs = (await call(`${rest}/V1/store/storeConfigs`)).body;
      expect(configs[0]).toMatchObject({ code: 'default', base_currency_code: 'USD', timezone: 'America/Los_Angeles' });
      expect((await call(`${rest}/V1/store/storeViews`)).body.map((s: any) => s.code)).toEqual(['admin', 'default']);
      expect((await call(`${rest}/V1/store/storeGroups`)).body[1].root_category_id).toBe(2);
    });
  });

  describe('authentication', () => {
    const unauthorized = (resources: string): object => ({ message: "The consumer isn't authorized to access %resources.", parameters: { resources } });
    const signInFailed = { message: 'The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.' };

    it('answers 401 with the route ACL resource for guests and unknown tokens', async () => {
      expect(await call(`${rest}/V1/products?searchCriteria=`, { token: null })).toMatchObject({ status: 401, body: unauthorized('Magento_Catalog::products') });
      expect((await call(`${rest}/V1/orders?searchCriteria=`, { token: 'wrong' })).body).toEqual(unauthorized('Magento_Sales::actions_view'));
      expect((await call(`${rest}/V1/stockItems/X`, { token: null })).body).toEqual(unauthorized('Magento_CatalogInventory::cataloginventory'));
    });

    it('issues admin tokens as bare JSON strings that expire after 4 hours', async () => {
      const issued = await send('POST', `${rest}/V1/integration/admin/token`, MAGENTO2_SIMULATOR_ADMIN, null);
      expect(issued.status).toBe(200);
      expect(typeof issued.body).toBe('string');
      expect(issued.body.split('.')).toHaveLength(3);
      expect((await call(`${rest}/V1/products?searchCriteria[pageSize]=1`, { token: issued.body })).status).toBe(200);
      clock.advance(4 * 3_600_000);
      expect((await call(`${rest}/V1/products?searchCriteria[pageSize]=1`, { token: issued.body })).body).toEqual(unauthorized('Magento_Catalog::products'));
    });

    it('refuses bad credentials and locks the account after six failures for 30 minutes', async () => {
      const tokenUrl = `${sim.restUrl()}/V1/integration/admin/token`;
      const wrong = { username: 'admin', password: 'nope' };
      for (let i = 0; i < 6; i++) expect(await send('POST', tokenUrl, wrong, null)).toMatchObject({ status: 401, body: signInFailed });
      expect((await send('POST', tokenUrl, MAGENTO2_SIMULATOR_ADMIN, null)).body).toEqual(signInFailed);
      clock.advance(1_800_000);
      expect((await send('POST', tokenUrl, MAGENTO2_SIMULATOR_ADMIN, null)).status).toBe(200);
      const empty = await send('POST', tokenUrl, { username: 'admin' }, null);
      expect(empty.status).toBe(400);
      expect(empty.body.errors).toEqual([{ message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'password' } }]);
    });
  });

  describe('writes', () => {
    it('saves price, special price and stock of a simple product; updated_at moves; re-read shows them', async () => {
      clock.advance(60_000);
      const simple = (await call(`${rest}/V1/products?${criteria([[['type_id', 'simple']], [['visibility', '4']]], { pageSize: 1 })}`)).body.items[0];
      const url = `${rest}/V1/products/${encodeURIComponent(simple.sku)}`;
      const res = await send('PUT', url, {
        product: { price: 24.5, custom_attributes: [{ attribute_code: 'special_price', value: '19.99' }], extension_attributes: { stock_item: { qty: 12, is_in_stock: true } } },
      });
      expect(res.status).toBe(200);
      expect(res.body.price).toBe(24.5);
      expect(res.body.custom_attributes).toContainEqual({ attribute_code: 'special_price', value: '19.990000' });
      expect(res.body.extension_attributes.stock_item).toMatchObject({ qty: 12, is_in_stock: true });
      const again = (await call(url)).body;
      expect(again.price).toBe(24.5);
      expect(again.updated_at > simple.updated_at).toBe(true);
    });

    it('rejects a wrong type with 400 and changes nothing', async () => {
      const simple = (await call(`${rest}/V1/products?${criteria([[['type_id', 'simple']]], { pageSize: 1 })}`)).body.items[0];
      const url = `${rest}/V1/products/${encodeURIComponent(simple.sku)}`;
      const before = (await call(url)).body;
      const bad = await send('PUT', url, { product: { price: 'abc', status: 1 } });
      expect(bad).toMatchObject({ status: 400, body: { message: 'The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.', parameters: { value: 'abc', type: 'float' } } });
      const noProduct = await send('PUT', url, { price: 1 });
      expect(noProduct.body).toEqual({ message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'product' } });
      const badStock = await send('PUT', `${url}/stockItems/${simple.id}`, { stockItem: { qty: 'lots' } });
      expect(badStock.status).toBe(400);
      expect((await call(url)).body).toEqual(before);
    });

    it('updates stock through stockItems and source-items without touching updated_at (default)', async () => {
      const child = (await call(`${rest}/V1/products?${criteria([[['visibility', '1']]], { pageSize: 1 })}`)).body.items[0];
      const sku = encodeURIComponent(child.sku);
      const id = await send('PUT', `${rest}/V1/products/${sku}/stockItems/${child.id}`, { stockItem: { qty: 3, is_in_stock: true } });
      expect(id.body).toBe(child.id);
      expect((await call(`${rest}/V1/stockItems/${sku}`)).body).toMatchObject({ qty: 3, is_in_stock: true });
      const saved = await send('POST', `${rest}/V1/inventory/source-items`, { sourceItems: [{ sku: child.sku, source_code: 'default', quantity: 0, status: 0 }] });
      expect(saved).toMatchObject({ status: 200, body: [] });
      const source = (await call(`${rest}/V1/inventory/source-items?${criteria([[['sku', child.sku]]])}`)).body.items;
      expect(source).toEqual([{ sku: child.sku, source_code: 'default', quantity: 0, status: 0 }]);
      expect((await call(`${rest}/V1/products/${sku}`)).body.updated_at).toBe(child.updated_at);
      const invalid = await send('POST', `${rest}/V1/inventory/source-items`, { sourceItems: [{ sku: '', source_code: 'default', quantity: 1, status: 1 }] });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toEqual({ message: 'Validation Failed', errors: [{ message: '"%field" can not be empty.', parameters: { field: 'sku' } }] });
      expect((await call(`${rest}/V1/inventory/get-product-salable-quantity/${sku}/1`)).body).toBe(0);
    });

    it('finds saved products with an updated_at gteq filter', async () => {
      const at = Date.UTC(2025, 6, 2, 10);
      clock.set(at);
      const [a, b] = (await call(`${rest}/V1/products?searchCriteria[pageSize]=2`)).body.items;
      await send('PUT', `${rest}/V1/products/${encodeURIComponent(a.sku)}`, { product: { price: 11 } });
      clock.set(at + 3_600_000);
      await send('PUT', `${rest}/V1/products/${encodeURIComponent(b.sku)}`, { product: { price: 12 } });
      const sort = 'searchCriteria[sortOrders][0][field]=updated_at&searchCriteria[sortOrders][0][direction]=ASC';
      const since = async (value: string): Promise<string[]> =>
        (await call(`${rest}/V1/products?${criteria([[['updated_at', value, 'gteq']]])}&${sort}`)).body.items.map((p: any) => p.sku);
      expect(await since('2025-07-02 10:00:00')).toEqual([a.sku, b.sku]);
      expect(await since('2025-07-02 10:00:01')).toEqual([b.sku]);
      expect(await since('2025-07-02T10:30:00Z')).toEqual([b.sku]);
    });
  });
});

describe('Magento 2 simulator options, limits and faults', () => {
  it('can return the last page again past the end (2.0–2.3) and bump updated_at on stock writes', async () => {
    const clock = createManualClock(DEFAULT_PERIOD_END);
    const sim = await startMagento2Simulator({ seed: 3, sizes: { products: 5, orders: 7, customers: 3 }, clock, legacyClampLastPage: true, stockWritesTouchProduct: true });
    try {
      const last = await call(`${sim.restUrl()}/V1/orders?searchCriteria[pageSize]=3&searchCriteria[currentPage]=3`);
      const past = await call(`${sim.restUrl()}/V1/orders?searchCriteria[pageSize]=3&searchCriteria[currentPage]=9`);
      expect(past.body.items).toEqual(last.body.items);
      expect(past.body.search_criteria.current_page).toBe(9);
      const p = (await call(`${sim.restUrl()}/V1/products?${criteria([[['type_id', 'simple']]], { pageSize: 1 })}`)).body.items[0];
      clock.advance(5_000);
      await send('PUT', `${sim.restUrl()}/V1/products/${encodeURIComponent(p.sku)}/stockItems/${p.id}`, { stockItem: { qty: 1 } });
      expect((await call(`${sim.restUrl()}/V1/products/${encodeURIComponent(p.sku)}`)).body.updated_at > p.updated_at).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('has no limit by default; the optional limiter answers 429 with Retry-After and refills on the injected clock', async () => {
    const clock = createManualClock(DEFAULT_PERIOD_END);
    const sim = await startMagento2Simulator({ seed: 3, sizes: { products: 2, orders: 1, customers: 1 }, clock, rateLimit: { quota: 2, windowMs: 5_000, retryAfterSeconds: 4 } });
    try {
      const url = `${sim.restUrl()}/V1/store/storeViews`;
      expect((await call(url)).status).toBe(200);
      expect((await call(url)).status).toBe(200);
      const limited = await call(url);
      expect(limited).toMatchObject({ status: 429, body: { message: 'Too Many Requests' } });
      expect(limited.headers.get('retry-after')).toBe('4');
      clock.advance(5_000);
      expect((await call(url)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('injects masked 500s, proxy 503 pages, resets and latency', async () => {
    const waits: number[] = [];
    const sim = await startMagento2Simulator({ seed: 3, sizes: { products: 2, orders: 1, customers: 1 }, sleep: async (ms) => void waits.push(ms) });
    try {
      sim.faults.enqueue({ kind: 'error', status: 500 }, { kind: 'error', status: 503 }, { kind: 'reset' }, { kind: 'latency', ms: 25 });
      const url = `${sim.restUrl()}/V1/store/storeViews`;
      const fatal = await call(url);
      expect(fatal.status).toBe(500);
      expect(fatal.body.message).toMatch(/^Internal Error\. Details are available in Magento log file\. Report ID: webapi-/);
      const unavailable = await call(url);
      expect(unavailable.status).toBe(503);
      expect(unavailable.body).toMatch(/^<html>/);
      await expect(fetch(url)).rejects.toThrow();
      expect((await call(url)).status).toBe(200);
      expect(waits).toEqual([25]);
    } finally {
      await sim.close();
    }
  });

  it('serves the same data for the same seed and different data for another', async () => {
    const sizes = { products: 12, orders: 15, customers: 8 };
    const sims = await Promise.all([9, 9, 10].map((seed) => startMagento2Simulator({ seed, sizes })));
    try {
      for (const path of ['V1/products?searchCriteria=', 'V1/orders?searchCriteria=', 'V1/customers/search?searchCriteria=', 'V1/categories']) {
        const bodies = await Promise.all(sims.map(async (s) => JSON.stringify((await call(`${s.restUrl()}/${path}`)).body)));
        expect(bodies[1]).toEqual(bodies[0]);
        expect(bodies[2]).not.toEqual(bodies[0]);
      }
    } finally {
      await Promise.all(sims.map((s) => s.close()));
    }
  });

  it('syncs a 10,000-product catalog (parents and children) to the end', async () => {
    const sim = await startMagento2Simulator({ seed: 4, sizes: { products: 10_000, orders: 10, customers: 10 } });
    try {
      const { items, pages } = await walk(`${sim.restUrl()}/V1/products`, 300, '&fields=items[id,sku,type_id,updated_at],total_count');
      const total = pages[0].total_count;
      expect(total).toBeGreaterThan(10_000);
      expect(new Set(items.map((p) => p.id)).size).toBe(total);
      expect(new Set(items.map((p) => p.type_id))).toEqual(new Set(['simple', 'virtual', 'configurable']));
    } finally {
      await sim.close();
    }
  });
});
