/**
 * Query filters of Shopify list and count endpoints (shopify.md §3). Date bounds are
 * inclusive and compared at second precision, the precision the API renders; a value
 * without an offset is read in the shop's zone.
 */
import type { StoreCustomer, StoreOrder, StoreProduct } from '../../simulator-kit/dataset.js';
import { parseTimestamp } from '../../simulator-kit/time-format.js';
import { fromShopifyId, toShopifyId, type ShopifyIdKind } from './ids.js';
import { financialStatus, fulfillmentStatus } from './render-sales.js';

export class FilterError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

export type Filters = Record<string, string>;

/** The filters of a request: every query parameter except paging and field selection. */
export function filtersOf(query: URLSearchParams): Filters {
  const out: Filters = {};
  for (const [k, v] of query) if (k !== 'limit' && k !== 'fields' && k !== 'page_info') out[k] = v;
  return out;
}

function bound(filters: Filters, name: string, timezone: string): number | undefined {
  const raw = filters[name];
  if (raw === undefined || raw === '') return undefined;
  const ms = parseTimestamp(raw, timezone);
  // Unreadable dates are rejected rather than ignored [U: Shopify's exact behaviour].
  if (Number.isNaN(ms)) throw new FilterError(name, 'Invalid date');
  return ms;
}

type Predicate<T> = (item: T) => boolean;

function dateFilter<T>(filters: Filters, field: string, timezone: string, read: (item: T) => number | null): Predicate<T>[] {
  const min = bound(filters, `${field}_min`, timezone);
  const max = bound(filters, `${field}_max`, timezone);
  const out: Predicate<T>[] = [];
  const second = (ms: number): number => Math.floor(ms / 1000) * 1000;
  if (min !== undefined) out.push((item) => (read(item) ?? -Infinity) >= min);
  if (max !== undefined) out.push((item) => {
    const v = read(item);
    return v !== null && second(v) <= max;
  });
  return out;
}

function idFilters<T>(filters: Filters, kind: ShopifyIdKind, neutralId: (item: T) => number): Predicate<T>[] {
  const out: Predicate<T>[] = [];
  if (filters.ids !== undefined) {
    const wanted = new Set(
      filters.ids
        .split(',')
        .map((s) => fromShopifyId(kind, Number(s.trim())))
        .filter((n): n is number => n !== undefined),
    );
    out.push((item) => wanted.has(neutralId(item)));
  }
  if (filters.since_id !== undefined) {
    const since = Number(filters.since_id);
    if (!Number.isFinite(since)) throw new FilterError('since_id', 'Invalid value');
    out.push((item) => toShopifyId(kind, neutralId(item)) > since);
  }
  return out;
}

function all<T>(predicates: Predicate<T>[]): Predicate<T> {
  return (item) => predicates.every((p) => p(item));
}

function csv(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export interface ProductFilterOptions {
  timezone: string;
  /** Status used when the request names none ([U] in shopify.md §3; configurable). */
  defaultStatus: 'active' | 'any';
  inCollection: (collectionId: number, product: StoreProduct) => boolean;
}

export function productPredicate(filters: Filters, o: ProductFilterOptions): Predicate<StoreProduct> {
  const p: Predicate<StoreProduct>[] = [...idFilters<StoreProduct>(filters, 'product', (x) => x.id)];
  const eq = (name: string, read: (x: StoreProduct) => string): void => {
    const v = filters[name];
    if (v !== undefined) p.push((x) => read(x).toLowerCase() === v.toLowerCase());
  };
  eq('title', (x) => x.title);
  eq('vendor', (x) => x.vendor);
  eq('product_type', (x) => x.productType);
  if (filters.handle !== undefined) {
    const handles = new Set(csv(filters.handle));
    p.push((x) => handles.has(x.handle));
  }
  const status = filters.status ?? (o.defaultStatus === 'active' ? 'active' : undefined);
  if (status !== undefined) {
    const statuses = new Set(csv(status));
    p.push((x) => statuses.has(x.status));
  }
  if (filters.collection_id !== undefined) {
    const id = Number(filters.collection_id);
    p.push((x) => o.inCollection(id, x));
  }
  const published = filters.published_status ?? 'any';
  if (published === 'published') p.push((x) => x.publishedAt !== null);
  else if (published === 'unpublished') p.push((x) => x.publishedAt === null);
  p.push(...dateFilter<StoreProduct>(filters, 'created_at', o.timezone, (x) => x.createdAt));
  p.push(...dateFilter<StoreProduct>(filters, 'updated_at', o.timezone, (x) => x.updatedAt));
  p.push(...dateFilter<StoreProduct>(filters, 'published_at', o.timezone, (x) => x.publishedAt));
  return all(p);
}

/** Collections: updated_at_*, published_at_* and published_status (§3, same as products). */
export function collectionDatePredicate(filters: Filters, timezone: string): Predicate<{ updatedAt: number; publishedAt: number | null }> {
  type C = { updatedAt: number; publishedAt: number | null };
  const p: Predicate<C>[] = [
    ...dateFilter<C>(filters, 'updated_at', timezone, (x) => x.updatedAt),
    ...dateFilter<C>(filters, 'published_at', timezone, (x) => x.publishedAt),
  ];
  const published = filters.published_status ?? 'any';
  if (published === 'published') p.push((x) => x.publishedAt !== null);
  else if (published === 'unpublished') p.push((x) => x.publishedAt === null);
  return all(p);
}

export function customerPredicate(filters: Filters, timezone: string): Predicate<StoreCustomer> {
  return all([
    ...idFilters<StoreCustomer>(filters, 'customer', (x) => x.id),
    ...dateFilter<StoreCustomer>(filters, 'created_at', timezone, (x) => x.createdAt),
    ...dateFilter<StoreCustomer>(filters, 'updated_at', timezone, (x) => x.updatedAt),
  ]);
}

export interface OrderFilterOptions {
  timezone: string;
  /** Without `read_all_orders`, orders created before this are invisible (§2, §10.7). */
  visibleFrom: number;
}

export function orderPredicate(filters: Filters, o: OrderFilterOptions): Predicate<StoreOrder> {
  const p: Predicate<StoreOrder>[] = [
    (x) => x.createdAt >= o.visibleFrom,
    ...idFilters<StoreOrder>(filters, 'order', (x) => x.id),
    ...dateFilter<StoreOrder>(filters, 'created_at', o.timezone, (x) => x.createdAt),
    ...dateFilter<StoreOrder>(filters, 'updated_at', o.timezone, (x) => x.updatedAt),
    ...dateFilter<StoreOrder>(filters, 'processed_at', o.timezone, (x) => x.processedAt),
  ];
  // The orders list defaults to open orders (§10.6).
  const status = filters.status ?? 'open';
  if (status === 'open') p.push((x) => x.closedAt === null && x.cancelledAt === null);
  else if (status === 'closed') p.push((x) => x.closedAt !== null);
  else if (status === 'cancelled') p.push((x) => x.cancelledAt !== null);
  else if (status !== 'any') throw new FilterError('status', 'Invalid value');

  const financial = filters.financial_status ?? 'any';
  if (financial === 'unpaid') p.push((x) => ['authorized', 'partially_paid'].includes(financialStatus(x)));
  else if (financial !== 'any') p.push((x) => financialStatus(x) === financial);

  const fulfillment = filters.fulfillment_status ?? 'any';
  const fulfillments: Record<string, (s: string | null) => boolean> = {
    shipped: (s) => s === 'fulfilled',
    partial: (s) => s === 'partial',
    unshipped: (s) => s === null,
    unfulfilled: (s) => s === null || s === 'partial',
    any: () => true,
  };
  const match = fulfillments[fulfillment];
  if (!match) throw new FilterError('fulfillment_status', 'Invalid value');
  p.push((x) => match(fulfillmentStatus(x)));
  return all(p);
}
