import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LimitSchema } from '../../pipeline/rate-limit/schema.js';
import { credentialStrategy } from '../../pipeline/upstream/credentials/strategies.js';
import { PRESETS } from '../../pipeline/upstream/shield/rate-headers.js';
import { ConnectorDefinitionSchema } from '../common/definition.js';
import { connectorContract, expectPlatformError, walk, type ContractHarness, type HarnessSession } from '../contract.js';
import { createManualClock } from '../simulator-kit/clock.js';
import { createStoreDataset } from '../simulator-kit/dataset.js';
import { createDirectClient, type DirectClient } from '../test-support/direct-client.js';
import { createWooCommerceConnector, wooCommerceErrorMessage } from './connector.js';
import { WOOCOMMERCE } from './definition.js';
import { mapOrder, mapProduct, ORDER_STATUS, priceAndSale, priceWrite } from './mapping.js';
import { fromWcId, startWooCommerceSimulator, toWcId, WOOCOMMERCE_SIMULATOR_KEY, WOOCOMMERCE_SIMULATOR_SECRET, type WooCommerceSimulator } from './simulator/index.js';
import { orderStatus } from './simulator/render-sales.js';

const SEED = 11;

type Session = Omit<HarnessSession, 'client'> & {
  sim: WooCommerceSimulator;
  client(o?: { credentials?: 'valid' | 'invalid' | 'wrong-secret'; pace?: boolean }): DirectClient;
};

async function startSession(
  sizes: { products: number; categories: number; customers: number; orders: number },
  rateLimit: 'off' | 'default' | 'tight',
  extra: { htmlHostErrors?: boolean } = {},
): Promise<Session> {
  // The OAuth timestamp is the wall clock's (the strategy signs with it), and the simulator
  // checks it against its own clock within ±15 minutes (§2.3): both start together.
  const clock = createManualClock(Date.now());
  const sim = await startWooCommerceSimulator({
    seed: SEED,
    sizes,
    clock,
    // WooCommerce core has no limit (§5); `default` runs behind the simulator's host limiter at
    // its defaults (25 per 10 s, the Store API's documented limit), stricter than any platform default.
    hostLimit: rateLimit === 'off' ? false : rateLimit === 'tight' ? { quota: 3, windowMs: 30_000 } : {},
    htmlHostErrors: extra.htmlHostErrors,
  });
  const { dataset } = sim.state;
  return {
    sim,
    client(o = {}) {
      // The pacer's waits move the manual clock past the wall clock the signatures carry.
      if (o.pace) sim.state.settings.oauthWindowSeconds = 365 * 86_400;
      return createDirectClient({
        baseUrl: sim.url,
        definition: WOOCOMMERCE,
        credentials: {
          consumer_key: o.credentials === 'invalid' ? `ck_${'0'.repeat(40)}` : WOOCOMMERCE_SIMULATOR_KEY,
          consumer_secret: o.credentials === 'wrong-secret' ? `cs_${'1'.repeat(40)}` : WOOCOMMERCE_SIMULATOR_SECRET,
        },
        pace: o.pace ? { now: () => clock.now(), sleep: async (ms) => clock.advance(ms) } : undefined,
      });
    },
    now: () => clock.now(),
    advance: (ms) => clock.advance(ms),
    touch(resource, id) {
      const n = fromWcId(resource === 'orders' ? 'order' : 'customer', Number(id)) ?? 0;
      const record = resource === 'orders' ? dataset.orderById.get(n) : dataset.customerById.get(n);
      if (!record) throw new Error(`no ${resource} ${id}`);
      record.updatedAt = sim.state.stamp();
    },
    failNext: (status) => sim.faults.enqueue({ kind: 'error', status }),
    truth: {
      products: dataset.products.length,
      // status=any (the default) leaves out checkout drafts and trash ([S] §7).
      orders: dataset.orders.filter((o) => orderStatus(sim.state, o) !== 'checkout-draft').length,
      customers: dataset.customers.length,
      categories: dataset.categories.length,
    },
    close: () => sim.close(),
  };
}

/** Variable products of the catalog the sync builds: options decide, categories and the rest do not. */
function variableProducts(n: number): number {
  return createStoreDataset({ seed: SEED, sizes: { products: n, categories: 0, customers: 0, orders: 0 } }).products.filter((p) => p.options.length > 0).length;
}

const harness: ContractHarness = {
  platform: 'woocommerce',
  connector: () => createWooCommerceConnector(),
  start: ({ sizes, rateLimit }) => startSession(sizes, rateLimit),
  // Three pages of at most 100 per 250 products, one variations call per variable product, the store currency.
  syncRequestBudget: (n) => Math.ceil(n / 250) * Math.ceil(250 / 100) + variableProducts(n) + 1,
};

connectorContract(harness);

describe('WooCommerce definition', () => {
  it('matches the definition schema', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(ConnectorDefinitionSchema, WOOCOMMERCE), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('maps onto the hmac (OAuth 1.0a) credential strategy and a shield budget under the Store API limit', () => {
    const strategy = credentialStrategy(WOOCOMMERCE.auth.strategy);
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(strategy?.settingsSchema ?? {}, WOOCOMMERCE.auth.settings), JSON.stringify(ajv.errors)).toBe(true);
    expect(strategy?.checkSettings?.(WOOCOMMERCE.auth.settings)).toBeUndefined();
    expect(strategy?.credentialFields(WOOCOMMERCE.auth.settings)).toEqual(WOOCOMMERCE.auth.credentialFields);
    expect(WOOCOMMERCE.connection.filter((f) => f.secret).map((f) => f.name)).toEqual(WOOCOMMERCE.auth.credentialFields);
    if (WOOCOMMERCE.rateLimit.model !== 'unpublished') throw new Error('no platform limit expected');
    for (const limit of WOOCOMMERCE.rateLimit.shield.limits) expect(ajv.validate(LimitSchema, limit)).toBe(true);
    for (const preset of WOOCOMMERCE.rateLimit.shield.learn) expect(Object.keys(PRESETS)).toContain(preset);
    // A token bucket admits at most burst + rate × 10 s in any 10 s: the Store API's 25 (§5).
    const [bucket] = WOOCOMMERCE.rateLimit.shield.limits as Array<{ rate: number; per: string; burst: number }>;
    expect(bucket?.per).toBe('1s');
    expect((bucket?.burst ?? 0) + (bucket?.rate ?? 0) * 10).toBeLessThanOrEqual(25);
  });
});

describe('WooCommerce mapping', () => {
  it('classifies core statuses as B7 says and plugin statuses as unknown', () => {
    expect(ORDER_STATUS).toEqual({
      pending: 'pending_payment', 'on-hold': 'on_hold', processing: 'processing', completed: 'completed', cancelled: 'cancelled',
      refunded: 'refunded', failed: 'failed', 'checkout-draft': 'draft',
    });
  });

  it('counts a sale only while on_sale says it applies (scheduled sales, §7)', () => {
    expect(priceAndSale({ regular_price: '24.00', sale_price: '19.00', on_sale: true })).toEqual({ price: '24.00', sale_price: '19.00' });
    expect(priceAndSale({ regular_price: '24.00', sale_price: '19.00', on_sale: false })).toEqual({ price: '24.00', sale_price: null });
    expect(priceAndSale({ regular_price: '', sale_price: '', on_sale: false })).toEqual({ price: null, sale_price: null });
    expect(priceWrite({ price: '24.00', sale_price: '19.00' }, { sale_price: null })).toEqual({ sale_price: '' });
    expect(priceWrite({ price: '24.00', sale_price: null }, { price: '19.99' })).toEqual({ regular_price: '19.99' });
    expect(priceWrite({ price: '24.00', sale_price: null }, { sale_price: '24.00' })).toHaveProperty('error');
  });

  it('prices a variable product by its cheapest variation and pools parent-managed stock once (B6.2, B6.4)', () => {
    const product = { id: 310, type: 'variable', status: 'publish', catalog_visibility: 'visible', manage_stock: true, stock_quantity: 12, stock_status: 'instock', price: '18.00', regular_price: '', sale_price: '', date_modified_gmt: '2024-05-02T14:00:03', images: [] };
    const variations = [
      { id: 312, regular_price: '29.00', sale_price: '', on_sale: false, manage_stock: 'parent', stock_quantity: 12, stock_status: 'instock', attributes: [{ name: 'Colour', option: 'Sand' }] },
      { id: 313, regular_price: '22.00', sale_price: '18.00', on_sale: true, manage_stock: 'parent', stock_quantity: 12, stock_status: 'instock', attributes: [{ name: 'Colour', option: 'Olive' }] },
    ];
    const p = mapProduct({ product, variations }, { currency: 'EUR' });
    expect([p.price, p.sale_price, p.quantity, p.type, p.updated_at]).toEqual(['22.00', '18.00', 12, 'configurable', '2024-05-02T14:00:03Z']);
    expect(p.variants.map((v) => [v.id, v.name, v.quantity])).toEqual([['312', 'Sand', 12], ['313', 'Olive', 12]]);
  });

  it('reads orders: money strings, a numeric line price, guests, the GMT dates (§10.1, §10.2, §10.7)', () => {
    const order = mapOrder({
      id: 1188, number: '1188', status: 'processing', currency: 'EUR', date_created: '2024-06-03T21:20:11', date_created_gmt: '2024-06-03T19:20:11',
      date_modified_gmt: '2024-06-03T19:21:02', discount_total: '0.00', shipping_total: '4.50', total: '74.38', total_tax: '11.88', customer_id: 0,
      billing: { first_name: 'Mia', last_name: 'Lenz', address_1: 'Hafenstr. 3', city: 'Hamburg', postcode: '20457', country: 'DE', email: 'mia@example.de', phone: '+4940555123' },
      shipping: { first_name: '', last_name: '', address_1: '', city: '', postcode: '', country: '' },
      payment_method: 'stripe', payment_method_title: 'Credit card',
      line_items: [{ id: 77, name: 'Linen Apron - Sand', product_id: 310, variation_id: 312, quantity: 2, subtotal: '58.00', total: '58.00', sku: 'APRON-SND', price: 29 }],
      shipping_lines: [{ id: 79, method_title: 'Flat rate', total: '4.50' }],
    });
    expect(order.status).toEqual({ normalized: 'processing', native: 'processing', label: null });
    expect(order.totals).toEqual({ total: '74.38', subtotal: '58.00', shipping: '4.50', tax: '11.88', discount: '0.00' });
    expect([order.created_at, order.updated_at]).toEqual(['2024-06-03T19:20:11Z', '2024-06-03T19:21:02Z']);
    expect(order.customer).toEqual({ id: null, email: 'mia@example.de', first_name: 'Mia', last_name: 'Lenz' });
    expect(order.shipping_address).toBeNull();
    expect(order.items[0]).toMatchObject({ product_id: '310', variant_id: '312', price: '29.00', total: '58.00' });
    expect([order.payment_method, order.shipping_method]).toEqual(['Credit card', 'Flat rate']);
  });

  it('keeps WordPress error text, parameters included, and host pages (§6)', () => {
    expect(wooCommerceErrorMessage({ code: 'woocommerce_rest_authentication_error', message: 'Consumer key is invalid.', data: { status: 401 } })).toBe('Consumer key is invalid.');
    expect(wooCommerceErrorMessage({ code: 'rest_invalid_param', message: 'Invalid parameter(s): per_page', data: { status: 400, params: { per_page: 'per_page must be between 1 (inclusive) and 100 (inclusive)' } } })).toBe(
      'Invalid parameter(s): per_page (per_page: per_page must be between 1 (inclusive) and 100 (inclusive))',
    );
    expect(wooCommerceErrorMessage('<html><center><h1>429 Too Many Requests</h1></center></html>')).toContain('429 Too Many Requests');
  });
});

describe('WooCommerce connector against the simulator', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession({ products: 60, categories: 5, customers: 12, orders: 40 }, 'off');
  });
  afterAll(() => session.close());

  const variableIds = () => new Set(session.sim.state.dataset.products.filter((p) => p.options.length > 0).map((p) => String(toWcId('product', p.id))));

  it('reads a page of products with one variations call per variable product on it, and the currency once', async () => {
    const connector = createWooCommerceConnector();
    const client = session.client();
    const page = await connector.products.list(client, { limit: 20, cursor: undefined });
    const variable = page.items.filter((p) => variableIds().has(p.id));
    expect(variable.length).toBeGreaterThan(0);
    expect(client.stats.log.filter((l) => l.endsWith('/products'))).toHaveLength(1);
    expect(client.stats.log.filter((l) => l.endsWith('/variations'))).toHaveLength(variable.length);
    expect(client.stats.log.filter((l) => l.endsWith('/settings/general'))).toHaveLength(1);
    expect(variable.every((p) => p.variants.length > 1 && p.type === 'configurable')).toBe(true);
    expect(page.items.filter((p) => !variableIds().has(p.id)).every((p) => p.variants.length === 1 && p.variants[0]?.id === p.id)).toBe(true);
  });

  it('fills a page of 250 from pages of at most 100 and ends by X-WP-Total, never asking past the end', async () => {
    const connector = createWooCommerceConnector();
    const client = session.client();
    const { items, pages } = await walk((q) => connector.products.list(client, q), 250);
    expect([items.length, pages]).toEqual([60, 1]);
    const exact = session.client();
    await walk((q) => connector.categories.list(exact, q), 5);
    // Five categories in one page of five: the total says there is no second one.
    expect(exact.stats.log).toEqual(['GET /wp-json/wc/v3/products/categories']);
  });

  it('signs with OAuth 1.0a over plain HTTP; a wrong secret fails the signature check (§2.3)', async () => {
    const error = await expectPlatformError(createWooCommerceConnector().orders.count(session.client({ credentials: 'wrong-secret' }), {}), 'auth');
    expect(error.upstream).toEqual({ status: 401, message: 'Invalid signature - provided signature does not match.' });
  });

  it('finds a product by its own SKU in one call, and by a variation SKU through its variations', async () => {
    const connector = createWooCommerceConnector();
    const all = (await walk((q) => connector.products.list(session.client(), q), 250)).items;
    const simple = all.find((p) => p.variants.length === 1 && p.sku !== null);
    const variable = all.find((p) => p.variants.length > 1);
    const client = session.client();
    const bySku = await connector.products.list(client, { limit: 5, cursor: undefined, sku: simple?.sku ?? '' });
    expect(bySku.items.map((p) => p.id)).toEqual([simple?.id]);
    expect(client.stats.log.filter((l) => l.endsWith('/products'))).toHaveLength(2);
    const byVariation = await connector.products.list(session.client(), { limit: 5, cursor: undefined, sku: variable?.variants[1]?.sku ?? '' });
    expect(byVariation.items.map((p) => p.id)).toEqual([variable?.id]);
    expect(await connector.products.count(session.client(), { sku: 'NO-SUCH-SKU' })).toBe(0);
  });

  it('keeps stock on the parent when the variable product manages it: one pool, set on the product', async () => {
    const connector = createWooCommerceConnector();
    const client = session.client();
    const neutral = session.sim.state.dataset.products.find((p) => p.options.length > 0 && p.inventoryTracking !== 'none');
    if (!neutral) throw new Error('no variable product');
    session.sim.state.parentStock.set(neutral.id, 30);
    for (const v of neutral.variants) session.sim.state.managed.set(v.id, false);
    const id = String(toWcId('product', neutral.id));
    expect((await connector.products.get(client, id))?.quantity).toBe(30);
    const updated = await connector.products.update(client, id, { quantity: 9 });
    expect([updated.quantity, ...updated.variants.map((v) => v.quantity)]).toEqual([9, ...neutral.variants.map(() => 9)]);
    await expectPlatformError(connector.products.update(client, id, { variants: [{ id: updated.variants[0]?.id ?? '', quantity: 2 }] }), 'invalid');
    await expectPlatformError(connector.products.update(client, id, { price: '10.00' }), 'invalid');
  });

  it('turns stock management on when a quantity is set on an untracked product (§10.6)', async () => {
    const connector = createWooCommerceConnector();
    const client = session.client();
    const neutral = session.sim.state.dataset.products.find((p) => p.options.length === 0 && p.inventoryTracking === 'none');
    if (!neutral) throw new Error('no untracked simple product');
    const id = String(toWcId('product', neutral.id));
    expect((await connector.products.get(client, id))?.quantity).toBeNull();
    const updated = await connector.products.update(client, id, { quantity: 3 });
    expect([updated.quantity, (updated.raw as { manage_stock: unknown }).manage_stock]).toEqual([3, true]);
  });

  it('lists checkout drafts only when asked for drafts, and guests without a customer id', async () => {
    const connector = createWooCommerceConnector();
    const client = session.client();
    const drafts = session.sim.state.dataset.orders.filter((o) => orderStatus(session.sim.state, o) === 'checkout-draft').length;
    const found = await walk((q) => connector.orders.list(client, q), 50, { status: 'draft' });
    expect(found.items).toHaveLength(drafts);
    expect(await connector.orders.count(client, { status: 'draft' })).toBe(drafts);
    expect(await connector.orders.count(client, { status: 'shipped' })).toBe(0);
    const all = await walk((q) => connector.orders.list(client, q), 250);
    const guests = session.sim.state.dataset.orders.filter((o) => o.customerId === null && orderStatus(session.sim.state, o) !== 'checkout-draft');
    expect(all.items.filter((o) => o.customer.id === null)).toHaveLength(guests.length);
  });

  it('emulates customer date filters over id-ordered pages', async () => {
    const connector = createWooCommerceConnector();
    const client = session.client();
    const customers = session.sim.state.dataset.customers;
    const since = new Date([...customers.map((c) => c.updatedAt)].sort((a, b) => a - b)[6] as number);
    const expected = customers.filter((c) => Math.floor(c.updatedAt / 1000) * 1000 >= Math.floor(since.getTime() / 1000) * 1000).map((c) => String(toWcId('customer', c.id)));
    const found = await walk((q) => connector.customers.list(client, q), 4, { modifiedSince: since });
    expect(found.items.map((c) => c.id).sort()).toEqual(expected.sort());
    expect(await connector.customers.count(client, { modifiedSince: since })).toBe(expected.length);
  });

  it('reads the store from the WordPress index and the general settings', async () => {
    const store = await createWooCommerceConnector().storeInfo(session.client());
    const { store: truth } = session.sim.state.dataset;
    expect(store).toMatchObject({ platform: 'woocommerce', name: truth.name, currency: truth.currency, timezone: truth.timezone, country_code: truth.place.countryCode });
  });
});

describe('WooCommerce behind a host limiter with HTML error pages (§5, §10.12)', () => {
  it('is rate_limited with the page\'s text', async () => {
    const session = await startSession({ products: 2, categories: 1, customers: 2, orders: 1 }, 'tight', { htmlHostErrors: true });
    try {
      const connector = createWooCommerceConnector();
      const client = session.client();
      for (let i = 0; i < 3; i++) await connector.customers.count(client, {});
      const error = await expectPlatformError(connector.customers.count(client, {}), 'rate_limited');
      expect(error.upstream.message).toContain('429 Too Many Requests');
      session.advance(31_000);
      expect(await connector.customers.count(client, {})).toBe(2);
    } finally {
      await session.close();
    }
  });
});
