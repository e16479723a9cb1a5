/**
 * WooCommerce records ↔ the unified model (unified-model.md B2–B5, B7; woocommerce.md §7).
 * Money arrives as strings ("" when unset) and dates twice without a zone, so only the
 * `_gmt` ones are read, as UTC (§10.2). Named converters: regular/sale price (a sale only
 * while `on_sale`), stock by `manage_stock` (a variation may share its parent's), variable
 * products priced and stocked through their variations, the one variant a simple product
 * has (the product itself) and the order status table.
 */
import type { CategoryRecord, CustomerRecord, OrderRecord, ProductRecord, StoreRecord, VariantRecord } from '../../commerce/models.js';
import { addMoney, compareMoney } from '../common/decimal.js';
import { toUtcTimestamp } from '../common/dates.js';
import { address, asArray, asObject, countryCode, idOf, int, mapRecord, money, requiredCurrency, requiredId, requiredMoney, text, type FieldMap } from '../common/mapping.js';
import { statusClassifier, type StatusTable } from '../common/status-map.js';

type Json = Record<string, unknown>;
const P = 'WooCommerce';

export interface CatalogContext {
  currency: string;
}

/** A product as listed, with its variations (fetched per variable product, §10.5). */
export interface ProductInput {
  product: Json;
  variations: Json[];
}

/** B7: core statuses; plugin statuses (`wc-*`) are unknown. `trash` never shows in lists. */
export const ORDER_STATUS: StatusTable = {
  pending: 'pending_payment',
  'on-hold': 'on_hold',
  processing: 'processing',
  completed: 'completed',
  cancelled: 'cancelled',
  refunded: 'refunded',
  failed: 'failed',
  'checkout-draft': 'draft',
};

export const classifyStatus = statusClassifier(ORDER_STATUS);

/** `date_x_gmt` is UTC without a zone (§10.2); `date_x` is site-local and never read. */
const gmt = (value: unknown): string | null => toUtcTimestamp(value, 'UTC');

/**
 * Regular and sale price of a product or variation. `sale_price` may be scheduled
 * (`date_on_sale_from/to`), so it counts only while `on_sale` says it applies (§7).
 */
export function priceAndSale(r: Json): { price: string | null; sale_price: string | null } {
  const regular = money(r.regular_price);
  const sale = money(r.sale_price);
  const onSale = r.on_sale === true && sale !== null && regular !== null && compareMoney(sale, regular) === -1;
  return { price: regular, sale_price: onSale ? sale : null };
}

/** Stock WooCommerce manages (§10.6): a quantity only with `manage_stock`, else untracked. */
export function ownQuantity(r: Json): number | null {
  return r.manage_stock === true ? (int(r.stock_quantity) ?? 0) : null;
}

/** A variation's stock: its own, or the parent's pool when `manage_stock` is "parent" (§7 Variation [S]). */
export function variationQuantity(product: Json, variation: Json): number | null {
  if (variation.manage_stock === 'parent') return int(variation.stock_quantity) ?? ownQuantity(product);
  return ownQuantity(variation);
}

/** Sellable: in stock or on backorder (B2 in_stock; backorders are accepted orders). */
const inStock = (r: Json): boolean => r.stock_status !== 'outofstock';

const isVariable = (p: Json): boolean => p.type === 'variable';

interface VariantInput {
  product: Json;
  /** The variation, or the product itself for a product without variations. */
  record: Json;
}

function variantOptions(record: Json): Array<{ name: string; value: string }> {
  return asArray(record.attributes)
    .map((a) => asObject(a) ?? {})
    .map((a) => ({ name: text(a.name) ?? '', value: text(a.option) ?? '' }))
    .filter((o) => o.value !== '');
}

const firstImage = (p: Json): string | null => text(asObject(asArray(p.images)[0])?.src);

export const VARIANT: FieldMap<VariantInput, VariantRecord, CatalogContext> = {
  id: ({ record }) => requiredId(P, record.id, 'variation'),
  product_id: ({ product }) => requiredId(P, product.id, 'product'),
  sku: ({ record }) => text(record.sku),
  name: ({ product, record }) => (record === product ? null : variantOptions(record).map((o) => o.value).join(' / ') || null),
  options: ({ product, record }) => (record === product ? [] : variantOptions(record)),
  price: ({ record }) => priceAndSale(record).price,
  sale_price: ({ record }) => priceAndSale(record).sale_price,
  currency: (_, c) => c.currency,
  quantity: ({ product, record }) => (record === product ? ownQuantity(product) : variationQuantity(product, record)),
  in_stock: ({ record }) => inStock(record),
  // The weight unit is a store setting under /settings/products, which woocommerce.md does not cover.
  weight: () => null,
  barcode: ({ record }) => text(record.global_unique_id),
  image_url: ({ product, record }) => (record === product ? firstImage(product) : text(asObject(record.image)?.src)),
  created_at: ({ record }) => gmt(record.date_created_gmt),
  updated_at: ({ record }) => gmt(record.date_modified_gmt),
  raw: ({ record }) => record,
};

/** Variations of a variable product; a product of any other type is its own single variant. */
export function mapVariants({ product, variations }: ProductInput, ctx: CatalogContext): VariantRecord[] {
  const records = isVariable(product) ? variations : [product];
  return records.map((record) => mapRecord(VARIANT, { product, record }, ctx));
}

/** B6.2: a variable product shows the cheapest variation's prices (current price decides). */
function productPrices(input: ProductInput, variants: VariantRecord[]): { price: string | null; sale_price: string | null } {
  if (!isVariable(input.product)) return priceAndSale(input.product);
  const priced = variants.filter((v) => v.price !== null);
  const current = (v: VariantRecord): string => v.sale_price ?? (v.price as string);
  const cheapest = priced.reduce<VariantRecord | undefined>((min, v) => (min === undefined || compareMoney(current(v), current(min)) === -1 ? v : min), undefined);
  return cheapest ? { price: cheapest.price, sale_price: cheapest.sale_price } : { price: money(input.product.price), sale_price: null };
}

/** Stock pooled on the parent counts once; otherwise the sum over tracked variations (B6.4). */
function productQuantity(input: ProductInput, variants: VariantRecord[]): number | null {
  if (!isVariable(input.product) || input.product.manage_stock === true) return ownQuantity(input.product);
  const tracked = variants.filter((v) => v.quantity !== null);
  return tracked.length === 0 ? null : tracked.reduce((sum, v) => sum + (v.quantity as number), 0);
}

function productType(p: Json): ProductRecord['type'] {
  if (p.type === 'variable') return 'configurable';
  if (p.type === 'simple') return p.virtual === true ? 'virtual' : 'simple';
  // grouped (a set of products sold separately) and external (sold elsewhere).
  return 'other';
}

/** publish is for sale; draft, pending review and scheduled are not yet; private is retired. */
function productStatus(p: Json): ProductRecord['status'] {
  if (p.status === 'publish') return 'active';
  if (p.status === 'private' || p.status === 'trash') return 'archived';
  return 'draft';
}

/** Unified product status → the wc/v3 statuses it stands for. */
export const PRODUCT_STATUSES: Readonly<Record<ProductRecord['status'], readonly string[]>> = {
  active: ['publish'],
  draft: ['draft', 'pending', 'future'],
  archived: ['private'],
};

interface MappedInput extends ProductInput {
  variants: VariantRecord[];
}

export const PRODUCT: FieldMap<MappedInput, ProductRecord, CatalogContext> = {
  id: ({ product }) => requiredId(P, product.id, 'product'),
  sku: ({ product }) => text(product.sku),
  name: ({ product }) => text(product.name) ?? '',
  description: ({ product }) => text(product.description),
  short_description: ({ product }) => text(product.short_description),
  type: ({ product }) => productType(product),
  status: ({ product }) => productStatus(product),
  // Shown in the catalog: published and not hidden or search-only (B2 avail_view).
  visible: ({ product }) => product.status === 'publish' && (product.catalog_visibility === 'visible' || product.catalog_visibility === 'catalog'),
  price: (x) => productPrices(x, x.variants).price,
  sale_price: (x) => productPrices(x, x.variants).sale_price,
  currency: (_, c) => c.currency,
  quantity: (x) => productQuantity(x, x.variants),
  in_stock: ({ product }) => inStock(product),
  weight: () => null,
  // Brands are a plugin (B2), or a recent addition [S].
  brand: () => null,
  category_ids: ({ product }) => asArray(product.categories).map((c) => idOf(asObject(c)?.id)).filter((id): id is string => id !== null),
  images: ({ product }) =>
    asArray(product.images)
      .map((i) => asObject(i) ?? {})
      .map((i, k) => ({ id: idOf(i.id), url: text(i.src) ?? '', position: k, alt: text(i.alt) }))
      .filter((i) => i.url !== ''),
  variants: ({ variants }) => variants,
  created_at: ({ product }) => gmt(product.date_created_gmt),
  // The product's own date: modified_after filters on it (a variation write bumps it too [U]).
  updated_at: ({ product }) => gmt(product.date_modified_gmt),
  raw: ({ product, variations }) => (isVariable(product) ? { ...product, variations } : product),
};

export function mapProduct(input: ProductInput, ctx: CatalogContext): ProductRecord {
  return mapRecord(PRODUCT, { ...input, variants: mapVariants(input, ctx) }, ctx);
}

function wcAddress(a: unknown): ReturnType<typeof address> {
  const x = asObject(a);
  if (!x) return null;
  return address({
    first_name: x.first_name,
    last_name: x.last_name,
    company: x.company,
    line1: x.address_1,
    line2: x.address_2,
    city: x.city,
    region: x.state,
    postal_code: x.postcode,
    country_code: x.country,
    phone: x.phone,
    email: x.email,
  });
}

const linesOf = (o: Json): Json[] => asArray(o.line_items).map((l) => asObject(l) ?? {});

/** 0 stands for "none" in product, variation and customer references (§7). */
const ref = (value: unknown): string | null => {
  const id = idOf(value);
  return id === '0' ? null : id;
};

export const ORDER: FieldMap<Json, OrderRecord, null> = {
  id: (o) => requiredId(P, o.id, 'order'),
  number: (o) => text(o.number) ?? String(o.id),
  status: (o) => classifyStatus(String(o.status ?? '')),
  currency: (o) => requiredCurrency(P, o.currency, 'order'),
  // B3: total, Σ line subtotals, shipping_total, total_tax, discount_total.
  totals: (o) => ({
    total: requiredMoney(P, o.total, 'total'),
    subtotal: requiredMoney(P, addMoney('0', ...linesOf(o).map((l) => l.subtotal ?? '0')), 'line_items subtotal'),
    shipping: money(o.shipping_total) ?? '0.00',
    tax: money(o.total_tax) ?? '0.00',
    discount: money(o.discount_total) ?? '0.00',
  }),
  // Guests have customer_id 0 (§10.7).
  customer: (o) => {
    const billing = asObject(o.billing);
    return { id: ref(o.customer_id), email: text(billing?.email), first_name: text(billing?.first_name), last_name: text(billing?.last_name) };
  },
  billing_address: (o) => wcAddress(o.billing),
  shipping_address: (o) => wcAddress(o.shipping),
  payment_method: (o) => text(o.payment_method_title) ?? text(o.payment_method),
  shipping_method: (o) => text(asObject(asArray(o.shipping_lines)[0])?.method_title),
  items: (o) =>
    linesOf(o).map((line) => ({
      id: requiredId(P, line.id, 'line item'),
      product_id: ref(line.product_id),
      // A product without variations is its own variant (see mapVariants).
      variant_id: ref(line.variation_id) ?? ref(line.product_id),
      sku: text(line.sku),
      name: text(line.name) ?? '',
      quantity: int(line.quantity) ?? 0,
      // A JSON number, the unit price after discounts (§10.1).
      price: requiredMoney(P, line.price, 'line_items price'),
      total: requiredMoney(P, line.total, 'line_items total'),
    })),
  created_at: (o) => gmt(o.date_created_gmt),
  updated_at: (o) => gmt(o.date_modified_gmt),
  raw: (o) => o,
};

function sameAddress(a: NonNullable<ReturnType<typeof address>>, b: NonNullable<ReturnType<typeof address>>): boolean {
  const place = (x: typeof a) => [x.first_name, x.last_name, x.company, x.line1, x.line2, x.city, x.region, x.postal_code, x.country_code].join('\n');
  return place(a) === place(b);
}

export const CUSTOMER: FieldMap<Json, CustomerRecord, null> = {
  id: (c) => requiredId(P, c.id, 'customer'),
  email: (c) => text(c.email),
  first_name: (c) => text(c.first_name),
  last_name: (c) => text(c.last_name),
  phone: (c) => text(asObject(c.billing)?.phone),
  // B4: the WordPress role stands in for a customer group.
  group_ids: (c) => (text(c.role) === null ? [] : [String(c.role)]),
  newsletter: () => null,
  addresses: (c) => {
    const billing = wcAddress(c.billing);
    const shipping = wcAddress(c.shipping);
    if (billing === null) return shipping === null ? [] : [shipping];
    return shipping === null || sameAddress(billing, shipping) ? [billing] : [billing, shipping];
  },
  created_at: (c) => gmt(c.date_created_gmt),
  updated_at: (c) => gmt(c.date_modified_gmt),
  raw: (c) => c,
};

export const CATEGORY: FieldMap<Json, CategoryRecord, null> = {
  id: (c) => requiredId(P, c.id, 'category'),
  parent_id: (c) => ref(c.parent),
  name: (c) => text(c.name) ?? '',
  description: (c) => text(c.description),
  // Product categories have no visibility of their own (B5).
  visible: () => true,
  position: (c) => int(c.menu_order),
  raw: (c) => c,
};

export interface StoreInput {
  /** `GET /wp-json/`: name, url, timezone_string. */
  site: Json;
  /** `GET /settings/general`: setting objects by id. */
  settings: Json[];
}

export const settingValue = (settings: readonly Json[], id: string): unknown => settings.find((s) => s.id === id)?.value;

export const STORE: FieldMap<StoreInput, StoreRecord, null> = {
  platform: () => 'woocommerce',
  name: ({ site }) => text(site.name),
  url: ({ site }) => text(site.url) ?? text(site.home),
  currency: ({ settings }) => requiredCurrency(P, settingValue(settings, 'woocommerce_currency'), 'woocommerce_currency'),
  // An empty timezone_string means a bare UTC offset (gmt_offset), not a zone.
  timezone: ({ site }) => text(site.timezone_string),
  weight_unit: () => null,
  prices_include_tax: () => null,
  // "US:CO": country, then state.
  country_code: ({ settings }) => countryCode(String(settingValue(settings, 'woocommerce_default_country') ?? '').split(':')[0]),
  email: () => null,
  raw: (s) => s,
};

/**
 * Unified price/sale_price → wc/v3 body fields (strings; "" clears a sale). A sale price
 * must stay below the regular price, as the storefront would ignore it otherwise.
 */
export function priceWrite(
  current: { price: string | null; sale_price: string | null },
  update: { price?: string; sale_price?: string | null },
): { regular_price?: string; sale_price?: string } | { error: string } {
  const regular = update.price ?? current.price;
  const sale = update.sale_price === undefined ? current.sale_price : update.sale_price;
  if (sale !== null && (regular === null || compareMoney(sale, regular) !== -1)) return { error: 'a sale price must be lower than the regular price' };
  const out: { regular_price?: string; sale_price?: string } = {};
  if (update.price !== undefined) out.regular_price = update.price;
  if (update.sale_price !== undefined) out.sale_price = update.sale_price ?? '';
  return out;
}

export const mapOrder = (o: Json): OrderRecord => mapRecord(ORDER, o, null);
export const mapCustomer = (c: Json): CustomerRecord => mapRecord(CUSTOMER, c, null);
export const mapCategory = (c: Json): CategoryRecord => mapRecord(CATEGORY, c, null);
export const mapStore = (s: StoreInput): StoreRecord => mapRecord(STORE, s, null);
