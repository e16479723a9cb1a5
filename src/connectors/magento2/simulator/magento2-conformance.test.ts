/**
 * The simulator's responses checked against the schema Magento 2.4.9 itself emits at
 * /rest/all/schema (test/fixtures/vendor-specs/magento-admin-schema-2.4.9.yaml, Swagger 2.0,
 * see SOURCES.md). The schema is generated from PHP interfaces and says nothing about
 * nulls or mixed types; each correction below is narrow and cites magento2.md.
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
import { startMagento2Simulator, type Magento2Simulator } from './index.js';

const SPEC = new URL('../../../../test/fixtures/vendor-specs/magento-admin-schema-2.4.9.yaml', import.meta.url);
const D = '#/definitions';

const NAMED = { type: 'object' };
const POSITIONAL = { type: 'array', items: { type: ['string', 'number'] } };
const TEXT = { type: 'string' };
const TEXT_LIST = { type: 'array', items: TEXT };

function vendorDocument(): OpenApiDocument {
  const doc = loadOpenApiDocument(SPEC);
  patchSchema(
    doc,
    `${D}/error-response/properties/parameters`,
    'magento2.md §10: parameters is an object for named placeholders ({"fieldName":…}) and an array of values for positional ones (%1)',
    () => ({ anyOf: [NAMED, POSITIONAL] }),
  );
  patchSchema(
    doc,
    `${D}/framework-attribute-interface/properties/value`,
    'magento2.md §5: "The schema types value as string, but arrays do occur [V]" (category_ids is an array of strings)',
    () => ({ anyOf: [TEXT, TEXT_LIST] }),
  );
  allowNull(doc, `${D}/catalog-inventory-data-stock-item-interface/properties/low_stock_date`, 'magento2.md §6: low_stock_date (string|null)');
  for (const f of ['account_status', 'cc_last4']) {
    allowNull(doc, `${D}/sales-data-order-payment-interface/properties/${f}`, '[I] magento2.md §8 shows payment {method, amount_*, additional_information}; offline methods leave the card fields null');
  }
  return doc;
}

describe('Magento 2 simulator conformance with the vendor Swagger document', () => {
  let sim: Magento2Simulator;
  let doc: OpenApiDocument;
  const get = async (path: string, status = 200): Promise<any> => {
    const res = await fetch(`${sim.restUrl('default')}/${path}`, { headers: { Authorization: `Bearer ${sim.token}` } });
    expect(res.status).toBe(status);
    return res.json();
  };
  const put = async (path: string, body: unknown): Promise<any> => {
    const res = await fetch(`${sim.restUrl('default')}/${path}`, { method: 'PUT', body: JSON.stringify(body), headers: { Authorization: `Bearer ${sim.token}`, 'Content-Type': 'application/json' } });
    expect(res.status).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    doc = vendorDocument();
    sim = await startMagento2Simulator({ seed: 31, sizes: { products: 40, orders: 80, customers: 25, categories: 8 } });
  });
  afterAll(() => sim.close());

  it('fails loudly when the vendor document is missing', () => {
    expect(() => loadOpenApiDocument(new URL('no-such-spec.yaml', SPEC))).toThrow(/not found/);
  });

  it('products: list, one of each type with its stock item, a saved one, configurable children and options', async () => {
    const list = await get('V1/products?searchCriteria[pageSize]=300');
    expect(validateResponse(doc, '/V1/products', 'get', 200, list)).toEqual([]);
    for (const type of ['simple', 'virtual', 'configurable']) {
      const one = list.items.find((p: any) => p.type_id === type);
      expect(validateResponse(doc, '/V1/products/{sku}', 'get', 200, await get(`V1/products/${encodeURIComponent(one.sku)}`))).toEqual([]);
    }
    const simple = list.items.find((p: any) => p.type_id === 'simple' && p.visibility === 4);
    const saved = await put(`V1/products/${encodeURIComponent(simple.sku)}`, { product: { price: 9.5, custom_attributes: [{ attribute_code: 'special_price', value: '8' }] } });
    expect(validateResponse(doc, '/V1/products/{sku}', 'put', 200, saved)).toEqual([]);
    const parent = list.items.find((p: any) => p.type_id === 'configurable');
    expect(validateResponse(doc, '/V1/configurable-products/{sku}/children', 'get', 200, await get(`V1/configurable-products/${parent.sku}/children`))).toEqual([]);
    expect(validateResponse(doc, '/V1/configurable-products/{sku}/options/all', 'get', 200, await get(`V1/configurable-products/${parent.sku}/options/all`))).toEqual([]);
  });

  it('stock: stock items, source items, salable quantity, stock item save', async () => {
    const child = (await get('V1/products?searchCriteria[filterGroups][0][filters][0][field]=visibility&searchCriteria[filterGroups][0][filters][0][value]=1&searchCriteria[pageSize]=1')).items[0];
    const sku = encodeURIComponent(child.sku);
    expect(validateResponse(doc, '/V1/stockItems/{productSku}', 'get', 200, await get(`V1/stockItems/${sku}`))).toEqual([]);
    expect(validateResponse(doc, '/V1/inventory/source-items', 'get', 200, await get('V1/inventory/source-items?searchCriteria[pageSize]=50'))).toEqual([]);
    expect(validateResponse(doc, '/V1/inventory/get-product-salable-quantity/{sku}/{stockId}', 'get', 200, await get(`V1/inventory/get-product-salable-quantity/${sku}/1`))).toEqual([]);
    const saved = await put(`V1/products/${sku}/stockItems/${child.id}`, { stockItem: { qty: 4 } });
    expect(validateResponse(doc, '/V1/products/{productSku}/stockItems/{itemId}', 'put', 200, saved)).toEqual([]);
  });

  it('categories: tree, flat list, one category', async () => {
    expect(validateResponse(doc, '/V1/categories', 'get', 200, await get('V1/categories?rootCategoryId=1'))).toEqual([]);
    const list = await get('V1/categories/list?searchCriteria=');
    expect(validateResponse(doc, '/V1/categories/list', 'get', 200, list)).toEqual([]);
    expect(validateResponse(doc, '/V1/categories/{categoryId}', 'get', 200, await get(`V1/categories/${list.items[4].id}`))).toEqual([]);
  });

  it('orders in every status, one order, customers, store configuration', async () => {
    const orders = await get('V1/orders?searchCriteria=');
    expect(new Set(orders.items.map((o: any) => o.status)).size).toBeGreaterThanOrEqual(9);
    expect(validateResponse(doc, '/V1/orders', 'get', 200, orders)).toEqual([]);
    const rich = orders.items.find((o: any) => o.coupon_code !== undefined && o.items.some((i: any) => i.parent_item_id !== undefined));
    expect(validateResponse(doc, '/V1/orders/{id}', 'get', 200, await get(`V1/orders/${rich.entity_id}`))).toEqual([]);
    const customers = await get('V1/customers/search?searchCriteria=');
    expect(validateResponse(doc, '/V1/customers/search', 'get', 200, customers)).toEqual([]);
    expect(validateResponse(doc, '/V1/customers/{customerId}', 'get', 200, await get(`V1/customers/${customers.items[2].id}`))).toEqual([]);
    for (const path of ['storeConfigs', 'storeViews', 'websites', 'storeGroups']) {
      expect(validateResponse(doc, `/V1/store/${path}`, 'get', 200, await get(`V1/store/${path}`))).toEqual([]);
    }
  });

  it('the admin token endpoint answers a string; error bodies match error-response', async () => {
    const res = await fetch(`${sim.restUrl()}/V1/integration/admin/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'Simulator123' }) });
    expect(validateResponse(doc, '/V1/integration/admin/token', 'post', 200, await res.json())).toEqual([]);
    const errors = [
      await get('V1/products/NOPE', 404),
      await get('V1/customers/99999', 404),
      await get('V1/products', 400),
      await get('V1/orders?searchCriteria[sortOrders][0][field]=x&searchCriteria[sortOrders][0][direction]=up', 400),
      await (await fetch(`${sim.restUrl()}/V1/orders?searchCriteria=`)).json(),
    ];
    for (const e of errors) expect(validateComponent(doc, `${D}/error-response`, e)).toEqual([]);
  });

  it('emits the product fields §5 lists, and the checks can fail', async () => {
    const product = (await get('V1/products?searchCriteria[pageSize]=1')).items[0];
    const missing = declaredProperties(doc, `${D}/catalog-data-product-interface`).filter((k) => !(k in product));
    expect(missing).toEqual([]);
    const broken = { ...product, price: '19.99' };
    expect(validateComponent(doc, `${D}/catalog-data-product-interface`, broken).join('\n')).toMatch(/price must be number/);
  });
});
