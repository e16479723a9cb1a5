/**
 * The Shopify connector: the operations of the unified API over the Admin REST API as
 * definition.ts describes it, mapped by mapping.ts. What the data cannot say lives here as
 * named functions: Link/page_info paging with emulated filters, collection membership
 * (collects and smart-collection rules, cached per connection), collections as categories
 * in two phases (custom, then smart), and writes split into a product PUT for prices and
 * inventory_levels/set for stock.
 *
 *   const shopify = createShopifyConnector();
 *   await shopify.products.list(client, { limit: 250, cursor: undefined, modifiedSince });
 */
import type { ProductRecord } from '../../commerce/models.js';
import type { Capabilities, Connector, ListFilters, ListQuery, ListResult, PlatformClient, PlatformResponse, ProductUpdate } from '../connector.js';
import { createClientMemo } from '../common/client-memo.js';
import { continuation, readString } from '../common/cursor.js';
import { filterIsoUtc } from '../common/dates.js';
import { pagingOf } from '../common/definition.js';
import { badResponse, flattenErrors, invalidRequest, notFoundRequest, platformError, textSnippet } from '../common/errors.js';
import { refuseUnsupported } from '../common/filters.js';
import { asArray, asObject, idOf, int } from '../common/mapping.js';
import { listPage, parseLinkHeader, scanCount, type NativePage } from '../common/paginate.js';
import { createRequester } from '../common/requests.js';
import { isNormalizedStatus } from '../common/status-map.js';
import { checkUpdate, definedOnly } from '../common/update.js';
import { SHOPIFY as def } from './definition.js';
import {
  mapCategory,
  mapCustomer,
  mapOrder,
  mapProduct,
  mapStore,
  mapVariants,
  orderStatus,
  priceWrite,
  indexCollects,
  membership,
  smartCollection,
  variantQuantity,
  type SmartCollection,
} from './mapping.js';

type Json = Record<string, unknown>;
type Query = Record<string, string | number | undefined>;
const P = def.label;
const LINK = pagingOf(def, 'link', 'link');
const MAX = LINK.maxSize;

/** §6: `errors` is a string, an object of arrays or an array; a few endpoints use `error`. */
export function shopifyErrorMessage(body: unknown): string | undefined {
  const o = asObject(body);
  return flattenErrors(o?.errors ?? o?.error) ?? textSnippet(body);
}

const { call, payload, records, one, possibleId } = createRequester(def, shopifyErrorMessage);

/** §4: the next page's page_info, read from the rel="next" URL of the Link header. */
function nextPageInfo(res: PlatformResponse): string | undefined {
  const url = parseLinkHeader(res.headers.link)[LINK.relNext];
  if (url === undefined) return undefined;
  try {
    return new URL(url).searchParams.get(LINK.cursorParam) ?? undefined;
  } catch {
    throw badResponse(P, res.status, 'unreadable Link header');
  }
}

/** One native page: filters on the first request only, then page_info with limit/fields (§4). */
async function nativePage(client: PlatformClient, name: string, first: Query, pageInfo: string | null, size: number, fields?: string): Promise<NativePage<Json, string>> {
  const query: Query = pageInfo === null ? { ...first, [LINK.limitParam]: size } : { [LINK.limitParam]: size, [LINK.cursorParam]: pageInfo };
  // With a cursor only limit and fields may be sent; both are in allowedWithCursor.
  if (fields !== undefined) query.fields = fields;
  const res = await call(client, name, {}, query);
  return { items: records(res, name), next: nextPageInfo(res) };
}

async function walk(client: PlatformClient, name: string, query: Query, fields?: string): Promise<Json[]> {
  const out: Json[] = [];
  let pageInfo: string | null = null;
  for (;;) {
    const page: NativePage<Json, string> = await nativePage(client, name, query, pageInfo, MAX, fields);
    out.push(...page.items);
    if (page.next === undefined) return out;
    pageInfo = page.next;
  }
}

/** Native filters common to the list endpoints (§3): ids, updated_at_min, created_at_min. */
function dateAndIdQuery(f: ListFilters): Query {
  return {
    ids: f.ids?.join(','),
    updated_at_min: f.modifiedSince && filterIsoUtc(f.modifiedSince),
    created_at_min: f.createdSince && filterIsoUtc(f.createdSince),
  };
}

/** An ids filter naming no id Shopify could hold matches nothing. */
function matchesNothing(f: ListFilters): boolean {
  return f.ids !== undefined && !f.ids.some(possibleId);
}

/** What Shopify filters itself (§3) and what the connector emulates or refuses. */
export const SHOPIFY_CAPABILITIES: Record<'products' | 'orders' | 'customers' | 'categories', Capabilities> = {
  products: { modified_since: 'native', created_since: 'native', ids: 'native', status: 'native', sku: 'emulated', native_page_size: MAX },
  orders: { modified_since: 'native', created_since: 'native', ids: 'native', status: 'emulated', sku: 'unsupported', native_page_size: MAX },
  customers: { modified_since: 'native', created_since: 'native', ids: 'native', status: 'unsupported', sku: 'unsupported', native_page_size: MAX },
  categories: { modified_since: 'native', created_since: 'unsupported', ids: 'native', status: 'unsupported', sku: 'unsupported', native_page_size: MAX },
};

interface ListSpec {
  resource: string;
  list: string;
  count: string;
  /** First-request query for the filters; throws for filters the resource cannot serve. */
  query(f: ListFilters): Query;
  /** Client-side test for emulated filters, or undefined when the platform filters everything. */
  keep(f: ListFilters): ((item: Json) => boolean) | undefined;
  /** Top-level fields an emulated count needs (fields=…, §10.4). */
  scanFields: string;
}

async function listRaw(client: PlatformClient, query: ListQuery, spec: ListSpec): Promise<ListResult<Json>> {
  const at = continuation(P, spec.resource, query, readString);
  const first = spec.query(at.filters);
  if (matchesNothing(at.filters)) return { items: [], next: undefined };
  return listPage(query.limit, at, {
    resource: spec.resource,
    maxSize: MAX,
    keep: spec.keep(at.filters),
    fetch: (pageInfo, size) => nativePage(client, spec.list, first, pageInfo, size),
  });
}

async function countOf(client: PlatformClient, filters: ListFilters, spec: ListSpec): Promise<number> {
  const first = spec.query(filters);
  const keep = spec.keep(filters);
  if (matchesNothing(filters)) return 0;
  // The count endpoints take the list filters minus ids (§3); ids and emulated filters are counted by walking.
  if (keep === undefined && filters.ids === undefined) {
    const { ids: _ids, ...countQuery } = first;
    const n = int(payload(await call(client, spec.count, {}, countQuery), spec.count));
    if (n === null) throw badResponse(P, 200, `${spec.count} did not answer a number`);
    return n;
  }
  return scanCount<Json, string>((pos) => nativePage(client, spec.list, first, pos, MAX, spec.scanFields), keep);
}

const PRODUCT_STATUSES = ['active', 'draft', 'archived'];

const PRODUCTS: ListSpec = {
  resource: 'products',
  list: 'products.list',
  count: 'products.count',
  query(f) {
    refuseUnsupported(P, 'products', f, SHOPIFY_CAPABILITIES.products);
    if (f.status !== undefined && !PRODUCT_STATUSES.includes(f.status)) throw invalidRequest(P, 'product status is active, draft or archived');
    // The default status filter may be active only ([U] in §3): ask for every status explicitly.
    return { status: f.status ?? PRODUCT_STATUSES.join(','), ...dateAndIdQuery(f) };
  },
  // REST has no SKU filter on products: emulated over full pages.
  keep: (f) => (f.sku === undefined ? undefined : (p) => asArray(p.variants).some((v) => asObject(v)?.sku === f.sku)),
  scanFields: 'id,variants',
};

const ORDERS: ListSpec = {
  resource: 'orders',
  list: 'orders.list',
  count: 'orders.count',
  query(f) {
    refuseUnsupported(P, 'orders', f, SHOPIFY_CAPABILITIES.orders);
    if (f.status !== undefined && !isNormalizedStatus(f.status)) throw invalidRequest(P, `order status ${f.status} is not in the unified vocabulary`);
    // The list defaults to open orders (§10.6); status=any also returns closed and cancelled ones.
    return { status: 'any', ...dateAndIdQuery(f) };
  },
  // The unified status is derived from several fields (B7): emulated client-side.
  keep: (f) => (f.status === undefined ? undefined : (o) => orderStatus(o).normalized === f.status),
  scanFields: 'id,financial_status,fulfillment_status,cancelled_at,closed_at',
};

const CUSTOMERS: ListSpec = {
  resource: 'customers',
  list: 'customers.list',
  count: 'customers.count',
  query(f) {
    refuseUnsupported(P, 'customers', f, SHOPIFY_CAPABILITIES.customers);
    return dateAndIdQuery(f);
  },
  keep: () => undefined,
  scanFields: 'id',
};

export interface ShopifyConnectorOptions {
  /** How long collection membership (collects, smart rules) is reused per connection (default 5 min). */
  membershipTtlMs?: number;
  /** How long shop settings (currency, primary location) are reused per connection (default 10 min). */
  shopTtlMs?: number;
  now?: () => number;
}

interface ShopContext {
  currency: string;
  primaryLocationId: unknown;
}

type Phase = 'custom' | 'smart';
interface CollectionPosition {
  phase: Phase;
  pageInfo: string | null;
}

function readCollectionPosition(raw: unknown): CollectionPosition | undefined {
  const o = asObject(raw);
  if (!o || (o.phase !== 'custom' && o.phase !== 'smart')) return undefined;
  if (o.pageInfo !== null && readString(o.pageInfo) === undefined) return undefined;
  return { phase: o.phase, pageInfo: o.pageInfo as string | null };
}

export function createShopifyConnector(options: ShopifyConnectorOptions = {}): Connector {
  const now = options.now ?? Date.now;
  const shops = createClientMemo<ShopContext>(options.shopTtlMs ?? 600_000, now);
  const collectsMemo = createClientMemo<Map<string, string[]>>(options.membershipTtlMs ?? 300_000, now);
  const smartMemo = createClientMemo<SmartCollection[]>(options.membershipTtlMs ?? 300_000, now);

  const shop = (client: PlatformClient): Promise<ShopContext> =>
    shops.get(client, async () => {
      const s = asObject(payload(await call(client, 'shop', {}, { fields: 'currency,primary_location_id' }), 'shop')) ?? {};
      if (typeof s.currency !== 'string') throw badResponse(P, 200, 'the shop has no currency');
      return { currency: s.currency, primaryLocationId: s.primary_location_id };
    });

  /** Collects of every product, read in pages of 250 (no endpoint filters collects by a list of products, §3). */
  const allCollects = (client: PlatformClient): Promise<Map<string, string[]>> =>
    collectsMemo.get(client, async () => indexCollects(await walk(client, 'collects.list', {}, 'collection_id,product_id')));

  const smartCollections = (client: PlatformClient): Promise<SmartCollection[]> =>
    smartMemo.get(client, async () =>
      (await walk(client, 'smart_collections.list', {}, 'id,rules,disjunctive')).map(smartCollection),
    );

  /** A single product: its own collects, fresh (one call), plus the cached smart rules. */
  async function productOf(client: PlatformClient, p: Json): Promise<ProductRecord> {
    const id = idOf(p.id) ?? '';
    const [ctx, collects, smart] = await Promise.all([
      shop(client),
      walk(client, 'collects.list', { product_id: id }, 'collection_id,product_id'),
      smartCollections(client),
    ]);
    return mapProduct(p, { currency: ctx.currency, categoryIds: membership(indexCollects(collects), smart) });
  }

  async function updateProduct(client: PlatformClient, id: string, update: ProductUpdate): Promise<ProductRecord> {
    const product = await one(client, 'products.get', id);
    if (!product) throw platformError('not_found', P, 404, 'Not Found');
    const plan = planUpdate(product, update);
    if (plan.prices.length > 0) {
      // Variant prices go through the product PUT, wrapped in its root key (§10.3).
      await call(client, 'products.update', { id }, {}, { product: { id: product.id, variants: plan.prices } });
    }
    if (plan.stock.length > 0) await setStock(client, plan.stock);
    const fresh = await one(client, 'products.get', id);
    if (!fresh) throw platformError('not_found', P, 404, 'Not Found');
    return productOf(client, fresh);
  }

  /**
   * Stock is read-only on the variant (§10.8). The unified quantity is the sum over
   * locations, so the primary location is set to the quantity minus what other locations hold.
   */
  async function setStock(client: PlatformClient, stock: Array<{ variant: Json; quantity: number }>): Promise<void> {
    const { primaryLocationId } = await shop(client);
    if (primaryLocationId === null || primaryLocationId === undefined) throw invalidRequest(P, 'the shop has no primary location to hold stock');
    const items = stock.map((s) => s.variant.inventory_item_id);
    const levels = await walk(client, 'inventory_levels.list', { inventory_item_ids: items.join(',') });
    for (const { variant, quantity } of stock) {
      const elsewhere = levels
        .filter((l) => l.inventory_item_id === variant.inventory_item_id && l.location_id !== primaryLocationId)
        .reduce((sum, l) => sum + (int(l.available) ?? 0), 0);
      const available = quantity - elsewhere;
      if (available < 0) throw invalidRequest(P, `other locations already hold ${elsewhere} of variant ${String(variant.id)}`);
      // An absolute set (not adjust), so a retried update lands on the same stock.
      await call(client, 'inventory_levels.set', {}, {}, { location_id: primaryLocationId, inventory_item_id: variant.inventory_item_id, available });
    }
  }

  async function categoriesList(client: PlatformClient, query: ListQuery): Promise<ListResult<ReturnType<typeof mapCategory>>> {
    const at = continuation(P, 'categories', query, readCollectionPosition);
    refuseUnsupported(P, 'categories', at.filters, SHOPIFY_CAPABILITIES.categories);
    if (matchesNothing(at.filters)) return { items: [], next: undefined };
    const first: Query = { ids: at.filters.ids?.join(','), updated_at_min: at.filters.modifiedSince && filterIsoUtc(at.filters.modifiedSince) };
    const page = await listPage<Json, CollectionPosition>(query.limit, at, {
      resource: 'categories',
      maxSize: MAX,
      // Custom collections first, then smart ones: two native lists behind one cursor.
      fetch: async (pos, size) => {
        const phase = pos?.phase ?? 'custom';
        const native = await nativePage(client, `${phase}_collections.list`, first, pos?.pageInfo ?? null, size);
        const next: CollectionPosition | undefined =
          native.next !== undefined ? { phase, pageInfo: native.next } : phase === 'custom' ? { phase: 'smart', pageInfo: null } : undefined;
        return { items: native.items, next };
      },
    });
    return { items: page.items.map(mapCategory), next: page.next };
  }

  return {
    platform: 'shopify',
    capabilities: SHOPIFY_CAPABILITIES,
    async storeInfo(client) {
      return mapStore(asObject(payload(await call(client, 'shop', {}), 'shop')) ?? {});
    },
    products: {
      async list(client, query) {
        const page = await listRaw(client, query, PRODUCTS);
        if (page.items.length === 0) return { items: [], next: page.next };
        const [ctx, collects, smart] = await Promise.all([shop(client), allCollects(client), smartCollections(client)]);
        const categoryIds = membership(collects, smart);
        return { items: page.items.map((p) => mapProduct(p, { currency: ctx.currency, categoryIds })), next: page.next };
      },
      count: (client, filters) => countOf(client, filters, PRODUCTS),
      async get(client, id) {
        const p = await one(client, 'products.get', id);
        return p && productOf(client, p);
      },
      async variants(client, productId) {
        const p = await one(client, 'products.get', productId);
        if (!p) throw platformError('not_found', P, 404, 'Not Found');
        return mapVariants(p, (await shop(client)).currency);
      },
      update: updateProduct,
    },
    categories: { list: categoriesList },
    orders: {
      async list(client, query) {
        const page = await listRaw(client, query, ORDERS);
        return { items: page.items.map(mapOrder), next: page.next };
      },
      count: (client, filters) => countOf(client, filters, ORDERS),
      async get(client, id) {
        const o = await one(client, 'orders.get', id);
        return o && mapOrder(o);
      },
    },
    customers: {
      async list(client, query) {
        const page = await listRaw(client, query, CUSTOMERS);
        return { items: page.items.map(mapCustomer), next: page.next };
      },
      count: (client, filters) => countOf(client, filters, CUSTOMERS),
      async get(client, id) {
        const c = await one(client, 'customers.get', id);
        return c && mapCustomer(c);
      },
    },
  };
}

interface UpdatePlan {
  prices: Array<{ id: unknown; price: string; compare_at_price: string | null }>;
  stock: Array<{ variant: Json; quantity: number }>;
}

/**
 * What an update asks of each variant. Product-level fields apply to the first (default)
 * variant, the one product-level reads come from (B6.2); a product-level quantity is only
 * unambiguous when the product has one variant.
 */
function planUpdate(product: Json, update: ProductUpdate): UpdatePlan {
  checkUpdate(P, update);
  const variants = asArray(product.variants).map((v) => asObject(v) ?? {});
  const wanted = new Map<Json, { price?: string; sale_price?: string | null; quantity?: number }>();
  const defaultVariant = variants[0];
  const productLevel = { price: update.price, sale_price: update.sale_price, quantity: update.quantity };
  if (Object.values(productLevel).some((v) => v !== undefined)) {
    if (!defaultVariant) throw invalidRequest(P, 'the product has no variant to carry its price or stock');
    if (update.quantity !== undefined && variants.length > 1) throw invalidRequest(P, 'the product has several variants: set stock per variant');
    wanted.set(defaultVariant, definedOnly(productLevel));
  }
  for (const v of update.variants ?? []) {
    const variant = variants.find((x) => idOf(x.id) === v.id);
    if (!variant) throw notFoundRequest(P, `variant ${v.id} is not a variant of product ${String(product.id)}`);
    wanted.set(variant, { ...wanted.get(variant), ...definedOnly({ price: v.price, sale_price: v.sale_price, quantity: v.quantity }) });
  }
  const plan: UpdatePlan = { prices: [], stock: [] };
  for (const [variant, w] of wanted) {
    if (w.price !== undefined || w.sale_price !== undefined) {
      const fields = priceWrite(variant, w);
      if ('error' in fields) throw invalidRequest(P, `variant ${String(variant.id)}: ${fields.error}`);
      plan.prices.push({ id: variant.id, ...fields });
    }
    if (w.quantity !== undefined) {
      if (variantQuantity(variant) === null) throw invalidRequest(P, `Shopify does not track stock for variant ${String(variant.id)}`);
      plan.stock.push({ variant, quantity: w.quantity });
    }
  }
  return plan;
}
