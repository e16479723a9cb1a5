/**
 * In-memory state of one BigCommerce simulator: the neutral dataset, BigCommerce ids, the
 * status overrides written through `PUT /v2/orders/{id}`, the accepted tokens, the store-wide
 * quota window and the fault injector.
 */
import type { Clock } from '../../simulator-kit/clock.js';
import { createMonotonicStamp } from '../../simulator-kit/clock.js';
import type { StoreDataset, StoreProduct, StoreVariant } from '../../simulator-kit/dataset.js';
import type { FaultInjector } from '../../simulator-kit/faults.js';
import type { FixedWindow } from '../../simulator-kit/rate-limit.js';

/**
 * BigCommerce ids are small integers per resource (bigcommerce.md §7); offsets only make
 * them look less like array indexes. Each converts back with `fromBcId`.
 */
export const BC_ID_OFFSET = {
  product: 100,
  variant: 300,
  image: 500,
  category: 17,
  customer: 0,
  address: 0,
  order: 100,
  orderProduct: 0,
  brand: 30,
  option: 100,
  optionValue: 1000,
} as const;

export type BcIdKind = keyof typeof BC_ID_OFFSET;

export function toBcId(kind: BcIdKind, neutral: number): number {
  return BC_ID_OFFSET[kind] + neutral;
}

export function fromBcId(kind: BcIdKind, id: number): number | undefined {
  const n = id - BC_ID_OFFSET[kind];
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

export interface BigCommerceSettings {
  storeHash: string;
  /** V2 lists answer 204 with no body when empty ([U] in bigcommerce.md §4). */
  v2EmptyListNoContent: boolean;
  /** Whether status 0 (Incomplete) orders appear in unfiltered order lists ([U] in §7). */
  listIncompleteOrders: boolean;
  rateLimitQuota: number;
  rateLimitWindowMs: number;
}

export interface BigCommerceSimulatorState {
  dataset: StoreDataset;
  settings: BigCommerceSettings;
  clock: Clock;
  faults: FaultInjector;
  window: FixedWindow | undefined;
  /** Access token → granted OAuth scopes. */
  credentials: Map<string, ReadonlySet<string>>;
  /** status_id written through the API, by neutral order id. */
  statusOverrides: Map<number, number>;
  brands: string[];
  stamp(): number;
}

export interface StateInput {
  dataset: StoreDataset;
  settings: BigCommerceSettings;
  clock: Clock;
  faults: FaultInjector;
  window: FixedWindow | undefined;
  credentials: Map<string, ReadonlySet<string>>;
}

export function createBigCommerceState(input: StateInput): BigCommerceSimulatorState {
  const brands = [...new Set(input.dataset.products.map((p) => p.vendor))].sort();
  return { ...input, statusOverrides: new Map(), brands, stamp: createMonotonicStamp(input.clock) };
}

export function brandId(state: BigCommerceSimulatorState, product: StoreProduct): number {
  return toBcId('brand', state.brands.indexOf(product.vendor) + 1);
}

/** Stock as BigCommerce reports it on the product: per variant when tracked by variant (§10.6). */
export function productInventory(product: StoreProduct): number {
  if (product.inventoryTracking === 'variant') return product.variants.reduce((s, v) => s + v.inventory, 0);
  if (product.inventoryTracking === 'product') return (product.variants[0] as StoreVariant).inventory;
  return 0;
}
