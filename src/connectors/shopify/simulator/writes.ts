/**
 * Validation and application of Shopify writes: product and variant updates, inventory
 * set/adjust. Validation failures are 422 with the object-of-arrays body (shopify.md §6),
 * e.g. `{"errors":{"price":["is not a number"]}}`. Nothing is applied unless all is valid.
 */
import type { StoreProduct, StoreVariant } from '../../simulator-kit/dataset.js';
import { fromShopifyId } from './ids.js';

export type FieldErrors = Record<string, string[]>;

type Change = () => void;

function addError(errors: FieldErrors, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

/** Money input: a decimal string or a number (Shopify takes both), to cents. */
function parseMoney(value: unknown, field: string, errors: FieldErrors, nullable: boolean): number | null | undefined {
  if (value === null || value === '') {
    if (nullable) return null;
    addError(errors, field, "can't be blank");
    return undefined;
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(n)) {
    addError(errors, field, 'is not a number');
    return undefined;
  }
  if (n < 0) {
    addError(errors, field, 'must be greater than or equal to 0');
    return undefined;
  }
  return Math.round(n * 100);
}

/** Collect the changes a variant body asks for; `errors` gets every problem found. */
export function planVariantUpdate(variant: StoreVariant, body: Record<string, unknown>, errors: FieldErrors, prefix = ''): Change[] {
  const changes: Change[] = [];
  if ('price' in body) {
    const cents = parseMoney(body.price, `${prefix}price`, errors, false);
    if (typeof cents === 'number') changes.push(() => (variant.priceCents = cents));
  }
  if ('compare_at_price' in body) {
    const cents = parseMoney(body.compare_at_price, `${prefix}compare_at_price`, errors, true);
    if (cents !== undefined) changes.push(() => (variant.compareAtCents = cents));
  }
  if ('sku' in body) {
    const sku = body.sku;
    if (sku !== null && typeof sku !== 'string') addError(errors, `${prefix}sku`, 'is invalid');
    else changes.push(() => (variant.sku = sku ?? ''));
  }
  if ('barcode' in body) {
    const barcode = body.barcode;
    if (barcode !== null && typeof barcode !== 'string') addError(errors, `${prefix}barcode`, 'is invalid');
    else changes.push(() => (variant.barcode = barcode === '' ? null : barcode));
  }
  if ('inventory_policy' in body) {
    const policy = body.inventory_policy;
    if (policy !== 'deny' && policy !== 'continue') addError(errors, `${prefix}inventory_policy`, 'is not included in the list');
    else changes.push(() => (variant.continueSellingWhenOutOfStock = policy === 'continue'));
  }
  if ('taxable' in body) {
    if (typeof body.taxable !== 'boolean') addError(errors, `${prefix}taxable`, 'is invalid');
    else {
      const taxable = body.taxable;
      changes.push(() => (variant.taxable = taxable));
    }
  }
  // `inventory_quantity` is read-only; stock moves only through inventory_levels (§10.8).
  // It is ignored here [U: whether Shopify ignores it or answers 422].
  return changes;
}

const STATUSES = new Set(['active', 'archived', 'draft']);

export function planProductUpdate(
  product: StoreProduct,
  body: Record<string, unknown>,
  now: number,
  errors: FieldErrors,
): Change[] {
  const changes: Change[] = [];
  const text = (field: string, apply: (v: string) => void, required = false): void => {
    if (!(field in body)) return;
    const v = body[field];
    if (required && (typeof v !== 'string' || v.trim() === '')) addError(errors, field, "can't be blank");
    else if (v !== null && typeof v !== 'string') addError(errors, field, 'is invalid');
    else changes.push(() => apply(v ?? ''));
  };
  text('title', (v) => (product.title = v), true);
  text('body_html', (v) => (product.descriptionHtml = v));
  text('vendor', (v) => (product.vendor = v));
  text('product_type', (v) => (product.productType = v));
  text('handle', (v) => (product.handle = v));
  if ('tags' in body) {
    // Tags read as "a, b" but writes take a comma string or an array (§7 Product).
    const tags = body.tags;
    const list = Array.isArray(tags) ? tags.map(String) : typeof tags === 'string' ? tags.split(',') : undefined;
    if (list === undefined) addError(errors, 'tags', 'is invalid');
    else changes.push(() => (product.tags = list.map((t) => t.trim()).filter((t) => t !== '')));
  }
  if ('status' in body) {
    const status = body.status;
    if (typeof status !== 'string' || !STATUSES.has(status)) addError(errors, 'status', 'is not included in the list');
    else changes.push(() => (product.status = status as StoreProduct['status']));
  }
  if ('published' in body) {
    if (typeof body.published !== 'boolean') addError(errors, 'published', 'is invalid');
    else {
      const published = body.published;
      changes.push(() => (product.publishedAt = published ? (product.publishedAt ?? now) : null));
    }
  }
  if ('variants' in body) {
    if (!Array.isArray(body.variants)) addError(errors, 'variants', 'is invalid');
    else {
      for (const [k, entry] of body.variants.entries()) {
        const id = Number((entry as Record<string, unknown> | null)?.id);
        const neutral = fromShopifyId('variant', id);
        const variant = product.variants.find((v) => v.id === neutral);
        if (typeof entry !== 'object' || entry === null || variant === undefined) {
          // Creating variants through a product update is outside the simulator [U].
          addError(errors, 'variants', `entry ${k} must name an existing variant of this product by id`);
          continue;
        }
        const before = Object.keys(errors).length;
        const planned = planVariantUpdate(variant, entry as Record<string, unknown>, errors, 'variants.');
        if (Object.keys(errors).length === before) {
          changes.push(...planned, () => (variant.updatedAt = now));
        }
      }
    }
  }
  return changes;
}
