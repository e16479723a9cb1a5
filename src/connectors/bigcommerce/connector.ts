/**
 * The BigCommerce connector: the unified operations over Catalog/Customers V3 and
 * Store/Orders V2 as definition.ts describes them, mapped by mapping.ts. Exceptions kept
 * here as named functions: products walked by `id:greater` with variants and images
 * included, the SKU filter resolved through variants, orders walked by `min_id` with their
 * line items and shipping addresses fetched per order (V2 embeds only links, §10.4),
 * customers by cursor, category trees by offset window, and writes split between the
 * product and its variants according to `inventory_tracking`.
 *
 *   const bc = createBigCommerceConnector();
 *   await bc.orders.list(client, { limit: 50, cursor: undefined, modifiedSince });
 */
import type { ProductRecord } from '../../commerce/models.js';
import type { Capabilities, Connector, ListFilters, ListQuery, ListResult, PlatformClient, PlatformResponse, ProductUpdate } from '../connector.js';
import { createClientMemo } from '../common/client-memo.js';
import { continuation, readCount, readString } from '../common/cursor.js';
import { filterIsoUtc, filterRfc2822, parseTimestamp } from '../common/dates.js';
import { pagingOf, payloadAt } from '../common/definition.js';
import { badResponse, flattenErrors, invalidRequest, notFoundRequest, platformError, textSnippet } from '../common/errors.js';
import { refuseUnsupported } from '../common/filters.js';
import { asArray, asObject, idOf, int, money, weightUnit } from '../common/mapping.js';
import { listPage, mapConcurrent, readOffsetWindow, scanCount, type NativePage } from '../common/paginate.js';
import { createRequester } from '../common/requests.js';
import { isNormalizedStatus, nativeStatusesFor } from '../common/status-map.js';
import { checkUpdate } from '../common/update.js';
import { BIGCOMMERCE as def } from './definition.js';
import { effectiveSale, mapCategory, mapCustomer, mapOrder, mapProduct, mapStore, mapVariants, ORDER_STATUS, priceWrite, type CatalogContext, type OrderInput } from './mapping.js';

type Json = Record<string, unknown>;
type Query = Record<string, string | number | undefined>;
const P = def.label;
const V3 = pagingOf(def, 'v3', 'page');
const V3_KEYSET = pagingOf(def, 'v3_keyset', 'keyset');
const V3_CURSOR = pagingOf(def, 'v3_cursor', 'cursor');
const V2 = pagingOf(def, 'v2', 'page');
const V2_KEYSET = pagingOf(def, 'v2_keyset', 'keyset');
const MAX = V3.maxSize;
/** Line items and addresses of a page of orders are fetched this many orders at a time. */
const ORDER_DETAIL_CONCURRENCY = 4;

/** V3 problem objects (`title`, `detail`, `errors`) and V2 arrays of `{status, message}` (§6). */
export function bigCommerceErrorMessage(body: unknown): string | undefined {
  if (Array.isArray(body)) return flattenErrors(body.map((e) => asObject(e)?.message ?? e));
  const o = asObject(body);
  if (!o) return textSnippet(body);
  const parts = [o.title, o.detail, flattenErrors(o.errors)].filter((x): x is string => typeof x === 'string' && x !== '');
  return parts.length > 0 ? parts.join(': ') : undefined;
}

const { call, payload, records, one, possibleId } = createRequester(def, bigCommerceErrorMessage);

const total = (res: PlatformResponse): number | undefined => int(payloadAt(res.body, V3.totalPath ?? '')) ?? undefined;

/** The bound a keyset walk continues from: after the last id, or that id plus one for an inclusive bound. */
const keysetBound = (keyset: typeof V2_KEYSET, after: number | null, floor = 0): number | undefined => {
  const next = after === null ? 0 : after + (keyset.inclusive ? 1 : 0);
  const bound = Math.max(floor, next);
  return bound > 0 ? bound : undefined;
};

/** Ids of an ids filter BigCommerce could hold; [] when none (the list is then empty). */
const possibleIds = (ids: readonly string[]): string[] => ids.filter(possibleId);

/** Keyset page: the rest of the list after the last id seen, counted by the reported total (B6.10). */
function keysetPage(items: Json[], more: boolean): NativePage<Json, number> {
  const idAt = (i: number): number => int(items[i]?.id) ?? 0;
  return { items, next: more && items.length > 0 ? idAt(items.length - 1) : undefined, after: idAt };
}

/** What BigCommerce filters itself (§3) and what the connector emulates or refuses. */
export const BIGCOMMERCE_CAPABILITIES: Record<'products' | 'orders' | 'customers' | 'categories', Capabilities> = {
  products: { modified_since: 'native', created_since: 'emulated', ids: 'native', status: 'emulated', sku: 'native', native_page_size: MAX },
  orders: { modified_since: 'native', created_since: 'native', ids: 'emulated', status: 'emulated', sku: 'unsupported', native_page_size: MAX },
  customers: { modified_since: 'native', created_since: 'native', ids: 'native', status: 'unsupported', sku: 'unsupported', native_page_size: MAX },
  categories: { modified_since: 'unsupported', created_since: 'unsupported', ids: 'native', status: 'unsupported', sku: 'unsupported', native_page_size: MAX },
};

const PRODUCT_STATUSES = ['active', 'draft', 'archived'];

interface ProductPlan {
  query: Query;
  keep?: (p: Json) => boolean;
  /** The filters select nothing: answer without asking. */
  empty: boolean;
}

interface OrderPlan {
  query: Query;
  keep?: (o: Json) => boolean;
  empty: boolean;
  minId: number;
}

function orderPlan(f: ListFilters): OrderPlan {
  refuseUnsupported(P, 'orders', f, BIGCOMMERCE_CAPABILITIES.orders);
  const keeps: Array<(o: Json) => boolean> = [];
  const query: Query = {
    min_date_modified: f.modifiedSince && filterRfc2822(f.modifiedSince),
    min_date_created: f.createdSince && filterRfc2822(f.createdSince),
  };
  let empty = false;
  let minId = 0;
  if (f.status !== undefined) {
    if (!isNormalizedStatus(f.status)) throw invalidRequest(P, `order status ${f.status} is not in the unified vocabulary`);
    const natives = nativeStatusesFor(ORDER_STATUS, f.status);
    empty = natives.length === 0;
    // One status_id per request: a unified status made of several is filtered client-side.
    if (natives.length === 1) query.status_id = natives[0];
    else keeps.push((o) => natives.includes(String(o.status_id)));
  }
  if (f.ids !== undefined) {
    // V2 orders take no id list: bound the walk by min_id/max_id and filter the rest.
    const ids = possibleIds(f.ids).map(Number);
    empty ||= ids.length === 0;
    minId = ids.length > 0 ? Math.min(...ids) : 0;
    query.max_id = ids.length > 0 ? Math.max(...ids) : undefined;
    const wanted = new Set(ids);
    keeps.push((o) => wanted.has(int(o.id) ?? -1));
  }
  return { query, keep: keeps.length === 0 ? undefined : (o) => keeps.every((k) => k(o)), empty, minId };
}

export interface BigCommerceConnectorOptions {
  /** How long store settings (currency, weight unit) are reused per connection (default 10 min). */
  storeTtlMs?: number;
  now?: () => number;
}

interface CustomerPosition {
  after?: string;
  page?: number;
}

function readCustomerPosition(raw: unknown): CustomerPosition | undefined {
  const o = asObject(raw);
  if (o?.after !== undefined) return readString(o.after) === undefined ? undefined : { after: o.after as string };
  const page = readCount(o?.page);
  return page !== undefined && page >= 1 ? { page } : undefined;
}

export function createBigCommerceConnector(options: BigCommerceConnectorOptions = {}): Connector {
  const stores = createClientMemo<CatalogContext>(options.storeTtlMs ?? 600_000, options.now);

  const catalogContext = (client: PlatformClient): Promise<CatalogContext> =>
    stores.get(client, async () => {
      const s = asObject(payload(await call(client, 'store'), 'store')) ?? {};
      if (typeof s.currency !== 'string') throw badResponse(P, 200, 'the store has no currency');
      return { currency: s.currency, weightUnit: weightUnit(s.weight_units) };
    });

  /**
   * Products having the SKU on the product or on any variant: `sku` on products matches the
   * main SKU only, so variant SKUs come from /v3/catalog/variants (two calls, both small).
   */
  async function skuProductIds(client: PlatformClient, sku: string): Promise<string[]> {
    const [variants, products] = await Promise.all([
      call(client, 'variants.list', {}, { sku, include_fields: 'product_id', limit: MAX }),
      call(client, 'products.list', {}, { sku, include_fields: 'id', include: undefined, limit: MAX }),
    ]);
    const ids = [...records(variants, 'variants.list').map((v) => idOf(v.product_id)), ...records(products, 'products.list').map((p) => idOf(p.id))];
    return [...new Set(ids.filter((id): id is string => id !== null))];
  }

  async function productPlan(client: PlatformClient, f: ListFilters): Promise<ProductPlan> {
    refuseUnsupported(P, 'products', f, BIGCOMMERCE_CAPABILITIES.products);
    if (f.status !== undefined && !PRODUCT_STATUSES.includes(f.status)) throw invalidRequest(P, 'product status is active, draft or archived');
    let ids = f.ids && possibleIds(f.ids);
    if (f.sku !== undefined) {
      const bySku = await skuProductIds(client, f.sku);
      ids = ids === undefined ? bySku : ids.filter((id) => bySku.includes(id));
    }
    const since = f.createdSince?.getTime();
    const keeps: Array<(p: Json) => boolean> = [];
    // date_created is not a product filter (§3): emulated on the id-ordered walk.
    if (since !== undefined) keeps.push((p) => parseTimestamp(p.date_created) >= Math.floor(since / 1000) * 1000);
    // "active" is anything not disabled: available or preorder, two values one filter cannot ask for.
    if (f.status === 'active') keeps.push((p) => p.availability !== 'disabled');
    return {
      query: {
        'id:in': ids?.join(','),
        'date_modified:min': f.modifiedSince && filterIsoUtc(f.modifiedSince),
        availability: f.status === 'archived' ? 'disabled' : undefined,
      },
      keep: keeps.length === 0 ? undefined : (p) => keeps.every((k) => k(p)),
      // BigCommerce has no draft products (see mapping.ts).
      empty: (ids !== undefined && ids.length === 0) || f.status === 'draft',
    };
  }

  async function productsPage(client: PlatformClient, query: Query, after: number | null, size: number, fields?: Query): Promise<NativePage<Json, number>> {
    const res = await call(client, 'products.list', {}, {
      ...query,
      [V3_KEYSET.afterParam]: keysetBound(V3_KEYSET, after),
      ...V3_KEYSET.sort,
      [V3_KEYSET.limitParam]: size,
      ...fields,
    });
    const items = records(res, 'products.list');
    const rest = total(res);
    return keysetPage(items, rest === undefined ? items.length === size : rest > items.length);
  }

  async function orderDetails(client: PlatformClient, order: Json): Promise<OrderInput> {
    const id = String(order.id);
    const [products, shippingAddresses] = await Promise.all([
      v2All(client, 'orders.products', id),
      // Digital orders have no shipping address: skip the call when the order says so.
      int(order.shipping_address_count) === 0 ? Promise.resolve([]) : v2All(client, 'orders.shipping_addresses', id),
    ]);
    return { order, products, shippingAddresses };
  }

  /** Every page of a V2 sub-list (line items default to 50 per page, §3). */
  async function v2All(client: PlatformClient, name: string, id: string): Promise<Json[]> {
    const out: Json[] = [];
    for (let page = 1; ; page++) {
      const items = records(await call(client, name, { id }, { [V2.pageParam]: page, [V2.limitParam]: MAX }), name);
      out.push(...items);
      if (items.length < MAX) return out;
    }
  }

  async function ordersPage(client: PlatformClient, plan: OrderPlan, after: number | null, size: number): Promise<NativePage<Json, number>> {
    // V2 lists have no totals (§4): one record more than needed tells whether another page
    // exists, so the walk never ends on an empty request.
    const ask = Math.min(size + 1, V2_KEYSET.maxSize);
    const res = await call(client, 'orders.list', {}, {
      ...plan.query,
      [V2_KEYSET.afterParam]: keysetBound(V2_KEYSET, after, plan.minId),
      ...V2_KEYSET.sort,
      [V2_KEYSET.limitParam]: ask,
    });
    const items = records(res, 'orders.list');
    return keysetPage(items, items.length === ask);
  }

  async function customersPage(client: PlatformClient, query: Query, pos: CustomerPosition | null, size: number): Promise<NativePage<Json, CustomerPosition>> {
    const res = await call(client, 'customers.list', {}, { ...query, [V3_CURSOR.limitParam]: size, [V3_CURSOR.afterParam]: pos?.after, [V3.pageParam]: pos?.page });
    const items = records(res, 'customers.list');
    const cursor = asObject(payloadAt(res.body, V3_CURSOR.blockPath));
    const end = readString(cursor?.[V3_CURSOR.endCursor]);
    const hasNext = payloadAt(cursor, V3_CURSOR.nextLink) !== undefined;
    if (cursor !== undefined) return { items, next: hasNext && end !== undefined ? { after: end } : undefined };
    const current = int(payloadAt(res.body, 'meta.pagination.current_page')) ?? 1;
    const pages = int(payloadAt(res.body, 'meta.pagination.total_pages')) ?? current;
    return { items, next: current < pages ? { page: current + 1 } : undefined };
  }

  function customerQuery(f: ListFilters): Query {
    refuseUnsupported(P, 'customers', f, BIGCOMMERCE_CAPABILITIES.customers);
    return {
      'id:in': f.ids && possibleIds(f.ids).join(','),
      'date_modified:min': f.modifiedSince && filterIsoUtc(f.modifiedSince),
      'date_created:min': f.createdSince && filterIsoUtc(f.createdSince),
    };
  }

  async function updateProduct(client: PlatformClient, id: string, update: ProductUpdate): Promise<ProductRecord> {
    const product = await one(client, 'products.get', id);
    if (!product) throw platformError('not_found', P, 404, 'The resource at that URL is not found.');
    const plan = planUpdate(product, update);
    if (Object.keys(plan.product).length > 0) await call(client, 'products.update', { id }, {}, plan.product);
    for (const [variantId, body] of plan.variants) {
      await call(client, 'variants.update', { product_id: id, id: variantId }, {}, body);
    }
    const fresh = await one(client, 'products.get', id);
    if (!fresh) throw platformError('not_found', P, 404, 'The resource at that URL is not found.');
    return mapProduct(fresh, await catalogContext(client));
  }

  return {
    platform: 'bigcommerce',
    capabilities: BIGCOMMERCE_CAPABILITIES,
    async storeInfo(client) {
      return mapStore(asObject(payload(await call(client, 'store'), 'store')) ?? {});
    },
    products: {
      async list(client, query) {
        const at = continuation(P, 'products', query, readCount);
        const plan = await productPlan(client, at.filters);
        if (plan.empty) return { items: [], next: undefined };
        const page = await listPage<Json, number>(query.limit, at, {
          resource: 'products',
          maxSize: MAX,
          keep: plan.keep,
          fetch: (after, size) => productsPage(client, plan.query, after, size),
        });
        if (page.items.length === 0) return { items: [], next: page.next };
        const ctx = await catalogContext(client);
        return { items: page.items.map((p) => mapProduct(p, ctx)), next: page.next };
      },
      async count(client, filters) {
        const plan = await productPlan(client, filters);
        if (plan.empty) return 0;
        const lean = { include: undefined, include_fields: 'id,availability,date_created' };
        if (plan.keep) return scanCount<Json, number>((after) => productsPage(client, plan.query, after, MAX, lean), plan.keep);
        // No count endpoint in V3: the total of a one-item page (§10.5).
        const n = total(await call(client, 'products.list', {}, { ...plan.query, ...lean, limit: 1 }));
        if (n === undefined) throw badResponse(P, 200, 'products answered without meta.pagination.total');
        return n;
      },
      async get(client, id) {
        const p = await one(client, 'products.get', id);
        return p && mapProduct(p, await catalogContext(client));
      },
      async variants(client, productId) {
        const p = await one(client, 'products.get', productId);
        if (!p) throw platformError('not_found', P, 404, 'The resource at that URL is not found.');
        return mapVariants(p, await catalogContext(client));
      },
      update: updateProduct,
    },
    categories: {
      async list(client, query) {
        const at = continuation(P, 'categories', query, readCount);
        refuseUnsupported(P, 'categories', at.filters, BIGCOMMERCE_CAPABILITIES.categories);
        const ids = at.filters.ids && possibleIds(at.filters.ids);
        if (ids !== undefined && ids.length === 0) return { items: [], next: undefined };
        const page = await listPage<Json, number>(query.limit, at, {
          resource: 'categories',
          maxSize: MAX,
          fetch: async (offset, size) => {
            const start = offset ?? 0;
            const window = await readOffsetWindow(start, size, MAX, async (n, limit) => {
              const res = await call(client, 'categories.list', {}, { 'category_id:in': ids?.join(','), [V3.pageParam]: n, [V3.limitParam]: limit });
              return { items: records(res, 'categories.list'), total: total(res) };
            });
            return { items: window.items, next: window.more ? start + window.items.length : undefined, after: (i) => start + i + 1 };
          },
        });
        return { items: page.items.map(mapCategory), next: page.next };
      },
    },
    orders: {
      async list(client, query) {
        const at = continuation(P, 'orders', query, readCount);
        const plan = orderPlan(at.filters);
        if (plan.empty) return { items: [], next: undefined };
        const page = await listPage<Json, number>(query.limit, at, {
          resource: 'orders',
          maxSize: MAX,
          keep: plan.keep,
          fetch: (after, size) => ordersPage(client, plan, after, size),
        });
        const detailed = await mapConcurrent(page.items, ORDER_DETAIL_CONCURRENCY, (o) => orderDetails(client, o));
        return { items: detailed.map(mapOrder), next: page.next };
      },
      async count(client, filters) {
        const plan = orderPlan(filters);
        if (plan.empty) return 0;
        if (plan.keep) return scanCount<Json, number>((after) => ordersPage(client, plan, after, MAX), plan.keep);
        const n = int(payload(await call(client, 'orders.count', {}, plan.query), 'orders.count'));
        if (n === null) throw badResponse(P, 200, 'orders/count answered without a count');
        return n;
      },
      async get(client, id) {
        const o = await one(client, 'orders.get', id);
        return o && mapOrder(await orderDetails(client, o));
      },
    },
    customers: {
      async list(client, query) {
        const at = continuation(P, 'customers', query, readCustomerPosition);
        const q = customerQuery(at.filters);
        if (q['id:in'] === '') return { items: [], next: undefined };
        const page = await listPage<Json, CustomerPosition>(query.limit, at, {
          resource: 'customers',
          maxSize: MAX,
          fetch: (pos, size) => customersPage(client, q, pos, size),
        });
        return { items: page.items.map(mapCustomer), next: page.next };
      },
      async count(client, filters) {
        const q = customerQuery(filters);
        if (q['id:in'] === '') return 0;
        const n = total(await call(client, 'customers.list', {}, { ...q, include: undefined, limit: 1 }));
        if (n === undefined) throw badResponse(P, 200, 'customers answered without meta.pagination.total');
        return n;
      },
      // No single-customer GET in V3: id:in with one id (§10.5).
      async get(client, id) {
        if (!possibleId(id)) return undefined;
        const found = records(await call(client, 'customers.list', {}, { 'id:in': id }), 'customers.list');
        return found[0] && mapCustomer(found[0]);
      },
    },
  };
}

interface UpdatePlan {
  product: Json;
  variants: Map<string, Json>;
}

/**
 * Where each field is written: prices on the product or the variant named; stock where
 * `inventory_tracking` keeps it (§10.6). A product-level quantity on a product tracked per
 * variant is only unambiguous with one variant.
 */
function planUpdate(product: Json, update: ProductUpdate): UpdatePlan {
  const variants = asArray(product.variants).map((v) => asObject(v) ?? {});
  const tracking = product.inventory_tracking;
  const plan: UpdatePlan = { product: {}, variants: new Map() };
  const variantBody = (id: string): Json => plan.variants.get(id) ?? plan.variants.set(id, {}).get(id) as Json;
  const untracked = (): never => {
    throw invalidRequest(P, `BigCommerce does not track stock for product ${String(product.id)} (inventory_tracking none)`);
  };

  checkUpdate(P, update);
  if (update.price !== undefined || update.sale_price !== undefined) {
    const price = money(product.price);
    const fields = priceWrite({ price, sale_price: effectiveSale(price, product.sale_price) }, update);
    if ('error' in fields) throw invalidRequest(P, fields.error);
    Object.assign(plan.product, fields);
  }
  if (update.quantity !== undefined) {
    const only = variants.length === 1 ? idOf(variants[0]?.id) : null;
    if (tracking === 'product') plan.product.inventory_level = update.quantity;
    else if (tracking === 'variant' && only !== null) variantBody(only).inventory_level = update.quantity;
    else if (tracking === 'variant') throw invalidRequest(P, 'stock is tracked per variant: set it on the variants');
    else untracked();
  }
  for (const v of update.variants ?? []) {
    const variant = variants.find((x) => idOf(x.id) === v.id);
    if (!variant) throw notFoundRequest(P, `variant ${v.id} is not a variant of product ${String(product.id)}`);
    if (v.price !== undefined || v.sale_price !== undefined) {
      // A null variant price inherits the product's (§10.7).
      const price = money(variant.price ?? product.price);
      const fields = priceWrite({ price, sale_price: effectiveSale(price, variant.sale_price ?? product.sale_price) }, v);
      if ('error' in fields) throw invalidRequest(P, `variant ${v.id}: ${fields.error}`);
      Object.assign(variantBody(v.id), fields);
    }
    if (v.quantity !== undefined) {
      if (tracking === 'variant') variantBody(v.id).inventory_level = v.quantity;
      else if (tracking === 'product' && variants.length === 1) plan.product.inventory_level = v.quantity;
      else if (tracking === 'product') throw invalidRequest(P, 'stock is tracked per product: set it on the product');
      else untracked();
    }
  }
  return plan;
}
