/**
 * Shopify REST records ↔ the unified model (unified-model.md B2–B5, B7; shopify.md §7).
 * Tables per entity, plus the named converters the tables call: regular/sale price from
 * price and compare_at_price, stock from inventory_management and inventory_quantity, the
 * order status derived from financial, fulfillment, cancel and close fields, and smart
 * collection rules (membership Shopify computes instead of storing collects).
 */
import type { CategoryRecord, CustomerRecord, OrderRecord, ProductRecord, StoreRecord, VariantRecord } from '../../commerce/models.js';
import { addMoney, compareMoney, multiplyMoney, subtractMoney } from '../common/decimal.js';
import { toUtcTimestamp } from '../common/dates.js';
import { address, asArray, asObject, countryCode, idOf, int, mapRecord, money, requiredCurrency, requiredId, requiredMoney, text, weight, type FieldMap } from '../common/mapping.js';
import type { OrderStatusValue } from '../common/status-map.js';

type Json = Record<string, unknown>;
const P = 'Shopify';

export interface ProductContext {
  currency: string;
  /** Collection ids the product belongs to (collects + smart collection rules). */
  categoryIds(product: Json): string[];
}

const objects = (value: unknown): Json[] => asArray(value).map((v) => asObject(v) ?? {});

/**
 * A product with what several unified fields read worked out once: its variants, images
 * and options as objects, its first variant and its option names (a page maps 250 products
 * and their variants; each field re-deriving these costs more than the mapping itself).
 */
export interface ProductView {
  readonly product: Json;
  readonly variants: Json[];
  readonly images: Json[];
  readonly optionNames: Array<string | null>;
  /** The first (default) variant: product-level price, stock flags and weight come from it (B6.2). */
  readonly first: Json;
}

export function productView(product: Json): ProductView {
  const variants = objects(product.variants);
  return {
    product,
    variants,
    images: objects(product.images),
    optionNames: objects(product.options).map((o) => text(o.name)),
    first: variants[0] ?? {},
  };
}

/** B2: on sale when compare_at_price > price; the unified price is then the regular (compare-at) one. */
export function priceAndSale(variant: Json): { price: string | null; sale_price: string | null } {
  const price = money(variant.price);
  const compareAt = money(variant.compare_at_price);
  if (price !== null && compareAt !== null && compareMoney(compareAt, price) === 1) return { price: compareAt, sale_price: price };
  return { price, sale_price: null };
}

/** `inventory_management` null means Shopify does not track stock for the variant (§7 Variant). */
export function variantQuantity(variant: Json): number | null {
  const managed = variant.inventory_management;
  return managed === null || managed === undefined || managed === '' ? null : (int(variant.inventory_quantity) ?? 0);
}

/** Sellable: untracked, allowed to oversell (`inventory_policy: continue`), or stock above 0 (B2 in_stock). */
export function variantInStock(variant: Json): boolean {
  const q = variantQuantity(variant);
  return q === null || variant.inventory_policy === 'continue' || q > 0;
}

/** Option name/value pairs; the implicit "Title: Default Title" of a product without options is none (§10.8). */
function variantOptions(view: ProductView, variant: Json): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  view.optionNames.forEach((name, k) => {
    const value = text(variant[`option${k + 1}`]);
    if (name !== null && value !== null && !(name === 'Title' && value === 'Default Title')) out.push({ name, value });
  });
  return out;
}

function imageUrl(view: ProductView, imageId: unknown): string | null {
  if (imageId === null || imageId === undefined) return null;
  const image = view.images.find((i) => i.id === imageId);
  return image ? text(image.src) : null;
}

interface VariantInput {
  view: ProductView;
  variant: Json;
  /** priceAndSale(variant), read by two fields. */
  prices: { price: string | null; sale_price: string | null };
}

export const VARIANT: FieldMap<VariantInput, VariantRecord, { currency: string }> = {
  id: ({ variant }) => requiredId(P, variant.id, 'variant'),
  product_id: ({ view, variant }) => requiredId(P, variant.product_id ?? view.product.id, 'variant product'),
  sku: ({ variant }) => text(variant.sku),
  name: ({ variant }) => (variant.title === 'Default Title' ? null : text(variant.title)),
  options: ({ view, variant }) => variantOptions(view, variant),
  price: ({ prices }) => prices.price,
  sale_price: ({ prices }) => prices.sale_price,
  currency: (_, c) => c.currency,
  quantity: ({ variant }) => variantQuantity(variant),
  in_stock: ({ variant }) => variantInStock(variant),
  weight: ({ variant }) => weight(variant.weight, variant.weight_unit),
  barcode: ({ variant }) => text(variant.barcode),
  image_url: ({ view, variant }) => imageUrl(view, variant.image_id),
  created_at: ({ variant }) => toUtcTimestamp(variant.created_at),
  updated_at: ({ variant }) => toUtcTimestamp(variant.updated_at),
  raw: ({ variant }) => variant,
};

export function mapVariants(product: Json, currency: string): VariantRecord[] {
  return mapViewVariants(productView(product), currency);
}

function mapViewVariants(view: ProductView, currency: string): VariantRecord[] {
  const ctx = { currency };
  return view.variants.map((variant) => mapRecord(VARIANT, { view, variant, prices: priceAndSale(variant) }, ctx));
}

/** Σ over tracked variants (B2 quantity); null when no variant is tracked. */
function productQuantity(view: ProductView): number | null {
  let total: number | null = null;
  for (const v of view.variants) {
    const q = variantQuantity(v);
    if (q !== null) total = (total ?? 0) + q;
  }
  return total;
}

/** Not shipped at all → virtual; real options or several variants → configurable (B2 type). */
function productType(view: ProductView): ProductRecord['type'] {
  const { variants } = view;
  if (variants.length > 0 && variants.every((v) => v.requires_shipping === false)) return 'virtual';
  return variants.length > 1 || (variants.length === 1 && variantOptions(view, view.first).length > 0) ? 'configurable' : 'simple';
}

function productStatus(p: Json): ProductRecord['status'] {
  return p.status === 'draft' || p.status === 'archived' ? p.status : 'active';
}

interface ProductInput {
  view: ProductView;
  /** priceAndSale of the first variant, read by two fields. */
  prices: { price: string | null; sale_price: string | null };
}

export const PRODUCT: FieldMap<ProductInput, ProductRecord, ProductContext> = {
  id: ({ view }) => requiredId(P, view.product.id, 'product'),
  sku: ({ view }) => text(view.first.sku),
  name: ({ view }) => text(view.product.title) ?? '',
  description: ({ view }) => text(view.product.body_html),
  short_description: () => null,
  type: ({ view }) => productType(view),
  status: ({ view }) => productStatus(view.product),
  visible: ({ view }) => view.product.published_at !== null && view.product.published_at !== undefined,
  price: ({ prices }) => prices.price,
  sale_price: ({ prices }) => prices.sale_price,
  currency: (_, c) => c.currency,
  quantity: ({ view }) => productQuantity(view),
  in_stock: ({ view }) => view.variants.some(variantInStock),
  weight: ({ view }) => weight(view.first.weight, view.first.weight_unit),
  brand: ({ view }) => text(view.product.vendor),
  category_ids: ({ view }, c) => c.categoryIds(view.product),
  images: ({ view }) =>
    view.images
      .map((i, k) => ({ id: idOf(i.id), url: text(i.src) ?? '', position: (int(i.position) ?? k + 1) - 1, alt: text(i.alt) }))
      .filter((i) => i.url !== '')
      .sort((a, b) => a.position - b.position),
  variants: ({ view }, c) => mapViewVariants(view, c.currency),
  created_at: ({ view }) => toUtcTimestamp(view.product.created_at),
  updated_at: ({ view }) => toUtcTimestamp(view.product.updated_at),
  raw: ({ view }) => view.product,
};

/**
 * B7 for Shopify, derived from several fields: cancelled (or refunded) once `cancelled_at`
 * is set; otherwise the financial status decides, and for paid orders the fulfillment
 * status (null → processing, partial → partially_shipped, fulfilled → shipped, completed
 * once closed). The native value keeps every input: `financial/fulfillment[/cancelled][/closed]`.
 */
export function orderStatus(o: Json): OrderStatusValue {
  const financial = text(o.financial_status) ?? 'unknown';
  const fulfillment = text(o.fulfillment_status);
  const cancelled = o.cancelled_at !== null && o.cancelled_at !== undefined;
  const closed = o.closed_at !== null && o.closed_at !== undefined;
  const native = [financial, fulfillment ?? 'unfulfilled', ...(cancelled ? ['cancelled'] : []), ...(closed ? ['closed'] : [])].join('/');
  const is = (normalized: OrderStatusValue['normalized']): OrderStatusValue => ({ normalized, native, label: null });
  if (cancelled) return is(financial === 'refunded' ? 'refunded' : 'cancelled');
  switch (financial) {
    case 'pending':
    case 'authorized':
    case 'partially_paid':
      return is('pending_payment');
    case 'voided':
      return is('cancelled');
    case 'refunded':
      return is('refunded');
    case 'partially_refunded':
      return is('partially_refunded');
    case 'expired':
      return is('failed');
    case 'paid':
      if (fulfillment === null) return is('processing');
      if (fulfillment === 'partial') return is('partially_shipped');
      if (fulfillment === 'fulfilled') return is(closed ? 'completed' : 'shipped');
      if (fulfillment === 'restocked') return is('cancelled');
      return is('unknown');
    default:
      return is('unknown');
  }
}

function shopifyAddress(a: unknown, email: unknown = null): ReturnType<typeof address> {
  const x = asObject(a);
  if (!x) return null;
  return address({
    first_name: x.first_name,
    last_name: x.last_name,
    company: x.company,
    line1: x.address1,
    line2: x.address2,
    city: x.city,
    region: x.province,
    postal_code: x.zip,
    country_code: x.country_code,
    phone: x.phone,
    email,
  });
}

/** Σ of a line's discount allocations (2024-04), falling back to the older total_discount. */
function lineDiscount(line: Json): string {
  const allocations = asArray(line.discount_allocations).map((d) => asObject(d)?.amount);
  return (allocations.length > 0 ? addMoney(...allocations) : money(line.total_discount)) ?? '0.00';
}

/** Shipping exists only as `total_shipping_price_set` (§7 Order); older payloads sum shipping_lines. */
function shippingTotal(o: Json): string {
  const set = asObject(asObject(o.total_shipping_price_set)?.shop_money);
  const fromSet = money(set?.amount);
  if (fromSet !== null) return fromSet;
  return addMoney(...asArray(o.shipping_lines).map((l) => asObject(l)?.price ?? '0')) ?? '0.00';
}

export const ORDER: FieldMap<Json, OrderRecord, null> = {
  id: (o) => requiredId(P, o.id, 'order'),
  number: (o) => text(o.name) ?? String(o.order_number ?? o.id),
  status: orderStatus,
  currency: (o) => requiredCurrency(P, o.currency, 'order'),
  totals: (o) => ({
    total: requiredMoney(P, o.total_price, 'total_price'),
    subtotal: requiredMoney(P, o.subtotal_price, 'subtotal_price'),
    shipping: shippingTotal(o),
    tax: money(o.total_tax) ?? '0.00',
    discount: money(o.total_discounts) ?? '0.00',
  }),
  customer: (o) => {
    const c = asObject(o.customer);
    return {
      id: idOf(c?.id),
      email: text(c?.email) ?? text(o.email) ?? text(o.contact_email),
      first_name: text(c?.first_name),
      last_name: text(c?.last_name),
    };
  },
  billing_address: (o) => shopifyAddress(o.billing_address, o.email),
  shipping_address: (o) => shopifyAddress(o.shipping_address),
  payment_method: (o) => text(asArray(o.payment_gateway_names)[0]),
  shipping_method: (o) => text(asObject(asArray(o.shipping_lines)[0])?.title),
  // Line total = price × quantity less the line's own discounts, before tax.
  items: (o) =>
    asArray(o.line_items).map((l) => {
      const line = asObject(l) ?? {};
      const price = requiredMoney(P, line.price, 'line item price');
      const quantity = int(line.quantity) ?? 0;
      return {
        id: requiredId(P, line.id, 'line item'),
        product_id: idOf(line.product_id),
        variant_id: idOf(line.variant_id),
        sku: text(line.sku),
        name: text(line.name) ?? text(line.title) ?? '',
        quantity,
        price,
        total: subtractMoney(multiplyMoney(price, quantity), lineDiscount(line)) ?? price,
      };
    }),
  created_at: (o) => toUtcTimestamp(o.created_at),
  updated_at: (o) => toUtcTimestamp(o.updated_at),
  raw: (o) => o,
};

export const CUSTOMER: FieldMap<Json, CustomerRecord, null> = {
  id: (c) => requiredId(P, c.id, 'customer'),
  email: (c) => text(c.email),
  first_name: (c) => text(c.first_name),
  last_name: (c) => text(c.last_name),
  phone: (c) => text(c.phone),
  // Shopify has tags, not customer groups (B4).
  group_ids: () => [],
  // B4: email_marketing_consent.state == subscribed; older payloads carry accepts_marketing.
  newsletter: (c) => {
    const consent = asObject(c.email_marketing_consent);
    if (consent) return consent.state === 'subscribed';
    return typeof c.accepts_marketing === 'boolean' ? c.accepts_marketing : null;
  },
  addresses: (c) => asArray(c.addresses).map((a) => shopifyAddress(a)).filter((a) => a !== null),
  created_at: (c) => toUtcTimestamp(c.created_at),
  updated_at: (c) => toUtcTimestamp(c.updated_at),
  raw: (c) => c,
};

/** Custom and smart collections (B5): flat, visible once published; sort_order is a product-sort rule, not a position. */
export const CATEGORY: FieldMap<Json, CategoryRecord, null> = {
  id: (c) => requiredId(P, c.id, 'collection'),
  parent_id: () => null,
  name: (c) => text(c.title) ?? '',
  description: (c) => text(c.body_html),
  visible: (c) => c.published_at !== null && c.published_at !== undefined,
  position: () => null,
  raw: (c) => c,
};

export const STORE: FieldMap<Json, StoreRecord, null> = {
  platform: () => 'shopify',
  name: (s) => text(s.name),
  url: (s) => (text(s.domain) === null ? null : `https://${String(s.domain)}`),
  currency: (s) => requiredCurrency(P, s.currency, 'shop'),
  timezone: (s) => text(s.iana_timezone) ?? text(s.timezone),
  weight_unit: (s) => text(s.weight_unit),
  prices_include_tax: (s) => (typeof s.taxes_included === 'boolean' ? s.taxes_included : null),
  country_code: (s) => countryCode(s.country_code ?? s.country),
  email: (s) => text(s.email),
  raw: (s) => s,
};

export interface SmartRule {
  column: string;
  relation: string;
  condition: string;
}

const TEXT_COLUMNS: Record<string, (p: Json) => string[]> = {
  title: (p) => [String(p.title ?? '')],
  type: (p) => [String(p.product_type ?? '')],
  vendor: (p) => [String(p.vendor ?? '')],
  tag: (p) => String(p.tags ?? '').split(',').map((t) => t.trim()).filter((t) => t !== ''),
  variant_title: (p) => objects(p.variants).map((v) => String(v.title ?? '')),
};

const NUMBER_COLUMNS: Record<string, (v: Json) => unknown> = {
  variant_price: (v) => v.price,
  variant_compare_at_price: (v) => v.compare_at_price,
  variant_weight: (v) => v.weight,
  variant_inventory: (v) => v.inventory_quantity,
};

function textMatches(relation: string, value: string, condition: string): boolean {
  const a = value.toLowerCase();
  const b = condition.toLowerCase();
  switch (relation) {
    case 'equals': return a === b;
    case 'not_equals': return a !== b;
    case 'starts_with': return a.startsWith(b);
    case 'ends_with': return a.endsWith(b);
    case 'contains': return a.includes(b);
    case 'not_contains': return !a.includes(b);
    default: return false;
  }
}

function numberMatches(relation: string, value: unknown, condition: string): boolean {
  const c = compareMoney(value, condition);
  if (c === undefined) return false;
  return relation === 'equals' ? c === 0 : relation === 'not_equals' ? c !== 0 : relation === 'greater_than' ? c === 1 : relation === 'less_than' ? c === -1 : false;
}

/**
 * Whether a product belongs to a smart collection (§7 Smart collection: rules, disjunctive).
 * Rules on columns this evaluator does not know make the rule false, so membership is never invented.
 */
export function smartCollectionMatches(product: Json, rules: readonly SmartRule[], disjunctive: boolean): boolean {
  if (rules.length === 0) return false;
  const one = (r: SmartRule): boolean => {
    const textColumn = TEXT_COLUMNS[r.column];
    if (textColumn) {
      const values = textColumn(product);
      // Negative relations hold only when no value matches the positive form.
      return r.relation.startsWith('not_')
        ? values.every((v) => textMatches(r.relation, v, r.condition))
        : values.some((v) => textMatches(r.relation, v, r.condition));
    }
    const numberColumn = NUMBER_COLUMNS[r.column];
    if (numberColumn) return objects(product.variants).some((v) => numberMatches(r.relation, numberColumn(v), r.condition));
    return false;
  };
  return disjunctive ? rules.some(one) : rules.every(one);
}

export interface SmartCollection {
  id: string;
  rules: SmartRule[];
  disjunctive: boolean;
}

export function smartCollection(c: Json): SmartCollection {
  const rules = asArray(c.rules)
    .map((r) => asObject(r) ?? {})
    .map((r) => ({ column: String(r.column ?? ''), relation: String(r.relation ?? ''), condition: String(r.condition ?? '') }));
  return { id: idOf(c.id) ?? '', rules, disjunctive: c.disjunctive === true };
}

/** Collects (product_id, collection_id) → collection ids per product id. */
export function indexCollects(collects: readonly Json[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const c of collects) {
    const product = idOf(c.product_id);
    const collection = idOf(c.collection_id);
    if (product === null || collection === null) continue;
    const list = index.get(product) ?? [];
    if (!list.includes(collection)) list.push(collection);
    index.set(product, list);
  }
  return index;
}

/** category_ids (B2 "via collects / collections"): custom collections from collects, then smart ones whose rules match. */
export function membership(collects: Map<string, string[]>, smart: readonly SmartCollection[]): (p: Json) => string[] {
  return (p) => [
    ...(collects.get(idOf(p.id) ?? '') ?? []),
    ...smart.filter((c) => smartCollectionMatches(p, c.rules, c.disjunctive)).map((c) => c.id),
  ];
}

/**
 * Unified price/sale_price → Shopify price/compare_at_price (the reverse of priceAndSale):
 * on sale means price = sale price and compare_at_price = regular price. Undefined fields
 * keep what the variant has; a sale price of null ends the sale.
 */
export function priceWrite(
  variant: Json,
  update: { price?: string; sale_price?: string | null },
): { price: string; compare_at_price: string | null } | { error: string } {
  const current = priceAndSale(variant);
  const regular = update.price ?? current.price;
  const sale = update.sale_price === undefined ? current.sale_price : update.sale_price;
  if (regular === null) return { error: 'the variant has no price to put on sale' };
  if (sale === null) return { price: regular, compare_at_price: null };
  if (compareMoney(sale, regular) !== -1) return { error: 'a sale price must be lower than the regular price' };
  return { price: sale, compare_at_price: regular };
}

export function mapProduct(p: Json, ctx: ProductContext): ProductRecord {
  const view = productView(p);
  return mapRecord(PRODUCT, { view, prices: priceAndSale(view.first) }, ctx);
}
export const mapOrder = (o: Json): OrderRecord => mapRecord(ORDER, o, null);
export const mapCustomer = (c: Json): CustomerRecord => mapRecord(CUSTOMER, c, null);
export const mapCategory = (c: Json): CategoryRecord => mapRecord(CATEGORY, c, null);
export const mapStore = (s: Json): StoreRecord => mapRecord(STORE, s, null);
