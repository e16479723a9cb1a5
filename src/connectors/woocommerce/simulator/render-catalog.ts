/**
 * Products, variations, categories and images in wc/v3 shapes (woocommerce.md §7, §8):
 * money as strings ("" when unset), `date_*` site-local and `date_*_gmt` UTC, both without a
 * zone, variation ids only on the product, `_links` on every object.
 */
import { slugify, type StoreCategory, type StoreImage, type StoreProduct, type StoreVariant } from '../../simulator-kit/dataset.js';
import { formatIsoInZone } from '../../simulator-kit/time-format.js';
import { links, type RouteContext } from './respond.js';
import { isVariable, productSku, stockStatusOf, toWcId, type WooCommerceSimulatorState } from './state.js';

export type Ctx = Pick<RouteContext, 'state' | 'base' | 'site'>;

/** `2024-04-18T10:12:40`: wall-clock time in the zone, no offset (§10.2). */
export function wcDate(ms: number, timeZone: string): string {
  return formatIsoInZone(ms, timeZone).slice(0, 19);
}

/** `date_x` (site-local) and `date_x_gmt` (UTC) for one instant, or both null. */
export function datePair(state: WooCommerceSimulatorState, name: string, ms: number | null): Record<string, string | null> {
  if (ms === null) return { [name]: null, [`${name}_gmt`]: null };
  return { [name]: wcDate(ms, state.dataset.store.timezone), [`${name}_gmt`]: wcDate(ms, 'UTC') };
}

export function money(cents: number | null, dp = 2): string {
  return cents === null ? '' : (cents / 100).toFixed(dp);
}

const SYMBOLS: Record<string, string> = { USD: '&#36;', EUR: '&euro;', GBP: '&pound;', CAD: '&#36;' };

function priceHtml(state: WooCommerceSimulatorState, cents: number | null, was: number | null): string {
  if (cents === null) return '';
  const symbol = SYMBOLS[state.dataset.store.currency] ?? state.dataset.store.currency;
  const amount = (c: number): string =>
    `<span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-currencySymbol">${symbol}</span>${money(c)}</bdi></span>`;
  return was === null ? amount(cents) : `<del aria-hidden="true">${amount(was)}</del> <ins>${amount(cents)}</ins>`;
}

interface Prices {
  regular: number | null;
  sale: number | null;
  onSale: boolean;
  price: number | null;
}

/** Regular, sale and effective price of one variant; a sale at or above the regular price does not apply. */
function pricesOf(state: WooCommerceSimulatorState, v: StoreVariant): Prices {
  if (state.unpriced.has(v.id)) return { regular: null, sale: v.salePriceCents, onSale: false, price: null };
  const onSale = v.salePriceCents !== null && v.salePriceCents < v.priceCents;
  return { regular: v.priceCents, sale: v.salePriceCents, onSale, price: onSale ? (v.salePriceCents as number) : v.priceCents };
}

export function renderImage(ctx: Ctx, image: StoreImage): Record<string, unknown> {
  const month = wcDate(image.createdAt, 'UTC').slice(0, 7).replace('-', '/');
  return {
    id: toWcId('image', image.id),
    ...datePair(ctx.state, 'date_created', image.createdAt),
    ...datePair(ctx.state, 'date_modified', image.updatedAt),
    src: `${ctx.site}/wp-content/uploads/${month}/${image.fileName}.jpg`,
    name: image.fileName,
    alt: image.alt ?? '',
  };
}

function weight(grams: number): string {
  return grams === 0 ? '' : String(grams / 1000);
}

function stockFields(state: WooCommerceSimulatorState, v: StoreVariant): Record<string, unknown> {
  const managed = state.managed.get(v.id) === true;
  const status = stockStatusOf(state, v);
  const backorders = v.continueSellingWhenOutOfStock ? 'notify' : 'no';
  return {
    manage_stock: managed,
    stock_quantity: managed ? v.inventory : null,
    stock_status: status,
    backorders,
    backorders_allowed: backorders !== 'no',
    backordered: managed && v.inventory <= 0 && backorders !== 'no',
  };
}

export function renderProduct(ctx: Ctx, p: StoreProduct): Record<string, unknown> {
  const { state } = ctx;
  const variable = isVariable(p);
  const first = p.variants[0] as StoreVariant;
  const digital = p.kind === 'digital';
  // Variable products show the cheapest variation's price and no regular/sale price (§10.5 [S]).
  const priced = p.variants.map((v) => pricesOf(state, v)).filter((x) => x.price !== null);
  const cheapest = variable ? priced.sort((a, b) => (a.price as number) - (b.price as number))[0] : undefined;
  const own = pricesOf(state, first);
  const stock = variable ? parentStock(state, p) : stockFields(state, first);
  const images = [...p.images].sort((a, b) => a.position - b.position);
  const out: Record<string, unknown> = {
    id: toWcId('product', p.id),
    name: p.title,
    slug: p.handle,
    permalink: `${ctx.site}/product/${p.handle}/`,
    ...datePair(state, 'date_created', p.createdAt),
    ...datePair(state, 'date_modified', p.updatedAt),
    type: variable ? 'variable' : 'simple',
    status: productStatus(p),
    featured: p.featured,
    catalog_visibility: 'visible',
    description: p.descriptionHtml,
    short_description: '',
    sku: productSku(p),
    price: money(variable ? (cheapest?.price ?? null) : own.price),
    regular_price: variable ? '' : money(own.regular),
    sale_price: variable || !own.onSale ? '' : money(own.sale),
    ...datePair(state, 'date_on_sale_from', null),
    ...datePair(state, 'date_on_sale_to', null),
    price_html: priceHtml(state, (variable ? cheapest?.price : own.price) ?? null, !variable && own.onSale ? own.regular : null),
    on_sale: variable ? priced.some((x) => x.onSale) : own.onSale,
    purchasable: p.status === 'active' && (variable ? cheapest !== undefined : own.price !== null),
    total_sales: p.totalSold,
    virtual: digital,
    downloadable: digital,
    downloads: [],
    download_limit: -1,
    download_expiry: -1,
    external_url: '',
    button_text: '',
    tax_status: first.taxable ? 'taxable' : 'none',
    tax_class: '',
    ...stock,
    sold_individually: false,
    weight: weight(first.weightGrams),
    dimensions: { length: '', width: '', height: '' },
    shipping_required: !digital,
    shipping_taxable: !digital && first.taxable,
    shipping_class: '',
    shipping_class_id: 0,
    reviews_allowed: true,
    average_rating: '0.00',
    rating_count: 0,
    related_ids: [],
    upsell_ids: [],
    cross_sell_ids: [],
    parent_id: 0,
    purchase_note: '',
    categories: p.categoryIds.map((id) => {
      const c = state.dataset.categoryById.get(id) as StoreCategory;
      return { id: toWcId('category', id), name: c.name, slug: c.handle };
    }),
    tags: p.tags.map((t) => ({ id: toWcId('tag', state.tags.indexOf(t) + 1), name: t, slug: slugify(t) })),
    images: images.map((i) => renderImage(ctx, i)),
    attributes: p.options.map((o, k) => ({ id: 0, name: o.name, position: k, visible: true, variation: true, options: o.values })),
    default_attributes: [],
    variations: variable ? p.variants.map((v) => toWcId('variation', v.id)) : [],
    grouped_products: [],
    menu_order: 0,
    meta_data: [],
  };
  if (state.settings.pluginFields) Object.assign(out, PLUGIN_PRODUCT_FIELDS);
  out._links = links(ctx, `/products/${toWcId('product', p.id)}`, '/products');
  return out;
}

/** Keys a typical SEO and sharing plugin adds (§10.12); connectors must ignore them. */
const PLUGIN_PRODUCT_FIELDS = { jetpack_sharing_enabled: true, yoast_head: '<title>Product</title>', has_options: false };

function parentStock(state: WooCommerceSimulatorState, p: StoreProduct): Record<string, unknown> {
  const qty = state.parentStock.get(p.id);
  // A variable product is in stock when any variation is (WooCommerce syncs the parent's status).
  const status = p.variants.some((v) => stockStatusOf(state, v) === 'instock') ? 'instock' : 'outofstock';
  return {
    manage_stock: qty !== undefined,
    stock_quantity: qty ?? null,
    stock_status: status,
    backorders: 'no',
    backorders_allowed: false,
    backordered: false,
  };
}

export function productStatus(p: StoreProduct): string {
  if (p.status === 'draft') return 'draft';
  // No "archived" in WordPress: retired products are usually made private.
  if (p.status === 'archived') return 'private';
  return p.publishedAt === null ? 'pending' : 'publish';
}

export function renderVariation(ctx: Ctx, p: StoreProduct, v: StoreVariant): Record<string, unknown> {
  const { state } = ctx;
  const pr = pricesOf(state, v);
  const image = v.imageId === null ? undefined : p.images.find((i) => i.id === v.imageId);
  const stock = stockFields(state, v);
  // Stock managed on the parent shows as the string "parent" (§7 Variation [S]).
  if (!stock.manage_stock && state.parentStock.has(p.id)) {
    stock.manage_stock = 'parent';
    stock.stock_quantity = state.parentStock.get(p.id);
  }
  const query = p.options.map((o, k) => `attribute_${slugify(o.name)}=${encodeURIComponent(v.optionValues[k] ?? '')}`).join('&');
  return {
    id: toWcId('variation', v.id),
    ...datePair(state, 'date_created', v.createdAt),
    ...datePair(state, 'date_modified', v.updatedAt),
    description: '',
    permalink: `${ctx.site}/product/${p.handle}/?${query}`,
    sku: v.sku,
    price: money(pr.price),
    regular_price: money(pr.regular),
    sale_price: pr.onSale ? money(pr.sale) : '',
    ...datePair(state, 'date_on_sale_from', null),
    ...datePair(state, 'date_on_sale_to', null),
    on_sale: pr.onSale,
    // A variation's own status: publish (enabled) or private (disabled).
    status: p.status === 'archived' ? 'private' : 'publish',
    purchasable: p.status === 'active' && pr.price !== null,
    virtual: p.kind === 'digital',
    downloadable: p.kind === 'digital',
    downloads: [],
    download_limit: -1,
    download_expiry: -1,
    tax_status: v.taxable ? 'taxable' : 'none',
    tax_class: '',
    ...stock,
    weight: weight(v.weightGrams),
    dimensions: { length: '', width: '', height: '' },
    shipping_class: '',
    shipping_class_id: 0,
    image: image ? renderImage(ctx, image) : null,
    attributes: p.options.map((o, k) => ({ id: 0, name: o.name, option: v.optionValues[k] ?? '' })),
    menu_order: v.position,
    meta_data: [],
    _links: links(ctx, `/products/${toWcId('product', p.id)}/variations/${toWcId('variation', v.id)}`, `/products/${toWcId('product', p.id)}/variations`, `/products/${toWcId('product', p.id)}`),
  };
}

/** `count` is the number of published products in the category (§7 Product category). */
export function categoryCounts(state: WooCommerceSimulatorState): Map<number, number> {
  const counts = new Map<number, number>();
  for (const p of state.dataset.products) {
    if (productStatus(p) !== 'publish') continue;
    for (const c of p.categoryIds) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return counts;
}

export function renderCategory(ctx: Ctx, c: StoreCategory, counts: Map<number, number>): Record<string, unknown> {
  const id = toWcId('category', c.id);
  const parent = c.parentId === 0 ? 0 : toWcId('category', c.parentId);
  return {
    id,
    name: c.name,
    slug: c.handle,
    parent,
    description: c.descriptionHtml,
    display: 'default',
    image: null,
    menu_order: c.sortOrder,
    count: counts.get(c.id) ?? 0,
    _links: links(ctx, `/products/categories/${id}`, '/products/categories', parent === 0 ? undefined : `/products/categories/${parent}`),
  };
}
