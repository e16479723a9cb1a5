/**
 * Orders and customers (magento2.md §8, §9): numbers for money, `state` and `status` as two
 * layers, `increment_id` a zero-padded string, guests without `customer_id`, configurable
 * lines twice (parent line with the price, child line at 0 with `parent_item_id`), the
 * shipping address inside `extension_attributes.shipping_assignments`; customers with
 * address ids as strings in `default_billing`/`default_shipping`.
 */
import type { OrderLifecycle, StoreAddress, StoreCustomer, StoreLineItem, StoreOrder } from '../../simulator-kit/dataset.js';
import { mDate } from './render-catalog.js';
import type { MagentoProduct, MagentoSimulatorState } from './state.js';

/** Neutral lifecycle (and flavor) → [status, state] (§8 default statuses). */
export function statusOf(o: StoreOrder): [string, string] {
  const table: Record<OrderLifecycle, [string, string]> = {
    draft: ['pending_payment', 'pending_payment'],
    pending_payment: ['pending', 'new'],
    on_hold: ['holded', 'holded'],
    processing: ['processing', 'processing'],
    partially_shipped: ['processing', 'processing'],
    shipped: ['complete', 'complete'],
    completed: ['complete', 'complete'],
    cancelled: ['canceled', 'canceled'],
    refunded: ['closed', 'closed'],
    partially_refunded: ['complete', 'complete'],
    failed: o.flavor === 0 ? ['payment_review', 'payment_review'] : o.flavor === 1 ? ['fraud', 'processing'] : ['canceled', 'canceled'],
  };
  return table[o.lifecycle];
}

const PAYMENT: Record<string, [string, string]> = {
  'Credit Card': ['braintree', 'Credit Card (Braintree)'],
  PayPal: ['paypal_express', 'PayPal Express Checkout'],
  'Apple Pay': ['braintree_applepay', 'Apple Pay'],
  'Bank Deposit': ['banktransfer', 'Bank Transfer Payment'],
};

/** Magento region ids of the dataset's provinces (directory_country_region). */
const REGION_IDS: Record<string, number> = { CO: 13, TX: 57, OR: 49, NY: 43, IL: 23, ON: 74, BC: 67 };

const money = (cents: number): number => Math.round(cents) / 100;

function orderAddress(a: StoreAddress, type: 'billing' | 'shipping', o: StoreOrder, entityId: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    address_type: type,
    city: a.city,
    country_id: a.countryCode,
    email: o.email,
    entity_id: entityId,
    firstname: a.firstName,
    lastname: a.lastName,
    parent_id: o.id,
    postcode: a.zip,
    region: a.province,
    region_code: a.provinceCode,
    region_id: REGION_IDS[a.provinceCode] ?? 0,
    street: a.address2 === '' ? [a.address1] : [a.address1, a.address2],
    // The checkout requires a phone number, so stored orders always have one.
    telephone: a.phone === '' ? '5555550100' : a.phone,
  };
  if (a.company !== '') out.company = a.company;
  if (o.customerId !== null) out.customer_id = o.customerId;
  return out;
}

function itemRows(state: MagentoSimulatorState, o: StoreOrder, l: StoreLineItem): Array<Record<string, unknown>> {
  const product = state.dataset.productById.get(l.productId);
  const configurable = product !== undefined && product.options.length > 0;
  const child = state.productBySku.get(l.sku) as MagentoProduct | undefined;
  const price = money(l.priceCents);
  const row = money(l.priceCents * l.quantity);
  const tax = money(l.taxCents);
  const virtual = l.grams === 0 ? 1 : 0;
  const base = {
    created_at: mDate(o.createdAt),
    updated_at: mDate(o.updatedAt),
    order_id: o.id,
    store_id: 1,
    sku: l.sku,
    qty_ordered: l.quantity,
    qty_invoiced: l.quantity - (o.lifecycle === 'pending_payment' || o.lifecycle === 'draft' ? l.quantity : 0),
    qty_shipped: l.quantityShipped,
    qty_refunded: l.quantityRefunded,
    qty_canceled: o.lifecycle === 'cancelled' ? l.quantity : 0,
    is_virtual: virtual,
    weight: l.grams / 1000,
  };
  const priced = {
    ...base,
    item_id: l.id * 2 - 1,
    product_id: configurable ? (child?.parentId ?? 0) : (child?.id ?? 0),
    product_type: configurable ? 'configurable' : virtual ? 'virtual' : 'simple',
    name: l.title,
    price,
    base_price: price,
    original_price: price,
    price_incl_tax: money(l.priceCents + l.taxCents / l.quantity),
    row_total: row,
    base_row_total: row,
    row_total_incl_tax: money(l.priceCents * l.quantity + l.taxCents),
    tax_amount: tax,
    base_tax_amount: tax,
    tax_percent: Math.round(o.taxRate * 10000) / 100,
    discount_amount: money(l.discountCents),
    base_discount_amount: money(l.discountCents),
    discount_percent: o.discountCode === null ? 0 : 10,
    amount_refunded: money(l.quantityRefunded * l.priceCents),
  };
  if (!configurable) return [priced];
  // The child line carries the simple product and no price of its own (§8 [I]).
  const childRow = {
    ...base,
    item_id: l.id * 2,
    product_id: child?.id ?? 0,
    product_type: 'simple',
    name: `${l.title}-${l.optionValues.map((x) => x.value).join('-')}`,
    price: 0,
    base_price: 0,
    original_price: 0,
    row_total: 0,
    base_row_total: 0,
    tax_amount: 0,
    discount_amount: 0,
    parent_item_id: priced.item_id,
    parent_item: priced,
  };
  return [priced, childRow];
}

export function renderOrder(state: MagentoSimulatorState, o: StoreOrder): Record<string, unknown> {
  const [status, orderState] = statusOf(o);
  const items = o.lineItems.flatMap((l) => itemRows(state, o, l));
  const paid = ['processing', 'complete', 'closed'].includes(orderState) ? money(o.totalCents) : 0;
  const [method, title] = PAYMENT[o.paymentMethod] ?? ['checkmo', 'Check / Money order'];
  const shipping = {
    shipping_amount: money(o.shippingCents),
    base_shipping_amount: money(o.shippingCents),
    shipping_incl_tax: money(o.shippingCents),
    base_shipping_incl_tax: money(o.shippingCents),
    shipping_tax_amount: 0,
    base_shipping_tax_amount: 0,
    shipping_discount_amount: 0,
    base_shipping_discount_amount: 0,
  };
  const out: Record<string, unknown> = {
    base_currency_code: o.currency,
    base_discount_amount: -money(o.discountCents),
    base_grand_total: money(o.totalCents),
    base_subtotal: money(o.subtotalCents + o.discountCents),
    base_tax_amount: money(o.taxCents),
    base_total_due: money(o.totalCents) - paid,
    base_total_paid: paid,
    base_total_refunded: money(o.refundedCents),
    created_at: mDate(o.createdAt),
    customer_email: o.email,
    customer_firstname: o.billingAddress.firstName,
    customer_lastname: o.billingAddress.lastName,
    customer_group_id: o.customerId === null ? 0 : 1,
    customer_is_guest: o.customerId === null ? 1 : 0,
    customer_note_notify: 1,
    discount_amount: -money(o.discountCents),
    email_sent: 1,
    entity_id: o.id,
    global_currency_code: o.currency,
    grand_total: money(o.totalCents),
    increment_id: String(o.id).padStart(9, '0'),
    is_virtual: o.shippingAddress === null ? 1 : 0,
    order_currency_code: o.currency,
    protect_code: (o.id * 2654435761).toString(16).slice(0, 6),
    remote_ip: o.browserIp,
    shipping_amount: money(o.shippingCents),
    shipping_description: `${o.shippingMethod.title} - Fixed`,
    shipping_incl_tax: money(o.shippingCents),
    state: orderState,
    status,
    store_currency_code: o.currency,
    store_id: 1,
    store_name: 'Main Website\nMain Website Store\nDefault Store View',
    subtotal: money(o.subtotalCents + o.discountCents),
    subtotal_incl_tax: money(o.subtotalCents + o.discountCents + o.taxCents),
    tax_amount: money(o.taxCents),
    total_due: money(o.totalCents) - paid,
    total_item_count: o.lineItems.length,
    total_paid: paid,
    total_qty_ordered: o.lineItems.reduce((s, l) => s + l.quantity, 0),
    total_refunded: money(o.refundedCents),
    updated_at: mDate(o.updatedAt),
    weight: o.lineItems.reduce((s, l) => s + l.grams * l.quantity, 0) / 1000,
    items,
    billing_address: orderAddress(o.billingAddress, 'billing', o, o.id * 2 - 1),
    payment: {
      account_status: null,
      additional_information: [title],
      amount_ordered: money(o.totalCents),
      amount_paid: paid,
      base_amount_ordered: money(o.totalCents),
      base_shipping_amount: money(o.shippingCents),
      cc_last4: null,
      entity_id: o.id,
      method,
      parent_id: o.id,
      shipping_amount: money(o.shippingCents),
    },
    status_histories: [],
    extension_attributes: {
      shipping_assignments: [
        {
          shipping: {
            ...(o.shippingAddress === null ? {} : { address: orderAddress(o.shippingAddress, 'shipping', o, o.id * 2) }),
            method: `${o.shippingMethod.code.toLowerCase()}_${o.shippingMethod.code.toLowerCase()}`,
            total: shipping,
          },
          items,
        },
      ],
    },
  };
  // Guests have no customer_id at all (§8 [I]).
  if (o.customerId !== null) out.customer_id = o.customerId;
  if (o.discountCode !== null) out.coupon_code = o.discountCode;
  return out;
}

function customerAddress(c: StoreCustomer, a: StoreAddress, k: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: a.id,
    customer_id: c.id,
    region: { region_code: a.provinceCode, region: a.province, region_id: REGION_IDS[a.provinceCode] ?? 0 },
    region_id: REGION_IDS[a.provinceCode] ?? 0,
    country_id: a.countryCode,
    street: a.address2 === '' ? [a.address1] : [a.address1, a.address2],
    telephone: a.phone === '' ? '5555550100' : a.phone,
    postcode: a.zip,
    city: a.city,
    firstname: a.firstName,
    lastname: a.lastName,
  };
  if (a.company !== '') out.company = a.company;
  if (k === 0) Object.assign(out, { default_shipping: true, default_billing: true });
  return out;
}

export function renderCustomer(c: StoreCustomer): Record<string, unknown> {
  const first = c.addresses[0];
  const out: Record<string, unknown> = {
    id: c.id,
    group_id: c.groupId === 0 ? 1 : c.groupId,
  };
  // Address ids are strings here (§9, §12).
  if (first) Object.assign(out, { default_billing: String(first.id), default_shipping: String(first.id) });
  Object.assign(out, {
    created_at: mDate(c.createdAt),
    updated_at: mDate(c.updatedAt),
    created_in: 'Default Store View',
    email: c.email,
    firstname: c.firstName,
    lastname: c.lastName,
    gender: 0,
    store_id: 1,
    website_id: 1,
    addresses: c.addresses.map((a, k) => customerAddress(c, a, k)),
    disable_auto_group_change: 0,
    extension_attributes: { is_subscribed: c.acceptsMarketing },
  });
  return out;
}
