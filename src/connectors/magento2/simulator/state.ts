/**
 * In-memory state of one Magento 2 simulator: the neutral dataset recast as Magento catalog
 * entities (a product with options becomes a configurable parent plus one simple child per
 * variant, each with its own entity id and SKU), stock flags, issued admin tokens, the
 * sign-in lock, the optional limiter and the fault injector. Writes change this state.
 */
import type { Clock } from '../../simulator-kit/clock.js';
import { createMonotonicStamp } from '../../simulator-kit/clock.js';
import type { StoreCategory, StoreDataset, StoreProduct, StoreVariant } from '../../simulator-kit/dataset.js';
import type { FaultInjector } from '../../simulator-kit/faults.js';
import type { FixedWindow } from '../../simulator-kit/rate-limit.js';

export type MagentoTypeId = 'simple' | 'virtual' | 'configurable';

/** One row of catalog_product_entity. */
export interface MagentoProduct {
  id: number;
  sku: string;
  typeId: MagentoTypeId;
  product: StoreProduct;
  /** The variant a simple or child product sells; null for a configurable parent. */
  variant: StoreVariant | null;
  /** Entity id of the configurable parent (children only). */
  parentId: number | null;
  childIds: number[];
}

/** Default install: 1 is the invisible root, 2 "Default Category" (magento2.md §7). */
export const ROOT_CATEGORY_ID = 1;
export const DEFAULT_CATEGORY_ID = 2;

export function categoryId(neutral: number): number {
  return DEFAULT_CATEGORY_ID + neutral;
}

export function neutralCategory(dataset: StoreDataset, id: number): StoreCategory | undefined {
  return dataset.categoryById.get(id - DEFAULT_CATEGORY_ID);
}

export interface MagentoSettings {
  /** Store codes routed under /rest/{code}/V1 (§1); `all` is the admin scope. */
  storeCodes: string[];
  /** 2.0–2.3 return the last page again past the end; 2.4 returns `items: []` (§3.1). */
  legacyClampLastPage: boolean;
  /** Admin token lifetime, seconds (4 h, §2). */
  adminTokenLifetimeSeconds: number;
  /** Failed sign-ins before the account locks, and the lock time (§2: 6 and 1800 s). */
  lockMaxFailures: number;
  lockSeconds: number;
  /** [U] Stock written through stockItems / source-items also bumps the product's updated_at. */
  stockWritesTouchProduct: boolean;
  retryAfterSeconds: number;
}

export interface AdminUser {
  username: string;
  password: string;
}

export interface IssuedToken {
  username: string;
  expiresAt: number;
}

export interface MagentoSimulatorState {
  dataset: StoreDataset;
  settings: MagentoSettings;
  clock: Clock;
  faults: FaultInjector;
  limiter: FixedWindow | undefined;
  products: MagentoProduct[];
  productById: Map<number, MagentoProduct>;
  productBySku: Map<string, MagentoProduct>;
  /** Bearer tokens that never expire (integration-style), each with every ACL resource. */
  staticTokens: Set<string>;
  admins: AdminUser[];
  issued: Map<string, IssuedToken>;
  /** Username → failed sign-ins and when the lock ends. */
  failures: Map<string, { count: number; lockedUntil: number }>;
  /** `is_in_stock` set by hand, by neutral variant id (otherwise derived from qty). */
  inStockOverride: Map<number, boolean>;
  /** Prices written on configurable parents (they do not drive the storefront), by entity id. */
  parentPrice: Map<number, number>;
  stamp(): number;
}

export interface StateInput {
  dataset: StoreDataset;
  settings: MagentoSettings;
  clock: Clock;
  faults: FaultInjector;
  limiter: FixedWindow | undefined;
  staticTokens: Set<string>;
  admins: AdminUser[];
}

/** Children first, then their parent, as Adobe's configurable-product tutorial creates them. */
function buildCatalog(dataset: StoreDataset): MagentoProduct[] {
  const out: MagentoProduct[] = [];
  for (const product of dataset.products) {
    const first = product.variants[0] as StoreVariant;
    if (product.options.length === 0) {
      out.push({ id: out.length + 1, sku: first.sku, typeId: product.kind === 'digital' ? 'virtual' : 'simple', product, variant: first, parentId: null, childIds: [] });
      continue;
    }
    const children = product.variants.map((v) => ({ id: out.length + v.position, sku: v.sku, typeId: 'simple' as const, product, variant: v, parentId: 0, childIds: [] }));
    const parent: MagentoProduct = {
      id: out.length + children.length + 1,
      sku: first.sku.replace(/-\d+$/, ''),
      typeId: 'configurable',
      product,
      variant: null,
      parentId: null,
      childIds: children.map((c) => c.id),
    };
    for (const c of children) c.parentId = parent.id;
    out.push(...children, parent);
  }
  return out;
}

export function createMagentoState(input: StateInput): MagentoSimulatorState {
  const products = buildCatalog(input.dataset);
  return {
    ...input,
    products,
    productById: new Map(products.map((p) => [p.id, p])),
    productBySku: new Map(products.map((p) => [p.sku, p])),
    issued: new Map(),
    failures: new Map(),
    inStockOverride: new Map(),
    parentPrice: new Map(),
    stamp: createMonotonicStamp(input.clock),
  };
}

export function updatedAt(m: MagentoProduct): number {
  return m.variant !== null && m.parentId !== null ? m.variant.updatedAt : m.product.updatedAt;
}

export function createdAt(m: MagentoProduct): number {
  return m.variant !== null && m.parentId !== null ? m.variant.createdAt : m.product.createdAt;
}

/** Legacy stock item state of a simple product (parents derive theirs from the children). */
export function stockOf(state: MagentoSimulatorState, m: MagentoProduct): { qty: number; inStock: boolean; managed: boolean } {
  const managed = m.product.inventoryTracking !== 'none';
  if (m.variant === null) {
    const inStock = m.childIds.some((id) => stockOf(state, state.productById.get(id) as MagentoProduct).inStock);
    return { qty: 0, inStock, managed };
  }
  const v = m.variant;
  const inStock = state.inStockOverride.get(v.id) ?? (!managed || v.inventory > 0 || v.continueSellingWhenOutOfStock);
  return { qty: v.inventory, inStock, managed };
}

/** The entity whose updated_at a write to `m` moves: the product row itself. */
export function touch(state: MagentoSimulatorState, m: MagentoProduct): void {
  const now = state.stamp();
  if (m.variant !== null && m.parentId !== null) m.variant.updatedAt = now;
  else {
    m.product.updatedAt = now;
    if (m.variant !== null) m.variant.updatedAt = now;
  }
}
