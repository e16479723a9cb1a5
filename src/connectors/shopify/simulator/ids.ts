/**
 * Shopify-looking ids for neutral records. Shopify ids are unsigned 64-bit integers of
 * 10–14 digits today (shopify.md §7), unique across resource types; each type gets its own
 * base so an id also tells the simulator which record it names. All stay below 2^53.
 */

export const SHOPIFY_ID_BASE = {
  product: 8_100_000_000,
  variant: 44_100_000_000,
  inventoryItem: 46_200_000_000,
  image: 33_300_000_000,
  option: 10_900_000_000,
  customer: 7_000_000_000,
  customerAddress: 8_800_000_000,
  order: 5_500_000_000,
  lineItem: 13_000_000_000,
  shippingLine: 4_100_000_000,
  fulfillment: 4_200_000_000,
  customCollection: 3_000_000_000,
  smartCollection: 3_100_000_000,
  collect: 32_000_000_000,
  location: 65_000_000_000,
  shop: 54_000_000_000,
} as const;

export type ShopifyIdKind = keyof typeof SHOPIFY_ID_BASE;

/** Ranges must not overlap: a neutral id above this would run into the next base. */
const SPAN = 99_999_999;

export function toShopifyId(kind: ShopifyIdKind, neutralId: number): number {
  return SHOPIFY_ID_BASE[kind] + neutralId;
}

/** The neutral id behind a Shopify id of `kind`, or undefined when it is not one. */
export function fromShopifyId(kind: ShopifyIdKind, id: number): number | undefined {
  const n = id - SHOPIFY_ID_BASE[kind];
  return Number.isSafeInteger(n) && n >= 1 && n <= SPAN ? n : undefined;
}

export function gid(type: string, id: number): string {
  return `gid://shopify/${type}/${id}`;
}
