/**
 * Product and variation updates (woocommerce.md §3, §10.6). Body fields are validated like
 * query parameters (a 400 `rest_invalid_param` for wrong types, nothing applied); prices
 * are strings cleaned the way `wc_format_decimal` does ("" unsets); stock quantities only
 * apply while WooCommerce manages stock; a stock status only applies while it does not.
 */
import type { StoreProduct, StoreVariant } from '../../simulator-kit/dataset.js';
import type { SimResponse } from '../../simulator-kit/server.js';
import { parseParams, ParsedParams, type ParamSpec } from './params.js';
import { wcError } from './respond.js';
import { isVariable, type StockStatus, type WooCommerceSimulatorState } from './state.js';

type Change = () => void;

const COMMON: Record<string, ParamSpec> = {
  regular_price: { type: 'string' },
  sale_price: { type: 'string' },
  manage_stock: { type: 'boolean' },
  stock_quantity: { type: 'integer' },
  stock_status: { type: 'string', enum: ['instock', 'outofstock', 'onbackorder'] },
  sku: { type: 'string' },
};

const PRODUCT_FIELDS: Record<string, ParamSpec> = {
  ...COMMON,
  name: { type: 'string' },
  description: { type: 'string' },
  featured: { type: 'boolean' },
  status: { type: 'string', enum: ['draft', 'pending', 'private', 'publish', 'future'] },
};

const VARIATION_FIELDS: Record<string, ParamSpec> = COMMON;

/** wc_format_decimal: keep digits, one dot and a sign; "" means no price. */
export function cleanDecimal(text: string): number | null {
  const cleaned = text.replace(/\.(?![^.]*$)|[^0-9.-]/g, '');
  if (cleaned === '' || Number.isNaN(Number(cleaned))) return null;
  return Math.round(Number(cleaned) * 100);
}

function skuTaken(state: WooCommerceSimulatorState, sku: string, own: StoreVariant): boolean {
  return state.dataset.products.some((p) => p.variants.some((v) => v !== own && v.sku === sku));
}

/** Price, stock and SKU changes shared by simple products and variations. */
function planVariant(state: WooCommerceSimulatorState, v: StoreVariant, p: ParsedParams, changes: Change[]): SimResponse | undefined {
  const regular = p.str('regular_price');
  if (regular !== undefined) {
    const cents = cleanDecimal(regular);
    changes.push(() => {
      if (cents === null) state.unpriced.add(v.id);
      else {
        state.unpriced.delete(v.id);
        v.priceCents = cents;
      }
    });
  }
  const sale = p.str('sale_price');
  if (sale !== undefined) {
    const cents = cleanDecimal(sale);
    changes.push(() => (v.salePriceCents = cents));
  }
  const manage = p.bool('manage_stock') ?? state.managed.get(v.id) === true;
  if (p.has('manage_stock')) changes.push(() => state.managed.set(v.id, manage));
  const qty = p.int('stock_quantity');
  // Without managed stock the quantity is ignored (§10.6).
  if (qty !== undefined && manage) changes.push(() => (v.inventory = qty));
  const status = p.str('stock_status') as StockStatus | undefined;
  if (status !== undefined && !manage) changes.push(() => state.unmanagedStatus.set(v.id, status));
  const sku = p.str('sku');
  if (sku !== undefined && sku !== v.sku) {
    // [S] §6: WC_Data_Exception product_invalid_sku.
    if (sku !== '' && skuTaken(state, sku, v)) return wcError(400, 'product_invalid_sku', 'Invalid or duplicated SKU.', { resource_id: 0, unique_sku: sku });
    changes.push(() => (v.sku = sku));
  }
  return undefined;
}

export type Plan = { ok: true; changes: Change[] } | { ok: false; response: SimResponse };

export function planProductUpdate(state: WooCommerceSimulatorState, product: StoreProduct, input: Map<string, unknown>): Plan {
  const p = parseParams(input, PRODUCT_FIELDS, state.dataset.store.timezone);
  if (!(p instanceof ParsedParams)) return { ok: false, response: p };
  const changes: Change[] = [];
  if (isVariable(product)) {
    // Prices of a variable product come from its variations; stock may be kept on the parent.
    const manage = p.bool('manage_stock') ?? state.parentStock.has(product.id);
    const qty = p.int('stock_quantity') ?? state.parentStock.get(product.id) ?? 0;
    if (p.has('manage_stock') || p.has('stock_quantity')) {
      changes.push(() => (manage ? state.parentStock.set(product.id, qty) : state.parentStock.delete(product.id)));
    }
  } else {
    const failed = planVariant(state, product.variants[0] as StoreVariant, p, changes);
    if (failed) return { ok: false, response: failed };
  }
  const name = p.str('name');
  if (name !== undefined) changes.push(() => (product.title = name));
  const description = p.str('description');
  if (description !== undefined) changes.push(() => (product.descriptionHtml = description));
  const featured = p.bool('featured');
  if (featured !== undefined) changes.push(() => (product.featured = featured));
  const status = p.str('status');
  if (status !== undefined) {
    changes.push(() => {
      product.status = status === 'draft' ? 'draft' : status === 'private' ? 'archived' : 'active';
      product.publishedAt = status === 'publish' || status === 'future' ? (product.publishedAt ?? state.clock.now()) : status === 'pending' ? null : product.publishedAt;
    });
  }
  return { ok: true, changes };
}

export function planVariationUpdate(state: WooCommerceSimulatorState, variant: StoreVariant, input: Map<string, unknown>): Plan {
  const p = parseParams(input, VARIATION_FIELDS, state.dataset.store.timezone);
  if (!(p instanceof ParsedParams)) return { ok: false, response: p };
  const changes: Change[] = [];
  const failed = planVariant(state, variant, p, changes);
  return failed ? { ok: false, response: failed } : { ok: true, changes };
}
