/**
 * BigCommerce query filters (bigcommerce.md §3): colon-suffixed keys (`id:in`, `date_modified:min`,
 * `name:like`), comma lists, V3 `sort`+`direction` and V2 `sort=field:direction`. Dates are
 * compared at second precision, the precision the API renders.
 */
import type { StoreCategory, StoreCustomer, StoreOrder, StoreProduct } from '../../simulator-kit/dataset.js';
import { parseTimestamp } from '../../simulator-kit/time-format.js';
import { csv, intList, intParam, QueryError } from './respond.js';
import { productSku } from './render-v3.js';
import { statusId } from './order-status.js';
import { brandId, productInventory, toBcId, type BcIdKind, type BigCommerceSimulatorState } from './state.js';

type Predicate<T> = (item: T) => boolean;
const second = (ms: number): number => Math.floor(ms / 1000) * 1000;

/**
 * A date filter value. Quirk (§3): a V3 `date_modified:min/max` without a time part gets
 * the current time of the request added, not midnight.
 */
function dateValue(name: string, raw: string, now: number, dateOnlyGetsNow: boolean): number {
  if (dateOnlyGetsNow && /^\d{4}-\d{2}-\d{2}$/.test(raw.trim())) {
    return Date.parse(`${raw.trim()}T00:00:00Z`) + (now % 86_400_000);
  }
  // Unix timestamps are also accepted by the V3 date filters.
  if (/^\d{9,11}$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const ms = parseTimestamp(raw, 'UTC');
  if (Number.isNaN(ms)) throw new QueryError(name, `${name} must be a date`);
  return ms;
}

function dateFilters<T>(query: URLSearchParams, field: string, now: number, read: (x: T) => number, quirk: boolean): Predicate<T>[] {
  const out: Predicate<T>[] = [];
  const exact = query.get(field);
  const min = query.get(`${field}:min`);
  const max = query.get(`${field}:max`);
  if (exact !== null) {
    const at = second(dateValue(field, exact, now, false));
    out.push((x) => second(read(x)) === at);
  }
  if (min !== null) {
    const at = dateValue(`${field}:min`, min, now, quirk);
    out.push((x) => read(x) >= at);
  }
  if (max !== null) {
    const at = dateValue(`${field}:max`, max, now, quirk);
    out.push((x) => second(read(x)) <= at);
  }
  return out;
}

/** `id`, `id:in`, `id:not_in`, `id:min`, `id:max`, `id:greater`, `id:less` on BigCommerce ids. */
function idFilters<T>(query: URLSearchParams, prefix: string, kind: BcIdKind, neutral: (x: T) => number): Predicate<T>[] {
  const out: Predicate<T>[] = [];
  const id = (x: T): number => toBcId(kind, neutral(x));
  const exact = intParam(prefix, query.get(prefix));
  if (exact !== undefined) out.push((x) => id(x) === exact);
  const inList = intList(`${prefix}:in`, query.get(`${prefix}:in`));
  if (inList) out.push((x) => inList.includes(id(x)));
  const notIn = intList(`${prefix}:not_in`, query.get(`${prefix}:not_in`));
  if (notIn) out.push((x) => !notIn.includes(id(x)));
  const bounds: Array<[string, (a: number, b: number) => boolean]> = [
    ['min', (a, b) => a >= b],
    ['max', (a, b) => a <= b],
    ['greater', (a, b) => a > b],
    ['less', (a, b) => a < b],
  ];
  for (const [suffix, cmp] of bounds) {
    const v = intParam(`${prefix}:${suffix}`, query.get(`${prefix}:${suffix}`));
    if (v !== undefined) out.push((x) => cmp(id(x), v));
  }
  return out;
}

function bool(name: string, value: string | null): boolean | undefined {
  if (value === null) return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new QueryError(name, `${name} must be true/false or 1/0`);
}

export function productPredicate(state: BigCommerceSimulatorState, query: URLSearchParams, now: number): Predicate<StoreProduct> {
  const p: Predicate<StoreProduct>[] = idFilters<StoreProduct>(query, 'id', 'product', (x) => x.id);
  const name = query.get('name');
  if (name !== null) p.push((x) => x.title === name);
  const keyword = query.get('keyword');
  if (keyword !== null) p.push((x) => `${x.title} ${x.tags.join(' ')}`.toLowerCase().includes(keyword.toLowerCase()));
  // `sku` matches the product's or any variant's SKU.
  const skus = [query.get('sku'), ...(csv(query.get('sku:in')) ?? [])].filter((s): s is string => s !== null);
  if (skus.length > 0) p.push((x) => x.variants.some((v) => skus.includes(v.sku)) || skus.includes(productSku(x)));
  const price = query.get('price');
  if (price !== null) p.push((x) => x.priceCents === Math.round(Number(price) * 100));
  const type = query.get('type');
  if (type !== null) p.push((x) => x.kind === type);
  const visible = bool('is_visible', query.get('is_visible'));
  if (visible !== undefined) p.push((x) => (x.status === 'active' && x.publishedAt !== null) === visible);
  const featured = bool('is_featured', query.get('is_featured'));
  if (featured !== undefined) p.push((x) => x.featured === featured);
  const availability = query.get('availability');
  if (availability !== null) p.push((x) => (x.status === 'archived' ? 'disabled' : 'available') === availability);
  // The filter takes lower case while the field is capitalised (§10.8).
  const condition = query.get('condition');
  if (condition !== null) p.push((x) => x.condition === condition);
  const brand = intParam('brand_id', query.get('brand_id'));
  if (brand !== undefined) p.push((x) => brandId(state, x) === brand);
  const category = intParam('categories', query.get('categories'));
  if (category !== undefined) p.push((x) => x.categoryIds.some((c) => toBcId('category', c) === category));
  const categoriesIn = intList('categories:in', query.get('categories:in'));
  if (categoriesIn) p.push((x) => x.categoryIds.some((c) => categoriesIn.includes(toBcId('category', c))));
  const level = intParam('inventory_level', query.get('inventory_level'));
  if (level !== undefined) p.push((x) => productInventory(x) === level);
  const levelMin = intParam('inventory_level:min', query.get('inventory_level:min'));
  if (levelMin !== undefined) p.push((x) => productInventory(x) >= levelMin);
  const levelMax = intParam('inventory_level:max', query.get('inventory_level:max'));
  if (levelMax !== undefined) p.push((x) => productInventory(x) <= levelMax);
  if (bool('out_of_stock', query.get('out_of_stock')) === true) p.push((x) => x.inventoryTracking !== 'none' && productInventory(x) === 0);
  p.push(...dateFilters<StoreProduct>(query, 'date_modified', now, (x) => x.updatedAt, true));
  return (x) => p.every((f) => f(x));
}

const PRODUCT_SORTS: Record<string, (state: BigCommerceSimulatorState, x: StoreProduct) => number | string> = {
  id: (_s, x) => x.id,
  name: (_s, x) => x.title,
  sku: (_s, x) => (x.variants[0]?.sku ?? ''),
  price: (_s, x) => x.priceCents,
  date_modified: (_s, x) => x.updatedAt,
  inventory_level: (_s, x) => productInventory(x),
  is_visible: (_s, x) => (x.status === 'active' && x.publishedAt !== null ? 1 : 0),
  total_sold: (_s, x) => x.totalSold,
};

/** V3 `sort` + `direction` (default id ascending); ties keep id order. */
export function sortProducts(state: BigCommerceSimulatorState, items: StoreProduct[], query: URLSearchParams): StoreProduct[] {
  const sort = query.get('sort') ?? 'id';
  const key = PRODUCT_SORTS[sort];
  if (!key) throw new QueryError('sort', `sort must be one of ${Object.keys(PRODUCT_SORTS).join(', ')}`);
  const desc = (query.get('direction') ?? 'asc') === 'desc';
  if (sort === 'id') return desc ? [...items].reverse() : items;
  return [...items].sort((a, b) => {
    const ka = key(state, a);
    const kb = key(state, b);
    const c = ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
    return desc ? -c : c;
  });
}

export function categoryPredicate(query: URLSearchParams): Predicate<StoreCategory> {
  const p: Predicate<StoreCategory>[] = idFilters<StoreCategory>(query, 'id', 'category', (x) => x.id);
  p.push(...idFilters<StoreCategory>(query, 'category_id', 'category', (x) => x.id));
  const parent = (x: StoreCategory): number => (x.parentId === 0 ? 0 : toBcId('category', x.parentId));
  const parentId = intParam('parent_id', query.get('parent_id'));
  if (parentId !== undefined) p.push((x) => parent(x) === parentId);
  const parentIn = intList('parent_id:in', query.get('parent_id:in'));
  if (parentIn) p.push((x) => parentIn.includes(parent(x)));
  const name = query.get('name');
  if (name !== null) p.push((x) => x.name === name);
  const like = csv(query.get('name:like'));
  if (like) p.push((x) => like.some((l) => x.name.toLowerCase().includes(l.toLowerCase())));
  const visible = bool('is_visible', query.get('is_visible'));
  if (visible !== undefined) p.push((x) => x.visible === visible);
  const trees = intList('tree_id:in', query.get('tree_id:in'));
  if (trees) p.push(() => trees.includes(1));
  return (x) => p.every((f) => f(x));
}

export function customerPredicate(query: URLSearchParams, now: number): Predicate<StoreCustomer> {
  const p: Predicate<StoreCustomer>[] = idFilters<StoreCustomer>(query, 'id', 'customer', (x) => x.id);
  const emails = csv(query.get('email:in'));
  if (emails) p.push((x) => emails.map((e) => e.toLowerCase()).includes(x.email.toLowerCase()));
  const names = csv(query.get('name:in'));
  if (names) p.push((x) => names.includes(`${x.firstName} ${x.lastName}`));
  // Substring of "first_name last_name" (Customers V3 spec, name:like).
  const like = csv(query.get('name:like'));
  if (like) p.push((x) => like.some((l) => `${x.firstName} ${x.lastName}`.toLowerCase().includes(l.toLowerCase())));
  const companies = csv(query.get('company:in'));
  if (companies) p.push((x) => companies.includes(x.company));
  const groups = intList('customer_group_id:in', query.get('customer_group_id:in'));
  if (groups) p.push((x) => groups.includes(x.groupId));
  const phones = csv(query.get('phone:in'));
  if (phones) p.push((x) => x.phone !== null && phones.includes(x.phone));
  p.push(...dateFilters<StoreCustomer>(query, 'date_created', now, (x) => x.createdAt, false));
  p.push(...dateFilters<StoreCustomer>(query, 'date_modified', now, (x) => x.updatedAt, true));
  return (x) => p.every((f) => f(x));
}

export function sortCustomers(items: StoreCustomer[], sort: string | null): StoreCustomer[] {
  if (sort === null) return items;
  const [field, direction] = sort.split(':');
  const keys: Record<string, (c: StoreCustomer) => number | string> = {
    date_created: (c) => c.createdAt,
    date_modified: (c) => c.updatedAt,
    last_name: (c) => c.lastName,
  };
  const key = keys[field ?? ''];
  if (!key || (direction !== 'asc' && direction !== 'desc')) throw new QueryError('sort', 'sort must be date_created, last_name or date_modified with :asc or :desc');
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
    return direction === 'desc' ? -c : c;
  });
}

/** V2 order filters: `min_*`/`max_*` (dates as RFC 2822 or ISO 8601), status, customer, email… */
export function orderPredicate(state: BigCommerceSimulatorState, query: URLSearchParams): Predicate<StoreOrder> {
  const p: Predicate<StoreOrder>[] = [];
  const id = (x: StoreOrder): number => toBcId('order', x.id);
  const total = (x: StoreOrder): number => x.totalCents / 100;
  const num = (name: string): number | undefined => {
    const raw = query.get(name);
    if (raw === null) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new QueryError(name, `${name} must be a number`);
    return n;
  };
  const minId = num('min_id');
  if (minId !== undefined) p.push((x) => id(x) >= minId);
  const maxId = num('max_id');
  if (maxId !== undefined) p.push((x) => id(x) <= maxId);
  const minTotal = num('min_total');
  if (minTotal !== undefined) p.push((x) => total(x) >= minTotal);
  const maxTotal = num('max_total');
  if (maxTotal !== undefined) p.push((x) => total(x) <= maxTotal);
  const customer = num('customer_id');
  if (customer !== undefined) p.push((x) => (x.customerId === null ? 0 : toBcId('customer', x.customerId)) === customer);
  const email = query.get('email');
  if (email !== null) p.push((x) => x.email.toLowerCase() === email.toLowerCase());
  const payment = query.get('payment_method');
  if (payment !== null) p.push((x) => x.paymentMethod === payment);
  const status = num('status_id');
  if (status !== undefined) p.push((x) => statusId(state, x) === status);
  // Incomplete orders only show when asked for ([U] §7; configurable).
  else if (!state.settings.listIncompleteOrders) p.push((x) => statusId(state, x) !== 0);
  const channel = num('channel_id');
  if (channel !== undefined) p.push(() => channel === 1);
  for (const [field, read] of [
    ['date_created', (x: StoreOrder) => x.createdAt],
    ['date_modified', (x: StoreOrder) => x.updatedAt],
  ] as const) {
    const min = query.get(`min_${field}`);
    if (min !== null) {
      const at = dateValue(`min_${field}`, min, 0, false);
      p.push((x) => read(x) >= at);
    }
    const max = query.get(`max_${field}`);
    if (max !== null) {
      const at = dateValue(`max_${field}`, max, 0, false);
      p.push((x) => second(read(x)) <= at);
    }
  }
  return (x) => p.every((f) => f(x));
}

/** V2 `sort=field:asc|desc` (default id ascending, §3). */
export function sortOrders(state: BigCommerceSimulatorState, items: StoreOrder[], sort: string | null): StoreOrder[] {
  if (sort === null) return items;
  const [field, direction = 'asc'] = sort.split(':');
  const keys: Record<string, (o: StoreOrder) => number> = {
    id: (o) => o.id,
    customer_id: (o) => o.customerId ?? 0,
    date_created: (o) => o.createdAt,
    date_modified: (o) => o.updatedAt,
    status_id: (o) => statusId(state, o),
    channel_id: () => 1,
  };
  const key = keys[field ?? ''];
  if (!key || (direction !== 'asc' && direction !== 'desc')) throw new QueryError('sort', 'sort must be field:asc or field:desc');
  return [...items].sort((a, b) => {
    const c = key(a) - key(b) || a.id - b.id;
    return direction === 'desc' ? -c : c;
  });
}
