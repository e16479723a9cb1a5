/**
 * The platform-neutral store every simulator renders from. Times are epoch milliseconds,
 * money is integer minor units (cents), ids are small positive integers in creation order;
 * each platform maps them into its own id space, formats and field names.
 */

export interface DatasetSizes {
  products: number;
  categories: number;
  customers: number;
  orders: number;
}

/** Order lifecycle in neutral terms; each platform maps it (with `flavor`) to its own states. */
export const ORDER_LIFECYCLES = [
  'draft',
  'pending_payment',
  'on_hold',
  'processing',
  'partially_shipped',
  'shipped',
  'completed',
  'cancelled',
  'refunded',
  'partially_refunded',
  'failed',
] as const;
export type OrderLifecycle = (typeof ORDER_LIFECYCLES)[number];

/** Every lifecycle comes in this many flavors, so platforms with finer states can cover them all. */
export const ORDER_FLAVORS = 3;

export type ProductStatus = 'active' | 'draft' | 'archived';
export type InventoryTracking = 'none' | 'product' | 'variant';

export interface StoreInfo {
  name: string;
  handle: string;
  email: string;
  phone: string;
  ownerFirstName: string;
  ownerLastName: string;
  address1: string;
  place: StorePlace;
  currency: string;
  /** IANA zone the shop renders local times in. */
  timezone: string;
  weightUnit: 'kg' | 'lb';
  createdAt: number;
  updatedAt: number;
}

export interface StorePlace {
  city: string;
  province: string;
  provinceCode: string;
  country: string;
  countryCode: string;
  zip: string;
  latitude: number;
  longitude: number;
}

export interface StoreImage {
  id: number;
  productId: number;
  position: number;
  alt: string | null;
  width: number;
  height: number;
  /** File name without extension, e.g. `trail-mug-1`. */
  fileName: string;
  variantIds: number[];
  createdAt: number;
  updatedAt: number;
}

export interface StoreVariant {
  id: number;
  productId: number;
  position: number;
  sku: string;
  barcode: string | null;
  /** Values aligned with the product's options; empty for a product without options. */
  optionValues: string[];
  priceCents: number;
  /** Higher "was" price (Shopify compare-at, BigCommerce retail price). */
  compareAtCents: number | null;
  /** Temporary lower price (BigCommerce sale price); Shopify has no such field. */
  salePriceCents: number | null;
  costCents: number;
  inventory: number;
  weightGrams: number;
  /** Whether the variant can be sold when out of stock. */
  continueSellingWhenOutOfStock: boolean;
  requiresShipping: boolean;
  taxable: boolean;
  imageId: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface StoreProduct {
  id: number;
  title: string;
  handle: string;
  descriptionHtml: string;
  vendor: string;
  productType: string;
  tags: string[];
  status: ProductStatus;
  publishedAt: number | null;
  createdAt: number;
  updatedAt: number;
  categoryIds: number[];
  options: Array<{ name: string; values: string[] }>;
  variants: StoreVariant[];
  images: StoreImage[];
  inventoryTracking: InventoryTracking;
  kind: 'physical' | 'digital';
  condition: 'new' | 'used' | 'refurbished';
  featured: boolean;
  totalSold: number;
  /** Product-level prices (BigCommerce keeps them; variants inherit when equal). */
  priceCents: number;
  compareAtCents: number | null;
  salePriceCents: number | null;
  costCents: number;
}

export interface StoreCategory {
  id: number;
  /** 0 for a top-level category. */
  parentId: number;
  name: string;
  handle: string;
  descriptionHtml: string;
  sortOrder: number;
  visible: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface StoreAddress extends StorePlace {
  id: number;
  firstName: string;
  lastName: string;
  company: string;
  address1: string;
  address2: string;
  phone: string;
  isDefault: boolean;
}

export type CustomerState = 'enabled' | 'disabled' | 'invited' | 'declined';

export interface StoreCustomer {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  /** E.164, e.g. +13035550100. */
  phone: string | null;
  company: string;
  createdAt: number;
  updatedAt: number;
  addresses: StoreAddress[];
  acceptsMarketing: boolean;
  state: CustomerState;
  verifiedEmail: boolean;
  taxExempt: boolean;
  tags: string[];
  note: string | null;
  groupId: number;
  /** Derived from orders. */
  ordersCount: number;
  totalSpentCents: number;
  lastOrderId: number | null;
}

export interface StoreLineItem {
  id: number;
  orderId: number;
  productId: number;
  variantId: number;
  title: string;
  variantTitle: string | null;
  sku: string;
  vendor: string;
  quantity: number;
  priceCents: number;
  discountCents: number;
  taxCents: number;
  grams: number;
  quantityShipped: number;
  quantityRefunded: number;
  optionValues: Array<{ name: string; value: string }>;
}

export interface StoreOrder {
  id: number;
  /** Human order number, 1001 and up. */
  number: number;
  customerId: number | null;
  email: string;
  phone: string | null;
  lifecycle: OrderLifecycle;
  flavor: number;
  createdAt: number;
  updatedAt: number;
  processedAt: number;
  closedAt: number | null;
  cancelledAt: number | null;
  shippedAt: number | null;
  cancelReason: 'customer' | 'fraud' | 'inventory' | 'declined' | 'other' | null;
  currency: string;
  lineItems: StoreLineItem[];
  subtotalCents: number;
  shippingCents: number;
  taxCents: number;
  taxRate: number;
  discountCents: number;
  discountCode: string | null;
  totalCents: number;
  refundedCents: number;
  billingAddress: StoreAddress;
  shippingAddress: StoreAddress | null;
  shippingMethod: { title: string; code: string };
  paymentMethod: string;
  sourceName: 'web' | 'pos' | 'api';
  browserIp: string;
  note: string | null;
  tags: string[];
}

export interface StoreDataset {
  seed: number;
  sizes: DatasetSizes;
  periodStart: number;
  periodEnd: number;
  store: StoreInfo;
  products: StoreProduct[];
  categories: StoreCategory[];
  customers: StoreCustomer[];
  orders: StoreOrder[];
  productById: Map<number, StoreProduct>;
  variantById: Map<number, StoreVariant>;
  categoryById: Map<number, StoreCategory>;
  customerById: Map<number, StoreCustomer>;
  orderById: Map<number, StoreOrder>;
}
