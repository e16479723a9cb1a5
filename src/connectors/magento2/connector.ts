/**
 * The Magento 2 connector: the unified operations over REST V1 as definition.ts describes
 * it, mapped by mapping.ts. Exceptions kept here as named functions: searchCriteria pages
 * ended by `total_count` (a page past the end is empty on 2.4 and the last page again on
 * 2.3, so emptiness decides nothing, §3.1), the top-level products (children of
 * configurables are their variants), children and stock read per page in a few `in`
 * queries rather than per product, an index of configurable children (cached per
 * connection) for SKU and modified_since filters that hit a child, and writes through the
 * product save in the admin scope.
 *
 *   const magento = createMagento2Connector();
 *   await magento.products.list(client, { limit: 250, cursor: undefined, modifiedSince });
 */
import type { ProductRecord } from '../../commerce/models.js';
import { PlatformError, type Capabilities, type Connector, type ListFilters, type PlatformClient, type ProductUpdate } from '../connector.js';
import { createClientMemo } from '../common/client-memo.js';
import { continuation, readCount } from '../common/cursor.js';
import { pagingOf, payloadAt } from '../common/definition.js';
import { badResponse, invalidRequest, notFoundRequest, platformError, textSnippet } from '../common/errors.js';
import { MAX_IDS, refuseUnsupported } from '../common/filters.js';
import { asArray, asObject, idOf, int, text } from '../common/mapping.js';
import { listPage, mapConcurrent, readOffsetWindow, scanCount, type NativePage } from '../common/paginate.js';
import { createRequester } from '../common/requests.js';
import { isNormalizedStatus, nativeStatusesFor } from '../common/status-map.js';
import { checkUpdate, definedOnly } from '../common/update.js';
import { MAGENTO2 as def } from './definition.js';
import {
  catalogContext as contextOf,
  childrenIds,
  isConfigurable,
  mapCategory,
  mapCustomer,
  mapOrder,
  mapProduct,
  mapStore,
  mapVariants,
  ORDER_STATE,
  ORDER_STATUS,
  orderStatus,
  priceAndSale,
  priceWrite,
  stockFromSourceItems,
  stockFromStockItem,
  STOREFRONT_LEVEL,
  type CatalogContext,
  type ProductInput,
  type StockLevel,
} from './mapping.js';
import { boundedIn, chunks, criteria, magentoDate, type Filter, type FilterGroup, type SortOrder } from './search-criteria.js';

type Json = Record<string, unknown>;
const P = def.label;
const SC = pagingOf(def, 'searchCriteria', 'page');
const MAX = SC.maxSize;
const BY_ID: SortOrder[] = [{ field: 'entity_id', direction: 'ASC' }];
/** Most ids or SKUs in one `in` filter. */
export const IN_CHUNK = 100;
/** `in` queries of one page run this many at a time. */
const DETAIL_CONCURRENCY = 2;
/** Products sold on their own; configurable children are "not visible individually" (visibility 1, §5 [I]). */
const TOP_LEVEL: Filter = { field: 'visibility', value: '1', condition: 'neq' };
const NOT_FOUND = "The product that was requested doesn't exist. Verify the product and try again.";

/** §10: the raw phrase with `%name` or `%1` placeholders and their `parameters`; `errors` for input exceptions. */
export function magentoErrorMessage(body: unknown): string | undefined {
  const o = asObject(body);
  if (!o) return textSnippet(body);
  const fill = (message: unknown, parameters: unknown): string | undefined => {
    if (typeof message !== 'string') return undefined;
    return message.replace(/%(\w+)/g, (all, key: string) => {
      const value = Array.isArray(parameters) ? parameters[Number(key) - 1] : asObject(parameters)?.[key];
      return value === undefined || value === null ? all : String(value);
    });
  };
  const main = fill(o.message, o.parameters);
  const details = asArray(o.errors).map((e) => fill(asObject(e)?.message, asObject(e)?.parameters)).filter((m): m is string => m !== undefined);
  return details.length === 0 ? main : `${main ?? 'Error'}: ${details.join('; ')}`;
}

const { call, records, one, possibleId } = createRequester(def, magentoErrorMessage);

/** What searchCriteria filters (§3) and what the connector classifies itself. */
export const MAGENTO2_CAPABILITIES: Record<'products' | 'orders' | 'customers' | 'categories', Capabilities> = {
  // modified_since and sku also reach configurable children, through the child index.
  products: { modified_since: 'native', created_since: 'native', ids: 'native', status: 'native', sku: 'native', native_page_size: MAX },
  // Narrowed natively by status and state, classified client-side (custom statuses, shipped quantities, B7).
  orders: { modified_since: 'native', created_since: 'native', ids: 'native', status: 'emulated', sku: 'unsupported', native_page_size: MAX },
  customers: { modified_since: 'native', created_since: 'native', ids: 'native', status: 'unsupported', sku: 'unsupported', native_page_size: MAX },
  categories: { modified_since: 'native', created_since: 'native', ids: 'native', status: 'unsupported', sku: 'unsupported', native_page_size: MAX },
};

/** One searchCriteria page; what exists is what total_count says (§3.1). */
async function searchPage(client: PlatformClient, name: string, groups: readonly FilterGroup[], sort: readonly SortOrder[], page: number, size: number, fields?: string): Promise<{ items: Json[]; total: number }> {
  const res = await call(client, name, {}, { ...criteria(groups, sort), [SC.pageParam]: page, [SC.limitParam]: size, fields });
  const total = int(payloadAt(res.body, SC.totalPath ?? 'total_count'));
  if (total === null) throw badResponse(P, res.status, `${name} answered without total_count`);
  // 2.0–2.3 answer a page past the end with the last page again: nothing is there.
  return { items: (page - 1) * size >= total ? [] : records(res, name), total };
}

/** Every page, ended when current_page × page_size reaches total_count (§3.1). */
async function allPages(client: PlatformClient, name: string, groups: readonly FilterGroup[], sort: readonly SortOrder[], fields?: string): Promise<Json[]> {
  const out: Json[] = [];
  for (let page = 1; ; page++) {
    const { items, total } = await searchPage(client, name, groups, sort, page, MAX, fields);
    out.push(...items);
    if (page * MAX >= total || items.length === 0) return out;
  }
}

/** Items [offset, offset + size) in id order: one aligned page, or the one or two largest holding them (B8). */
async function windowPage(client: PlatformClient, name: string, groups: readonly FilterGroup[], offset: number, size: number, fields?: string): Promise<NativePage<Json, number>> {
  const w = await readOffsetWindow(offset, Math.min(size, MAX), MAX, (page, pageSize) => searchPage(client, name, groups, BY_ID, page, pageSize, fields));
  return { items: w.items, next: w.more && w.items.length > 0 ? offset + w.items.length : undefined, after: (i) => offset + i + 1 };
}

async function totalCount(client: PlatformClient, name: string, groups: readonly FilterGroup[]): Promise<number> {
  // §3: `fields` trims the answer to the count.
  const res = await call(client, name, {}, { ...criteria(groups), [SC.pageParam]: 1, [SC.limitParam]: 1, fields: 'total_count' });
  const total = int(payloadAt(res.body, SC.totalPath ?? 'total_count'));
  if (total === null) throw badResponse(P, res.status, `${name} answered without total_count`);
  return total;
}

const possibleIds = (ids: readonly string[]): string[] => ids.filter(possibleId);

function dateFilters(f: ListFilters): FilterGroup[] {
  const groups: FilterGroup[] = [];
  if (f.modifiedSince) groups.push([{ field: 'updated_at', value: magentoDate(f.modifiedSince), condition: 'gteq' }]);
  if (f.createdSince) groups.push([{ field: 'created_at', value: magentoDate(f.createdSince), condition: 'gteq' }]);
  return groups;
}

interface Plan {
  groups: FilterGroup[];
  keep?: (record: Json) => boolean;
  empty: boolean;
}

/** ids, dates and what else the resource filters natively; ids no entity could have match nothing. */
function basicPlan(resource: 'orders' | 'customers' | 'categories', f: ListFilters, base: FilterGroup[] = []): Plan {
  refuseUnsupported(P, resource, f, MAGENTO2_CAPABILITIES[resource]);
  const ids = f.ids && possibleIds(f.ids);
  const groups = [...base, ...dateFilters(f)];
  if (ids !== undefined) groups.push([{ field: 'entity_id', value: ids.join(','), condition: 'in' }]);
  return { groups, empty: ids !== undefined && ids.length === 0 };
}

function orderPlan(f: ListFilters): Plan {
  const plan = basicPlan('orders', f);
  if (f.status === undefined) return plan;
  const wanted = f.status;
  if (!isNormalizedStatus(wanted)) throw invalidRequest(P, `order status ${wanted} is not in the unified vocabulary`);
  // Shipping progress is read inside processing (B7); every other status comes from the tables.
  const base = wanted === 'shipped' || wanted === 'partially_shipped' ? 'processing' : wanted;
  const statuses = nativeStatusesFor(ORDER_STATUS, base);
  const states = nativeStatusesFor(ORDER_STATE, base);
  const group: FilterGroup = [];
  if (statuses.length > 0) group.push({ field: 'status', value: statuses.join(','), condition: 'in' });
  if (states.length > 0) group.push({ field: 'state', value: states.join(','), condition: 'in' });
  return { groups: [...plan.groups, group], keep: (o) => orderStatus(o).normalized === wanted, empty: plan.empty || group.length === 0 };
}

/** What an order status scan needs (`fields`, §3). */
const ORDER_SCAN_FIELDS = 'items[entity_id,status,state,items[item_id,parent_item_id,is_virtual,qty_ordered,qty_shipped]],total_count';

export interface Magento2ConnectorOptions {
  /** How long store settings (currency, media URL) are reused per connection (default 10 min). */
  storeTtlMs?: number;
  /** How long the configurable-children index is reused per connection (default 5 min). */
  indexTtlMs?: number;
  now?: () => number;
}

export function createMagento2Connector(options: Magento2ConnectorOptions = {}): Connector {
  const stores = createClientMemo<{ config: Json; context: CatalogContext }>(options.storeTtlMs ?? 600_000, options.now);
  const indexes = createClientMemo<Map<string, string[]>>(options.indexTtlMs ?? 300_000, options.now);
  /** Connections whose store answers 404 for MSI source items (the Inventory modules are off). */
  const withoutMsi = new WeakSet<PlatformClient>();

  /** The default store view's configuration: reads go to it (§1). */
  const store = (client: PlatformClient) =>
    stores.get(client, async () => {
      const configs = records(await call(client, 'store.configs'), 'store.configs');
      const config = configs.find((c) => c.code === 'default') ?? configs[0];
      if (!config) throw badResponse(P, 200, 'storeConfigs answered no store view');
      return { config, context: contextOf(config) };
    });

  /** Child id → the configurables linking it, from every configurable's links (no REST call answers a child's parents). */
  const childIndex = (client: PlatformClient): Promise<Map<string, string[]>> =>
    indexes.get(client, async () => {
      const parents = await allPages(client, 'products.list', [[{ field: 'type_id', value: 'configurable' }]], BY_ID, 'items[id,extension_attributes[configurable_product_links]],total_count');
      const index = new Map<string, string[]>();
      for (const p of parents) for (const child of childrenIds(p)) index.set(child, [...(index.get(child) ?? []), String(p.id)]);
      return index;
    });

  /** Top-level products having the SKU: the product itself, or the configurable a child belongs to. */
  async function skuProductIds(client: PlatformClient, sku: string): Promise<string[]> {
    const found = await allPages(client, 'products.list', [[{ field: 'sku', value: sku }]], BY_ID, 'items[id,visibility],total_count');
    const children = found.filter((p) => int(p.visibility) === 1);
    const index = children.length > 0 ? await childIndex(client) : new Map<string, string[]>();
    const ids = found.flatMap((p) => (int(p.visibility) === 1 ? (index.get(String(p.id)) ?? []) : [idOf(p.id)]));
    return [...new Set(ids.filter((id): id is string => id !== null))];
  }

  /** Configurables whose children changed since (a child's save leaves its parent's updated_at alone). */
  async function parentsOfChanged(client: PlatformClient, since: string): Promise<string[]> {
    const changed = await allPages(client, 'products.list', [[{ field: 'visibility', value: '1' }], [{ field: 'updated_at', value: since, condition: 'gteq' }]], BY_ID, 'items[id],total_count');
    if (changed.length === 0) return [];
    const index = await childIndex(client);
    return [...new Set(changed.flatMap((c) => index.get(String(c.id)) ?? []))];
  }

  async function productPlan(client: PlatformClient, f: ListFilters): Promise<Plan> {
    refuseUnsupported(P, 'products', f, MAGENTO2_CAPABILITIES.products);
    if (f.status !== undefined && !['active', 'draft', 'archived'].includes(f.status)) throw invalidRequest(P, 'product status is active, draft or archived');
    const groups: FilterGroup[] = [[TOP_LEVEL]];
    let ids = f.ids && possibleIds(f.ids);
    if (f.sku !== undefined) {
      const bySku = await skuProductIds(client, f.sku);
      ids = ids === undefined ? bySku : ids.filter((id) => bySku.includes(id));
    }
    // Magento has no drafts: enabled (1) or disabled (2), §5.
    if (f.status !== undefined) groups.push([{ field: 'status', value: f.status === 'active' ? '1' : '2' }]);
    if (ids !== undefined) groups.push([{ field: 'entity_id', value: ids.join(','), condition: 'in' }]);
    if (f.createdSince) groups.push([{ field: 'created_at', value: magentoDate(f.createdSince), condition: 'gteq' }]);
    let keep: Plan['keep'];
    if (f.modifiedSince) {
      const since = magentoDate(f.modifiedSince);
      const parents = await parentsOfChanged(client, since);
      const own: Filter = { field: 'updated_at', value: since, condition: 'gteq' };
      // One OR group while the ids fit one filter; past that, the same test client-side.
      if (parents.length <= MAX_IDS) groups.push(parents.length === 0 ? [own] : [own, { field: 'entity_id', value: parents.join(','), condition: 'in' }]);
      else {
        const set = new Set(parents);
        keep = (p) => String(p.updated_at ?? '') >= since || set.has(String(p.id));
      }
    }
    return { groups, keep, empty: f.status === 'draft' || (ids !== undefined && ids.length === 0) };
  }

  /** Every record whose `field` is in `values`: sorted, in bounded chunks of at most IN_CHUNK (a few calls, not one per value). */
  async function byValues(client: PlatformClient, name: string, field: string, values: string[], numeric: boolean, sort: readonly SortOrder[]): Promise<Json[]> {
    const sorted = [...new Set(values)].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
    const pages = await mapConcurrent(chunks(sorted, IN_CHUNK), DETAIL_CONCURRENCY, (chunk) => allPages(client, name, boundedIn(field, chunk), sort));
    return pages.flat();
  }

  /** Stock per SKU: MSI source items (§6), or legacy stock items one by one where MSI is off. */
  async function stockOf(client: PlatformClient, skus: string[]): Promise<Map<string, StockLevel>> {
    if (skus.length === 0) return new Map();
    if (!withoutMsi.has(client)) {
      try {
        const bySku: readonly SortOrder[] = [{ field: 'sku', direction: 'ASC' }];
        const found = await byValues(client, 'source_items.list', 'sku', skus, false, bySku);
        // A collation that orders SKUs otherwise than code units can put some outside their chunk's bounds.
        const seen = new Set(found.map((i) => String(i.sku)));
        const missing = skus.filter((s) => !seen.has(s));
        const rest = missing.length === 0 ? [] : (await mapConcurrent(chunks(missing, IN_CHUNK), DETAIL_CONCURRENCY, (chunk) => allPages(client, 'source_items.list', [[{ field: 'sku', value: chunk.join(','), condition: 'in' }]], bySku))).flat();
        return stockFromSourceItems([...found, ...rest]);
      } catch (error) {
        if (!(error instanceof PlatformError) || error.kind !== 'not_found') throw error;
        withoutMsi.add(client);
      }
    }
    const levels = await mapConcurrent(skus, 4, async (sku) => {
      try {
        return [sku, stockFromStockItem(asObject((await call(client, 'stock_items.get', { sku })).body) ?? {})] as const;
      } catch (error) {
        if (error instanceof PlatformError && error.kind === 'not_found') return undefined;
        throw error;
      }
    });
    return new Map(levels.filter((l) => l !== undefined));
  }

  /** Children of the page's configurables (by id) and the stock of every SKU on it: a few calls per page, not per product. */
  async function withDetails(client: PlatformClient, products: Json[]): Promise<ProductInput[]> {
    const childIds = products.filter(isConfigurable).flatMap(childrenIds);
    const children = new Map((await byValues(client, 'products.list', 'entity_id', childIds, true, BY_ID)).map((c) => [String(c.id), c]));
    const skus = [...products.filter((p) => !isConfigurable(p)), ...children.values()].map((p) => text(p.sku)).filter((s): s is string => s !== null);
    const stock = await stockOf(client, [...new Set(skus)]);
    return products.map((product) => ({
      product,
      children: isConfigurable(product) ? childrenIds(product).map((id) => children.get(id)).filter((c): c is Json => c !== undefined) : [],
      stock,
    }));
  }

  async function productOf(client: PlatformClient, id: string): Promise<ProductInput | undefined> {
    if (!possibleId(id)) return undefined;
    const { items } = await searchPage(client, 'products.list', [[TOP_LEVEL], [{ field: 'entity_id', value: id }]], BY_ID, 1, 1);
    return items[0] && (await withDetails(client, [items[0]]))[0];
  }

  async function updateProduct(client: PlatformClient, id: string, update: ProductUpdate): Promise<ProductRecord> {
    checkUpdate(P, update);
    const input = await productOf(client, id);
    if (!input) throw platformError('not_found', P, 404, NOT_FOUND);
    for (const [sku, product] of planUpdate(input, update)) await call(client, 'products.save', { sku }, {}, { product: { sku, ...product } });
    const fresh = await productOf(client, id);
    if (!fresh) throw platformError('not_found', P, 404, NOT_FOUND);
    return mapProduct(fresh, (await store(client)).context);
  }

  async function simpleList<T>(client: PlatformClient, resource: 'orders' | 'customers' | 'categories', name: string, query: Parameters<Connector['orders']['list']>[1], planOf: (f: ListFilters) => Plan, map: (r: Json) => T) {
    const at = continuation(P, resource, query, readCount);
    const plan = planOf(at.filters);
    if (plan.empty) return { items: [], next: undefined };
    const page = await listPage<Json, number>(query.limit, at, { resource, maxSize: MAX, keep: plan.keep, fetch: (offset, size) => windowPage(client, name, plan.groups, offset ?? 0, size) });
    return { items: page.items.map(map), next: page.next };
  }

  const customerPlan = (f: ListFilters): Plan => basicPlan('customers', f);
  const categoryPlan = (f: ListFilters): Plan => basicPlan('categories', f, [[{ field: 'level', value: String(STOREFRONT_LEVEL), condition: 'gteq' }]]);

  return {
    platform: 'magento2',
    capabilities: MAGENTO2_CAPABILITIES,
    async storeInfo(client) {
      const [{ config }, views] = await Promise.all([store(client), call(client, 'store.views')]);
      const view = records(views, 'store.views').find((v) => v.code === config.code);
      return mapStore({ config, view });
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
          fetch: (offset, size) => windowPage(client, 'products.list', plan.groups, offset ?? 0, size),
        });
        if (page.items.length === 0) return { items: [], next: page.next };
        const [{ context }, inputs] = await Promise.all([store(client), withDetails(client, page.items)]);
        return { items: inputs.map((input) => mapProduct(input, context)), next: page.next };
      },
      async count(client, filters) {
        const plan = await productPlan(client, filters);
        if (plan.empty) return 0;
        if (plan.keep) return scanCount<Json, number>((offset) => windowPage(client, 'products.list', plan.groups, offset ?? 0, MAX, 'items[id,updated_at],total_count'), plan.keep);
        return totalCount(client, 'products.list', plan.groups);
      },
      async get(client, id) {
        const input = await productOf(client, id);
        return input && mapProduct(input, (await store(client)).context);
      },
      async variants(client, productId) {
        const input = await productOf(client, productId);
        if (!input) throw platformError('not_found', P, 404, NOT_FOUND);
        return mapVariants(input, (await store(client)).context);
      },
      update: updateProduct,
    },
    categories: {
      list: (client, query) => simpleList(client, 'categories', 'categories.list', query, categoryPlan, mapCategory),
    },
    orders: {
      list: (client, query) => simpleList(client, 'orders', 'orders.list', query, orderPlan, mapOrder),
      async count(client, filters) {
        const plan = orderPlan(filters);
        if (plan.empty) return 0;
        if (plan.keep) return scanCount<Json, number>((offset) => windowPage(client, 'orders.list', plan.groups, offset ?? 0, MAX, ORDER_SCAN_FIELDS), plan.keep);
        return totalCount(client, 'orders.list', plan.groups);
      },
      async get(client, id) {
        const o = await one(client, 'orders.get', id);
        return o && mapOrder(o);
      },
    },
    customers: {
      list: (client, query) => simpleList(client, 'customers', 'customers.list', query, customerPlan, mapCustomer),
      async count(client, filters) {
        const plan = customerPlan(filters);
        return plan.empty ? 0 : totalCount(client, 'customers.list', plan.groups);
      },
      async get(client, id) {
        const c = await one(client, 'customers.get', id);
        return c && mapCustomer(c);
      },
    },
  };
}

type Wanted = { price?: string; sale_price?: string | null; quantity?: number };

/**
 * One product save per SKU touched (§4 PUT /V1/products/:sku): price and special price on
 * the product or the child named, stock as `extension_attributes.stock_item` (§5). Being a
 * product save, it moves `updated_at`, so modified_since sees it; a stock write through
 * stockItems or MSI source items would not ([U] §6). A configurable's own price and stock
 * mean nothing to Magento: they are set on its children.
 */
function planUpdate(input: ProductInput, update: ProductUpdate): Map<string, Json> {
  const { product, children, stock } = input;
  const configurable = isConfigurable(product);
  const productId = String(product.id);
  const wanted = new Map<Json, Wanted>();
  const want = (record: Json, w: Wanted) => wanted.set(record, { ...wanted.get(record), ...definedOnly(w) });

  if (update.price !== undefined || update.sale_price !== undefined) {
    if (configurable) throw invalidRequest(P, 'a configurable product is priced per child: set prices on its variants');
    want(product, { price: update.price, sale_price: update.sale_price });
  }
  if (update.quantity !== undefined) {
    const only = children.length === 1 ? children[0] : undefined;
    if (!configurable) want(product, { quantity: update.quantity });
    else if (only !== undefined) want(only, { quantity: update.quantity });
    else throw invalidRequest(P, 'stock is kept per child product: set it on the variants');
  }
  for (const v of update.variants ?? []) {
    const record = configurable ? children.find((c) => idOf(c.id) === v.id) : v.id === productId ? product : undefined;
    if (!record) throw notFoundRequest(P, `variant ${v.id} is not a variant of product ${productId}`);
    want(record, { price: v.price, sale_price: v.sale_price, quantity: v.quantity });
  }

  const saves = new Map<string, Json>();
  for (const [record, w] of wanted) {
    const sku = String(record.sku);
    const body: Json = {};
    if (w.price !== undefined || w.sale_price !== undefined) {
      const fields = priceWrite(priceAndSale(record), w);
      if ('error' in fields) throw invalidRequest(P, `${sku}: ${fields.error}`);
      Object.assign(body, fields);
    }
    if (w.quantity !== undefined) {
      const sources = stock.get(sku)?.sources ?? [];
      // The legacy stock item feeds the default source only; several sources need MSI writes per source.
      if (sources.length > 1) throw invalidRequest(P, `${sku} is stocked in ${sources.length} sources (${sources.join(', ')}): set them through the raw API`);
      // In stock when there is stock; at 0 Magento decides (backorders may keep it sellable).
      body.extension_attributes = { stock_item: { qty: w.quantity, ...(w.quantity > 0 ? { is_in_stock: true } : {}) } };
    }
    saves.set(sku, body);
  }
  return saves;
}
