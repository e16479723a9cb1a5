/**
 * The simulator's responses checked against a document we did not write: the community
 * OpenAPI of Shopify Admin REST 2021-10 (test/fixtures/vendor-specs/shopify-admin-2021-10.yml,
 * see SOURCES.md). That document never marks a field nullable and has a few wrong types;
 * each correction below is narrow and cites what shopify.md (checked against Shopify's own
 * 2024-04 fixtures) says. Shapes the document lacks (shop, collections) are checked against
 * the field list of shopify.md §7 instead, and say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allowNull,
  declaredProperties,
  loadOpenApiDocument,
  patchSchema,
  validateComponent,
  validateResponse,
  type OpenApiDocument,
} from '../../simulator-kit/openapi-conformance.js';
import { startShopifySimulator, type ShopifySimulator } from './index.js';

const SPEC = new URL('../../../../test/fixtures/vendor-specs/shopify-admin-2021-10.yml', import.meta.url);
const S = '#/components/schemas';

function vendorDocument(): OpenApiDocument {
  const doc = loadOpenApiDocument(SPEC);
  const nullable: Array<[string, string]> = [
    [`${S}/Product/properties/published_at`, 'shopify.md §7 Product: published_at ts|null (null = unpublished)'],
    [`${S}/Product/properties/template_suffix`, 'shopify.md §7 Product: template_suffix str|null'],
    [`${S}/ProductVariant/properties/compare_at_price`, 'shopify.md §7 Variant: compare_at_price str|null'],
    [`${S}/ProductVariant/properties/barcode`, 'shopify.md §7 Variant: barcode str|null'],
    [`${S}/ProductVariant/properties/image_id`, 'shopify.md §7 Variant: image_id int|null'],
    [`${S}/ProductVariant/properties/inventory_management`, 'shopify.md §7 Variant: inventory_management "shopify"|null|app handle'],
    [`${S}/Presentment_price/properties/compare_at_price`, 'shopify.md §7 Variant: presentment_prices[].compare_at_price obj|null'],
    [`${S}/Order/properties/cancel_reason`, 'shopify.md §7 Order: cancel_reason null or one of customer|fraud|…'],
    [`${S}/Order/properties/cancelled_at`, 'shopify.md §7 Order: cancelled_at|null'],
    [`${S}/Order/properties/closed_at`, 'shopify.md §7 Order: closed_at|null'],
    [`${S}/Order/properties/fulfillment_status`, 'shopify.md §7: fulfillment_status null (nothing fulfilled), partial, fulfilled, restocked'],
    [`${S}/Order/properties/note`, 'shopify.md §7 Order: note str|null'],
    [`${S}/Order/properties/location_id`, 'shopify.md §7 Order: location_id int|null'],
    [`${S}/Order/properties/user_id`, 'shopify.md §7 Order: user_id int|null'],
    [`${S}/Order/properties/payment_terms`, 'shopify.md §7 Order: payment_terms|null'],
    [`${S}/Order/properties/shipping_address`, 'shopify.md §7 Order: shipping_address Address|null; §8 example has "shipping_address":null'],
    [`${S}/Order/properties/phone`, '[U] shopify.md §7 lists Order.phone without a type; Shopify sends null when no phone was given'],
    [`${S}/CustomerAddress/properties/company`, 'shopify.md §7 Address: company|null; §8 example "company":null'],
    [`${S}/CustomerAddress/properties/phone`, 'shopify.md §8 order example: billing_address "phone":null'],
    [`${S}/Line_item/properties/variant_title`, 'shopify.md §7 LineItem: variant_title str|null'],
    [`${S}/Line_item/properties/fulfillment_status`, 'shopify.md §7 LineItem: fulfillment_status null|"fulfilled"|"partial"'],
    [`${S}/LineItem/properties/variant_title`, 'shopify.md §7 LineItem: variant_title str|null (fulfillment line items)'],
    [`${S}/Fulfillment/properties/shipment_status`, '[U] not in shopify.md; null until a carrier reports a delivery state'],
    [`${S}/ShippingLine/properties/carrier_identifier`, '[U] shopify.md §7 lists shipping_lines[].carrier_identifier without a type; null for shop-defined rates'],
    [`${S}/Customer/properties/note`, 'shopify.md §7 Customer: note str|null'],
    [`${S}/Customer/properties/phone`, 'shopify.md §7 Customer: phone str|null (E.164)'],
    [`${S}/Customer/properties/last_order_id`, 'shopify.md §7 Customer: last_order_id int|null'],
    [`${S}/Customer/properties/last_order_name`, 'shopify.md §7 Customer: last_order_name str|null'],
    [`${S}/Customer/properties/multipass_identifier`, '[U] shopify.md §7 lists multipass_identifier without a type; null unless Multipass is used'],
    [`${S}/Address/properties/company`, 'shopify.md §7 Address: company|null'],
    [`${S}/Address/properties/phone`, 'shopify.md §8: address "phone":null'],
  ];
  for (const [pointer, reason] of nullable) allowNull(doc, pointer, reason);

  patchSchema(doc, `${S}/ProductVariant/properties/weight`, 'shopify.md §7 Variant: weight number (0.34 in §8); §10.1 weight is a number', (s) => ({
    ...s,
    type: 'number',
  }));
  patchSchema(
    doc,
    `${S}/ProductVariant/properties/presentment_prices`,
    'shopify.md §7/§8: presentment_prices is the array itself, not an object wrapping it',
    () => ({ type: 'array', items: { $ref: `${S}/Presentment_price` } }),
  );
  patchSchema(doc, `${S}/CustomerAddress/properties/latitude`, 'shopify.md §7 Address: latitude, longitude (numbers); §8 "latitude":39.75', (s) => ({
    ...s,
    type: 'number',
  }));
  patchSchema(doc, `${S}/LineItem/properties/tax_lines`, 'shopify.md §7 LineItem: tax_lines [] (an array, as in Line_item)', () => ({
    type: 'array',
    items: { $ref: `${S}/TaxLine` },
  }));
  return doc;
}

/** Shapes the vendor document lacks, written from the shopify.md §7 field lists (not vendor text). */
const docShop = {
  type: 'object',
  required: ['id', 'name', 'email', 'domain', 'myshopify_domain', 'currency', 'timezone', 'iana_timezone', 'country_code', 'created_at', 'updated_at', 'primary_location_id'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    country_code: { type: 'string', pattern: '^[A-Z]{2}$' },
    latitude: { type: 'number' },
    longitude: { type: 'number' },
    money_format: { type: 'string' },
    enabled_presentment_currencies: { type: 'array', items: { type: 'string' } },
    created_at: { type: 'string', format: 'date-time' },
    primary_location_id: { type: 'integer' },
  },
};
const docCollection = {
  type: 'object',
  required: ['id', 'handle', 'title', 'updated_at', 'body_html', 'published_at', 'sort_order', 'template_suffix', 'products_count', 'published_scope', 'admin_graphql_api_id'],
  properties: {
    id: { type: 'integer' },
    handle: { type: 'string' },
    title: { type: 'string' },
    updated_at: { type: 'string', format: 'date-time' },
    published_at: { type: ['string', 'null'], format: 'date-time' },
    sort_order: { enum: ['alpha-asc', 'alpha-desc', 'best-selling', 'created', 'created-desc', 'price-asc', 'price-desc', 'manual'] },
    products_count: { type: 'integer' },
    published_scope: { enum: ['web', 'global'] },
    admin_graphql_api_id: { type: 'string', pattern: '^gid://shopify/Collection/\\d+$' },
    disjunctive: { type: 'boolean' },
    rules: { type: 'array', items: { type: 'object', required: ['column', 'relation', 'condition'] } },
  },
};

describe('Shopify simulator conformance with the vendor OpenAPI document', () => {
  let sim: ShopifySimulator;
  let doc: OpenApiDocument;
  const get = async (path: string): Promise<any> => {
    const res = await fetch(`${sim.adminUrl()}/${path}`, { headers: { 'X-Shopify-Access-Token': sim.token } });
    expect(res.status).toBe(200);
    return res.json();
  };
  const spec = (path: string): string => `/admin/api/2021-10/${path}`;

  beforeAll(async () => {
    doc = vendorDocument();
    sim = await startShopifySimulator({ seed: 21, sizes: { products: 60, orders: 120, customers: 40, categories: 6 }, rateLimit: false });
  });
  afterAll(() => sim.close());

  it('fails loudly when the vendor document is missing', () => {
    expect(() => loadOpenApiDocument(new URL('./no-such-spec.yml', SPEC))).toThrow(/not found/);
  });

  it('product list, product and variants', async () => {
    const list = await get('products.json?limit=250&status=active,draft,archived');
    expect(list.products).toHaveLength(60);
    expect(validateResponse(doc, spec('products.json'), 'get', 200, list)).toEqual([]);
    const product = list.products.find((p: any) => p.variants.length > 1 && p.images.length > 0);
    expect(product).toBeDefined();
    expect(validateResponse(doc, spec('products/{product_id}.json'), 'get', 200, await get(`products/${product.id}.json`))).toEqual([]);
    const variants = await get(`products/${product.id}/variants.json`);
    expect(validateResponse(doc, spec('products/{product_id}/variants.json'), 'get', 200, variants)).toEqual([]);
    const variant = await get(`variants/${product.variants[1].id}.json`);
    expect(validateResponse(doc, spec('variants/{variant_id}.json'), 'get', 200, variant)).toEqual([]);
  });

  it('order list (every status) and one order', async () => {
    const list = await get('orders.json?limit=250&status=any');
    expect(list.orders).toHaveLength(120);
    expect(validateResponse(doc, spec('orders.json'), 'get', 200, list)).toEqual([]);
    const one = await get(`orders/${list.orders[7].id}.json`);
    expect(validateResponse(doc, spec('orders/{order_id}.json'), 'get', 200, one)).toEqual([]);
  });

  it('customer list and one customer', async () => {
    const list = await get('customers.json?limit=250');
    expect(list.customers).toHaveLength(40);
    expect(validateResponse(doc, spec('customers.json'), 'get', 200, list)).toEqual([]);
    const one = await get(`customers/${list.customers[3].id}.json`);
    expect(validateResponse(doc, spec('customers/{customer_id}.json'), 'get', 200, one)).toEqual([]);
  });

  it('count bodies have the shape of the document\'s count object', async () => {
    // The document describes counts only for webhooks; shopify.md §3 says every count is {"count": n}.
    for (const path of ['products/count.json', 'orders/count.json?status=any', 'customers/count.json', 'custom_collections/count.json']) {
      expect(validateComponent(doc, `${S}/WebhookCountObject`, await get(path))).toEqual([]);
    }
  });

  it('shop and collections follow the shopify.md §7 field lists (no vendor schema exists for them)', async () => {
    const { Ajv } = await import('ajv');
    const addFormats = (await import('ajv-formats')).default;
    const ajv = new Ajv({ allErrors: true });
    addFormats.default(ajv);
    const shop = ajv.compile(docShop);
    const collection = ajv.compile(docCollection);
    expect(shop((await get('shop.json')).shop), JSON.stringify(shop.errors)).toBe(true);
    const custom = (await get('custom_collections.json')).custom_collections;
    const smart = (await get('smart_collections.json')).smart_collections;
    expect(custom.length).toBeGreaterThan(0);
    expect(smart.length).toBeGreaterThan(0);
    for (const c of [...custom, ...smart]) expect(collection(c), JSON.stringify(collection.errors)).toBe(true);
  });

  it('emits every property the document declares, except the ones named here', async () => {
    const product = (await get('products.json?limit=1')).products[0];
    const order = (await get('orders.json?limit=250&status=any')).orders.find((o: any) => o.customer && o.discount_codes.length > 0);
    const customer = (await get('customers.json?limit=1')).customers[0];
    const missing = (pointer: string, obj: object): string[] => declaredProperties(doc, pointer).filter((k) => !(k in obj)).sort();
    expect(missing(`${S}/Product`, product)).toEqual([]);
    // `option` is the document's invention (fields are option1..3); the other two are deprecated or app-only (Avalara).
    expect(missing(`${S}/ProductVariant`, product.variants[0])).toEqual(['inventory_quantity_adjustment', 'option', 'tax_code']);
    // Left out: deprecated since 2022-04 (accepts_marketing*, marketing_opt_in_level; shopify.md §7) and write-only (metafield).
    expect(missing(`${S}/Customer`, customer)).toEqual(['accepts_marketing', 'accepts_marketing_updated_at', 'marketing_opt_in_level', 'metafield']);
    // Left out: duties (no cross-border data), deprecated gateway/payment_details/processing_method.
    expect(missing(`${S}/Order`, order)).toEqual(['current_total_duties_set', 'gateway', 'original_total_duties_set', 'payment_details', 'processing_method']);
  });

  it('the checks can fail: a product with a numeric price or a variant list as an object is rejected', async () => {
    const body = await get('products.json?limit=1');
    const broken = structuredClone(body);
    broken.products[0].variants[0].price = 18.5;
    expect(validateResponse(doc, spec('products.json'), 'get', 200, broken).join('\n')).toMatch(/price must be string/);
    const wrongShape = { products: { id: 1 } };
    expect(validateResponse(doc, spec('products.json'), 'get', 200, wrongShape)).not.toEqual([]);
  });

  it('lists every correction applied to the vendor document, each with a reason', () => {
    expect(doc.patches.length).toBeGreaterThan(0);
    for (const p of doc.patches) expect(p.reason).toMatch(/shopify\.md|\[U\]/);
  });
});
