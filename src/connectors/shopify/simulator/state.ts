/**
 * In-memory state of one Shopify simulator: the neutral dataset plus what only Shopify has
 * (locations and per-location stock, smart collections, collects), the credentials it
 * accepts, the leaky bucket and the fault injector. Writes change this state directly.
 */
import type { Clock } from '../../simulator-kit/clock.js';
import { createMonotonicStamp } from '../../simulator-kit/clock.js';
import type { StoreDataset, StoreProduct, StoreVariant } from '../../simulator-kit/dataset.js';
import type { FaultInjector } from '../../simulator-kit/faults.js';
import type { LeakyBucket } from '../../simulator-kit/rate-limit.js';
import { fromShopifyId } from './ids.js';
import type { RenderContext, SmartCollection } from './render-catalog.js';

export interface ShopifyLocation {
  /** Neutral id (1 is the primary location). */
  id: number;
  name: string;
}

export interface Collect {
  id: number;
  productId: number;
  categoryId: number;
  position: number;
  createdAt: number;
}

export interface ShopifySettings {
  shopDomain: string;
  productStatusDefault: 'active' | 'any';
  oldestSupportedVersion: string;
  retryAfterSeconds: number;
  bucketSize: number;
  leakPerSecond: number;
  /** Orders older than this many days need `read_all_orders` (§2). */
  recentOrderDays: number;
}

export interface ShopifySimulatorState {
  dataset: StoreDataset;
  settings: ShopifySettings;
  clock: Clock;
  faults: FaultInjector;
  /** undefined when rate limiting is off. */
  bucket: LeakyBucket | undefined;
  /** Access token → granted scopes. */
  credentials: Map<string, ReadonlySet<string>>;
  locations: ShopifyLocation[];
  smartCollections: SmartCollection[];
  collects: Collect[];
  /** Stock at non-primary locations, keyed `${variantId}:${locationId}`; primary stock is the neutral `inventory`. */
  otherStock: Map<string, number>;
  levelUpdatedAt: Map<string, number>;
  render: RenderContext;
  /** Strictly increasing write time (epoch ms) from the clock. */
  stamp(): number;
}

export interface StateInput {
  dataset: StoreDataset;
  settings: ShopifySettings;
  clock: Clock;
  faults: FaultInjector;
  bucket: LeakyBucket | undefined;
  credentials: Map<string, ReadonlySet<string>>;
  locationCount: number;
}

export function createShopifyState(input: StateInput): ShopifySimulatorState {
  const { dataset } = input;
  const locations = Array.from({ length: Math.max(1, input.locationCount) }, (_, i) => ({
    id: i + 1,
    name: i === 0 ? 'Main Warehouse' : `Store ${i}`,
  }));
  const types = [...new Set(dataset.products.map((p) => p.productType))].sort();
  const smartCollections = types.map((productType, i) => ({ id: i + 1, productType, createdAt: dataset.periodStart + i * 60_000 }));
  const collects: Collect[] = [];
  const positions = new Map<number, number>();
  for (const product of dataset.products) {
    product.categoryIds.forEach((categoryId, k) => {
      const position = (positions.get(categoryId) ?? 0) + 1;
      positions.set(categoryId, position);
      collects.push({ id: product.id * 4 + k, productId: product.id, categoryId, position, createdAt: product.createdAt });
    });
  }
  const otherStock = new Map<string, number>();
  const state: ShopifySimulatorState = {
    ...input,
    locations,
    smartCollections,
    collects,
    otherStock,
    levelUpdatedAt: new Map(),
    stamp: createMonotonicStamp(input.clock),
    render: {
      timezone: dataset.store.timezone,
      currency: dataset.store.currency,
      shopDomain: input.settings.shopDomain,
      variantStock: (v) => totalStock(state, v),
    },
  };
  return state;
}

/** Stock of a variant at one location (null when it is not stocked there). */
export function stockAt(state: ShopifySimulatorState, variant: StoreVariant, locationId: number): number {
  return locationId === 1 ? variant.inventory : (state.otherStock.get(`${variant.id}:${locationId}`) ?? 0);
}

export function setStockAt(state: ShopifySimulatorState, variant: StoreVariant, locationId: number, available: number): void {
  if (locationId === 1) variant.inventory = available;
  else state.otherStock.set(`${variant.id}:${locationId}`, available);
}

/** `inventory_quantity`: the sum over all locations (read-only on the variant, §10.8). */
export function totalStock(state: ShopifySimulatorState, variant: StoreVariant): number {
  let sum = variant.inventory;
  for (const loc of state.locations) if (loc.id !== 1) sum += state.otherStock.get(`${variant.id}:${loc.id}`) ?? 0;
  return sum;
}

/** Products in a collection (custom: collects; smart: its product-type rule). */
export function inCollection(state: ShopifySimulatorState, collectionId: number, product: StoreProduct): boolean {
  const custom = fromShopifyId('customCollection', collectionId);
  if (custom !== undefined) return product.categoryIds.includes(custom);
  const smart = fromShopifyId('smartCollection', collectionId);
  const rule = smart === undefined ? undefined : state.smartCollections[smart - 1];
  return rule !== undefined && product.productType === rule.productType;
}

export function productOfVariant(state: ShopifySimulatorState, variant: StoreVariant): StoreProduct {
  return state.dataset.productById.get(variant.productId) as StoreProduct;
}

export function variantByInventoryItem(state: ShopifySimulatorState, inventoryItemId: number): StoreVariant | undefined {
  const n = fromShopifyId('inventoryItem', inventoryItemId);
  return n === undefined ? undefined : state.dataset.variantById.get(n);
}

export function locationById(state: ShopifySimulatorState, id: number): ShopifyLocation | undefined {
  const n = fromShopifyId('location', id);
  return n === undefined ? undefined : state.locations[n - 1];
}
