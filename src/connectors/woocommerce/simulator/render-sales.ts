/**
 * Orders and customers in wc/v3 shapes (woocommerce.md §7, §8): money strings rounded to
 * `dp`, `line_items[].price` a number, `tax_lines[].rate_id` a number, `number` a string,
 * guests with `customer_id: 0`, customers as WordPress users with role `customer`.
 */
import { hashSeed } from '../../simulator-kit/prng.js';
import { slugify, type OrderLifecycle, type StoreAddress, type StoreCustomer, type StoreOrder } from '../../simulator-kit/dataset.js';
import { datePair, money, type Ctx } from './render-catalog.js';
import { links } from './respond.js';
import { isVariable, toWcId, type WooCommerceSimulatorState } from './state.js';

/**
 * Neutral lifecycle → order status (§7 status values). WooCommerce has no shipped states, so
 * partly and fully shipped orders stay `processing`; drafts are block-checkout drafts [S].
 */
const STATUS: Record<OrderLifecycle, string> = {
  draft: 'checkout-draft',
  pending_payment: 'pending',
  on_hold: 'on-hold',
  processing: 'processing',
  partially_shipped: 'processing',
  shipped: 'processing',
  completed: 'completed',
  cancelled: 'cancelled',
  refunded: 'refunded',
  partially_refunded: 'completed',
  failed: 'failed',
};

export const ORDER_STATUSES = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'checkout-draft', 'trash'] as const;

/** Status overrides written through the API win over the generated lifecycle. */
export function orderStatus(state: WooCommerceSimulatorState, o: StoreOrder): string {
  return state.orderStatus.get(o.id) ?? STATUS[o.lifecycle];
}

const PAID = new Set(['processing', 'completed', 'refunded']);

const GATEWAYS: Record<string, [string, string]> = {
  'Credit Card': ['stripe', 'Credit card'],
  PayPal: ['ppcp-gateway', 'PayPal'],
  'Apple Pay': ['stripe', 'Apple Pay'],
  'Bank Deposit': ['bacs', 'Direct bank transfer'],
};

const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', CAD: '$' };

function address(a: StoreAddress | null, email?: string): Record<string, string> {
  const out: Record<string, string> = {
    first_name: a?.firstName ?? '',
    last_name: a?.lastName ?? '',
    company: a?.company ?? '',
    address_1: a?.address1 ?? '',
    address_2: a?.address2 ?? '',
    city: a?.city ?? '',
    state: a?.provinceCode ?? '',
    postcode: a?.zip ?? '',
    country: a?.countryCode ?? '',
  };
  if (email !== undefined) out.email = email;
  out.phone = a?.phone ?? '';
  return out;
}

function token(seed: number, label: string, id: number, length: number): string {
  let text = '';
  for (let k = 0; text.length < length; k++) text += hashSeed(seed, label, id, k).toString(36);
  return text.slice(0, length);
}

export function renderOrder(ctx: Ctx, o: StoreOrder, dp = 2): Record<string, unknown> {
  const { state } = ctx;
  const seed = state.dataset.seed;
  const id = toWcId('order', o.id);
  const status = orderStatus(state, o);
  const paid = PAID.has(status);
  const [gateway, gatewayTitle] = GATEWAYS[o.paymentMethod] ?? ['cod', 'Cash on delivery'];
  const orderKey = `wc_order_${token(seed, 'order-key', o.id, 13)}`;
  const m = (cents: number): string => money(cents, dp);
  const lines = o.lineItems.map((l) => {
    const product = state.dataset.productById.get(l.productId);
    const variable = product !== undefined && isVariable(product);
    const subtotal = l.priceCents * l.quantity;
    const total = subtotal - l.discountCents;
    return {
      id: l.id,
      name: l.variantTitle === null ? l.title : `${l.title} - ${l.variantTitle.replaceAll(' / ', ', ')}`,
      product_id: toWcId('product', l.productId),
      variation_id: variable ? toWcId('variation', l.variantId) : 0,
      quantity: l.quantity,
      tax_class: '',
      subtotal: m(subtotal),
      subtotal_tax: m(l.taxCents),
      total: m(total),
      total_tax: m(l.taxCents),
      taxes: l.taxCents > 0 ? [{ id: 1, total: m(l.taxCents), subtotal: m(l.taxCents) }] : [],
      meta_data: l.optionValues.map((ov, k) => ({ id: l.id * 10 + k, key: slugify(ov.name), value: ov.value, display_key: ov.name, display_value: ov.value })),
      sku: l.sku,
      // A number, not a string, despite the docs table (§10.1).
      price: total / 100 / l.quantity,
      ...(variable ? { parent_name: l.title } : {}),
    };
  });
  const out: Record<string, unknown> = {
    id,
    parent_id: 0,
    number: String(id),
    order_key: orderKey,
    created_via: o.sourceName === 'web' ? 'checkout' : o.sourceName === 'pos' ? 'admin' : 'rest-api',
    version: state.settings.wcVersion,
    status,
    currency: o.currency,
    currency_symbol: SYMBOLS[o.currency] ?? o.currency,
    ...datePair(state, 'date_created', o.createdAt),
    ...datePair(state, 'date_modified', o.updatedAt),
    discount_total: m(o.discountCents),
    discount_tax: m(0),
    shipping_total: m(o.shippingCents),
    shipping_tax: m(0),
    cart_tax: m(o.taxCents),
    total: m(o.totalCents),
    total_tax: m(o.taxCents),
    prices_include_tax: false,
    customer_id: o.customerId === null ? 0 : toWcId('customer', o.customerId),
    customer_ip_address: o.browserIp,
    customer_user_agent: o.sourceName === 'web' ? 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)' : '',
    customer_note: o.note ?? '',
    billing: address(o.billingAddress, o.email),
    shipping: address(o.shippingAddress),
    payment_method: gateway,
    payment_method_title: gatewayTitle,
    transaction_id: paid ? `txn_${token(seed, 'txn', o.id, 16)}` : '',
    ...datePair(state, 'date_paid', paid ? o.processedAt : null),
    ...datePair(state, 'date_completed', status === 'completed' ? (o.closedAt ?? o.updatedAt) : null),
    cart_hash: token(seed, 'cart', o.id, 32),
    meta_data: [],
    line_items: lines,
    tax_lines:
      o.taxCents > 0
        ? [{ id: 2_000_000 + o.id, rate_code: `${o.billingAddress.countryCode}-${o.billingAddress.provinceCode}-TAX-1`, rate_id: 1, label: 'Tax', compound: false, tax_total: m(o.taxCents), shipping_tax_total: m(0), rate_percent: Math.round(o.taxRate * 10000) / 100, meta_data: [] }]
        : [],
    shipping_lines:
      o.shippingAddress === null
        ? []
        : [{ id: 3_000_000 + o.id, method_title: o.shippingMethod.title, method_id: o.shippingMethod.code === 'FREE' ? 'free_shipping' : 'flat_rate', instance_id: '1', total: m(o.shippingCents), total_tax: m(0), taxes: [], meta_data: [] }],
    fee_lines: [],
    coupon_lines: o.discountCode === null ? [] : [{ id: 4_000_000 + o.id, code: o.discountCode.toLowerCase(), discount: m(o.discountCents), discount_tax: m(0), meta_data: [] }],
    // Refund totals are negative strings (§7 [S]).
    refunds: o.refundedCents > 0 ? [{ id: 5_000_000 + o.id, reason: '', total: `-${m(o.refundedCents)}` }] : [],
    payment_url: `${ctx.site}/checkout/order-pay/${id}/?pay_for_order=true&key=${orderKey}`,
    is_editable: ['pending', 'on-hold', 'checkout-draft'].includes(status),
    needs_payment: ['pending', 'failed'].includes(status) && o.totalCents > 0,
    needs_processing: o.lineItems.some((l) => l.grams > 0),
  };
  if (state.settings.pluginFields) out.shipment_tracking_items = [];
  out._links = links(ctx, `/orders/${id}`, '/orders');
  return out;
}

export function customerUsername(c: StoreCustomer): string {
  return `${c.firstName}.${c.lastName}.${c.id}`.toLowerCase();
}

export function renderCustomer(ctx: Ctx, c: StoreCustomer): Record<string, unknown> {
  const id = toWcId('customer', c.id);
  const billing = c.addresses.find((a) => a.isDefault) ?? c.addresses[0] ?? null;
  const shipping = c.addresses[c.addresses.length - 1] ?? null;
  const digest = token(ctx.state.dataset.seed, 'avatar', c.id, 32);
  return {
    id,
    ...datePair(ctx.state, 'date_created', c.createdAt),
    ...datePair(ctx.state, 'date_modified', c.updatedAt),
    email: c.email,
    first_name: c.firstName,
    last_name: c.lastName,
    role: 'customer',
    username: customerUsername(c),
    billing: address(billing, c.email),
    shipping: address(shipping),
    is_paying_customer: c.totalSpentCents > 0,
    avatar_url: `https://secure.gravatar.com/avatar/${digest}?s=96&d=mm&r=g`,
    meta_data: [],
    _links: links(ctx, `/customers/${id}`, '/customers'),
  };
}

/** The site administrator (user 1): only listed with role=all or role=administrator (§3). */
export function renderAdministrator(ctx: Ctx): Record<string, unknown> {
  const store = ctx.state.dataset.store;
  const blank = address(null);
  return {
    id: 1,
    ...datePair(ctx.state, 'date_created', store.createdAt),
    ...datePair(ctx.state, 'date_modified', store.updatedAt),
    email: store.email,
    first_name: store.ownerFirstName,
    last_name: store.ownerLastName,
    role: 'administrator',
    username: 'admin',
    billing: { ...blank, email: store.email },
    shipping: blank,
    is_paying_customer: false,
    avatar_url: 'https://secure.gravatar.com/avatar/00000000000000000000000000000000?s=96&d=mm&r=g',
    meta_data: [],
    _links: links(ctx, '/customers/1', '/customers'),
  };
}
