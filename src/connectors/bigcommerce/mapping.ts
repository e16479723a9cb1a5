/**
 * BigCommerce records ↔ the unified model (unified-model.md B2–B5, B7; bigcommerce.md §7):
 * V3 catalog and customers (money as JSON numbers, ISO dates), V2 orders (money strings,
 * RFC 2822 dates, line items and shipping addresses fetched beside the order). Named
 * converters: sale price (0 means none; a variant's null inherits the product's), stock
 * by `inventory_tracking`, and the status_id table.
 */
import type { CategoryRecord, CustomerRecord, OrderRecord, ProductRecord, StoreRecord, VariantRecord } from '../../commerce/models.js';
import { compareMoney, moneyToNumber } from '../common/decimal.js';
import { toUtcTimestamp } from '../common/dates.js';
import { address, asArray, asObject, countryCode, idOf, int, mapRecord, money, requiredCurrency, requiredId, requiredMoney, text, weight, weightUnit, type FieldMap, type WeightUnit } from '../common/mapping.js';
import { statusClassifier, type StatusTable } from '../common/status-map.js';

type Json = Record<string, unknown>;
const P = 'BigCommerce';

export interface CatalogContext {
  currency: string;
  /** The store's `weight_units`; catalog weights carry no unit of their own. */
  weightUnit: WeightUnit | null;
}

/** B7: status_id → unified status. Ids are stable; labels can be renamed by the merchant. */
export const ORDER_STATUS: StatusTable = {
  '0': 'draft',
  '1': 'pending_payment',
  '2': 'shipped',
  '3': 'partially_shipped',
  '4': 'refunded',
  '5': 'cancelled',
  '6': 'failed',
  '7': 'pending_payment',
  '8': 'processing',
  '9': 'processing',
  '10': 'completed',
  '11': 'processing',
  '12': 'on_hold',
  '13': 'on_hold',
  '14': 'partially_refunded',
};

export const classifyStatus = statusClassifier(ORDER_STATUS);

/** `sale_price` 0 means no sale (§7 Product); a sale at or above the price is not in effect either. */
export function effectiveSale(price: string | null, sale: unknown): string | null {
  const s = money(sale);
  if (s === null || price === null || compareMoney(s, '0') !== 1) return null;
  return compareMoney(s, price) === -1 ? s : null;
}

const variantsOf = (p: Json): Json[] => asArray(p.variants).map((v) => asObject(v) ?? {});

/** Stock per `inventory_tracking` (§10.6): none → untracked; product → the product's level; variant → each variant's. */
export function variantQuantity(product: Json, variant: Json): number | null {
  if (product.inventory_tracking === 'variant') return int(variant.inventory_level) ?? 0;
  if (product.inventory_tracking === 'product') return int(product.inventory_level) ?? 0;
  return null;
}

function productQuantity(p: Json): number | null {
  return p.inventory_tracking === 'product' || p.inventory_tracking === 'variant' ? (int(p.inventory_level) ?? 0) : null;
}

/** Sellable: not disabled, and untracked, on preorder or with stock (B2 in_stock). */
function sellable(p: Json, quantity: number | null): boolean {
  if (p.availability === 'disabled') return false;
  return quantity === null || p.availability === 'preorder' || quantity > 0;
}

interface VariantInput {
  product: Json;
  variant: Json;
}

const variantPrice = ({ product, variant }: VariantInput): string | null => money(variant.price ?? product.price);

export const VARIANT: FieldMap<VariantInput, VariantRecord, CatalogContext> = {
  id: ({ variant }) => requiredId(P, variant.id, 'variant'),
  product_id: ({ product, variant }) => requiredId(P, variant.product_id ?? product.id, 'variant product'),
  sku: ({ variant }) => text(variant.sku),
  name: ({ variant }) => {
    const labels = asArray(variant.option_values).map((o) => text(asObject(o)?.label)).filter((l) => l !== null);
    return labels.length === 0 ? null : labels.join(' / ');
  },
  options: ({ variant }) =>
    asArray(variant.option_values)
      .map((o) => asObject(o) ?? {})
      .map((o) => ({ name: text(o.option_display_name) ?? '', value: text(o.label) ?? '' })),
  // A null variant price inherits the product's (§10.7).
  price: variantPrice,
  sale_price: (x) => effectiveSale(variantPrice(x), x.variant.sale_price ?? x.product.sale_price),
  currency: (_, c) => c.currency,
  quantity: ({ product, variant }) => variantQuantity(product, variant),
  in_stock: ({ product, variant }) => variant.purchasing_disabled !== true && sellable(product, variantQuantity(product, variant)),
  weight: ({ product, variant }, c) => weight(variant.weight ?? variant.calculated_weight ?? product.weight, c.weightUnit),
  barcode: ({ variant }) => text(variant.upc) ?? text(variant.gtin),
  image_url: ({ variant }) => text(variant.image_url),
  // Variants carry no dates (§7 Variant).
  created_at: () => null,
  updated_at: () => null,
  raw: ({ variant }) => variant,
};

export function mapVariants(product: Json, ctx: CatalogContext): VariantRecord[] {
  return variantsOf(product).map((variant) => mapRecord(VARIANT, { product, variant }, ctx));
}

function productType(p: Json): ProductRecord['type'] {
  if (p.type === 'digital') return 'virtual';
  // base_variant_id is null for products with options (§7 Product).
  return variantsOf(p).length > 1 || (p.base_variant_id === null && variantsOf(p).length > 0) ? 'configurable' : 'simple';
}

export const PRODUCT: FieldMap<Json, ProductRecord, CatalogContext> = {
  id: (p) => requiredId(P, p.id, 'product'),
  sku: (p) => text(p.sku),
  name: (p) => text(p.name) ?? '',
  description: (p) => text(p.description),
  short_description: () => null,
  type: productType,
  // BigCommerce has no drafts: disabled is retired, anything else can be sold (is_visible is separate).
  status: (p) => (p.availability === 'disabled' ? 'archived' : 'active'),
  visible: (p) => p.is_visible === true,
  price: (p) => money(p.price),
  sale_price: (p) => effectiveSale(money(p.price), p.sale_price),
  currency: (_, c) => c.currency,
  quantity: productQuantity,
  in_stock: (p) => sellable(p, productQuantity(p)),
  weight: (p, c) => weight(p.weight, c.weightUnit),
  // Only brand_id is on the product; the name needs /v3/catalog/brands, which the notes do not cover.
  brand: () => null,
  category_ids: (p) => asArray(p.categories).map(idOf).filter((id): id is string => id !== null),
  images: (p) =>
    asArray(p.images)
      .map((i) => asObject(i) ?? {})
      .sort((a, b) => (int(a.sort_order) ?? 0) - (int(b.sort_order) ?? 0))
      .map((i, k) => ({ id: idOf(i.id), url: text(i.url_standard) ?? text(i.url_zoom) ?? '', position: k, alt: text(i.description) }))
      .filter((i) => i.url !== ''),
  variants: (p, c) => mapVariants(p, c),
  created_at: (p) => toUtcTimestamp(p.date_created),
  updated_at: (p) => toUtcTimestamp(p.date_modified),
  raw: (p) => p,
};

function bcAddress(a: unknown): ReturnType<typeof address> {
  const x = asObject(a);
  if (!x) return null;
  return address({
    first_name: x.first_name,
    last_name: x.last_name,
    company: x.company,
    line1: x.street_1 ?? x.address1,
    line2: x.street_2 ?? x.address2,
    city: x.city,
    region: x.state ?? x.state_or_province,
    postal_code: x.zip ?? x.postal_code,
    country_code: x.country_iso2 ?? x.country_code,
    phone: x.phone,
    email: x.email,
  });
}

/** A V2 order with what its link objects point to (§10.4), fetched by the connector. */
export interface OrderInput {
  order: Json;
  products: Json[];
  shippingAddresses: Json[];
}

export const ORDER: FieldMap<OrderInput, OrderRecord, null> = {
  id: ({ order }) => requiredId(P, order.id, 'order'),
  number: ({ order }) => String(order.id),
  status: ({ order }) => classifyStatus(String(order.status_id ?? ''), text(order.custom_status) ?? text(order.status)),
  currency: ({ order }) => requiredCurrency(P, order.currency_code ?? order.default_currency_code, 'order'),
  // B3 columns: total_inc_tax, subtotal_ex_tax, shipping_cost_inc_tax, total_tax, discount_amount.
  totals: ({ order }) => ({
    total: requiredMoney(P, order.total_inc_tax, 'total_inc_tax'),
    subtotal: requiredMoney(P, order.subtotal_ex_tax, 'subtotal_ex_tax'),
    shipping: money(order.shipping_cost_inc_tax) ?? '0.00',
    tax: money(order.total_tax) ?? '0.00',
    discount: money(order.discount_amount) ?? '0.00',
  }),
  customer: ({ order }) => {
    const billing = asObject(order.billing_address);
    const id = idOf(order.customer_id);
    // customer_id 0 is a guest [S].
    return { id: id === '0' ? null : id, email: text(billing?.email), first_name: text(billing?.first_name), last_name: text(billing?.last_name) };
  },
  billing_address: ({ order }) => bcAddress(order.billing_address),
  shipping_address: ({ shippingAddresses }) => bcAddress(shippingAddresses[0]),
  payment_method: ({ order }) => text(order.payment_method),
  shipping_method: ({ shippingAddresses }) => text(shippingAddresses[0]?.shipping_method),
  items: ({ products }) =>
    products.map((line) => ({
      id: requiredId(P, line.id, 'order product'),
      product_id: idOf(line.product_id),
      variant_id: idOf(line.variant_id),
      sku: text(line.sku),
      name: text(line.name) ?? '',
      quantity: int(line.quantity) ?? 0,
      price: requiredMoney(P, line.price_ex_tax, 'price_ex_tax'),
      total: requiredMoney(P, line.total_ex_tax, 'total_ex_tax'),
    })),
  created_at: ({ order }) => toUtcTimestamp(order.date_created),
  updated_at: ({ order }) => toUtcTimestamp(order.date_modified),
  // The order as the platform sends it, with the linked records in place of the link objects.
  raw: ({ order, products, shippingAddresses }) => ({ ...order, products, shipping_addresses: shippingAddresses }),
};

export const CUSTOMER: FieldMap<Json, CustomerRecord, null> = {
  id: (c) => requiredId(P, c.id, 'customer'),
  email: (c) => text(c.email),
  first_name: (c) => text(c.first_name),
  last_name: (c) => text(c.last_name),
  phone: (c) => text(c.phone),
  // Group 0 is "no group".
  group_ids: (c) => (int(c.customer_group_id) ?? 0) > 0 ? [String(c.customer_group_id)] : [],
  newsletter: () => null,
  addresses: (c) => asArray(c.addresses).map(bcAddress).filter((a) => a !== null),
  created_at: (c) => toUtcTimestamp(c.date_created),
  updated_at: (c) => toUtcTimestamp(c.date_modified),
  raw: (c) => c,
};

/** Tree categories (`/v3/catalog/trees/categories`, §7): category_id, parent_id 0 for the top level. */
export const CATEGORY: FieldMap<Json, CategoryRecord, null> = {
  id: (c) => requiredId(P, c.category_id ?? c.id, 'category'),
  parent_id: (c) => {
    const parent = idOf(c.parent_id);
    return parent === '0' ? null : parent;
  },
  name: (c) => text(c.name) ?? '',
  description: (c) => text(c.description),
  visible: (c) => c.is_visible === true,
  position: (c) => int(c.sort_order),
  raw: (c) => c,
};

export const STORE: FieldMap<Json, StoreRecord, null> = {
  platform: () => 'bigcommerce',
  name: (s) => text(s.name),
  url: (s) => text(s.secure_url) ?? (text(s.domain) === null ? null : `https://${String(s.domain)}`),
  currency: (s) => requiredCurrency(P, s.currency, 'store'),
  timezone: (s) => text(asObject(s.timezone)?.name),
  weight_unit: (s) => weightUnit(s.weight_units) ?? text(s.weight_units),
  prices_include_tax: (s) => (typeof s.is_price_entered_with_tax === 'boolean' ? s.is_price_entered_with_tax : null),
  country_code: (s) => countryCode(s.country_code),
  email: (s) => text(s.admin_email),
  raw: (s) => s,
};

/**
 * Unified price/sale_price → V3 body fields (JSON numbers). A sale price of null ends the
 * sale: 0 on products and variants alike (a variant's null would inherit the product's sale).
 */
export function priceWrite(
  current: { price: string | null; sale_price: string | null },
  update: { price?: string; sale_price?: string | null },
): { price?: number; sale_price?: number } | { error: string } {
  const regular = update.price ?? current.price;
  const sale = update.sale_price === undefined ? current.sale_price : update.sale_price;
  if (sale !== null && (regular === null || compareMoney(sale, regular) !== -1)) return { error: 'a sale price must be lower than the regular price' };
  const out: { price?: number; sale_price?: number } = {};
  if (update.price !== undefined) out.price = moneyToNumber(update.price);
  if (update.sale_price !== undefined) out.sale_price = update.sale_price === null ? 0 : moneyToNumber(update.sale_price);
  return out;
}

export const mapProduct = (p: Json, ctx: CatalogContext): ProductRecord => mapRecord(PRODUCT, p, ctx);
export const mapOrder = (input: OrderInput): OrderRecord => mapRecord(ORDER, input, null);
export const mapCustomer = (c: Json): CustomerRecord => mapRecord(CUSTOMER, c, null);
export const mapCategory = (c: Json): CategoryRecord => mapRecord(CATEGORY, c, null);
export const mapStore = (s: Json): StoreRecord => mapRecord(STORE, s, null);
