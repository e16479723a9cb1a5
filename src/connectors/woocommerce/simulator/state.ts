/**
 * In-memory state of one WooCommerce simulator: the neutral dataset, WordPress ids, what only
 * WooCommerce keeps (per-variation "manage stock" flags, stock status of unmanaged items,
 * parent-level stock of variable products), the API keys, used OAuth nonces, the optional
 * host limiter and the fault injector. Writes change this state directly.
 */
import type { Clock } from '../../simulator-kit/clock.js';
import { createMonotonicStamp } from '../../simulator-kit/clock.js';
import type { StoreDataset, StoreProduct, StoreVariant } from '../../simulator-kit/dataset.js';
import type { FaultInjector } from '../../simulator-kit/faults.js';
import type { OAuth1ParamEncoding } from '../../simulator-kit/oauth1.js';
import type { FixedWindow } from '../../simulator-kit/rate-limit.js';

/**
 * WordPress ids are per table (woocommerce.md §7: ids are integers). Products and
 * variations share the posts table, so their ranges must not overlap; orders live in their
 * own (HPOS) table. Customer 1 is reserved for the site administrator.
 */
export const WC_ID_OFFSET = {
  product: 10,
  variation: 1_000_000,
  image: 2_000_000,
  category: 14,
  tag: 400,
  order: 100,
  customer: 1,
} as const;

export type WcIdKind = keyof typeof WC_ID_OFFSET;

export function toWcId(kind: WcIdKind, neutral: number): number {
  return WC_ID_OFFSET[kind] + neutral;
}

export function fromWcId(kind: WcIdKind, id: number): number | undefined {
  const n = id - WC_ID_OFFSET[kind];
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

export type KeyPermission = 'read' | 'write' | 'read_write';

export interface WooCommerceCredential {
  consumerKey: string;
  consumerSecret: string;
  /** Default read_write (§2). */
  permissions?: KeyPermission;
}

export type StockStatus = 'instock' | 'outofstock' | 'onbackorder';

export interface WooCommerceSettings {
  /** Requests count as HTTPS (Basic and query-string keys accepted, OAuth not tried; §2). Mutable. */
  secure: boolean;
  oauthEncoding: OAuth1ParamEncoding;
  /** Timestamp window and nonce memory, seconds (±15 min, §2). */
  oauthWindowSeconds: number;
  wcVersion: string;
  /** Largest batch (create + update + delete objects), §3. */
  batchLimit: number;
  /** Host-limiter 429s and injected 5xx come as HTML pages, as hosts send them (§5, §10.12). */
  htmlHostErrors: boolean;
  hostRetryAfterSeconds: number;
  /** A variation write also bumps the parent's date_modified ([U]). */
  variationWriteTouchesParent: boolean;
  /** Extra keys a plugin would add to products and orders (§10.12). */
  pluginFields: boolean;
}

export interface WooCommerceSimulatorState {
  dataset: StoreDataset;
  settings: WooCommerceSettings;
  clock: Clock;
  faults: FaultInjector;
  hostLimit: FixedWindow | undefined;
  /** Consumer key → credential. */
  credentials: Map<string, Required<WooCommerceCredential>>;
  /** Consumer key → nonce → timestamp (seconds) it was used with. */
  nonces: Map<string, Map<string, number>>;
  /** Whether WooCommerce manages stock of a variant (simple product: its only variant). */
  managed: Map<number, boolean>;
  /** Stock status set by hand on unmanaged items, by neutral variant id. */
  unmanagedStatus: Map<number, StockStatus>;
  /** Parent-level stock of variable products (manage_stock on the parent), by neutral product id. */
  parentStock: Map<number, number>;
  /** Variants whose regular price was cleared (rendered as "", not purchasable), by neutral id. */
  unpriced: Set<number>;
  /** Order statuses written through the API, by neutral order id. */
  orderStatus: Map<number, string>;
  tags: string[];
  stamp(): number;
}

export interface StateInput {
  dataset: StoreDataset;
  settings: WooCommerceSettings;
  clock: Clock;
  faults: FaultInjector;
  hostLimit: FixedWindow | undefined;
  credentials: Map<string, Required<WooCommerceCredential>>;
}

export function createWooCommerceState(input: StateInput): WooCommerceSimulatorState {
  const managed = new Map<number, boolean>();
  for (const p of input.dataset.products) for (const v of p.variants) managed.set(v.id, p.inventoryTracking !== 'none');
  const tags = [...new Set(input.dataset.products.flatMap((p) => p.tags))].sort();
  return {
    ...input,
    nonces: new Map(),
    managed,
    unmanagedStatus: new Map(),
    parentStock: new Map(),
    orderStatus: new Map(),
    unpriced: new Set(),
    tags,
    stamp: createMonotonicStamp(input.clock),
  };
}

/** Products with options are variable; the rest are simple with one hidden variant. */
export function isVariable(product: StoreProduct): boolean {
  return product.options.length > 0;
}

export function stockStatusOf(state: WooCommerceSimulatorState, variant: StoreVariant): StockStatus {
  if (!state.managed.get(variant.id)) return state.unmanagedStatus.get(variant.id) ?? 'instock';
  if (variant.inventory > 0) return 'instock';
  return variant.continueSellingWhenOutOfStock ? 'onbackorder' : 'outofstock';
}

export function productById(state: WooCommerceSimulatorState, wcId: number): StoreProduct | undefined {
  const n = fromWcId('product', wcId);
  return n === undefined ? undefined : state.dataset.productById.get(n);
}

export function variationOf(product: StoreProduct, wcId: number): StoreVariant | undefined {
  if (!isVariable(product)) return undefined;
  const n = fromWcId('variation', wcId);
  return product.variants.find((v) => v.id === n);
}

/** SKU of the product itself: the variant's for simple products, a parent SKU for variable ones. */
export function productSku(product: StoreProduct): string {
  const first = product.variants[0] as StoreVariant;
  return isVariable(product) ? first.sku.replace(/-\d+$/, '') : first.sku;
}
