/**
 * Orders for the neutral dataset: line items from existing variants, totals in cents,
 * and a lifecycle per order. The first lifecycles × flavors orders (spread over the whole
 * period) cover every combination, so every platform status appears once there are enough
 * orders; the rest are weighted by age (recent orders are more often still open).
 */
import { derivePrng, type Prng } from './prng.js';
import {
  ORDER_FLAVORS,
  ORDER_LIFECYCLES,
  type OrderLifecycle,
  type StoreAddress,
  type StoreCustomer,
  type StoreLineItem,
  type StoreOrder,
  type StoreProduct,
} from './dataset-types.js';
import { FIRST_NAMES, LAST_NAMES, PAYMENT_METHODS, PLACES, SHIPPING_METHODS, STREETS } from './words.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

const OLD_WEIGHTS: Record<OrderLifecycle, number> = {
  draft: 2, pending_payment: 4, on_hold: 2, processing: 5, partially_shipped: 3, shipped: 12,
  completed: 40, cancelled: 8, refunded: 5, partially_refunded: 4, failed: 3,
};
const RECENT_WEIGHTS: Record<OrderLifecycle, number> = {
  draft: 6, pending_payment: 20, on_hold: 5, processing: 30, partially_shipped: 8, shipped: 15,
  completed: 5, cancelled: 5, refunded: 1, partially_refunded: 1, failed: 4,
};

export interface OrderGenerationInput {
  seed: number;
  count: number;
  products: StoreProduct[];
  customers: StoreCustomer[];
  periodStart: number;
  periodEnd: number;
  currency: string;
}

export function generateOrders(input: OrderGenerationInput): StoreOrder[] {
  const { seed, count, products, customers, periodStart, periodEnd } = input;
  const span = periodEnd - periodStart;
  const coverage = ORDER_LIFECYCLES.flatMap((l) => Array.from({ length: ORDER_FLAVORS }, (_, f) => ({ l, f })));
  const shuffled = derivePrng(seed, 'order-coverage').shuffle(coverage);
  const stride = count >= coverage.length ? Math.floor(count / coverage.length) : 1;
  const planned = new Map<number, { l: OrderLifecycle; f: number }>();
  shuffled.forEach((c, k) => {
    if (k * stride < count) planned.set(k * stride, c);
  });
  let lineId = 0;
  const orders: StoreOrder[] = [];
  for (let i = 0; i < count; i++) {
    const rng = derivePrng(seed, 'order', i);
    const slot = span / Math.max(1, count);
    const createdAt = Math.floor(periodStart + i * slot + rng.next() * slot * 0.9);
    const age = periodEnd - createdAt;
    const plan = planned.get(i);
    const lifecycle = plan?.l ?? weighted(rng, age < 5 * DAY ? RECENT_WEIGHTS : OLD_WEIGHTS);
    const flavor = plan?.f ?? rng.int(0, ORDER_FLAVORS - 1);
    const fraction = (createdAt - periodStart) / span;
    const order = buildOrder(rng, i + 1, createdAt, lifecycle, flavor, fraction, products, customers, input.currency, periodEnd);
    for (const line of order.lineItems) line.id = ++lineId;
    orders.push(order);
  }
  deriveCustomerTotals(orders, customers);
  return orders;
}

function weighted(rng: Prng, weights: Record<OrderLifecycle, number>): OrderLifecycle {
  const total = ORDER_LIFECYCLES.reduce((sum, l) => sum + weights[l], 0);
  let roll = rng.next() * total;
  for (const l of ORDER_LIFECYCLES) {
    roll -= weights[l];
    if (roll < 0) return l;
  }
  return 'completed';
}

/** Spread `total` over parts in proportion to `weights`; the last part takes the rounding rest. */
function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  let given = 0;
  return weights.map((w, k) => {
    if (k === weights.length - 1) return total - given;
    const share = Math.round((total * w) / sum);
    given += share;
    return share;
  });
}

function buildOrder(
  rng: Prng,
  id: number,
  createdAt: number,
  lifecycle: OrderLifecycle,
  flavor: number,
  fraction: number,
  products: StoreProduct[],
  customers: StoreCustomer[],
  currency: string,
  periodEnd: number,
): StoreOrder {
  // Only customers and products that already existed when the order was placed.
  const known = Math.floor(fraction * customers.length);
  const customer = known > 0 && rng.chance(0.9) ? customers[rng.int(0, known - 1)] : undefined;
  const billing = customer?.addresses[0] ?? guestAddress(rng);
  const email = customer?.email ?? `${billing.firstName}.${billing.lastName}.guest${id}@example.net`.toLowerCase();
  const lineCount = Math.max(lifecycle === 'partially_shipped' ? 2 : 1, rng.int(1, 4));
  const lines: StoreLineItem[] = [];
  const maxProduct = Math.max(1, Math.floor(fraction * products.length));
  for (let k = 0; k < lineCount && products.length > 0; k++) {
    const product = products[rng.int(0, maxProduct - 1)] as StoreProduct;
    const variant = rng.pick(product.variants);
    lines.push({
      id: 0,
      orderId: id,
      productId: product.id,
      variantId: variant.id,
      title: product.title,
      variantTitle: variant.optionValues.length > 0 ? variant.optionValues.join(' / ') : null,
      sku: variant.sku,
      vendor: product.vendor,
      quantity: rng.int(1, 3),
      priceCents: variant.salePriceCents ?? variant.priceCents,
      discountCents: 0,
      taxCents: 0,
      grams: variant.weightGrams,
      quantityShipped: 0,
      quantityRefunded: 0,
      optionValues: product.options.map((o, n) => ({ name: o.name, value: variant.optionValues[n] ?? '' })),
    });
  }
  const subtotalBefore = lines.reduce((sum, l) => sum + l.priceCents * l.quantity, 0);
  const discountCode = rng.chance(0.2) ? 'SAVE10' : null;
  const discountCents = discountCode ? Math.round(subtotalBefore * 0.1) : 0;
  allocate(discountCents, lines.map((l) => l.priceCents * l.quantity)).forEach((d, k) => ((lines[k] as StoreLineItem).discountCents = d));
  const shipping = rng.pick(SHIPPING_METHODS);
  const place = PLACES.find((p) => p.city === billing.city) ?? (PLACES[0] as (typeof PLACES)[number]);
  const subtotalCents = subtotalBefore - discountCents;
  const taxCents = Math.round(subtotalCents * place.taxRate);
  allocate(taxCents, lines.map((l) => l.priceCents * l.quantity - l.discountCents)).forEach((t, k) => ((lines[k] as StoreLineItem).taxCents = t));
  const totalCents = subtotalCents + shipping.cents + taxCents;

  let closedAt: number | null = null;
  let cancelledAt: number | null = null;
  let shippedAt: number | null = null;
  let refundedCents = 0;
  let cancelReason: StoreOrder['cancelReason'] = null;
  const later = (hours: number): number => Math.min(periodEnd, createdAt + hours * HOUR);
  switch (lifecycle) {
    case 'partially_shipped':
      (lines[0] as StoreLineItem).quantityShipped = (lines[0] as StoreLineItem).quantity;
      shippedAt = later(rng.int(4, 48));
      break;
    case 'shipped':
    case 'completed':
    case 'partially_refunded':
      for (const l of lines) l.quantityShipped = l.quantity;
      shippedAt = later(rng.int(4, 48));
      if (lifecycle === 'completed') closedAt = later(rng.int(72, 240));
      if (lifecycle === 'partially_refunded') {
        const line = lines[lines.length - 1] as StoreLineItem;
        line.quantityRefunded = 1;
        refundedCents = line.priceCents - Math.round(line.discountCents / line.quantity);
      }
      break;
    case 'refunded':
      for (const l of lines) l.quantityRefunded = l.quantity;
      refundedCents = totalCents;
      closedAt = later(rng.int(24, 200));
      break;
    case 'cancelled':
    case 'failed':
      cancelledAt = later(rng.int(1, 48));
      closedAt = cancelledAt;
      cancelReason = lifecycle === 'failed' ? 'declined' : (['customer', 'inventory', 'fraud', 'other'] as const)[flavor] ?? 'other';
      break;
    default:
      break;
  }
  const updatedAt = Math.max(createdAt + rng.int(1, 600) * 1000, closedAt ?? 0, cancelledAt ?? 0, shippedAt ?? 0);
  return {
    id,
    number: 1000 + id,
    customerId: customer?.id ?? null,
    email,
    phone: customer?.phone ?? null,
    lifecycle,
    flavor,
    createdAt,
    updatedAt: Math.min(updatedAt, Math.max(periodEnd, createdAt + 1000)),
    processedAt: createdAt - rng.int(0, 5) * 1000,
    closedAt,
    cancelledAt,
    shippedAt,
    cancelReason,
    currency,
    lineItems: lines,
    subtotalCents,
    shippingCents: shipping.cents,
    taxCents,
    taxRate: place.taxRate,
    discountCents,
    discountCode,
    totalCents,
    refundedCents,
    billingAddress: billing,
    shippingAddress: lines.every((l) => l.grams === 0) ? null : customer?.addresses[customer.addresses.length - 1] ?? billing,
    shippingMethod: { title: shipping.title, code: shipping.code },
    paymentMethod: rng.pick(PAYMENT_METHODS),
    sourceName: rng.pick(['web', 'web', 'web', 'pos', 'api'] as const),
    browserIp: `203.0.113.${rng.int(1, 254)}`,
    note: rng.chance(0.1) ? 'Please gift wrap.' : null,
    tags: rng.chance(0.1) ? ['priority'] : [],
  };
}

function guestAddress(rng: Prng): StoreAddress {
  const place = rng.pick(PLACES);
  return {
    id: 0,
    firstName: rng.pick(FIRST_NAMES),
    lastName: rng.pick(LAST_NAMES),
    company: '',
    address1: `${rng.int(1, 999)} ${rng.pick(STREETS)}`,
    address2: '',
    phone: '',
    isDefault: false,
    city: place.city,
    province: place.province,
    provinceCode: place.provinceCode,
    country: place.country,
    countryCode: place.countryCode,
    zip: place.zip,
    latitude: place.latitude,
    longitude: place.longitude,
  };
}

const PAID: ReadonlySet<OrderLifecycle> = new Set(['processing', 'partially_shipped', 'shipped', 'completed', 'partially_refunded', 'refunded']);

function deriveCustomerTotals(orders: StoreOrder[], customers: StoreCustomer[]): void {
  const byId = new Map(customers.map((c) => [c.id, c]));
  for (const order of orders) {
    const customer = order.customerId === null ? undefined : byId.get(order.customerId);
    if (!customer) continue;
    customer.ordersCount++;
    if (PAID.has(order.lifecycle)) customer.totalSpentCents += order.totalCents - order.refundedCents;
    customer.lastOrderId = order.id;
    customer.updatedAt = Math.max(customer.updatedAt, order.createdAt);
  }
}
