import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialStrategy } from '../../pipeline/upstream/credentials/strategies.js';
import { PRESETS } from '../../pipeline/upstream/shield/rate-headers.js';
import { LimitSchema } from '../../pipeline/rate-limit/schema.js';
import { ConnectorDefinitionSchema } from '../common/definition.js';
import type { PlatformClient } from '../connector.js';
import { connectorContract, expectPlatformError, walk, type ContractHarness, type HarnessSession } from '../contract.js';
import { createManualClock } from '../simulator-kit/clock.js';
import { DEFAULT_PERIOD_END } from '../simulator-kit/dataset.js';
import { createDirectClient, type DirectClient } from '../test-support/direct-client.js';
import { connectedPlatforms, connectorFor } from '../registry.js';
import { createShopifyConnector, shopifyErrorMessage } from './connector.js';
import { SHOPIFY } from './definition.js';
import { orderStatus, priceAndSale, priceWrite, smartCollectionMatches } from './mapping.js';
import { fromShopifyId, SHOPIFY_SIMULATOR_TOKEN, startShopifySimulator, type ShopifySimulator } from './simulator/index.js';

const DAY = 86_400_000;

async function startSession(
  sizes: { products: number; categories: number; customers: number; orders: number },
  rateLimit: 'off' | 'default' | 'tight',
  extra: { locations?: number } = {},
): Promise<Omit<HarnessSession, 'client'> & { sim: ShopifySimulator; client(o?: { credentials?: 'valid' | 'invalid'; pace?: boolean }): DirectClient }> {
  const clock = createManualClock(DEFAULT_PERIOD_END + DAY);
  const sim = await startShopifySimulator({
    seed: 5,
    sizes,
    clock,
    locations: extra.locations,
    rateLimit: rateLimit === 'off' ? false : rateLimit === 'tight' ? { bucketSize: 3, leakPerSecond: 1 } : undefined,
  });
  const { dataset } = sim.state;
  return {
    sim,
    client: (o = {}) =>
      createDirectClient({
        baseUrl: sim.url,
        definition: SHOPIFY,
        credentials: { access_token: o.credentials === 'invalid' ? 'shpat_not_a_token' : SHOPIFY_SIMULATOR_TOKEN },
        pace: o.pace ? { now: () => clock.now(), sleep: async (ms) => clock.advance(ms) } : undefined,
      }),
    now: () => clock.now(),
    advance: (ms) => clock.advance(ms),
    touch(resource, id) {
      const n = fromShopifyId(resource === 'orders' ? 'order' : 'customer', Number(id)) ?? 0;
      const record = resource === 'orders' ? dataset.orderById.get(n) : dataset.customerById.get(n);
      if (!record) throw new Error(`no ${resource} ${id}`);
      record.updatedAt = sim.state.stamp();
    },
    failNext: (status) => sim.faults.enqueue({ kind: 'error', status }),
    truth: {
      products: dataset.products.length,
      // The token holds read_all_orders, and the connector asks for status=any.
      orders: dataset.orders.length,
      customers: dataset.customers.length,
      // Custom collections are the neutral categories; smart ones group by product type.
      categories: dataset.categories.length + sim.state.smartCollections.length,
    },
    close: () => sim.close(),
  };
}

const harness: ContractHarness = {
  platform: 'shopify',
  connector: () => createShopifyConnector(),
  start: ({ sizes, rateLimit }) => startSession(sizes, rateLimit),
  // Products pages, collects pages (a product is in at most two custom collections here), shop and smart collections.
  syncRequestBudget: (n) => Math.ceil(n / 250) + Math.ceil((2 * n) / 250) + 3,
};

connectorContract(harness);

describe('Shopify definition', () => {
  it('matches the definition schema', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(ConnectorDefinitionSchema, SHOPIFY), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('maps onto the header credential strategy and the shield presets', () => {
    const strategy = credentialStrategy(SHOPIFY.auth.strategy);
    expect(strategy).toBeDefined();
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(strategy?.settingsSchema ?? {}, SHOPIFY.auth.settings)).toBe(true);
    expect(strategy?.credentialFields(SHOPIFY.auth.settings)).toEqual(SHOPIFY.auth.credentialFields);
    expect(SHOPIFY.connection.filter((f) => f.secret).map((f) => f.name)).toEqual(SHOPIFY.auth.credentialFields);
    for (const limit of SHOPIFY.rateLimit.shield.limits) expect(ajv.validate(LimitSchema, limit)).toBe(true);
    expect(SHOPIFY.rateLimit.shield.learn).toEqual(['shopify']);
    if (SHOPIFY.rateLimit.model !== 'leaky_bucket') throw new Error('leaky bucket expected');
    expect(PRESETS.shopify.callLimit).toBe(SHOPIFY.rateLimit.headers.callLimit.toLowerCase());
  });
});

describe('Shopify mapping', () => {
  it('reads compare_at_price above price as a sale (B2) and writes it back the same way', () => {
    expect(priceAndSale({ price: '18.50', compare_at_price: '22.00' })).toEqual({ price: '22.00', sale_price: '18.50' });
    expect(priceAndSale({ price: '18.50', compare_at_price: '18.50' })).toEqual({ price: '18.50', sale_price: null });
    expect(priceAndSale({ price: '18.50', compare_at_price: null })).toEqual({ price: '18.50', sale_price: null });
    const onSale = { price: '18.50', compare_at_price: '22.00' };
    expect(priceWrite(onSale, { price: '25.00' })).toEqual({ price: '18.50', compare_at_price: '25.00' });
    expect(priceWrite(onSale, { sale_price: null })).toEqual({ price: '22.00', compare_at_price: null });
    expect(priceWrite({ price: '10.00', compare_at_price: null }, { sale_price: '8.00' })).toEqual({ price: '8.00', compare_at_price: '10.00' });
    expect(priceWrite({ price: '10.00', compare_at_price: null }, { sale_price: '10.00' })).toHaveProperty('error');
  });

  it('derives the unified order status from financial, fulfillment, cancel and close fields (B7)', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ financial_status: 'pending' }, 'pending_payment'],
      [{ financial_status: 'authorized' }, 'pending_payment'],
      [{ financial_status: 'partially_paid' }, 'pending_payment'],
      [{ financial_status: 'paid', fulfillment_status: null }, 'processing'],
      [{ financial_status: 'paid', fulfillment_status: 'partial' }, 'partially_shipped'],
      [{ financial_status: 'paid', fulfillment_status: 'fulfilled' }, 'shipped'],
      [{ financial_status: 'paid', fulfillment_status: 'fulfilled', closed_at: '2024-06-01T10:00:00-04:00' }, 'completed'],
      [{ financial_status: 'paid', fulfillment_status: 'restocked' }, 'cancelled'],
      [{ financial_status: 'voided', cancelled_at: '2024-06-01T10:00:00-04:00' }, 'cancelled'],
      [{ financial_status: 'refunded', cancelled_at: '2024-06-01T10:00:00-04:00' }, 'refunded'],
      [{ financial_status: 'refunded' }, 'refunded'],
      [{ financial_status: 'partially_refunded', fulfillment_status: 'fulfilled' }, 'partially_refunded'],
      [{ financial_status: 'expired' }, 'failed'],
      [{ financial_status: 'something_new' }, 'unknown'],
    ];
    for (const [order, normalized] of cases) expect(orderStatus(order).normalized, JSON.stringify(order)).toBe(normalized);
    expect(orderStatus({ financial_status: 'paid', fulfillment_status: 'fulfilled', closed_at: 'x' }).native).toBe('paid/fulfilled/closed');
  });

  it('evaluates smart collection rules, never inventing membership for unknown columns', () => {
    const product = { title: 'Trail Mug', product_type: 'Kitchen', vendor: 'North Kiln', tags: 'camping, enamel', variants: [{ price: '18.50' }] };
    expect(smartCollectionMatches(product, [{ column: 'type', relation: 'equals', condition: 'kitchen' }], false)).toBe(true);
    expect(smartCollectionMatches(product, [{ column: 'tag', relation: 'equals', condition: 'enamel' }, { column: 'variant_price', relation: 'less_than', condition: '20' }], false)).toBe(true);
    expect(smartCollectionMatches(product, [{ column: 'vendor', relation: 'starts_with', condition: 'South' }, { column: 'title', relation: 'contains', condition: 'mug' }], true)).toBe(true);
    expect(smartCollectionMatches(product, [{ column: 'tag', relation: 'not_contains', condition: 'camp' }], false)).toBe(false);
    expect(smartCollectionMatches(product, [{ column: 'metafield', relation: 'equals', condition: 'x' }], false)).toBe(false);
  });

  it('keeps the platform\'s own error text in all three §6 shapes', () => {
    expect(shopifyErrorMessage({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' })).toContain('Invalid API key');
    expect(shopifyErrorMessage({ errors: { title: ["can't be blank"] } })).toBe("title: can't be blank");
    expect(shopifyErrorMessage({ errors: ['The fulfillment order is not in an open state.'] })).toBe('The fulfillment order is not in an open state.');
    expect(shopifyErrorMessage('<html>Bad gateway</html>')).toBe('<html>Bad gateway</html>');
  });
});

describe('Shopify connector against the simulator', () => {
  let session: Awaited<ReturnType<typeof startSession>>;
  beforeAll(async () => {
    session = await startSession({ products: 60, categories: 5, customers: 12, orders: 30 }, 'off', { locations: 2 });
  });
  afterAll(() => session.close());

  it('reads a products page in one request once the shop and membership lookups are cached', async () => {
    const connector = createShopifyConnector();
    const client = session.client();
    const first = await connector.products.list(client, { limit: 20, cursor: undefined });
    expect(client.stats.log).toEqual([
      'GET /admin/api/2024-04/products.json',
      'GET /admin/api/2024-04/shop.json',
      'GET /admin/api/2024-04/collects.json',
      'GET /admin/api/2024-04/smart_collections.json',
    ]);
    const before = client.stats.requests;
    const second = await connector.products.list(client, { limit: 20, cursor: first.next });
    expect(second.items).toHaveLength(20);
    expect(client.stats.requests - before).toBe(1);
  });

  it('puts products in their custom collections (collects) and smart collections (rules)', async () => {
    const connector = createShopifyConnector();
    const client = session.client();
    const { items } = await walk((q) => connector.products.list(client, q), 250);
    const neutral = session.sim.state.dataset.products;
    for (const p of items) {
      const n = neutral.find((x) => String(8_100_000_000 + x.id) === p.id);
      const smart = session.sim.state.smartCollections.find((s) => s.productType === n?.productType);
      const expected = [...(n?.categoryIds ?? []).map((c) => String(3_000_000_000 + c)), String(3_100_000_000 + (smart?.id ?? 0))];
      expect(p.category_ids).toEqual(expected);
    }
  });

  it('writes stock at the primary location so that the total over locations is the quantity asked for', async () => {
    const connector = createShopifyConnector();
    const client = session.client();
    const { items } = await walk((q) => connector.products.list(client, q), 250);
    const target = items.find((p) => p.variants.length === 1 && p.quantity !== null);
    const variant = session.sim.state.dataset.variantById.get(fromShopifyId('variant', Number(target?.variants[0]?.id)) ?? 0);
    if (!target || !variant) throw new Error('no tracked one-variant product');
    session.sim.state.otherStock.set(`${variant.id}:2`, 5);
    const updated = await connector.products.update(client, target.id, { quantity: 12 });
    expect(updated.quantity).toBe(12);
    expect(variant.inventory).toBe(7);
    const error = await connector.products.update(client, target.id, { quantity: 3 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid' });
  });

  it('normalizes timestamps in the shop\'s offset to UTC', async () => {
    const connector = createShopifyConnector();
    const client = session.client();
    const page = await connector.orders.list(client, { limit: 1, cursor: undefined });
    const order = page.items[0];
    const raw = order?.raw as { created_at: string };
    expect(raw.created_at).toMatch(/[+-]\d{2}:\d{2}$/);
    expect(order?.created_at).toBe(new Date(raw.created_at).toISOString().replace('.000Z', 'Z'));
  });
});

describe('connector registry', () => {
  it('knows Shopify, BigCommerce, WooCommerce and Magento 2 by platform name, and nothing else', () => {
    expect(connectorFor('shopify')?.connector.platform).toBe('shopify');
    expect(connectorFor('shopify')?.definition).toBe(SHOPIFY);
    for (const platform of ['bigcommerce', 'woocommerce', 'magento2']) {
      expect(connectorFor(platform)?.connector.platform).toBe(platform);
      expect(connectorFor(platform)?.definition.platform).toBe(platform);
    }
    expect(connectorFor('prestashop')).toBeUndefined();
    expect(connectorFor('__proto__')).toBeUndefined();
    expect(connectedPlatforms()).toEqual(['shopify', 'bigcommerce', 'woocommerce', 'magento2']);
  });
});

describe('Shopify answers that are not what §3 documents', () => {
  const answering = (body: unknown, status = 200): PlatformClient => ({ send: () => Promise.resolve({ status, headers: {}, body }) });

  it('are bad responses, not empty lists', async () => {
    const connector = createShopifyConnector();
    await expectPlatformError(connector.products.list(answering('<html>maintenance</html>'), { limit: 5, cursor: undefined }), 'bad_response');
    await expectPlatformError(connector.orders.list(answering({ orders: 'nope' }), { limit: 5, cursor: undefined }), 'bad_response');
    await expectPlatformError(connector.customers.count(answering({ count: 'many' }), {}), 'bad_response');
    const odd = await expectPlatformError(connector.orders.get(answering({ order: { id: 1, total_price: 'n/a', currency: 'USD' } }), '1'), 'bad_response');
    expect(odd.upstream.message).toContain('total_price');
  });

  it('keep the platform\'s text from a proxy error page', async () => {
    const error = await expectPlatformError(createShopifyConnector().storeInfo(answering('<html>502 Bad Gateway</html>', 502)), 'unavailable');
    expect(error.upstream).toEqual({ status: 502, message: '<html>502 Bad Gateway</html>' });
  });
});
