/**
 * List parameters and selection for products, variations, orders, customers and
 * categories (woocommerce.md §3). Date filters are exclusive and compare at second
 * precision, against site-local dates unless `dates_are_gmt=true`; defaults: products and
 * orders newest first, customers and categories by name ascending.
 */
import type { StoreCategory, StoreCustomer, StoreOrder, StoreProduct, StoreVariant } from '../../simulator-kit/dataset.js';
import { DATES, PAGING, type ParamSpec, type ParsedParams } from './params.js';
import { productStatus } from './render-catalog.js';
import { customerUsername, ORDER_STATUSES, orderStatus } from './render-sales.js';
import { isVariable, productSku, stockStatusOf, toWcId, type WooCommerceSimulatorState } from './state.js';

const STOCK = ['instock', 'outofstock', 'onbackorder'] as const;

export const PRODUCT_PARAMS: Record<string, ParamSpec> = {
  ...PAGING,
  ...DATES,
  parent: { type: 'ids' },
  parent_exclude: { type: 'ids' },
  slug: { type: 'string' },
  sku: { type: 'string' },
  status: { type: 'string', enum: ['any', 'future', 'trash', 'draft', 'pending', 'private', 'publish'] },
  type: { type: 'string', enum: ['simple', 'grouped', 'external', 'variable'] },
  featured: { type: 'boolean' },
  category: { type: 'string' },
  tag: { type: 'string' },
  on_sale: { type: 'boolean' },
  min_price: { type: 'string' },
  max_price: { type: 'string' },
  stock_status: { type: 'string', enum: STOCK },
  orderby: { type: 'string', enum: ['date', 'modified', 'id', 'include', 'title', 'slug', 'price', 'popularity', 'rating', 'menu_order'] },
};

export const VARIATION_PARAMS: Record<string, ParamSpec> = {
  ...PAGING,
  ...DATES,
  sku: { type: 'string' },
  status: { type: 'string', enum: ['any', 'draft', 'pending', 'private', 'publish'] },
  on_sale: { type: 'boolean' },
  min_price: { type: 'string' },
  max_price: { type: 'string' },
  stock_status: { type: 'string', enum: STOCK },
  orderby: { type: 'string', enum: ['date', 'modified', 'id', 'include', 'title', 'slug', 'menu_order'] },
};

export const ORDER_PARAMS: Record<string, ParamSpec> = {
  ...PAGING,
  ...DATES,
  parent: { type: 'ids' },
  parent_exclude: { type: 'ids' },
  status: { type: 'strings', enum: ['any', ...ORDER_STATUSES] },
  customer: { type: 'integer' },
  product: { type: 'integer' },
  dp: { type: 'integer' },
  orderby: { type: 'string', enum: ['date', 'modified', 'id', 'include', 'title', 'slug'] },
};

export const CUSTOMER_PARAMS: Record<string, ParamSpec> = {
  ...PAGING,
  email: { type: 'string' },
  role: { type: 'string', enum: ['all', 'administrator', 'editor', 'author', 'contributor', 'subscriber', 'customer', 'shop_manager'] },
  orderby: { type: 'string', enum: ['id', 'include', 'name', 'registered_date'] },
};

export const CATEGORY_PARAMS: Record<string, ParamSpec> = {
  ...PAGING,
  hide_empty: { type: 'boolean' },
  parent: { type: 'integer' },
  product: { type: 'integer' },
  slug: { type: 'string' },
  orderby: { type: 'string', enum: ['id', 'include', 'name', 'slug', 'term_group', 'description', 'count'] },
};

type Predicate<T> = (x: T) => boolean;
const second = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** `after`/`before` on creation and `modified_after`/`modified_before` on modification, exclusive. */
function dateFilters<T>(p: ParsedParams, created: (x: T) => number, modified: (x: T) => number): Predicate<T>[] {
  const out: Predicate<T>[] = [];
  const bounds: Array<[string, (x: T) => number, (a: number, b: number) => boolean]> = [
    ['after', created, (a, b) => a > b],
    ['before', created, (a, b) => a < b],
    ['modified_after', modified, (a, b) => a > b],
    ['modified_before', modified, (a, b) => a < b],
  ];
  for (const [name, read, cmp] of bounds) {
    const at = p.date(name);
    if (at !== undefined) out.push((x) => cmp(second(read(x)), at));
  }
  return out;
}

function idFilters<T>(p: ParsedParams, id: (x: T) => number): Predicate<T>[] {
  const out: Predicate<T>[] = [];
  const include = p.ids('include');
  if (include && include.length > 0) out.push((x) => include.includes(id(x)));
  const exclude = p.ids('exclude');
  if (exclude && exclude.length > 0) out.push((x) => !exclude.includes(id(x)));
  return out;
}

function sorted<T>(items: T[], p: ParsedParams, keys: Record<string, (x: T) => number | string>, id: (x: T) => number, byDefault: [string, 'asc' | 'desc']): T[] {
  const orderby = p.str('orderby') ?? byDefault[0];
  const sign = (p.str('order') ?? byDefault[1]) === 'asc' ? 1 : -1;
  if (orderby === 'include') {
    const include = p.ids('include') ?? [];
    return items.sort((a, b) => include.indexOf(id(a)) - include.indexOf(id(b)));
  }
  const key = keys[orderby] ?? id;
  // Ties fall back to the id in the same direction, so pages never overlap.
  return items.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : id(a) - id(b);
    return c * sign;
  });
}

function effectivePrice(v: StoreVariant): number {
  return v.salePriceCents !== null && v.salePriceCents < v.priceCents ? v.salePriceCents : v.priceCents;
}

function priceFilters<T>(p: ParsedParams, price: (x: T) => number): Predicate<T>[] {
  const out: Predicate<T>[] = [];
  const min = p.str('min_price');
  if (min !== undefined && min !== '') out.push((x) => price(x) >= Math.round(Number(min) * 100));
  const max = p.str('max_price');
  if (max !== undefined && max !== '') out.push((x) => price(x) <= Math.round(Number(max) * 100));
  return out;
}

export function selectProducts(state: WooCommerceSimulatorState, p: ParsedParams): StoreProduct[] {
  const id = (x: StoreProduct): number => toWcId('product', x.id);
  const price = (x: StoreProduct): number => Math.min(...x.variants.map(effectivePrice));
  const f: Predicate<StoreProduct>[] = [...idFilters(p, id), ...dateFilters<StoreProduct>(p, (x) => x.createdAt, (x) => x.updatedAt), ...priceFilters(p, price)];
  const status = p.str('status') ?? 'any';
  // "any" covers every status but trash; nothing is trashed here.
  if (status !== 'any') f.push((x) => productStatus(x) === status);
  const search = p.str('search')?.toLowerCase();
  if (search) f.push((x) => x.title.toLowerCase().includes(search) || x.descriptionHtml.toLowerCase().includes(search));
  const parent = p.ids('parent');
  if (parent && parent.length > 0) f.push(() => parent.includes(0));
  const slug = p.str('slug');
  if (slug !== undefined) f.push((x) => x.handle === slug);
  const sku = p.str('sku');
  if (sku !== undefined && sku !== '') {
    // A comma list matches any of its SKUs (and the whole string as one SKU).
    const skus = new Set([...sku.split(','), sku]);
    f.push((x) => skus.has(productSku(x)));
  }
  const type = p.str('type');
  if (type !== undefined) f.push((x) => (isVariable(x) ? 'variable' : 'simple') === type);
  const featured = p.bool('featured');
  if (featured !== undefined) f.push((x) => x.featured === featured);
  const category = p.str('category');
  if (category !== undefined) {
    const ids = category.split(',').map(Number);
    f.push((x) => x.categoryIds.some((c) => ids.includes(toWcId('category', c))));
  }
  const tag = p.str('tag');
  if (tag !== undefined) {
    const ids = tag.split(',').map(Number);
    f.push((x) => x.tags.some((t) => ids.includes(toWcId('tag', state.tags.indexOf(t) + 1))));
  }
  const onSale = p.bool('on_sale');
  if (onSale !== undefined) f.push((x) => x.variants.some((v) => effectivePrice(v) < v.priceCents) === onSale);
  const stock = p.str('stock_status');
  if (stock !== undefined) f.push((x) => x.variants.some((v) => stockStatusOf(state, v) === stock));
  const items = state.dataset.products.filter((x) => f.every((g) => g(x)));
  return sorted(items, p, { date: (x) => x.createdAt, modified: (x) => x.updatedAt, title: (x) => x.title, slug: (x) => x.handle, price, popularity: (x) => x.totalSold, rating: () => 0, menu_order: () => 0 }, id, ['date', 'desc']);
}

export function selectVariations(state: WooCommerceSimulatorState, product: StoreProduct, p: ParsedParams): StoreVariant[] {
  const id = (v: StoreVariant): number => toWcId('variation', v.id);
  const f: Predicate<StoreVariant>[] = [...idFilters(p, id), ...dateFilters<StoreVariant>(p, (v) => v.createdAt, (v) => v.updatedAt), ...priceFilters(p, effectivePrice)];
  const sku = p.str('sku');
  if (sku !== undefined && sku !== '') f.push((v) => v.sku === sku);
  const onSale = p.bool('on_sale');
  if (onSale !== undefined) f.push((v) => (effectivePrice(v) < v.priceCents) === onSale);
  const stock = p.str('stock_status');
  if (stock !== undefined) f.push((v) => stockStatusOf(state, v) === stock);
  const items = product.variants.filter((v) => f.every((g) => g(v)));
  // [U] The default order of variations: menu order, ascending.
  return sorted(items, p, { date: (v) => v.createdAt, modified: (v) => v.updatedAt, menu_order: (v) => v.position, title: (v) => v.sku, slug: (v) => v.sku }, id, ['menu_order', 'asc']);
}

export function selectOrders(state: WooCommerceSimulatorState, p: ParsedParams): StoreOrder[] {
  const id = (o: StoreOrder): number => toWcId('order', o.id);
  const f: Predicate<StoreOrder>[] = [...idFilters(p, id), ...dateFilters<StoreOrder>(p, (o) => o.createdAt, (o) => o.updatedAt)];
  const statuses = p.strs('status') ?? ['any'];
  // "any" hides checkout drafts and trashed orders [S].
  if (statuses.includes('any')) f.push((o) => !['checkout-draft', 'trash'].includes(orderStatus(state, o)));
  else f.push((o) => statuses.includes(orderStatus(state, o)));
  const customer = p.int('customer');
  if (customer !== undefined) f.push((o) => (o.customerId === null ? 0 : toWcId('customer', o.customerId)) === customer);
  const product = p.int('product');
  if (product !== undefined) f.push((o) => o.lineItems.some((l) => toWcId('product', l.productId) === product));
  const parent = p.ids('parent');
  if (parent && parent.length > 0) f.push(() => parent.includes(0));
  const search = p.str('search')?.toLowerCase();
  if (search) f.push((o) => `${o.email} ${o.billingAddress.firstName} ${o.billingAddress.lastName} ${id(o)}`.toLowerCase().includes(search));
  const items = state.dataset.orders.filter((o) => f.every((g) => g(o)));
  return sorted(items, p, { date: (o) => o.createdAt, modified: (o) => o.updatedAt, title: (o) => id(o), slug: (o) => id(o) }, id, ['date', 'desc']);
}

/** Customers as users; `null` stands for the administrator (user 1). */
export type User = StoreCustomer | null;

export function selectCustomers(state: WooCommerceSimulatorState, p: ParsedParams): User[] {
  const id = (u: User): number => (u === null ? 1 : toWcId('customer', u.id));
  const role = p.str('role') ?? 'customer';
  const users: User[] = role === 'all' ? [null, ...state.dataset.customers] : role === 'administrator' ? [null] : role === 'customer' ? [...state.dataset.customers] : [];
  const f: Predicate<User>[] = idFilters(p, id);
  const email = p.str('email');
  if (email !== undefined) f.push((u) => (u === null ? state.dataset.store.email : u.email) === email);
  const search = p.str('search')?.toLowerCase();
  if (search) f.push((u) => u !== null && `${u.email} ${u.firstName} ${u.lastName} ${customerUsername(u)}`.toLowerCase().includes(search));
  const name = (u: User): string => (u === null ? 'admin' : `${u.firstName} ${u.lastName}`);
  return sorted(users.filter((u) => f.every((g) => g(u))), p, { name, registered_date: (u) => (u === null ? 0 : u.createdAt) }, id, ['name', 'asc']);
}

export function selectCategories(state: WooCommerceSimulatorState, p: ParsedParams, counts: Map<number, number>): StoreCategory[] {
  const id = (c: StoreCategory): number => toWcId('category', c.id);
  const f: Predicate<StoreCategory>[] = idFilters(p, id);
  if (p.bool('hide_empty') === true) f.push((c) => (counts.get(c.id) ?? 0) > 0);
  const parent = p.int('parent');
  if (parent !== undefined) f.push((c) => (c.parentId === 0 ? 0 : toWcId('category', c.parentId)) === parent);
  const slug = p.str('slug');
  if (slug !== undefined) f.push((c) => c.handle === slug);
  const product = p.int('product');
  if (product !== undefined) f.push((c) => state.dataset.products.some((x) => toWcId('product', x.id) === product && x.categoryIds.includes(c.id)));
  const search = p.str('search')?.toLowerCase();
  if (search) f.push((c) => c.name.toLowerCase().includes(search));
  const items = state.dataset.categories.filter((c) => f.every((g) => g(c)));
  return sorted(items, p, { name: (c) => c.name, slug: (c) => c.handle, description: (c) => c.descriptionHtml, count: (c) => counts.get(c.id) ?? 0, term_group: () => 0 }, id, ['name', 'asc']);
}
