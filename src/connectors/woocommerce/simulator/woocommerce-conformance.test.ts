/**
 * The simulator's responses checked against a wc/v3 OpenAPI document generated from a live
 * WooCommerce's route schemas (test/fixtures/vendor-specs/woocommerce-wc-v3.yml, see SOURCES.md).
 * The generator drops `null` from types and guessed some formats; each correction below is
 * narrow and cites woocommerce.md. `GET /settings/general` has no path in the document, so
 * its items are checked against the `setting` component.
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
import { startWooCommerceSimulator, type WooCommerceSimulator } from './index.js';

const SPEC = new URL('../../../../test/fixtures/vendor-specs/woocommerce-wc-v3.yml', import.meta.url);
const S = '#/components/schemas';

function vendorDocument(): OpenApiDocument {
  const doc = loadOpenApiDocument(SPEC);
  const nullable: Array<[string, string]> = [
    [`${S}/product/properties/stock_quantity`, 'woocommerce.md §7 Product: stock_quantity int|null (null unless manage_stock)'],
    [`${S}/product_variation/properties/stock_quantity`, 'woocommerce.md §7 Variation: stock_quantity as on products, null when unmanaged'],
    [`${S}/product_variation/properties/image`, 'woocommerce.md §7 Variation: image Image|null; §8 example "image":null'],
    [`${S}/product_cat/properties/image`, 'woocommerce.md §7 Product category: image Image|null; §8 example "image":null'],
  ];
  for (const side of ['product', 'product_variation']) {
    for (const f of ['date_on_sale_from', 'date_on_sale_from_gmt', 'date_on_sale_to', 'date_on_sale_to_gmt']) {
      nullable.push([`${S}/${side}/properties/${f}`, 'woocommerce.md §7/§8: unset dates are null ("date_on_sale_from":null)']);
    }
  }
  for (const f of ['date_paid', 'date_paid_gmt', 'date_completed', 'date_completed_gmt']) {
    nullable.push([`${S}/shop_order/properties/${f}`, 'woocommerce.md §7 Order: date_paid(_gmt)|null, date_completed(_gmt)|null']);
  }
  for (const [pointer, reason] of nullable) allowNull(doc, pointer, reason);

  const integer = <T extends object>(s: T): T & { type: string } => ({ ...s, type: 'integer' });
  patchSchema(doc, `${S}/product/properties/shipping_class_id`, 'woocommerce.md §8 product example: "shipping_class_id":0 (an integer)', integer);
  patchSchema(doc, `${S}/product_variation/properties/shipping_class_id`, 'woocommerce.md §8 variation example: "shipping_class_id":0', integer);
  patchSchema(doc, `${S}/shop_order/properties/line_items/items/properties/product_id`, 'woocommerce.md §7 Line item: product_id is an id (ints, §7); §8 example "product_id":310', integer);
  patchSchema(doc, `${S}/shop_order/properties/tax_lines/items/properties/rate_id`, 'woocommerce.md §10.1: tax_lines[].rate_id is a number (the docs claim string); §8 "rate_id":1', integer);
  patchSchema(doc, `${S}/shop_order/properties/version`, 'woocommerce.md §8 order example: "version":"8.9.1" (a string)', (s) => ({ ...s, type: 'string' }));
  // An empty external_url is "" (§8 example), which the generated `format: uri` rejects.
  patchSchema(doc, `${S}/product/properties/external_url`, 'woocommerce.md §8 product example: "external_url":"" for non-external products', ({ format: _f, ...s }) => s);
  for (const r of ['report_order_total', 'report_product_total', 'report_customer_total']) {
    patchSchema(doc, `${S}/${r}/properties/total`, '[U] woocommerce.md §3 gives only {slug,name,total}; the report controllers cast counts to int', integer);
  }
  return doc;
}

describe('WooCommerce simulator conformance with the vendor OpenAPI document', () => {
  let sim: WooCommerceSimulator;
  let doc: OpenApiDocument;
  const get = async (path: string): Promise<any> => {
    const res = await fetch(`${sim.apiUrl}/${path}`, { headers: { Authorization: `Basic ${Buffer.from(`${sim.consumerKey}:${sim.consumerSecret}`).toString('base64')}` } });
    expect(res.status).toBe(200);
    return res.json();
  };
  const put = async (path: string, body: unknown): Promise<any> => {
    const res = await fetch(`${sim.apiUrl}/${path}`, {
      method: 'PUT',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${sim.consumerKey}:${sim.consumerSecret}`).toString('base64')}` },
    });
    expect(res.status).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    doc = vendorDocument();
    sim = await startWooCommerceSimulator({ seed: 31, sizes: { products: 60, orders: 90, customers: 30, categories: 8 }, assumeHttps: true });
  });
  afterAll(() => sim.close());

  it('fails loudly when the vendor document is missing', () => {
    expect(() => loadOpenApiDocument(new URL('no-such-spec.yml', SPEC))).toThrow(/not found/);
  });

  it('products: list, one of each type, and an updated one', async () => {
    const list = await get('products?per_page=100');
    expect(list).toHaveLength(60);
    expect(validateResponse(doc, '/products', 'get', 200, list)).toEqual([]);
    for (const type of ['simple', 'variable']) {
      const one = list.find((p: any) => p.type === type && p.images.length > 0);
      expect(validateResponse(doc, '/products/{id}', 'get', 200, await get(`products/${one.id}`))).toEqual([]);
    }
    const simple = list.find((p: any) => p.type === 'simple');
    const updated = await put(`products/${simple.id}`, { regular_price: '10.00', sale_price: '8.00', manage_stock: true, stock_quantity: 3 });
    expect(validateResponse(doc, '/products/{id}', 'put', 200, updated)).toEqual([]);
  });

  it('variations: list, one, and an updated one', async () => {
    const variable = (await get('products?per_page=100&type=variable')).find((p: any) => p.variations.length > 2 && p.images.length > 1);
    const list = await get(`products/${variable.id}/variations`);
    expect(validateResponse(doc, '/products/{product_id}/variations', 'get', 200, list)).toEqual([]);
    expect(list.some((v: any) => v.image !== null)).toBe(true);
    expect(validateResponse(doc, '/products/{product_id}/variations/{id}', 'get', 200, await get(`products/${variable.id}/variations/${list[1].id}`))).toEqual([]);
    const updated = await put(`products/${variable.id}/variations/${list[0].id}`, { regular_price: '12.00', stock_quantity: 4 });
    expect(validateResponse(doc, '/products/{product_id}/variations/{id}', 'put', 200, updated)).toEqual([]);
  });

  it('categories, orders (every listed status), customers', async () => {
    const categories = await get('products/categories?per_page=100');
    expect(validateResponse(doc, '/products/categories', 'get', 200, categories)).toEqual([]);
    expect(validateResponse(doc, '/products/categories/{id}', 'get', 200, await get(`products/categories/${categories[0].id}`))).toEqual([]);
    const orders = await get('orders?per_page=100');
    expect(new Set(orders.map((o: any) => o.status)).size).toBe(7);
    expect(validateResponse(doc, '/orders', 'get', 200, orders)).toEqual([]);
    const rich = orders.find((o: any) => o.coupon_lines.length > 0 && o.refunds.length > 0) ?? orders[0];
    expect(validateResponse(doc, '/orders/{id}', 'get', 200, await get(`orders/${rich.id}`))).toEqual([]);
    const customers = await get('customers?per_page=100&role=all');
    expect(validateResponse(doc, '/customers', 'get', 200, customers)).toEqual([]);
    expect(validateResponse(doc, '/customers/{id}', 'get', 200, await get(`customers/${customers[1].id}`))).toEqual([]);
  });

  it('store information and report totals', async () => {
    expect(validateResponse(doc, '/system_status', 'get', 200, await get('system_status'))).toEqual([]);
    for (const s of await get('settings/general')) expect(validateComponent(doc, `${S}/setting`, s)).toEqual([]);
    for (const r of ['orders', 'products', 'customers']) {
      expect(validateResponse(doc, `/reports/${r}/totals`, 'get', 200, await get(`reports/${r}/totals`))).toEqual([]);
    }
  });

  it('emits every property the schemas declare, except the ones named here', async () => {
    const missing = (pointer: string, obj: object): string[] => declaredProperties(doc, pointer).filter((k) => !(k in obj)).sort();
    const product = (await get('products?per_page=1'))[0];
    // low_stock_amount is newer than §7's list; grouped/external-only keys are there already.
    expect(missing(`${S}/product`, product)).toEqual(['low_stock_amount']);
    const variable = (await get('products?per_page=100&type=variable'))[0];
    const variation = (await get(`products/${variable.id}/variations`))[0];
    expect(missing(`${S}/product_variation`, variation)).toEqual(['low_stock_amount']);
    const order = (await get('orders?per_page=1'))[0];
    // set_paid is write-only (§7).
    expect(missing(`${S}/shop_order`, order)).toEqual(['set_paid']);
    const customer = (await get('customers?per_page=1'))[0];
    // password is write-only (§7 Customer).
    expect(missing(`${S}/customer`, customer)).toEqual(['password']);
  });

  it('the checks can fail: money as a number is rejected', async () => {
    const list = await get('products?per_page=1');
    list[0].regular_price = 19.99;
    expect(validateResponse(doc, '/products', 'get', 200, list).join('\n')).toMatch(/regular_price must be string/);
  });
});
