/**
 * Product and variant updates (partial bodies, V3). Invalid fields give 422 with the V3
 * problem body and an `errors` map (bigcommerce.md §6); nothing is applied unless the whole
 * body is valid. Variant prices written as `null` go back to inheriting the product's.
 */
import type { StoreProduct, StoreVariant } from '../../simulator-kit/dataset.js';

export type FieldErrors = Record<string, string>;
type Change = () => void;

// Error strings follow the "error.path.missing" style of the §6 example [U: exact wording per case].
function money(body: Record<string, unknown>, field: string, errors: FieldErrors, nullable: boolean): number | null | undefined {
  if (!(field in body)) return undefined;
  const v = body[field];
  if (v === null && nullable) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    errors[field] = 'error.expected.jsnumber';
    return undefined;
  }
  if (v < 0) {
    errors[field] = 'error.min';
    return undefined;
  }
  return Math.round(v * 100);
}

function stock(body: Record<string, unknown>, errors: FieldErrors): number | undefined {
  if (!('inventory_level' in body)) return undefined;
  const v = body.inventory_level;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    errors.inventory_level = 'error.expected.jsnumber';
    return undefined;
  }
  if (v < 0 || v > 2_147_483_647) {
    errors.inventory_level = 'error.min';
    return undefined;
  }
  return v;
}

export function planProductUpdate(product: StoreProduct, body: Record<string, unknown>, errors: FieldErrors): Change[] {
  const changes: Change[] = [];
  const prices: Array<['price' | 'sale_price' | 'retail_price' | 'cost_price', 'priceCents' | 'salePriceCents' | 'compareAtCents' | 'costCents']> = [
    ['price', 'priceCents'],
    ['sale_price', 'salePriceCents'],
    ['retail_price', 'compareAtCents'],
    ['cost_price', 'costCents'],
  ];
  for (const [field, key] of prices) {
    const cents = money(body, field, errors, false);
    if (cents === undefined || cents === null) continue;
    // 0 means "none" for sale and retail prices (§7 Product).
    const value = (key === 'salePriceCents' || key === 'compareAtCents') && cents === 0 ? null : cents;
    changes.push(() => {
      const old = product[key];
      // Variants that inherited the old value keep inheriting (§10.7).
      for (const v of product.variants) if (v[key] === old) (v as unknown as Record<string, number | null>)[key] = value;
      (product as unknown as Record<string, number | null>)[key] = value;
    });
  }
  const level = stock(body, errors);
  // Product-level stock applies when tracking by product; otherwise it is ignored [U §10.6].
  if (level !== undefined && product.inventoryTracking === 'product') changes.push(() => ((product.variants[0] as StoreVariant).inventory = level));
  if ('name' in body) {
    const name = body.name;
    if (typeof name !== 'string' || name.length < 1 || name.length > 250) errors.name = 'error.path.missing';
    else changes.push(() => (product.title = name));
  }
  if ('description' in body) {
    const d = body.description;
    if (typeof d !== 'string') errors.description = 'error.expected.jsstring';
    else changes.push(() => (product.descriptionHtml = d));
  }
  if ('is_visible' in body) {
    const v = body.is_visible;
    if (typeof v !== 'boolean') errors.is_visible = 'error.expected.jsboolean';
    else changes.push(() => {
      product.publishedAt = v ? (product.publishedAt ?? product.createdAt) : null;
      if (v && product.status === 'draft') product.status = 'active';
    });
  }
  if ('is_featured' in body) {
    const v = body.is_featured;
    if (typeof v !== 'boolean') errors.is_featured = 'error.expected.jsboolean';
    else changes.push(() => (product.featured = v));
  }
  if ('availability' in body) {
    const v = body.availability;
    if (v !== 'available' && v !== 'disabled' && v !== 'preorder') errors.availability = 'error.expected.validenumvalue';
    else changes.push(() => (product.status = v === 'disabled' ? 'archived' : 'active'));
  }
  return changes;
}

export function planVariantUpdate(product: StoreProduct, variant: StoreVariant, body: Record<string, unknown>, errors: FieldErrors): Change[] {
  const changes: Change[] = [];
  const prices: Array<['price' | 'sale_price' | 'retail_price' | 'cost_price', 'priceCents' | 'salePriceCents' | 'compareAtCents' | 'costCents']> = [
    ['price', 'priceCents'],
    ['sale_price', 'salePriceCents'],
    ['retail_price', 'compareAtCents'],
    ['cost_price', 'costCents'],
  ];
  for (const [field, key] of prices) {
    const cents = money(body, field, errors, true);
    if (cents === undefined) continue;
    // null → inherit the product's value again.
    changes.push(() => ((variant as unknown as Record<string, number | null>)[key] = cents ?? product[key]));
  }
  const level = stock(body, errors);
  if (level !== undefined) changes.push(() => (variant.inventory = level));
  if ('sku' in body) {
    const sku = body.sku;
    if (typeof sku !== 'string' || sku.length < 1 || sku.length > 255) errors.sku = 'error.path.missing';
    else changes.push(() => (variant.sku = sku));
  }
  return changes;
}
