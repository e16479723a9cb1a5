/**
 * Magento 2 records ↔ the unified model (unified-model.md B2–B5, B7; magento2.md §5–§9).
 * Money and quantities arrive as JSON numbers, EAV values as strings in
 * `custom_attributes`, dates in UTC without a zone (§12). Named converters: the special
 * price (a sale only below the price), stock from MSI source items (or legacy stock items),
 * configurable products priced and stocked through their children, a simple product as its
 * own single variant, order lines without the children of configurable lines, and the
 * status table with the state as fallback and shipped quantities for shipping progress.
 */
import type { CategoryRecord, CustomerRecord, OrderRecord, ProductRecord, StoreRecord, VariantRecord } from '../../commerce/models.js';
import { compareMoney, moneyToNumber, subtractMoney } from '../common/decimal.js';
import { toUtcTimestamp } from '../common/dates.js';
import { address, asArray, asObject, idOf, int, mapRecord, money, requiredCurrency, requiredId, requiredMoney, text, weight, weightUnit, type FieldMap, type WeightUnit } from '../common/mapping.js';
import type { OrderStatusValue, StatusTable } from '../common/status-map.js';

type Json = Record<string, unknown>;
const P = 'Magento';

export interface CatalogContext {
  currency: string;
  /** `<base media url>`; product images live under `catalog/product` below it (§5). */
  mediaUrl: string | null;
  weightUnit: WeightUnit | null;
}

/** Stock of one SKU: sellable quantity, whether any source sells it, and the sources holding it. */
export interface StockLevel {
  quantity: number | null;
  inStock: boolean;
  sources: string[];
}

/** A top-level product with its configurable children and the stock of every SKU involved. */
export interface ProductInput {
  product: Json;
  children: Json[];
  stock: ReadonlyMap<string, StockLevel>;
}

/** §12: UTC without a zone marker. */
const utc = (value: unknown): string | null => toUtcTimestamp(value, 'UTC');

/** An EAV value from `custom_attributes` (§5); strings, or an array for category_ids. */
export function attribute(record: Json, code: string): unknown {
  return asArray(record.custom_attributes).map((a) => asObject(a) ?? {}).find((a) => a.attribute_code === code)?.value;
}

/** B2: the special price is a sale only below the price; scheduling (special_from/to_date) is not read [U]. */
export function priceAndSale(record: Json): { price: string | null; sale_price: string | null } {
  const price = money(record.price);
  const special = money(attribute(record, 'special_price'));
  const onSale = price !== null && special !== null && compareMoney(special, price) === -1;
  return { price, sale_price: onSale ? special : null };
}

/**
 * §6: MSI source items, the quantity summed over sources that sell (status 1); null where
 * the SKU has no source item (configurable parents, bundles).
 */
export function stockFromSourceItems(items: readonly Json[]): Map<string, StockLevel> {
  const out = new Map<string, StockLevel>();
  for (const item of items) {
    const sku = text(item.sku);
    if (sku === null) continue;
    const level = out.get(sku) ?? { quantity: 0, inStock: false, sources: [] };
    const selling = int(item.status) === 1;
    level.quantity = (level.quantity ?? 0) + (selling ? Math.trunc(Number(item.quantity) || 0) : 0);
    level.inStock ||= selling;
    level.sources.push(String(item.source_code ?? ''));
    out.set(sku, level);
  }
  return out;
}

/** §6 legacy stock item (stores without MSI): qty where stock is managed. */
export function stockFromStockItem(item: Json): StockLevel {
  return { quantity: item.manage_stock === false ? null : Math.trunc(Number(item.qty) || 0), inStock: item.is_in_stock === true, sources: ['default'] };
}

export const childrenIds = (p: Json): string[] =>
  asArray(asObject(p.extension_attributes)?.configurable_product_links)
    .map(idOf)
    .filter((id): id is string => id !== null);

export const isConfigurable = (p: Json): boolean => p.type_id === 'configurable';

function imagesOf(record: Json, ctx: CatalogContext): Array<{ id: string | null; url: string; alt: string | null }> {
  return asArray(record.media_gallery_entries)
    .map((e) => asObject(e) ?? {})
    .filter((e) => e.disabled !== true && (e.media_type ?? 'image') === 'image' && typeof e.file === 'string')
    .sort((a, b) => (int(a.position) ?? 0) - (int(b.position) ?? 0))
    .map((e) => ({ id: idOf(e.id), url: ctx.mediaUrl === null ? String(e.file) : `${ctx.mediaUrl}catalog/product${String(e.file)}`, alt: text(e.label) }));
}

/**
 * Option pairs of a child: each configurable option is found by its value ids among the
 * child's attributes. Labels of option values need /V1/products/attributes/{code}/options
 * (§5, B6.8), so the value is Magento's option id.
 */
function childOptions(parent: Json, child: Json): Array<{ name: string; value: string }> {
  const attrs = asArray(child.custom_attributes).map((a) => asObject(a) ?? {});
  return asArray(asObject(parent.extension_attributes)?.configurable_product_options)
    .map((o) => asObject(o) ?? {})
    .map((o) => {
      const values = new Set(asArray(o.values).map((v) => String(asObject(v)?.value_index)));
      const match = attrs.find((a) => values.has(String(a.value)));
      return { name: text(o.label) ?? '', value: match === undefined ? '' : String(match.value) };
    })
    .filter((o) => o.value !== '');
}

interface VariantInput {
  input: ProductInput;
  /** A configurable child, or the product itself when it has none. */
  record: Json;
}

export const VARIANT: FieldMap<VariantInput, VariantRecord, CatalogContext> = {
  id: ({ record }) => requiredId(P, record.id, 'product'),
  product_id: ({ input }) => requiredId(P, input.product.id, 'product'),
  sku: ({ record }) => text(record.sku),
  name: ({ input, record }) => (record === input.product ? null : text(record.name)),
  options: ({ input, record }) => (record === input.product ? [] : childOptions(input.product, record)),
  price: ({ record }) => priceAndSale(record).price,
  sale_price: ({ record }) => priceAndSale(record).sale_price,
  currency: (_, c) => c.currency,
  quantity: ({ input, record }) => input.stock.get(String(record.sku))?.quantity ?? null,
  in_stock: ({ input, record }) => input.stock.get(String(record.sku))?.inStock ?? false,
  weight: ({ record }, c) => weight(record.weight, c.weightUnit),
  barcode: () => null,
  image_url: ({ record }, c) => imagesOf(record, c)[0]?.url ?? null,
  created_at: ({ record }) => utc(record.created_at),
  updated_at: ({ record }) => utc(record.updated_at),
  raw: ({ record }) => record,
};

export function mapVariants(input: ProductInput, ctx: CatalogContext): VariantRecord[] {
  const records = isConfigurable(input.product) ? input.children : [input.product];
  return records.map((record) => mapRecord(VARIANT, { input, record }, ctx));
}

function productType(p: Json): ProductRecord['type'] {
  switch (p.type_id) {
    case 'simple':
      return 'simple';
    case 'configurable':
      return 'configurable';
    case 'bundle':
      return 'bundle';
    case 'virtual':
    case 'downloadable':
      return 'virtual';
    default:
      return 'other';
  }
}

interface MappedInput extends ProductInput {
  variants: VariantRecord[];
}

/** B6.2: a configurable shows its cheapest child's prices (the current price decides). */
function productPrices(x: MappedInput): { price: string | null; sale_price: string | null } {
  if (!isConfigurable(x.product)) return priceAndSale(x.product);
  const current = (v: VariantRecord): string => v.sale_price ?? (v.price as string);
  const cheapest = x.variants.filter((v) => v.price !== null).reduce<VariantRecord | undefined>((min, v) => (min === undefined || compareMoney(current(v), current(min)) === -1 ? v : min), undefined);
  return { price: cheapest?.price ?? null, sale_price: cheapest?.sale_price ?? null };
}

function productQuantity(x: MappedInput): number | null {
  const tracked = x.variants.filter((v) => v.quantity !== null);
  return tracked.length === 0 ? null : tracked.reduce((sum, v) => sum + (v.quantity as number), 0);
}

/** The later of the product's and its children's `updated_at`: a child's change is the product's. */
function latest(x: MappedInput): string | null {
  const dates = [utc(x.product.updated_at), ...x.variants.map((v) => v.updated_at)].filter((d): d is string => d !== null);
  return dates.length === 0 ? null : dates.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}

export const PRODUCT: FieldMap<MappedInput, ProductRecord, CatalogContext> = {
  id: ({ product }) => requiredId(P, product.id, 'product'),
  sku: ({ product }) => text(product.sku),
  name: ({ product }) => text(product.name) ?? '',
  description: ({ product }) => text(attribute(product, 'description')),
  short_description: ({ product }) => text(attribute(product, 'short_description')),
  type: ({ product }) => productType(product),
  // Magento has enabled (1) and disabled (2), no drafts (§5).
  status: ({ product }) => (int(product.status) === 1 ? 'active' : 'archived'),
  // Enabled and in the catalog: visibility 2 (catalog) or 4 (catalog and search), §5.
  visible: ({ product }) => int(product.status) === 1 && [2, 4].includes(int(product.visibility) ?? 0),
  price: (x) => productPrices(x).price,
  sale_price: (x) => productPrices(x).sale_price,
  currency: (_, c) => c.currency,
  quantity: productQuantity,
  in_stock: (x) => x.variants.some((v) => v.in_stock),
  weight: ({ product }, c) => weight(product.weight, c.weightUnit),
  // The manufacturer attribute holds an option id (B6.8), not a name.
  brand: () => null,
  category_ids: ({ product }) => {
    const links = asArray(asObject(product.extension_attributes)?.category_links).map((l) => idOf(asObject(l)?.category_id));
    const ids = links.length > 0 ? links : asArray(attribute(product, 'category_ids')).map(idOf);
    return ids.filter((id): id is string => id !== null);
  },
  images: ({ product }, c) => imagesOf(product, c).map((i, k) => ({ ...i, position: k })),
  variants: ({ variants }) => variants,
  created_at: ({ product }) => utc(product.created_at),
  updated_at: latest,
  raw: ({ product, children }) => (isConfigurable(product) ? { ...product, children } : product),
};

export function mapProduct(input: ProductInput, ctx: CatalogContext): ProductRecord {
  return mapRecord(PRODUCT, { ...input, variants: mapVariants(input, ctx) }, ctx);
}

/** B7: Magento's default statuses. */
export const ORDER_STATUS: StatusTable = {
  pending: 'pending_payment',
  pending_payment: 'pending_payment',
  payment_review: 'on_hold',
  fraud: 'on_hold',
  holded: 'on_hold',
  processing: 'processing',
  complete: 'completed',
  closed: 'refunded',
  canceled: 'cancelled',
};

/** B7: the state a merchant's own status is attached to (states are fixed, §8). */
export const ORDER_STATE: StatusTable = {
  new: 'pending_payment',
  pending_payment: 'pending_payment',
  processing: 'processing',
  complete: 'completed',
  closed: 'refunded',
  canceled: 'cancelled',
  holded: 'on_hold',
  payment_review: 'on_hold',
};

/** Order lines without the child rows of configurable lines (§8: the parent line carries the price). */
const topLines = (o: Json): Json[] => asArray(o.items).map((i) => asObject(i) ?? {}).filter((i) => i.parent_item_id === undefined || i.parent_item_id === null);

/**
 * B7: the status, the state for statuses Magento does not ship, and within processing the
 * shipped quantities of shippable lines: some shipped is partially_shipped, all is shipped.
 */
export function orderStatus(o: Json): OrderStatusValue {
  const status = String(o.status ?? '');
  let normalized = ORDER_STATUS[status] ?? ORDER_STATE[String(o.state ?? '')] ?? 'unknown';
  if (normalized === 'processing') {
    const shippable = topLines(o).filter((l) => int(l.is_virtual) !== 1);
    const ordered = shippable.reduce((s, l) => s + (Number(l.qty_ordered) || 0), 0);
    const shipped = shippable.reduce((s, l) => s + (Number(l.qty_shipped) || 0), 0);
    if (shipped > 0) normalized = shipped >= ordered ? 'shipped' : 'partially_shipped';
  }
  return { normalized, native: status || String(o.state ?? ''), label: null };
}

function mAddress(a: unknown): ReturnType<typeof address> {
  const x = asObject(a);
  if (!x) return null;
  const street = asArray(x.street).map(text);
  const region = asObject(x.region);
  return address({
    first_name: x.firstname,
    last_name: x.lastname,
    company: x.company,
    line1: street[0] ?? null,
    line2: street.slice(1).filter((s) => s !== null).join(', ') || null,
    city: x.city,
    region: region ? (region.region ?? region.region_code) : x.region,
    postal_code: x.postcode,
    country_code: x.country_id,
    phone: x.telephone,
    email: x.email,
  });
}

const shippingAssignment = (o: Json): Json | undefined => asObject(asObject(asArray(asObject(o.extension_attributes)?.shipping_assignments)[0])?.shipping);

export const ORDER: FieldMap<Json, OrderRecord, null> = {
  id: (o) => requiredId(P, o.entity_id, 'order'),
  number: (o) => text(o.increment_id) ?? String(o.entity_id),
  status: orderStatus,
  currency: (o) => requiredCurrency(P, o.order_currency_code, 'order'),
  // B3: grand_total, subtotal, shipping_amount, tax_amount, abs(discount_amount).
  totals: (o) => {
    const discount = money(o.discount_amount) ?? '0.00';
    return {
      total: requiredMoney(P, o.grand_total, 'grand_total'),
      subtotal: requiredMoney(P, o.subtotal, 'subtotal'),
      shipping: money(o.shipping_amount) ?? '0.00',
      tax: money(o.tax_amount) ?? '0.00',
      discount: discount.startsWith('-') ? discount.slice(1) : discount,
    };
  },
  // Guests have no customer_id (§8 [I]).
  customer: (o) => ({
    id: int(o.customer_is_guest) === 1 ? null : idOf(o.customer_id),
    email: text(o.customer_email),
    first_name: text(o.customer_firstname),
    last_name: text(o.customer_lastname),
  }),
  billing_address: (o) => mAddress(o.billing_address),
  // §8: the shipping address lives in extension_attributes.shipping_assignments.
  shipping_address: (o) => mAddress(shippingAssignment(o)?.address),
  payment_method: (o) => text(asObject(o.payment)?.method),
  shipping_method: (o) => text(o.shipping_description),
  items: (o) => {
    const rows = asArray(o.items).map((i) => asObject(i) ?? {});
    return topLines(o).map((line) => {
      const child = rows.find((r) => r.parent_item_id !== undefined && r.parent_item_id !== null && String(r.parent_item_id) === String(line.item_id));
      const price = requiredMoney(P, line.price, 'item price');
      return {
        id: requiredId(P, line.item_id, 'order item'),
        product_id: idOf(line.product_id),
        // B3: the child row's product is the variant; a simple product is its own.
        variant_id: idOf(child?.product_id ?? line.product_id),
        sku: text(child?.sku) ?? text(line.sku),
        name: text(line.name) ?? '',
        quantity: Math.trunc(Number(line.qty_ordered) || 0),
        price,
        // Row total less the line's discount, before tax.
        total: subtractMoney(line.row_total ?? 0, line.discount_amount ?? 0) ?? price,
      };
    });
  },
  created_at: (o) => utc(o.created_at),
  updated_at: (o) => utc(o.updated_at),
  raw: (o) => o,
};

export const CUSTOMER: FieldMap<Json, CustomerRecord, null> = {
  id: (c) => requiredId(P, c.id, 'customer'),
  email: (c) => text(c.email),
  first_name: (c) => text(c.firstname),
  last_name: (c) => text(c.lastname),
  // B4: the phone lives on the default billing address only (§9).
  phone: (c) => {
    const addresses = asArray(c.addresses).map((a) => asObject(a) ?? {});
    const billing = addresses.find((a) => a.default_billing === true || String(a.id) === String(c.default_billing)) ?? addresses[0];
    return text(billing?.telephone);
  },
  group_ids: (c) => (idOf(c.group_id) === null ? [] : [String(c.group_id)]),
  newsletter: (c) => {
    const subscribed = asObject(c.extension_attributes)?.is_subscribed;
    return typeof subscribed === 'boolean' ? subscribed : null;
  },
  addresses: (c) => asArray(c.addresses).map(mAddress).filter((a) => a !== null),
  created_at: (c) => utc(c.created_at),
  updated_at: (c) => utc(c.updated_at),
  raw: (c) => c,
};

/** Storefront categories start at level 2, below the store's root category (§7). */
export const STOREFRONT_LEVEL = 2;

export const CATEGORY: FieldMap<Json, CategoryRecord, null> = {
  id: (c) => requiredId(P, c.id, 'category'),
  parent_id: (c) => ((int(c.level) ?? 0) <= STOREFRONT_LEVEL ? null : idOf(c.parent_id)),
  name: (c) => text(c.name) ?? '',
  description: (c) => text(attribute(c, 'description')),
  visible: (c) => c.is_active === true || int(c.is_active) === 1,
  position: (c) => int(c.position),
  raw: (c) => c,
};

export interface StoreInput {
  /** `/V1/store/storeConfigs` entry of the default store view. */
  config: Json;
  /** `/V1/store/storeViews` entry of the same store view. */
  view: Json | undefined;
}

export function catalogContext(config: Json): CatalogContext {
  return {
    currency: requiredCurrency(P, config.base_currency_code, 'base_currency_code'),
    mediaUrl: text(config.secure_base_media_url) ?? text(config.base_media_url),
    weightUnit: weightUnit(config.weight_unit),
  };
}

export const STORE: FieldMap<StoreInput, StoreRecord, null> = {
  platform: () => 'magento2',
  name: ({ view }) => text(view?.name),
  url: ({ config }) => text(config.secure_base_url) ?? text(config.base_url),
  currency: ({ config }) => requiredCurrency(P, config.base_currency_code, 'base_currency_code'),
  timezone: ({ config }) => text(config.timezone),
  // "lbs" / "kgs" (store configuration).
  weight_unit: ({ config }) => weightUnit(config.weight_unit) ?? text(config.weight_unit),
  prices_include_tax: () => null,
  country_code: () => null,
  email: () => null,
  raw: (s) => s,
};

/**
 * Unified price/sale_price → a product save body: `price` as a number, the special price as
 * a custom attribute string (§5); null removes it. A sale stays below the price.
 */
export function priceWrite(
  current: { price: string | null; sale_price: string | null },
  update: { price?: string; sale_price?: string | null },
): { price?: number; custom_attributes?: Array<{ attribute_code: string; value: string | null }> } | { error: string } {
  const regular = update.price ?? current.price;
  const sale = update.sale_price === undefined ? current.sale_price : update.sale_price;
  if (sale !== null && (regular === null || compareMoney(sale, regular) !== -1)) return { error: 'a sale price must be lower than the regular price' };
  const out: { price?: number; custom_attributes?: Array<{ attribute_code: string; value: string | null }> } = {};
  if (update.price !== undefined) out.price = moneyToNumber(update.price);
  if (update.sale_price !== undefined) out.custom_attributes = [{ attribute_code: 'special_price', value: update.sale_price }];
  return out;
}

export const mapOrder = (o: Json): OrderRecord => mapRecord(ORDER, o, null);
export const mapCustomer = (c: Json): CustomerRecord => mapRecord(CUSTOMER, c, null);
export const mapCategory = (c: Json): CategoryRecord => mapRecord(CATEGORY, c, null);
export const mapStore = (s: StoreInput): StoreRecord => mapRecord(STORE, s, null);
