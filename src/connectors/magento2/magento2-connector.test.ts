import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LimitSchema } from '../../pipeline/rate-limit/schema.js';
import { credentialStrategy } from '../../pipeline/upstream/credentials/strategies.js';
import { PRESETS } from '../../pipeline/upstream/shield/rate-headers.js';
import { ConnectorDefinitionSchema } from '../common/definition.js';
import type { PlatformClient } from '../connector.js';
import { connectorContract, expectPlatformError, walk, type ContractHarness, type HarnessSession } from '../contract.js';
import { createManualClock } from '../simulator-kit/clock.js';
import { DEFAULT_PERIOD_END } from '../simulator-kit/dataset.js';
import { createDirectClient, type DirectClient } from '../test-support/direct-client.js';
import { createMagento2Connector, IN_CHUNK, magentoErrorMessage } from './connector.js';
import { MAGENTO2 } from './definition.js';
import { mapOrder, mapProduct, ORDER_STATE, ORDER_STATUS, orderStatus, priceWrite } from './mapping.js';
import { chunks } from './search-criteria.js';
import { MAGENTO2_SIMULATOR_TOKEN, startMagento2Simulator, type Magento2Simulator, type MagentoSimulatorState } from './simulator/index.js';

const SEED = 13;
const DAY = 86_400_000;

type Session = Omit<HarnessSession, 'client'> & {
  sim: Magento2Simulator;
  client(o?: { credentials?: 'valid' | 'invalid'; pace?: boolean }): DirectClient;
};

async function startSession(
  sizes: { products: number; categories: number; customers: number; orders: number },
  rateLimit: 'off' | 'default' | 'tight',
  extra: { legacyClampLastPage?: boolean } = {},
): Promise<Session> {
  const clock = createManualClock(DEFAULT_PERIOD_END + DAY);
  const sim = await startMagento2Simulator({
    seed: SEED,
    sizes,
    clock,
    // Magento core has no REST limit (§11); `default` runs behind the simulator's CDN-style
    // limiter at its defaults (100 per 10 s), stricter than the platform's own default.
    rateLimit: rateLimit === 'off' ? false : rateLimit === 'tight' ? { quota: 3, windowMs: 30_000 } : {},
    legacyClampLastPage: extra.legacyClampLastPage,
  });
  const { dataset } = sim.state;
  return {
    sim,
    client: (o = {}) =>
      createDirectClient({
        baseUrl: sim.url,
        definition: MAGENTO2,
        credentials: { token: o.credentials === 'invalid' ? 'not-a-token' : MAGENTO2_SIMULATOR_TOKEN },
        pace: o.pace ? { now: () => clock.now(), sleep: async (ms) => clock.advance(ms) } : undefined,
      }),
    now: () => clock.now(),
    advance: (ms) => clock.advance(ms),
    touch(resource, id) {
      // Orders and customers keep their neutral ids as entity ids.
      const record = resource === 'orders' ? dataset.orderById.get(Number(id)) : dataset.customerById.get(Number(id));
      if (!record) throw new Error(`no ${resource} ${id}`);
      record.updatedAt = sim.state.stamp();
    },
    failNext: (status) => sim.faults.enqueue({ kind: 'error', status }),
    truth: {
      // Configurable children are variants, not products of their own.
      products: dataset.products.length,
      orders: dataset.orders.length,
      customers: dataset.customers.length,
      // Storefront categories only: the root and the store's root category are not listed (§7).
      categories: dataset.categories.length,
    },
    close: () => sim.close(),
  };
}

/** Native calls of a full sync in pages of 250: the page, its children by id, the stock of its SKUs, and the store once. */
function syncCalls(state: MagentoSimulatorState): number {
  const top = state.products.filter((m) => m.parentId === null);
  let calls = 1;
  for (let i = 0; i < top.length; i += 250) {
    const page = top.slice(i, i + 250);
    const childIds = page.flatMap((m) => m.childIds).sort((a, b) => a - b);
    const skus = [...page.filter((m) => m.typeId !== 'configurable').map((m) => m.sku), ...childIds.map((id) => state.productById.get(id)?.sku ?? '')].sort();
    calls += 1 + chunks(childIds.map(String), IN_CHUNK).length + chunks(skus, IN_CHUNK).length;
  }
  return calls;
}

let lastState: MagentoSimulatorState | undefined;

const harness: ContractHarness = {
  platform: 'magento2',
  connector: () => createMagento2Connector(),
  start: async ({ sizes, rateLimit }) => {
    const session = await startSession(sizes, rateLimit);
    lastState = session.sim.state;
    return session;
  },
  syncRequestBudget: () => (lastState === undefined ? 0 : syncCalls(lastState)),
};

connectorContract(harness);

describe('Magento 2 definition', () => {
  it('matches the definition schema', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(ConnectorDefinitionSchema, MAGENTO2), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('maps onto the bearer credential strategy and a shield budget of its own', () => {
    const strategy = credentialStrategy(MAGENTO2.auth.strategy);
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(strategy?.settingsSchema ?? {}, MAGENTO2.auth.settings)).toBe(true);
    expect(strategy?.credentialFields(MAGENTO2.auth.settings)).toEqual(MAGENTO2.auth.credentialFields);
    expect(MAGENTO2.connection.filter((f) => f.secret).map((f) => f.name)).toEqual(MAGENTO2.auth.credentialFields);
    if (MAGENTO2.rateLimit.model !== 'unpublished') throw new Error('no platform limit expected');
    for (const limit of MAGENTO2.rateLimit.shield.limits) expect(ajv.validate(LimitSchema, limit)).toBe(true);
    for (const preset of MAGENTO2.rateLimit.shield.learn) expect(Object.keys(PRESETS)).toContain(preset);
  });
});

describe('Magento 2 mapping', () => {
  it('classifies statuses by B7, falling back to the state, and reads shipping progress inside processing', () => {
    expect(ORDER_STATUS).toEqual({
      pending: 'pending_payment', pending_payment: 'pending_payment', payment_review: 'on_hold', fraud: 'on_hold', holded: 'on_hold',
      processing: 'processing', complete: 'completed', closed: 'refunded', canceled: 'cancelled',
    });
    expect(ORDER_STATE).toEqual({
      new: 'pending_payment', pending_payment: 'pending_payment', processing: 'processing', complete: 'completed', closed: 'refunded',
      canceled: 'cancelled', holded: 'on_hold', payment_review: 'on_hold',
    });
    const line = (qty_ordered: number, qty_shipped: number, extra: Record<string, unknown> = {}) => ({ item_id: 1, qty_ordered, qty_shipped, ...extra });
    expect(orderStatus({ status: 'awaiting_pickup', state: 'processing', items: [] })).toEqual({ normalized: 'processing', native: 'awaiting_pickup', label: null });
    expect(orderStatus({ status: 'gift_wrap', state: 'weird' }).normalized).toBe('unknown');
    expect(orderStatus({ status: 'processing', state: 'processing', items: [line(2, 1), line(1, 0)] }).normalized).toBe('partially_shipped');
    expect(orderStatus({ status: 'processing', state: 'processing', items: [line(2, 2), line(1, 0, { is_virtual: 1 })] }).normalized).toBe('shipped');
    expect(orderStatus({ status: 'fraud', state: 'processing', items: [line(1, 1)] }).normalized).toBe('on_hold');
  });

  it('substitutes the placeholders of error phrases, named and positional (§10)', () => {
    expect(magentoErrorMessage({ message: 'No such entity with %fieldName = %fieldValue', parameters: { fieldName: 'customerId', fieldValue: 77 } })).toBe('No such entity with customerId = 77');
    expect(magentoErrorMessage({ message: 'Invalid attribute name: %1', parameters: ['colour'] })).toBe('Invalid attribute name: colour');
    expect(magentoErrorMessage({ message: 'Validation Failed', errors: [{ message: '"%field" should be numeric.', parameters: { field: 'quantity' } }] })).toBe('Validation Failed: "quantity" should be numeric.');
    expect(magentoErrorMessage('<html><body><h1>503 Service Unavailable</h1></body></html>')).toContain('503');
  });

  it('prices a configurable by its cheapest child and reads the special price as a sale below the price (B2, B6.2)', () => {
    const special = (v: string) => [{ attribute_code: 'special_price', value: v }];
    const parent = { id: 9, sku: 'TEE', type_id: 'configurable', status: 1, visibility: 4, price: 0, updated_at: '2024-05-02 17:40:51', extension_attributes: { configurable_product_links: [7, 8], configurable_product_options: [{ label: 'Size', values: [{ value_index: 51 }, { value_index: 52 }] }] } };
    const children = [
      { id: 7, sku: 'TEE-S', type_id: 'simple', price: 20, updated_at: '2024-05-03 08:00:00', custom_attributes: [...special('25.000000'), { attribute_code: 'size', value: '51' }] },
      { id: 8, sku: 'TEE-M', type_id: 'simple', price: 22, updated_at: '2024-05-01 08:00:00', custom_attributes: [...special('18.000000'), { attribute_code: 'size', value: '52' }] },
    ];
    const stock = new Map([['TEE-S', { quantity: 3, inStock: true, sources: ['default'] }], ['TEE-M', { quantity: 0, inStock: false, sources: ['default'] }]]);
    const p = mapProduct({ product: parent, children, stock }, { currency: 'USD', mediaUrl: null, weightUnit: 'lb' });
    expect([p.price, p.sale_price, p.quantity, p.in_stock, p.updated_at]).toEqual(['22.00', '18.00', 3, true, '2024-05-03T08:00:00Z']);
    expect(p.variants.map((v) => [v.sku, v.sale_price, v.options])).toEqual([['TEE-S', null, [{ name: 'Size', value: '51' }]], ['TEE-M', '18.00', [{ name: 'Size', value: '52' }]]]);
    expect(priceWrite({ price: '20.00', sale_price: null }, { sale_price: '15.00' })).toEqual({ custom_attributes: [{ attribute_code: 'special_price', value: '15.00' }] });
    expect(priceWrite({ price: '20.00', sale_price: '15.00' }, { price: '21.50', sale_price: null })).toEqual({ price: 21.5, custom_attributes: [{ attribute_code: 'special_price', value: null }] });
  });

  it('emits configurable order lines once, with the child\'s product as the variant (§8, B3)', () => {
    const parentLine = { item_id: 1, product_id: 9, sku: 'TEE-M', name: 'Tee', product_type: 'configurable', qty_ordered: 2, price: 22, row_total: 44, discount_amount: 4 };
    const order = mapOrder({
      entity_id: 5, increment_id: '000000005', status: 'pending', state: 'new', order_currency_code: 'USD', grand_total: 45, subtotal: 44, shipping_amount: 5,
      tax_amount: 0, discount_amount: -4, customer_is_guest: 1, customer_email: 'g@example.com', created_at: '2024-06-01 10:00:00', updated_at: '2024-06-01 10:05:00',
      items: [parentLine, { item_id: 2, product_id: 8, sku: 'TEE-M', product_type: 'simple', qty_ordered: 2, price: 0, parent_item_id: 1 }],
      billing_address: { firstname: 'Ada', lastname: 'Byron', street: ['1 Main St', 'Apt 2'], city: 'Austin', region: 'Texas', postcode: '78701', country_id: 'US', telephone: '5555550100' },
      extension_attributes: { shipping_assignments: [{ shipping: { address: { firstname: 'Ada', street: ['9 Side St'], city: 'Austin', country_id: 'US' } } }] },
      payment: { method: 'checkmo' }, shipping_description: 'Flat Rate - Fixed',
    });
    expect(order.items).toEqual([{ id: '1', product_id: '9', variant_id: '8', sku: 'TEE-M', name: 'Tee', quantity: 2, price: '22.00', total: '40.00' }]);
    expect(order.totals.discount).toBe('4.00');
    expect(order.customer.id).toBeNull();
    expect([order.billing_address?.line2, order.shipping_address?.line1, order.number]).toEqual(['Apt 2', '9 Side St', '000000005']);
  });
});

describe('Magento 2 connector against the simulator', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession({ products: 60, categories: 5, customers: 12, orders: 40 }, 'off');
  });
  afterAll(() => session.close());

  it('reads a page of products with its children and their stock in a few calls, none per product', async () => {
    const connector = createMagento2Connector();
    const client = session.client();
    const page = await connector.products.list(client, { limit: 20, cursor: undefined });
    expect(page.items.some((p) => p.type === 'configurable' && p.variants.length > 1)).toBe(true);
    expect(client.stats.log).toEqual(['GET /rest/V1/products', 'GET /rest/V1/store/storeConfigs', 'GET /rest/V1/products', 'GET /rest/V1/inventory/source-items']);
    expect(page.items.every((p) => p.variants.every((v) => v.quantity !== null))).toBe(true);
  });

  it('finds the configurable by a child\'s SKU and lists it when only a child changed', async () => {
    const connector = createMagento2Connector();
    const client = session.client();
    const { items } = await walk((q) => connector.products.list(client, q), 250);
    const configurable = items.find((p) => p.variants.length > 1);
    const child = configurable?.variants[1];
    const found = await connector.products.list(client, { limit: 5, cursor: undefined, sku: child?.sku ?? '' });
    expect(found.items.map((p) => p.id)).toEqual([configurable?.id]);
    session.advance(60_000);
    const since = new Date(session.now());
    session.advance(1_000);
    // A change made in the admin: the child's row only (§5 updated_at is per row).
    const row = session.sim.state.productById.get(Number(child?.id));
    if (!row?.variant) throw new Error('no child row');
    row.variant.updatedAt = session.sim.state.stamp();
    const changed = await walk((q) => connector.products.list(client, q), 10, { modifiedSince: since });
    expect(changed.items.map((p) => p.id)).toEqual([configurable?.id]);
    expect(Date.parse(changed.items[0]?.updated_at ?? '')).toBeGreaterThanOrEqual(since.getTime());
    expect(await connector.products.count(client, { modifiedSince: since })).toBe(1);
  });

  it('writes prices and stock with one product save per SKU, in the admin scope', async () => {
    const connector = createMagento2Connector();
    const client = session.client();
    const { items } = await walk((q) => connector.products.list(client, q), 250);
    const simple = items.find((p) => p.type === 'simple');
    const before = client.stats.log.length;
    const updated = await connector.products.update(client, simple?.id ?? '', { price: '19.00', sale_price: '17.50', quantity: 4 });
    expect([updated.price, updated.sale_price, updated.quantity, updated.in_stock]).toEqual(['19.00', '17.50', 4, true]);
    expect(client.stats.log.slice(before).filter((l) => l.startsWith('PUT'))).toEqual([`PUT /rest/all/V1/products/${encodeURIComponent(simple?.sku ?? '')}`]);
    const out = await connector.products.update(client, simple?.id ?? '', { quantity: 0 });
    expect(out.quantity).toBe(0);
  });

  it('reads stock from legacy stock items where MSI answers 404 (Inventory modules off)', async () => {
    const connector = createMagento2Connector();
    const direct = session.client();
    const noMsi: PlatformClient = {
      send: (req) =>
        req.path.includes('/inventory/') ? Promise.resolve({ status: 404, headers: {}, body: { message: 'Request does not match any route.' } }) : direct.send(req),
    };
    const withMsi = await connector.products.list(session.client(), { limit: 10, cursor: undefined });
    const without = await connector.products.list(noMsi, { limit: 10, cursor: undefined });
    expect(without.items.map((p) => p.variants.map((v) => v.quantity))).toEqual(withMsi.items.map((p) => p.variants.map((v) => v.quantity)));
    expect(direct.stats.log.filter((l) => l.includes('/stockItems/')).length).toBeGreaterThan(0);
  });

  it('refuses a stock write for a SKU stocked in several sources', async () => {
    const connector = createMagento2Connector();
    const direct = session.client();
    const twoSources: PlatformClient = {
      async send(req) {
        const res = await direct.send(req);
        if (!req.path.endsWith('/inventory/source-items')) return res;
        const body = res.body as { items: Array<Record<string, unknown>>; total_count: number };
        return { ...res, body: { ...body, items: body.items.flatMap((i) => [i, { ...i, source_code: 'east' }]), total_count: body.total_count * 2 } };
      },
    };
    const { items } = await connector.products.list(twoSources, { limit: 10, cursor: undefined });
    const simple = items.find((p) => p.type === 'simple');
    await expectPlatformError(connector.products.update(twoSources, simple?.id ?? '', { quantity: 2 }), 'invalid');
  });

  it('reads the store from the default store view\'s configuration', async () => {
    const store = await createMagento2Connector().storeInfo(session.client());
    expect(store).toMatchObject({ platform: 'magento2', name: 'Default Store View', currency: session.sim.state.dataset.store.currency, timezone: session.sim.state.dataset.store.timezone });
    expect(['lb', 'kg']).toContain(store.weight_unit);
  });
});

describe('Magento 2.3 repeating the last page past the end (§3.1, B6.10)', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession({ products: 23, categories: 3, customers: 9, orders: 17 }, 'off', { legacyClampLastPage: true });
  });
  afterAll(() => session.close());

  it('ends every walk by total_count, with limits that do and do not divide it', async () => {
    const connector = createMagento2Connector();
    const client = session.client();
    for (const limit of [4, 17, 250]) {
      const { items } = await walk((q) => connector.orders.list(client, q), limit);
      expect(items.map((o) => o.id)).toEqual(session.sim.state.dataset.orders.map((o) => String(o.id)));
    }
    const first = await connector.customers.list(client, { limit: 5, cursor: undefined });
    const rest = await connector.customers.list(client, { limit: 7, cursor: first.next });
    expect([...first.items, ...rest.items].map((c) => c.id)).toEqual(session.sim.state.dataset.customers.map((c) => String(c.id)));
    expect(rest.next).toBeUndefined();
  });

  it('answers nothing for a cursor left past the end, where 2.3 would repeat the last page', async () => {
    const connector = createMagento2Connector();
    const past = await connector.orders.list(session.client(), { limit: 5, cursor: { resource: 'orders', filters: {}, position: 40, skip: 0 } });
    expect(past).toEqual({ items: [], next: undefined });
  });
});
