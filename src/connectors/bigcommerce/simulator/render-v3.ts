/**
 * Neutral records → BigCommerce V3 shapes (bigcommerce.md §7, §8): money as JSON numbers,
 * ISO 8601 dates in UTC, sub-resources only when `include` asks. Variant prices that equal
 * the product's are `null` ("inherit", §10.7); a product without options has one base
 * variant (`sku_id: null`, no option values) and `base_variant_id` set (§10.6).
 */
import type { StoreCategory, StoreCustomer, StoreImage, StoreProduct, StoreVariant } from '../../simulator-kit/dataset.js';
import { formatIsoUtc } from '../../simulator-kit/time-format.js';
import { brandId, productInventory, toBcId, type BigCommerceSimulatorState } from './state.js';

/** 24.5 from 2450 cents: V3 money is a JSON number (§10.1). */
export const amount = (cents: number): number => cents / 100;

const iso = (ms: number): string => formatIsoUtc(ms, '+00:00');

/** Store weight unit is ounces (the `/v2/store` default in §7); weights are rounded to 2 decimals. */
export const ounces = (grams: number): number => Math.round((grams / 28.349523125) * 100) / 100;

const CDN = 'https://cdn11.bigcommerce.com';

export function renderImage(state: BigCommerceSimulatorState, product: StoreProduct, image: StoreImage): Record<string, unknown> {
  const id = toBcId('image', image.id);
  const productId = toBcId('product', product.id);
  const stamp = Math.floor(image.updatedAt / 1000);
  const base = `${CDN}/s-${state.settings.storeHash}/products/${productId}/images/${id}/${image.fileName}__${stamp}`;
  return {
    id,
    product_id: productId,
    is_thumbnail: image.position === 1,
    sort_order: image.position - 1,
    description: image.alt ?? '',
    image_file: `${image.fileName.charAt(0)}/${String(id % 1000).padStart(3, '0')}/${image.fileName}__${stamp}.jpg`,
    url_zoom: `${base}.1280.1280.jpg?c=1`,
    url_standard: `${base}.386.513.jpg?c=1`,
    url_thumbnail: `${base}.220.290.jpg?c=1`,
    url_tiny: `${base}.44.58.jpg?c=1`,
    date_modified: iso(image.updatedAt),
  };
}

/** `null` when the variant inherits the product's value. */
function own(value: number | null, productValue: number | null): number | null {
  return value === productValue || value === null ? null : amount(value);
}

export function renderVariant(state: BigCommerceSimulatorState, product: StoreProduct, variant: StoreVariant): Record<string, unknown> {
  const base = product.options.length === 0;
  const effective = variant.salePriceCents ?? variant.priceCents;
  const image = variant.imageId === null ? undefined : product.images.find((i) => i.id === variant.imageId);
  return {
    id: toBcId('variant', variant.id),
    product_id: toBcId('product', product.id),
    sku: variant.sku,
    sku_id: base ? null : toBcId('variant', variant.id) + 2000,
    price: own(variant.priceCents, product.priceCents),
    calculated_price: amount(effective),
    sale_price: own(variant.salePriceCents, product.salePriceCents),
    retail_price: own(variant.compareAtCents, product.compareAtCents),
    map_price: null,
    weight: null,
    calculated_weight: ounces(variant.weightGrams),
    width: null,
    height: null,
    depth: null,
    is_free_shipping: false,
    fixed_cost_shipping_price: null,
    purchasing_disabled: false,
    purchasing_disabled_message: '',
    image_url: image ? (renderImage(state, product, image).url_standard as string) : '',
    cost_price: own(variant.costCents, product.costCents),
    upc: '',
    mpn: '',
    gtin: '',
    inventory_level: variant.inventory,
    inventory_warning_level: 0,
    bin_picking_number: '',
    option_values: product.options.map((o, k) => ({
      id: toBcId('optionValue', product.id * 30 + k * 10 + o.values.indexOf(variant.optionValues[k] ?? '')),
      label: variant.optionValues[k] ?? '',
      option_id: toBcId('option', product.id * 3 + k),
      option_display_name: o.name,
    })),
  };
}

export function renderOptions(product: StoreProduct): Array<Record<string, unknown>> {
  return product.options.map((o, k) => ({
    id: toBcId('option', product.id * 3 + k),
    product_id: toBcId('product', product.id),
    display_name: o.name,
    type: o.name === 'Color' ? 'swatch' : 'rectangles',
    config: {},
    sort_order: k,
    option_values: o.values.map((label, n) => ({
      id: toBcId('optionValue', product.id * 30 + k * 10 + n),
      label,
      sort_order: n,
      value_data: null,
      is_default: false,
    })),
    name: `${o.name}${toBcId('product', product.id)}`,
  }));
}

function calculatedPrice(product: StoreProduct): number {
  const sale = product.salePriceCents;
  return amount(sale !== null && sale > 0 && sale < product.priceCents ? sale : product.priceCents);
}

/** Products with options carry a parent SKU; a simple product's is its base variant's. */
export function productSku(product: StoreProduct): string {
  const first = product.variants[0] as StoreVariant;
  return product.options.length === 0 ? first.sku : first.sku.replace(/-\d+$/, '');
}

export function renderProduct(state: BigCommerceSimulatorState, product: StoreProduct, include: ReadonlySet<string>): Record<string, unknown> {
  const id = toBcId('product', product.id);
  const visible = product.status === 'active' && product.publishedAt !== null;
  const images = product.images.map((i) => renderImage(state, product, i));
  const out: Record<string, unknown> = {
    id,
    name: product.title,
    type: product.kind,
    sku: productSku(product),
    description: product.descriptionHtml,
    weight: ounces((product.variants[0] as StoreVariant).weightGrams),
    width: 0,
    depth: 0,
    height: 0,
    price: amount(product.priceCents),
    cost_price: amount(product.costCents),
    retail_price: product.compareAtCents === null ? 0 : amount(product.compareAtCents),
    // 0 means "no sale price" (§7 Product).
    sale_price: product.salePriceCents === null ? 0 : amount(product.salePriceCents),
    map_price: 0,
    tax_class_id: 0,
    product_tax_code: '',
    calculated_price: calculatedPrice(product),
    categories: product.categoryIds.map((c) => toBcId('category', c)),
    brand_id: brandId(state, product),
    inventory_level: productInventory(product),
    inventory_warning_level: 0,
    inventory_tracking: product.inventoryTracking,
    reviews_rating_sum: 0,
    reviews_count: 0,
    total_sold: product.totalSold,
    fixed_cost_shipping_price: 0,
    is_free_shipping: false,
    is_visible: visible,
    is_featured: product.featured,
    related_products: [-1],
    warranty: '',
    bin_picking_number: '',
    layout_file: 'product.html',
    upc: '',
    mpn: '',
    gtin: '',
    search_keywords: product.tags.join(','),
    availability: product.status === 'archived' ? 'disabled' : 'available',
    availability_description: '',
    gift_wrapping_options_type: 'any',
    gift_wrapping_options_list: [],
    sort_order: 0,
    // Capitalised in the record, lower-case in the filter (§10.8).
    condition: product.condition === 'new' ? 'New' : product.condition === 'used' ? 'Used' : 'Refurbished',
    is_condition_shown: false,
    order_quantity_minimum: 0,
    order_quantity_maximum: 0,
    page_title: '',
    meta_keywords: [],
    meta_description: '',
    date_created: iso(product.createdAt),
    date_modified: iso(product.updatedAt),
    view_count: 0,
    preorder_release_date: null,
    preorder_message: '',
    is_preorder_only: false,
    is_price_hidden: false,
    price_hidden_label: '',
    custom_url: { url: `/${product.handle}/`, is_customized: false },
    // Null for products with options (§7 Product).
    base_variant_id: product.options.length === 0 ? toBcId('variant', (product.variants[0] as StoreVariant).id) : null,
    open_graph_type: 'product',
    open_graph_title: '',
    open_graph_description: '',
    open_graph_use_meta_description: true,
    open_graph_use_product_name: true,
    open_graph_use_image: true,
  };
  if (include.has('variants')) out.variants = product.variants.map((v) => renderVariant(state, product, v));
  if (include.has('images')) out.images = images;
  if (include.has('primary_image') && images[0]) out.primary_image = images[0];
  if (include.has('custom_fields')) out.custom_fields = [];
  if (include.has('bulk_pricing_rules')) out.bulk_pricing_rules = [];
  if (include.has('options')) out.options = renderOptions(product);
  if (include.has('modifiers')) out.modifiers = [];
  if (include.has('videos')) out.videos = [];
  if (include.has('parent_relations')) out.parent_relations = [];
  if (include.has('channels')) out.channels = [1];
  return out;
}

export function renderCategory(category: StoreCategory): Record<string, unknown> {
  return {
    id: toBcId('category', category.id),
    parent_id: category.parentId === 0 ? 0 : toBcId('category', category.parentId),
    name: category.name,
    description: category.descriptionHtml,
    views: category.id * 7,
    sort_order: category.sortOrder,
    page_title: '',
    meta_keywords: [''],
    meta_description: '',
    layout_file: 'category.html',
    image_url: '',
    is_visible: category.visible,
    search_keywords: '',
    default_product_sort: 'use_store_settings',
    custom_url: { url: `/${category.handle}/`, is_customized: false },
  };
}

/** The same category in the tree API (`url` replaces `custom_url`, §7). */
export function renderTreeCategory(category: StoreCategory): Record<string, unknown> {
  const { custom_url: _customUrl, id, ...rest } = renderCategory(category);
  const uuid = `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`;
  return { category_id: id, category_uuid: uuid, tree_id: 1, ...rest, url: { path: `/${category.handle}/`, is_customized: false } };
}

export function renderCustomer(customer: StoreCustomer, include: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: toBcId('customer', customer.id),
    email: customer.email,
    first_name: customer.firstName,
    last_name: customer.lastName,
    company: customer.company,
    phone: customer.phone ?? '',
    registration_ip_address: '',
    notes: customer.note ?? '',
    tax_exempt_category: customer.taxExempt ? 'E' : '',
    customer_group_id: customer.groupId,
    // The doc example uses `Z` for customer dates (§8; the suffix is [U]).
    date_created: formatIsoUtc(customer.createdAt, 'Z'),
    date_modified: formatIsoUtc(customer.updatedAt, 'Z'),
    address_count: customer.addresses.length,
    attribute_count: 0,
    authentication: { force_password_reset: false },
    accepts_product_review_abandoned_cart_emails: customer.acceptsMarketing,
    origin_channel_id: 1,
    channel_ids: [1],
  };
  if (include.has('addresses')) {
    out.addresses = customer.addresses.slice(0, 10).map((a) => ({
      id: toBcId('address', a.id),
      customer_id: toBcId('customer', customer.id),
      first_name: a.firstName,
      last_name: a.lastName,
      company: a.company,
      address1: a.address1,
      address2: a.address2,
      city: a.city,
      state_or_province: a.province,
      postal_code: a.zip,
      country: a.country,
      country_code: a.countryCode,
      phone: a.phone,
      address_type: a.company === '' ? 'residential' : 'commercial',
    }));
  }
  if (include.has('storecredit')) out.store_credit_amounts = [{ amount: 0 }];
  if (include.has('attributes')) out.attributes = [];
  if (include.has('formfields')) out.form_fields = [];
  return out;
}
