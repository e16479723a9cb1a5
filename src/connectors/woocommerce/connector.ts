/**
 * The WooCommerce connector: the unified operations over wc/v3 as definition.ts describes
 * it, mapped by mapping.ts. Exceptions kept here as named functions: offset paging ended by
 * `X-WP-Total` (never by an empty page), variations fetched per variable product with
 * bounded concurrency (products embed only their ids, §10.5), the SKU filter resolved on
 * products first and through variations only when that finds nothing, customer date
 * filters emulated (the endpoint has none, §3), and writes split between the product and
 * its variations by where WooCommerce keeps price and stock.
 *
 *   const woo = createWooCommerceConnector();
 *   await woo.products.list(client, { limit: 250, cursor: undefined, modifiedSince });
 */
import type { ProductRecord } from '../../commerce/models.js';
import type { Capabilities, Connector, ListFilters, PlatformClient, PlatformResponse, ProductUpdate } from '../connector.js';
import { createClientMemo } from '../common/client-memo.js';
import { continuation, readCount, type Continuation } from '../common/cursor.js';
import { parseTimestamp } from '../common/dates.js';
import { pagingOf } from '../common/definition.js';
import { badResponse, flattenErrors, invalidRequest, notFoundRequest, platformError, textSnippet } from '../common/errors.js';
import { refuseUnsupported } from '../common/filters.js';
import { asObject, idOf, int, requiredCurrency, text } from '../common/mapping.js';
import { listPage, mapConcurrent, scanCount, type NativePage } from '../common/paginate.js';
import { createRequester } from '../common/requests.js';
import { isNormalizedStatus, nativeStatusesFor } from '../common/status-map.js';
import { checkUpdate, definedOnly } from '../common/update.js';
import { WOOCOMMERCE as def } from './definition.js';
import {
  classifyStatus,
  mapCategory,
  mapCustomer,
  mapOrder,
  mapProduct,
  mapStore,
  mapVariants,
  ORDER_STATUS,
  priceAndSale,
  priceWrite,
  PRODUCT_STATUSES,
  settingValue,
  type CatalogContext,
  type ProductInput,
} from './mapping.js';

type Json = Record<string, unknown>;
type Query = Record<string, string | number | undefined>;
const P = def.label;
const OFFSET = pagingOf(def, 'offset', 'offset');
const MAX = OFFSET.maxSize;
const TOTAL = (OFFSET.totalHeader ?? 'X-WP-Total').toLowerCase();
/** Variation lists of one page of products are fetched this many products at a time. */
const VARIATION_CONCURRENCY = 4;

/** §6: `{code, message, data: {status, params?}}`; hosts in front may answer HTML (§10.12). */
export function wooCommerceErrorMessage(body: unknown): string | undefined {
  const o = asObject(body);
  if (!o) return textSnippet(body);
  const message = text(o.message) ?? text(o.code);
  const params = flattenErrors(asObject(o.data)?.params);
  return message === null ? params : params === undefined ? message : `${message} (${params})`;
}

const { call, records, one, possibleId } = createRequester(def, wooCommerceErrorMessage);

/** What wc/v3 filters itself (§3) and what the connector emulates or refuses. */
export const WOOCOMMERCE_CAPABILITIES: Record<'products' | 'orders' | 'customers' | 'categories', Capabilities> = {
  // status: active and archived are one wc status each; draft is three (draft, pending, future).
  // sku: product SKUs natively; variation SKUs by reading variations when that finds nothing.
  products: { modified_since: 'native', created_since: 'native', ids: 'native', status: 'emulated', sku: 'emulated', native_page_size: MAX },
  orders: { modified_since: 'native', created_since: 'native', ids: 'native', status: 'native', sku: 'unsupported', native_page_size: MAX },
  // /customers takes no date filters (§3).
  customers: { modified_since: 'emulated', created_since: 'emulated', ids: 'native', status: 'unsupported', sku: 'unsupported', native_page_size: MAX },
  categories: { modified_since: 'unsupported', created_since: 'unsupported', ids: 'native', status: 'unsupported', sku: 'unsupported', native_page_size: MAX },
};

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const totalOf = (res: PlatformResponse): number | undefined => int(first(res.headers[TOTAL])) ?? undefined;

/**
 * `after` and `modified_after` are exclusive and compare whole seconds (§3): one second
 * earlier makes the unified bound inclusive. UTC without a zone, with `dates_are_gmt`.
 */
function gmtAfter(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000 - 1000).toISOString().slice(0, 19);
}

function dateQuery(f: ListFilters): Query {
  const any = f.modifiedSince !== undefined || f.createdSince !== undefined;
  return {
    modified_after: f.modifiedSince && gmtAfter(f.modifiedSince),
    after: f.createdSince && gmtAfter(f.createdSince),
    // Otherwise the dates are read as site-local time (§3).
    dates_are_gmt: any ? 'true' : undefined,
  };
}

/** Ids of an ids filter WooCommerce could hold; [] when none (the list is then empty). */
const possibleIds = (ids: readonly string[]): string[] => ids.filter(possibleId);

/** One native page at an offset: `per_page` at most 100 (§4, a 400 above). */
async function offsetPage(client: PlatformClient, name: string, params: Record<string, string>, query: Query, offset: number, size: number): Promise<{ items: Json[]; total: number | undefined }> {
  const res = await call(client, name, params, { ...query, [OFFSET.offsetParam]: offset, [OFFSET.limitParam]: Math.min(size, MAX) });
  return { items: records(res, name), total: totalOf(res) };
}

/** Where the walk goes on: ended by X-WP-Total (§4: a page past the end is `[]` with true totals). */
function nativePage<T>(items: T[], offset: number, total: number | undefined, asked: number): NativePage<T, number> {
  const end = offset + items.length;
  const more = items.length > 0 && (total !== undefined ? end < total : items.length === Math.min(asked, MAX));
  return { items, next: more ? end : undefined, after: (i) => offset + i + 1 };
}

async function totalCount(client: PlatformClient, name: string, query: Query): Promise<number> {
  // §10.3: no count routes; the total of a one-item page.
  const res = await call(client, name, {}, { ...query, [OFFSET.limitParam]: 1 });
  const n = totalOf(res);
  if (n === undefined) throw badResponse(P, res.status, `${name} answered without ${OFFSET.totalHeader ?? 'a total'}`);
  return n;
}

/** Every variation of a variable product, in pages of 100. */
async function variationsOf(client: PlatformClient, product: Json): Promise<Json[]> {
  if (product.type !== 'variable' || (Array.isArray(product.variations) && product.variations.length === 0)) return [];
  const out: Json[] = [];
  for (let offset = 0; ; ) {
    const page = await offsetPage(client, 'variations.list', { product_id: String(product.id) }, {}, offset, MAX);
    out.push(...page.items);
    offset += page.items.length;
    if (nativePage(page.items, offset - page.items.length, page.total, MAX).next === undefined) return out;
  }
}

/** Products with their variations: one call per variable product, a few at a time (§10.5). */
function withVariations(client: PlatformClient, products: Json[]): Promise<ProductInput[]> {
  return mapConcurrent(products, VARIATION_CONCURRENCY, async (product) => ({ product, variations: await variationsOf(client, product) }));
}

/** What a count scan needs of each product (`_fields`, WordPress core [S] §3). */
const PRODUCT_SCAN_FIELDS = 'id,type,status,sku,variations';

interface ProductPlan {
  query: Query;
  keep?: (item: ProductInput) => boolean;
  /** Variations are part of the filter (a variation SKU), so pages carry them. */
  variationsFirst: boolean;
  empty: boolean;
}

interface SimplePlan {
  query: Query;
  keep?: (item: Json) => boolean;
  empty: boolean;
}

function orderPlan(f: ListFilters): SimplePlan {
  refuseUnsupported(P, 'orders', f, WOOCOMMERCE_CAPABILITIES.orders);
  const ids = f.ids && possibleIds(f.ids);
  let status: string | undefined;
  let keep: SimplePlan['keep'];
  let empty = ids !== undefined && ids.length === 0;
  if (f.status !== undefined) {
    if (!isNormalizedStatus(f.status)) throw invalidRequest(P, `order status ${f.status} is not in the unified vocabulary`);
    if (f.status === 'unknown') {
      // Plugin statuses cannot be named in advance: the default list (every status but drafts and trash), classified.
      keep = (o) => classifyStatus(String(o.status ?? '')).normalized === 'unknown';
    } else {
      const natives = nativeStatusesFor(ORDER_STATUS, f.status);
      empty ||= natives.length === 0;
      status = natives.join(',');
    }
  }
  return { query: { include: ids?.join(','), ...dateQuery(f), status }, keep, empty };
}

function customerPlan(f: ListFilters): SimplePlan {
  refuseUnsupported(P, 'customers', f, WOOCOMMERCE_CAPABILITIES.customers);
  const ids = f.ids && possibleIds(f.ids);
  const second = (d: Date): number => Math.floor(d.getTime() / 1000) * 1000;
  const keeps: Array<(c: Json) => boolean> = [];
  const { modifiedSince, createdSince } = f;
  // A customer never edited may have no modification date: its creation stands in.
  if (modifiedSince) keeps.push((c) => parseTimestamp(c.date_modified_gmt ?? c.date_created_gmt, 'UTC') >= second(modifiedSince));
  if (createdSince) keeps.push((c) => parseTimestamp(c.date_created_gmt, 'UTC') >= second(createdSince));
  return {
    query: { include: ids?.join(',') },
    keep: keeps.length === 0 ? undefined : (c) => keeps.every((k) => k(c)),
    empty: ids !== undefined && ids.length === 0,
  };
}

export interface WooCommerceConnectorOptions {
  /** How long the store currency is reused per connection (default 10 min). */
  settingsTtlMs?: number;
  now?: () => number;
}

export function createWooCommerceConnector(options: WooCommerceConnectorOptions = {}): Connector {
  const contexts = createClientMemo<CatalogContext>(options.settingsTtlMs ?? 600_000, options.now);

  const catalogContext = (client: PlatformClient): Promise<CatalogContext> =>
    contexts.get(client, async () => {
      const settings = records(await call(client, 'settings.general'), 'settings.general');
      return { currency: requiredCurrency(P, settingValue(settings, 'woocommerce_currency'), 'woocommerce_currency') };
    });

  /**
   * Products having a SKU. wc/v3 matches `sku` on products (§3); WooCommerce's own code also
   * matches variations and answers them with their `parent_id`, which is read the same way.
   */
  async function skuProductIds(client: PlatformClient, sku: string): Promise<string[]> {
    const found = records(await call(client, 'products.list', {}, { sku, [OFFSET.limitParam]: MAX, _fields: 'id,parent_id,type' }), 'products.list');
    const ids = found.map((p) => ((int(p.parent_id) ?? 0) > 0 ? idOf(p.parent_id) : idOf(p.id)));
    return [...new Set(ids.filter((id): id is string => id !== null))];
  }

  async function productPlan(client: PlatformClient, f: ListFilters): Promise<ProductPlan> {
    refuseUnsupported(P, 'products', f, WOOCOMMERCE_CAPABILITIES.products);
    if (f.status !== undefined && !Object.hasOwn(PRODUCT_STATUSES, f.status)) throw invalidRequest(P, 'product status is active, draft or archived');
    const statuses = f.status === undefined ? undefined : PRODUCT_STATUSES[f.status as keyof typeof PRODUCT_STATUSES];
    let ids = f.ids && possibleIds(f.ids);
    const keeps: Array<(item: ProductInput) => boolean> = [];
    let variationsFirst = false;
    if (f.sku !== undefined) {
      const sku = f.sku;
      const bySku = await skuProductIds(client, sku);
      if (bySku.length > 0) ids = ids === undefined ? bySku : ids.filter((id) => bySku.includes(id));
      else {
        // SKUs are unique across products and variations, so only a variation can still hold it.
        variationsFirst = true;
        keeps.push((item) => item.variations.some((v) => v.sku === sku));
      }
    }
    if (statuses !== undefined && statuses.length > 1) keeps.push((item) => statuses.includes(String(item.product.status)));
    return {
      query: {
        include: ids?.join(','),
        ...dateQuery(f),
        status: statuses?.length === 1 ? statuses[0] : undefined,
        type: variationsFirst ? 'variable' : undefined,
      },
      keep: keeps.length === 0 ? undefined : (item) => keeps.every((k) => k(item)),
      variationsFirst,
      empty: ids !== undefined && ids.length === 0,
    };
  }

  async function productsPage(client: PlatformClient, plan: ProductPlan, offset: number, size: number, fields?: string): Promise<NativePage<ProductInput, number>> {
    const page = await offsetPage(client, 'products.list', {}, { ...plan.query, _fields: fields }, offset, size);
    const items = plan.variationsFirst ? await withVariations(client, page.items) : page.items.map((product) => ({ product, variations: [] }));
    return nativePage(items, offset, page.total, size);
  }

  async function productOf(client: PlatformClient, id: string): Promise<ProductInput | undefined> {
    const product = await one(client, 'products.get', id);
    // WooCommerce's code reads a variation id as a product too; it is not one of the list's products.
    if (!product || product.type === 'variation') return undefined;
    return (await withVariations(client, [product]))[0];
  }

  function simpleList(client: PlatformClient, resource: string, name: string, limit: number, at: Continuation<number>, plan: SimplePlan) {
    return listPage<Json, number>(limit, at, { resource, maxSize: MAX, keep: plan.keep, fetch: (offset, size) => simplePage(client, name, plan.query, offset ?? 0, size) });
  }

  async function simplePage(client: PlatformClient, name: string, query: Query, offset: number, size: number, fields?: string): Promise<NativePage<Json, number>> {
    const page = await offsetPage(client, name, {}, { ...query, _fields: fields }, offset, size);
    return nativePage(page.items, offset, page.total, size);
  }

  async function simpleCount(client: PlatformClient, name: string, plan: SimplePlan, scanFields: string): Promise<number> {
    if (plan.empty) return 0;
    if (plan.keep) return scanCount<Json, number>((offset) => simplePage(client, name, plan.query, offset ?? 0, MAX, scanFields), plan.keep);
    return totalCount(client, name, plan.query);
  }

  async function updateProduct(client: PlatformClient, id: string, update: ProductUpdate): Promise<ProductRecord> {
    checkUpdate(P, update);
    const input = possibleId(id) ? await productOf(client, id) : undefined;
    if (!input) throw platformError('not_found', P, 404, 'Invalid ID.');
    const plan = planUpdate(input, update);
    if (Object.keys(plan.product).length > 0) await call(client, 'products.update', { id }, {}, plan.product);
    for (const [variationId, body] of plan.variations) await call(client, 'variations.update', { product_id: id, id: variationId }, {}, body);
    const fresh = await productOf(client, id);
    if (!fresh) throw platformError('not_found', P, 404, 'Invalid ID.');
    return mapProduct(fresh, await catalogContext(client));
  }

  return {
    platform: 'woocommerce',
    capabilities: WOOCOMMERCE_CAPABILITIES,
    async storeInfo(client) {
      const [site, settings] = await Promise.all([call(client, 'site'), call(client, 'settings.general')]);
      return mapStore({ site: asObject(site.body) ?? {}, settings: records(settings, 'settings.general') });
    },
    products: {
      async list(client, query) {
        const at = continuation(P, 'products', query, readCount);
        const plan = await productPlan(client, at.filters);
        if (plan.empty) return { items: [], next: undefined };
        const page = await listPage<ProductInput, number>(query.limit, at, {
          resource: 'products',
          maxSize: MAX,
          keep: plan.keep,
          fetch: (offset, size) => productsPage(client, plan, offset ?? 0, size),
        });
        if (page.items.length === 0) return { items: [], next: page.next };
        const [ctx, inputs] = await Promise.all([
          catalogContext(client),
          plan.variationsFirst ? page.items : withVariations(client, page.items.map((i) => i.product)),
        ]);
        return { items: inputs.map((input) => mapProduct(input, ctx)), next: page.next };
      },
      async count(client, filters) {
        const plan = await productPlan(client, filters);
        if (plan.empty) return 0;
        if (plan.keep) return scanCount<ProductInput, number>((offset) => productsPage(client, plan, offset ?? 0, MAX, PRODUCT_SCAN_FIELDS), plan.keep);
        return totalCount(client, 'products.list', plan.query);
      },
      async get(client, id) {
        const input = await productOf(client, id);
        return input && mapProduct(input, await catalogContext(client));
      },
      async variants(client, productId) {
        const input = possibleId(productId) ? await productOf(client, productId) : undefined;
        if (!input) throw platformError('not_found', P, 404, 'Invalid ID.');
        return mapVariants(input, await catalogContext(client));
      },
      update: updateProduct,
    },
    categories: {
      async list(client, query) {
        const at = continuation(P, 'categories', query, readCount);
        refuseUnsupported(P, 'categories', at.filters, WOOCOMMERCE_CAPABILITIES.categories);
        const ids = at.filters.ids && possibleIds(at.filters.ids);
        if (ids !== undefined && ids.length === 0) return { items: [], next: undefined };
        const result = await simpleList(client, 'categories', 'categories.list', query.limit, at, { query: { include: ids?.join(',') }, empty: false });
        return { items: result.items.map(mapCategory), next: result.next };
      },
    },
    orders: {
      async list(client, query) {
        const at = continuation(P, 'orders', query, readCount);
        const plan = orderPlan(at.filters);
        if (plan.empty) return { items: [], next: undefined };
        const result = await simpleList(client, 'orders', 'orders.list', query.limit, at, plan);
        return { items: result.items.map(mapOrder), next: result.next };
      },
      count: (client, filters) => simpleCount(client, 'orders.list', orderPlan(filters), 'id,status'),
      async get(client, id) {
        const o = await one(client, 'orders.get', id);
        return o && mapOrder(o);
      },
    },
    customers: {
      async list(client, query) {
        const at = continuation(P, 'customers', query, readCount);
        const plan = customerPlan(at.filters);
        if (plan.empty) return { items: [], next: undefined };
        const result = await simpleList(client, 'customers', 'customers.list', query.limit, at, plan);
        return { items: result.items.map(mapCustomer), next: result.next };
      },
      count: (client, filters) => simpleCount(client, 'customers.list', customerPlan(filters), 'id,date_created_gmt,date_modified_gmt'),
      async get(client, id) {
        const c = await one(client, 'customers.get', id);
        return c && mapCustomer(c);
      },
    },
  };
}

interface UpdatePlan {
  product: Json;
  variations: Map<string, Json>;
}

type Wanted = { price?: string; sale_price?: string | null; quantity?: number };

/**
 * Where each field is written (§7, §10.6): a simple product carries its own prices and
 * stock; a variable product's prices live on its variations, and its stock either on the
 * parent (`manage_stock`, shared by every variation) or per variation. A quantity turns
 * `manage_stock` on, as WooCommerce ignores it otherwise.
 */
function planUpdate({ product, variations }: ProductInput, update: ProductUpdate): UpdatePlan {
  const variable = product.type === 'variable';
  const productId = String(product.id);
  const wanted = new Map<Json, Wanted>();
  const want = (record: Json, w: Wanted) => wanted.set(record, { ...wanted.get(record), ...definedOnly(w) });

  if (update.price !== undefined || update.sale_price !== undefined) {
    if (variable) throw invalidRequest(P, 'a variable product is priced per variation: set prices on its variants');
    want(product, { price: update.price, sale_price: update.sale_price });
  }
  if (update.quantity !== undefined) {
    const only = variations.length === 1 ? variations[0] : undefined;
    if (!variable || product.manage_stock === true) want(product, { quantity: update.quantity });
    else if (only !== undefined) want(only, { quantity: update.quantity });
    else throw invalidRequest(P, 'stock is kept per variation: set it on the variants');
  }
  for (const v of update.variants ?? []) {
    const record = variable ? variations.find((x) => idOf(x.id) === v.id) : v.id === productId ? product : undefined;
    if (!record) throw notFoundRequest(P, `variant ${v.id} is not a variant of product ${productId}`);
    want(record, { price: v.price, sale_price: v.sale_price, quantity: v.quantity });
  }

  const plan: UpdatePlan = { product: {}, variations: new Map() };
  for (const [record, w] of wanted) {
    const body: Json = {};
    if (w.price !== undefined || w.sale_price !== undefined) {
      const fields = priceWrite(priceAndSale(record), w);
      if ('error' in fields) throw invalidRequest(P, `variant ${String(record.id)}: ${fields.error}`);
      Object.assign(body, fields);
    }
    if (w.quantity !== undefined) {
      if (record.manage_stock === 'parent') throw invalidRequest(P, `variation ${String(record.id)} shares its parent's stock: set the product's quantity`);
      Object.assign(body, record === product && variable ? { stock_quantity: w.quantity } : { manage_stock: true, stock_quantity: w.quantity });
    }
    if (record === product) Object.assign(plan.product, body);
    else plan.variations.set(String(record.id), body);
  }
  return plan;
}
