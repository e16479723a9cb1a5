/**
 * Neutral catalog records → Shopify Admin REST 2024-04 shapes (shopify.md §7, §8):
 * integer ids with `admin_graphql_api_id`, money as 2-decimal strings, timestamps in the
 * shop's UTC offset, tags as "a, b".
 */
import type { StoreCategory, StoreImage, StoreProduct, StoreVariant } from '../../simulator-kit/dataset.js';
import { formatIsoInZone } from '../../simulator-kit/time-format.js';
import { gid, toShopifyId } from './ids.js';

export interface RenderContext {
  timezone: string;
  currency: string;
  shopDomain: string;
  /** Stock per variant at the primary location (neutral `inventory`) plus other locations. */
  variantStock(variant: StoreVariant): number;
}

/** "18.50" (shopify.md §10.1: money is always a string with two decimals). */
export function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

export function moneySet(cents: number, currency: string): { shop_money: Price; presentment_money: Price } {
  const price = { amount: money(cents), currency_code: currency };
  return { shop_money: price, presentment_money: { ...price } };
}

interface Price {
  amount: string;
  currency_code: string;
}

export function ts(ctx: RenderContext, ms: number): string;
export function ts(ctx: RenderContext, ms: number | null): string | null;
export function ts(ctx: RenderContext, ms: number | null): string | null {
  return ms === null ? null : formatIsoInZone(ms, ctx.timezone);
}

export function renderImage(ctx: RenderContext, product: StoreProduct, image: StoreImage): Record<string, unknown> {
  const id = toShopifyId('image', image.id);
  return {
    id,
    alt: image.alt,
    position: image.position,
    product_id: toShopifyId('product', product.id),
    created_at: ts(ctx, image.createdAt),
    updated_at: ts(ctx, image.updatedAt),
    admin_graphql_api_id: gid('ProductImage', id),
    width: image.width,
    height: image.height,
    src: `https://cdn.shopify.com/s/files/1/0000/0001/products/${image.fileName}.jpg?v=${Math.floor(image.updatedAt / 1000)}`,
    variant_ids: image.variantIds.map((v) => toShopifyId('variant', v)),
  };
}

/** A product without options shows the implicit "Title" option (shopify.md §10.8). */
function optionValue(product: StoreProduct, variant: StoreVariant, n: number): string | null {
  if (product.options.length === 0) return n === 0 ? 'Default Title' : null;
  return variant.optionValues[n] ?? null;
}

export function renderVariant(ctx: RenderContext, product: StoreProduct, variant: StoreVariant): Record<string, unknown> {
  const id = toShopifyId('variant', variant.id);
  const stock = ctx.variantStock(variant);
  const tracked = product.inventoryTracking !== 'none';
  const compareAt = variant.compareAtCents === null ? null : money(variant.compareAtCents);
  return {
    id,
    product_id: toShopifyId('product', product.id),
    title: product.options.length === 0 ? 'Default Title' : variant.optionValues.join(' / '),
    price: money(variant.priceCents),
    sku: variant.sku,
    position: variant.position,
    inventory_policy: variant.continueSellingWhenOutOfStock ? 'continue' : 'deny',
    compare_at_price: compareAt,
    fulfillment_service: 'manual',
    inventory_management: tracked ? 'shopify' : null,
    option1: optionValue(product, variant, 0),
    option2: optionValue(product, variant, 1),
    option3: optionValue(product, variant, 2),
    created_at: ts(ctx, variant.createdAt),
    updated_at: ts(ctx, variant.updatedAt),
    taxable: variant.taxable,
    barcode: variant.barcode,
    grams: variant.weightGrams,
    image_id: variant.imageId === null ? null : toShopifyId('image', variant.imageId),
    weight: variant.weightGrams / 1000,
    weight_unit: 'kg',
    inventory_item_id: toShopifyId('inventoryItem', variant.id),
    inventory_quantity: stock,
    old_inventory_quantity: stock,
    requires_shipping: variant.requiresShipping,
    admin_graphql_api_id: gid('ProductVariant', id),
    presentment_prices: [
      {
        price: { amount: money(variant.priceCents), currency_code: ctx.currency },
        compare_at_price: compareAt === null ? null : { amount: compareAt, currency_code: ctx.currency },
      },
    ],
  };
}

export function renderOptions(product: StoreProduct): Array<Record<string, unknown>> {
  const productId = toShopifyId('product', product.id);
  const options = product.options.length === 0 ? [{ name: 'Title', values: ['Default Title'] }] : product.options;
  return options.map((o, k) => ({
    id: toShopifyId('option', product.id * 3 + k),
    product_id: productId,
    name: o.name,
    position: k + 1,
    values: [...o.values],
  }));
}

export function renderProduct(ctx: RenderContext, product: StoreProduct): Record<string, unknown> {
  const id = toShopifyId('product', product.id);
  const images = product.images.map((img) => renderImage(ctx, product, img));
  return {
    id,
    title: product.title,
    body_html: product.descriptionHtml,
    vendor: product.vendor,
    product_type: product.productType,
    created_at: ts(ctx, product.createdAt),
    handle: product.handle,
    updated_at: ts(ctx, product.updatedAt),
    published_at: ts(ctx, product.publishedAt),
    template_suffix: null,
    published_scope: 'web',
    tags: product.tags.join(', '),
    status: product.status,
    admin_graphql_api_id: gid('Product', id),
    variants: product.variants.map((v) => renderVariant(ctx, product, v)),
    options: renderOptions(product),
    images,
    image: images[0] ?? null,
  };
}

export function renderInventoryItem(ctx: RenderContext, product: StoreProduct, variant: StoreVariant): Record<string, unknown> {
  const id = toShopifyId('inventoryItem', variant.id);
  return {
    id,
    sku: variant.sku,
    created_at: ts(ctx, variant.createdAt),
    updated_at: ts(ctx, variant.updatedAt),
    requires_shipping: variant.requiresShipping,
    cost: money(variant.costCents),
    country_code_of_origin: null,
    province_code_of_origin: null,
    harmonized_system_code: null,
    tracked: product.inventoryTracking !== 'none',
    country_harmonized_system_codes: [],
    admin_graphql_api_id: gid('InventoryItem', id),
  };
}

/** Custom collections are the neutral categories, flattened (Shopify collections have no parent). */
export function renderCustomCollection(ctx: RenderContext, category: StoreCategory, productsCount: number): Record<string, unknown> {
  const id = toShopifyId('customCollection', category.id);
  return {
    id,
    handle: category.handle,
    title: category.name,
    updated_at: ts(ctx, category.updatedAt),
    body_html: category.descriptionHtml,
    published_at: category.visible ? ts(ctx, category.createdAt) : null,
    sort_order: category.id % 4 === 0 ? 'alpha-asc' : 'manual',
    template_suffix: null,
    products_count: productsCount,
    published_scope: 'web',
    admin_graphql_api_id: gid('Collection', id),
  };
}

export interface SmartCollection {
  id: number;
  productType: string;
  createdAt: number;
}

export function renderSmartCollection(ctx: RenderContext, smart: SmartCollection, productsCount: number): Record<string, unknown> {
  const id = toShopifyId('smartCollection', smart.id);
  return {
    id,
    handle: smart.productType.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    title: `All ${smart.productType}`,
    updated_at: ts(ctx, smart.createdAt),
    body_html: '',
    published_at: ts(ctx, smart.createdAt),
    sort_order: 'best-selling',
    template_suffix: null,
    disjunctive: false,
    rules: [{ column: 'type', relation: 'equals', condition: smart.productType }],
    products_count: productsCount,
    published_scope: 'web',
    admin_graphql_api_id: gid('Collection', id),
  };
}
