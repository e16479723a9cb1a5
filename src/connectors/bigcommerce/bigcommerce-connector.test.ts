import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LimitSchema } from '../../pipeline/rate-limit/schema.js';
import { credentialStrategy } from '../../pipeline/upstream/credentials/strategies.js';
import { PRESETS } from '../../pipeline/upstream/shield/rate-headers.js';
import { ConnectorDefinitionSchema } from '../common/definition.js';
import { connectorContract, expectPlatformError, walk, type ContractHarness, type HarnessSession } from '../contract.js';
import { createManualClock } from '../simulator-kit/clock.js';
import { DEFAULT_PERIOD_END } from '../simulator-kit/dataset.js';
import { createDirectClient, type DirectClient } from '../test-support/direct-client.js';
import { bigCommerceErrorMessage, createBigCommerceConnector } from './connector.js';
import { BIGCOMMERCE } from './definition.js';
import { effectiveSale, mapOrder, mapVariants, ORDER_STATUS, priceWrite } from './mapping.js';
import { BIGCOMMERCE_SIMULATOR_TOKEN, fromBcId, startBigCommerceSimulator, type BigCommerceSimulator } from './simulator/index.js';
import { statusId } from './simulator/order-status.js';

const DAY = 86_400_000;

type Session = Omit<HarnessSession, 'client'> & {
  sim: BigCommerceSimulator;
  client(o?: { credentials?: 'valid' | 'invalid'; pace?: boolean }): DirectClient;
};

async function startSession(sizes: { products: number; categories: number; customers: number; orders: number }, rateLimit: 'off' | 'default' | 'tight'): Promise<Session> {
  const clock = createManualClock(DEFAULT_PERIOD_END + DAY);
  const sim = await startBigCommerceSimulator({
    seed: 9,
    sizes,
    clock,
    rateLimit: rateLimit === 'off' ? false : rateLimit === 'tight' ? { quota: 3, windowMs: 30_000 } : undefined,
  });
  const { dataset } = sim.state;
  return {
    sim,
    client: (o = {}) =>
      createDirectClient({
        baseUrl: `${sim.url}/stores/${sim.storeHash}`,
        definition: BIGCOMMERCE,
        credentials: { access_token: o.credentials === 'invalid' ? 'not-a-token' : BIGCOMMERCE_SIMULATOR_TOKEN },
        pace: o.pace ? { now: () => clock.now(), sleep: async (ms) => clock.advance(ms) } : undefined,
      }),
    now: () => clock.now(),
    advance: (ms) => clock.advance(ms),
    touch(resource, id) {
      const n = fromBcId(resource === 'orders' ? 'order' : 'customer', Number(id)) ?? 0;
      const record = resource === 'orders' ? dataset.orderById.get(n) : dataset.customerById.get(n);
      if (!record) throw new Error(`no ${resource} ${id}`);
      record.updatedAt = sim.state.stamp();
    },
    failNext: (status) => sim.faults.enqueue({ kind: 'error', status }),
    truth: {
      products: dataset.products.length,
      // Incomplete (status 0) orders stay out of unfiltered lists, as BigCommerce does by default ([U] §7).
      orders: dataset.orders.filter((o) => statusId(sim.state, o) !== 0).length,
      customers: dataset.customers.length,
      categories: dataset.categories.length,
    },
    close: () => sim.close(),
  };
}

const harness: ContractHarness = {
  platform: 'bigcommerce',
  connector: () => createBigCommerceConnector(),
  start: ({ sizes, rateLimit }) => startSession(sizes, rateLimit),
  // One request per 250 products (variants and images included) and the store settings.
  syncRequestBudget: (n) => Math.ceil(n / 250) + 1,
};

connectorContract(harness);

describe('BigCommerce definition', () => {
  it('matches the definition schema', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(ConnectorDefinitionSchema, BIGCOMMERCE), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('maps onto the header credential strategy and the shield presets', () => {
    const strategy = credentialStrategy(BIGCOMMERCE.auth.strategy);
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(strategy?.settingsSchema ?? {}, BIGCOMMERCE.auth.settings)).toBe(true);
    expect(strategy?.credentialFields(BIGCOMMERCE.auth.settings)).toEqual(BIGCOMMERCE.auth.credentialFields);
    for (const limit of BIGCOMMERCE.rateLimit.shield.limits) expect(ajv.validate(LimitSchema, limit)).toBe(true);
    if (BIGCOMMERCE.rateLimit.model !== 'fixed_window') throw new Error('quota window expected');
    expect(PRESETS.bigcommerce.remaining).toBe(BIGCOMMERCE.rateLimit.headers.left.toLowerCase());
    expect(PRESETS.bigcommerce.reset).toBe(BIGCOMMERCE.rateLimit.headers.resetMs.toLowerCase());
    expect(PRESETS.bigcommerce.retryAfter).toEqual([BIGCOMMERCE.rateLimit.headers.retryAfter.toLowerCase()]);
  });
});

describe('BigCommerce mapping', () => {
  it('classifies every status_id as B7 says', () => {
    expect(ORDER_STATUS).toEqual({
      0: 'draft', 1: 'pending_payment', 2: 'shipped', 3: 'partially_shipped', 4: 'refunded', 5: 'cancelled', 6: 'failed',
      7: 'pending_payment', 8: 'processing', 9: 'processing', 10: 'completed', 11: 'processing', 12: 'on_hold', 13: 'on_hold',
      14: 'partially_refunded',
    });
  });

  it('treats sale_price 0 as no sale and inherits null variant prices from the product (§7, §10.7)', () => {
    expect(effectiveSale('24.00', 0)).toBeNull();
    expect(effectiveSale('24.00', 19)).toBe('19.00');
    expect(effectiveSale('24.00', 24)).toBeNull();
    const product = { id: 1, price: 24, sale_price: 19, inventory_tracking: 'product', inventory_level: 7, weight: 2, variants: [{ id: 9, product_id: 1, price: null, sale_price: null, inventory_level: 7 }] };
    const [v] = mapVariants(product, { currency: 'USD', weightUnit: 'oz' });
    expect([v?.price, v?.sale_price, v?.quantity, v?.weight]).toEqual(['24.00', '19.00', 7, { value: '2', unit: 'oz' }]);
    expect(priceWrite({ price: '24.00', sale_price: '19.00' }, { sale_price: null })).toEqual({ sale_price: 0 });
    expect(priceWrite({ price: '24.00', sale_price: null }, { price: '19.99' })).toEqual({ price: 19.99 });
  });

  it('reads V2 orders: money strings, RFC 2822 dates, guests, linked line items and addresses', () => {
    const order = mapOrder({
      order: {
        id: 1501, customer_id: 0, date_created: 'Mon, 03 Jun 2024 19:20:11 +0000', date_modified: 'Mon, 03 Jun 2024 14:25:40 -0500',
        status_id: 11, status: 'Awaiting Fulfillment', custom_status: 'Ready to pack', subtotal_ex_tax: '38.0000', shipping_cost_inc_tax: '5.0000',
        total_inc_tax: '46.0400', total_tax: '3.0400', discount_amount: '0.0000', currency_code: 'USD', payment_method: 'Credit Card',
        billing_address: { first_name: 'Lee', last_name: 'Park', street_1: '40 Oak Ave', street_2: '', city: 'Austin', state: 'Texas', zip: '78701', country_iso2: 'US', email: 'lee@example.net' },
      },
      products: [{ id: 7, product_id: 112, variant_id: 301, sku: 'TOTE-01', name: 'Canvas Tote', quantity: 2, price_ex_tax: '19.0000', total_ex_tax: '38.0000' }],
      shippingAddresses: [{ first_name: 'Lee', street_1: '40 Oak Ave', country_iso2: 'US', shipping_method: 'Ground' }],
    });
    expect(order.status).toEqual({ normalized: 'processing', native: '11', label: 'Ready to pack' });
    expect(order.totals).toEqual({ total: '46.04', subtotal: '38.00', shipping: '5.00', tax: '3.04', discount: '0.00' });
    expect([order.created_at, order.updated_at]).toEqual(['2024-06-03T19:20:11Z', '2024-06-03T19:25:40Z']);
    expect(order.customer).toEqual({ id: null, email: 'lee@example.net', first_name: 'Lee', last_name: 'Park' });
    expect(order.items[0]).toMatchObject({ price: '19.00', total: '38.00', variant_id: '301' });
    expect(order.shipping_method).toBe('Ground');
  });

  it('keeps the platform\'s own error text of both generations (§6)', () => {
    expect(bigCommerceErrorMessage({ status: 422, title: 'JSON data is missing or invalid', errors: { name: 'error.path.missing' } })).toBe(
      'JSON data is missing or invalid: name: error.path.missing',
    );
    expect(bigCommerceErrorMessage([{ status: 404, message: 'The requested resource was not found.' }])).toBe('The requested resource was not found.');
  });
});

describe('BigCommerce connector against the simulator', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession({ products: 40, categories: 5, customers: 12, orders: 40 }, 'off');
  });
  afterAll(() => session.close());

  it('reads a products page, variants and images included, in one request', async () => {
    const connector = createBigCommerceConnector();
    const client = session.client();
    const first = await connector.products.list(client, { limit: 10, cursor: undefined });
    expect(client.stats.log).toEqual(['GET /v3/catalog/products', 'GET /v2/store']);
    expect(first.items.some((p) => p.images.length > 0 && p.variants.length > 0)).toBe(true);
    const before = client.stats.requests;
    await connector.products.list(client, { limit: 10, cursor: first.next });
    expect(client.stats.requests - before).toBe(1);
  });

  it('costs one request per order page plus line items and shipping addresses per order (V2 has links only, §10.4)', async () => {
    const connector = createBigCommerceConnector();
    const client = session.client();
    const page = await connector.orders.list(client, { limit: 10, cursor: undefined });
    const withAddress = page.items.filter((o) => o.shipping_address !== null).length;
    expect(client.stats.requests).toBe(1 + page.items.length + withAddress);
    expect(page.items.every((o) => o.items.length > 0)).toBe(true);
  });

  it('handles an empty V2 list (204 without a body)', async () => {
    const connector = createBigCommerceConnector();
    const client = session.client();
    const future = new Date(session.now() + 365 * DAY);
    expect(await connector.orders.list(client, { limit: 10, cursor: undefined, modifiedSince: future })).toEqual({ items: [], next: undefined });
    expect(client.stats.byStatus.get(204)).toBe(1);
    expect(await connector.orders.count(client, { modifiedSince: future })).toBe(0);
  });

  it('lists Incomplete orders only when asked for drafts', async () => {
    const connector = createBigCommerceConnector();
    const client = session.client();
    const drafts = session.sim.state.dataset.orders.filter((o) => statusId(session.sim.state, o) === 0).length;
    expect(drafts).toBeGreaterThan(0);
    const { items } = await walk((q) => connector.orders.list(client, q), 50, { status: 'draft' });
    expect(items).toHaveLength(drafts);
    expect(items.every((o) => o.status.native === '0')).toBe(true);
    expect(await connector.orders.count(client, { status: 'draft' })).toBe(drafts);
  });

  it('finds a product with options by its main SKU as well as by a variant SKU', async () => {
    const connector = createBigCommerceConnector();
    const client = session.client();
    const { items } = await walk((q) => connector.products.list(client, q), 250);
    const withOptions = items.find((p) => p.variants.length > 1 && p.sku !== p.variants[0]?.sku);
    expect(withOptions).toBeDefined();
    const found = await connector.products.list(client, { limit: 10, cursor: undefined, sku: withOptions?.sku ?? '' });
    expect(found.items.map((p) => p.id)).toEqual([withOptions?.id]);
  });

  it('refuses stock for a product without inventory tracking', async () => {
    const connector = createBigCommerceConnector();
    const client = session.client();
    const { items } = await walk((q) => connector.products.list(client, q), 250);
    const untracked = items.find((p) => p.quantity === null);
    expect(untracked).toBeDefined();
    await expectPlatformError(connector.products.update(client, untracked?.id ?? '', { quantity: 3 }), 'invalid');
  });
});
