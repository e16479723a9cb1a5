/**
 * Writes (magento2.md §4–§6): `PUT /V1/products/:sku` with a partial `product` (price,
 * status, name, weight, `special_price` in custom_attributes, `extension_attributes.stock_item`),
 * `PUT /V1/products/:sku/stockItems/:itemId`, and MSI `POST /V1/inventory/source-items`.
 * Every value is checked before anything changes; a product save bumps `updated_at`.
 */
import type { SimResponse } from '../../simulator-kit/server.js';
import { mError, required, wrongType } from './respond.js';
import type { MagentoProduct, MagentoSimulatorState } from './state.js';

type Change = () => void;
export type Plan = { ok: true; changes: Change[] } | { ok: false; response: SimResponse };

/** Numbers, or numeric strings, as the input processor converts them to float. */
function float(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `stock_item` / `stockItem` fields: qty (float) and is_in_stock (bool). */
export function planStock(state: MagentoSimulatorState, m: MagentoProduct, item: Record<string, unknown>, changes: Change[]): SimResponse | undefined {
  if ('qty' in item) {
    const qty = float(item.qty);
    if (qty === undefined) return wrongType(item.qty, 'float');
    if (m.variant !== null) {
      const v = m.variant;
      changes.push(() => {
        v.inventory = Math.trunc(qty);
        // A new quantity re-derives the flag unless is_in_stock is sent too.
        state.inStockOverride.delete(v.id);
      });
    }
  }
  if ('is_in_stock' in item) {
    const flag = item.is_in_stock;
    if (typeof flag !== 'boolean' && flag !== 0 && flag !== 1 && flag !== '0' && flag !== '1') return wrongType(flag, 'bool');
    const inStock = flag === true || flag === 1 || flag === '1';
    if (m.variant !== null) {
      const v = m.variant;
      changes.push(() => state.inStockOverride.set(v.id, inStock));
    }
  }
  return undefined;
}

export function planProductSave(state: MagentoSimulatorState, m: MagentoProduct, body: Record<string, unknown>): Plan {
  const product = asObject(body.product);
  if (!product) return { ok: false, response: required('product') };
  const changes: Change[] = [];
  const fail = (response: SimResponse): Plan => ({ ok: false, response });
  if ('price' in product) {
    const price = float(product.price);
    if (price === undefined) return fail(wrongType(product.price, 'float'));
    // [U] the price backend's validation message.
    if (price < 0) return fail(mError(400, 'The "%1" attribute value is invalid. Enter a number 0 or greater in this field.', ['price']));
    const cents = Math.round(price * 100);
    const v = m.variant;
    changes.push(() => (v === null ? state.parentPrice.set(m.id, cents) : (v.priceCents = cents)));
  }
  if ('status' in product) {
    const status = product.status;
    if (status !== 1 && status !== 2 && status !== '1' && status !== '2') return fail(wrongType(status, 'int'));
    changes.push(() => (m.product.status = Number(status) === 1 ? 'active' : 'archived'));
  }
  if ('name' in product) {
    if (typeof product.name !== 'string') return fail(wrongType(product.name, 'string'));
    const name = product.name;
    // Children take their names from the parent here; only the parent's name is stored.
    if (m.parentId === null) changes.push(() => (m.product.title = name));
  }
  if ('weight' in product) {
    const weight = float(product.weight);
    if (weight === undefined) return fail(wrongType(product.weight, 'float'));
    const grams = Math.round(weight * 1000);
    for (const v of m.variant === null ? [] : [m.variant]) changes.push(() => (v.weightGrams = grams));
  }
  if ('custom_attributes' in product) {
    if (!Array.isArray(product.custom_attributes)) return fail(wrongType(product.custom_attributes, 'array'));
    for (const raw of product.custom_attributes) {
      const attr = asObject(raw);
      if (!attr || typeof attr.attribute_code !== 'string') return fail(required('attribute_code'));
      if (attr.attribute_code !== 'special_price') continue;
      const value = attr.value;
      const cents = value === null || value === '' ? null : float(value);
      if (cents === undefined) return fail(wrongType(value, 'float'));
      const v = m.variant;
      if (v !== null) changes.push(() => (v.salePriceCents = cents === null ? null : Math.round(cents * 100)));
    }
  }
  const stock = asObject(asObject(product.extension_attributes)?.stock_item);
  if (stock) {
    const failed = planStock(state, m, stock, changes);
    if (failed) return fail(failed);
  }
  return { ok: true, changes };
}

/** MSI source items (§6): validated all first; [I] "Validation Failed" with per-field errors. */
export function planSourceItems(state: MagentoSimulatorState, body: Record<string, unknown>): Plan {
  if (!Array.isArray(body.sourceItems)) return { ok: false, response: required('sourceItems') };
  const changes: Change[] = [];
  const errors: Array<{ message: string; parameters: Record<string, string> }> = [];
  for (const raw of body.sourceItems) {
    const item = asObject(raw) ?? {};
    const sku = typeof item.sku === 'string' ? item.sku : '';
    if (sku === '') errors.push({ message: '"%field" can not be empty.', parameters: { field: 'sku' } });
    if (item.source_code !== 'default') errors.push({ message: 'Source with code "%code" does not exist.', parameters: { code: String(item.source_code ?? '') } });
    const quantity = float(item.quantity);
    if (quantity === undefined) errors.push({ message: '"%field" should be numeric.', parameters: { field: 'quantity' } });
    const status = item.status;
    if (status !== 0 && status !== 1) errors.push({ message: '"%field" should be 0 or 1.', parameters: { field: 'status' } });
    const m = state.productBySku.get(sku);
    if (sku !== '' && (m === undefined || m.variant === null)) errors.push({ message: 'Product with SKU "%sku" is not assigned to a source.', parameters: { sku } });
    if (m?.variant && quantity !== undefined && (status === 0 || status === 1)) {
      const v = m.variant;
      changes.push(() => {
        v.inventory = Math.trunc(quantity);
        state.inStockOverride.set(v.id, status === 1);
      });
    }
  }
  if (errors.length > 0) return { ok: false, response: mError(400, 'Validation Failed', undefined, { errors }) };
  return { ok: true, changes };
}
