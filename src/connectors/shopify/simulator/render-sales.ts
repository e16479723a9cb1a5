/**
 * Neutral orders → Shopify Admin REST 2024-04 shapes
 * (shopify.md §7, §8). Open/closed/cancelled is not a field: it follows from `closed_at`
 * and `cancelled_at`. Every money string has a `*_set` twin.
 */
import type { StoreDataset, StoreOrder } from '../../simulator-kit/dataset.js';
import { gid, toShopifyId } from './ids.js';
import { money, moneySet, ts, type RenderContext } from './render-catalog.js';
import { renderCustomerCore, renderOrderAddress } from './render-customers.js';

/** Neutral lifecycle (+ flavor) → `financial_status` (shopify.md §7 Order). */
export function financialStatus(order: StoreOrder): string {
  switch (order.lifecycle) {
    case 'pending_payment':
      return (['pending', 'authorized', 'partially_paid'] as const)[order.flavor] ?? 'pending';
    case 'draft':
      return 'pending';
    case 'on_hold':
      return 'authorized';
    case 'cancelled':
      // Cancelled before capture is voided; cancelled after payment is refunded.
      return order.flavor === 1 ? 'refunded' : 'voided';
    case 'failed':
      return 'voided';
    case 'refunded':
      return 'refunded';
    case 'partially_refunded':
      return 'partially_refunded';
    default:
      return 'paid';
  }
}

export function fulfillmentStatus(order: StoreOrder): string | null {
  switch (order.lifecycle) {
    case 'partially_shipped':
      return 'partial';
    case 'shipped':
    case 'completed':
    case 'partially_refunded':
      return 'fulfilled';
    case 'cancelled':
      return order.flavor === 2 ? 'restocked' : null;
    default:
      return null;
  }
}

/** What has been refunded, as Shopify reports it (a refunded cancellation refunds everything). */
function refundedCents(order: StoreOrder): number {
  return financialStatus(order) === 'refunded' ? order.totalCents : order.refundedCents;
}

function outstandingCents(order: StoreOrder): number {
  const status = financialStatus(order);
  if (status === 'pending' || status === 'authorized') return order.totalCents;
  if (status === 'partially_paid') return Math.ceil(order.totalCents / 2);
  return 0;
}

export function renderOrder(ctx: RenderContext, data: StoreDataset, order: StoreOrder): Record<string, unknown> {
  const id = toShopifyId('order', order.id);
  const c = ctx.currency;
  const lineTotal = order.lineItems.reduce((s, l) => s + l.priceCents * l.quantity, 0);
  const refunded = refundedCents(order);
  const currentTotal = order.totalCents - refunded;
  // Refunds reduce the current_* figures proportionally; the original fields never change (§10.10).
  const share = order.totalCents === 0 ? 0 : currentTotal / order.totalCents;
  const currentSubtotal = Math.round(order.subtotalCents * share);
  const currentTax = Math.round(order.taxCents * share);
  const currentDiscounts = Math.round(order.discountCents * share);
  const customer = order.customerId === null ? undefined : data.customerById.get(order.customerId);
  const fulfilled = fulfillmentStatus(order);
  const lineItems = order.lineItems.map((l) => {
    const lineId = toShopifyId('lineItem', l.id);
    const open = l.quantity - l.quantityShipped - l.quantityRefunded;
    return {
      id: lineId,
      admin_graphql_api_id: gid('LineItem', lineId),
      current_quantity: l.quantity - l.quantityRefunded,
      fulfillable_quantity: order.cancelledAt === null ? Math.max(0, open) : 0,
      fulfillment_service: 'manual',
      fulfillment_status: l.quantityShipped === 0 ? null : l.quantityShipped >= l.quantity ? 'fulfilled' : 'partial',
      gift_card: false,
      grams: l.grams,
      name: l.variantTitle === null ? l.title : `${l.title} - ${l.variantTitle}`,
      price: money(l.priceCents),
      price_set: moneySet(l.priceCents, c),
      product_exists: true,
      product_id: toShopifyId('product', l.productId),
      properties: [],
      quantity: l.quantity,
      requires_shipping: l.grams > 0,
      sku: l.sku,
      taxable: true,
      title: l.title,
      total_discount: '0.00',
      total_discount_set: moneySet(0, c),
      variant_id: toShopifyId('variant', l.variantId),
      variant_inventory_management: 'shopify',
      variant_title: l.variantTitle,
      vendor: l.vendor,
      tax_lines:
        order.taxRate === 0
          ? []
          : [{ channel_liable: false, price: money(l.taxCents), price_set: moneySet(l.taxCents, c), rate: order.taxRate, title: 'Sales Tax' }],
      duties: [],
      discount_allocations:
        l.discountCents === 0 ? [] : [{ amount: money(l.discountCents), amount_set: moneySet(l.discountCents, c), discount_application_index: 0 }],
    };
  });
  const shipped = order.lineItems.filter((l) => l.quantityShipped > 0);
  return {
    id,
    admin_graphql_api_id: gid('Order', id),
    app_id: 580111,
    browser_ip: order.browserIp,
    buyer_accepts_marketing: customer?.acceptsMarketing ?? false,
    cancel_reason: order.cancelReason,
    cancelled_at: ts(ctx, order.cancelledAt),
    cart_token: `c1-sim${String(order.id).padStart(10, '0')}`,
    checkout_id: toShopifyId('order', order.id) + 1_000_000_000,
    checkout_token: `sim${String(order.id).padStart(16, '0')}`,
    client_details: { accept_language: 'en-US', browser_ip: order.browserIp, user_agent: 'Mozilla/5.0 (Simulator)' },
    closed_at: ts(ctx, order.closedAt),
    confirmation_number: `SIM${String(order.id).padStart(6, '0')}`,
    confirmed: order.lifecycle !== 'draft',
    contact_email: order.email,
    created_at: ts(ctx, order.createdAt),
    currency: c,
    current_subtotal_price: money(currentSubtotal),
    current_subtotal_price_set: moneySet(currentSubtotal, c),
    current_total_discounts: money(currentDiscounts),
    current_total_discounts_set: moneySet(currentDiscounts, c),
    current_total_price: money(currentTotal),
    current_total_price_set: moneySet(currentTotal, c),
    current_total_tax: money(currentTax),
    current_total_tax_set: moneySet(currentTax, c),
    customer_locale: 'en',
    discount_codes: order.discountCode === null ? [] : [{ code: order.discountCode, amount: money(order.discountCents), type: 'percentage' }],
    email: order.email,
    estimated_taxes: false,
    financial_status: financialStatus(order),
    fulfillment_status: fulfilled,
    landing_site: '/',
    location_id: null,
    name: `#${order.number}`,
    note: order.note,
    note_attributes: [],
    number: order.number - 1000,
    order_number: order.number,
    order_status_url: `https://${ctx.shopDomain}/${id}/orders/${String(id).slice(-8)}/authenticate?key=sim`,
    payment_gateway_names: [order.paymentMethod === 'PayPal' ? 'paypal' : 'shopify_payments'],
    phone: order.phone,
    presentment_currency: c,
    processed_at: ts(ctx, order.processedAt),
    reference: null,
    referring_site: order.sourceName === 'web' ? 'https://www.google.com/' : '',
    source_name: order.sourceName,
    subtotal_price: money(order.subtotalCents),
    subtotal_price_set: moneySet(order.subtotalCents, c),
    tags: order.tags.join(', '),
    tax_exempt: customer?.taxExempt ?? false,
    tax_lines:
      order.taxRate === 0
        ? []
        : [{ price: money(order.taxCents), rate: order.taxRate, title: 'Sales Tax', price_set: moneySet(order.taxCents, c), channel_liable: false }],
    taxes_included: false,
    test: false,
    token: `sim${String(order.id).padStart(12, '0')}`,
    total_discounts: money(order.discountCents),
    total_discounts_set: moneySet(order.discountCents, c),
    total_line_items_price: money(lineTotal),
    total_line_items_price_set: moneySet(lineTotal, c),
    total_outstanding: money(outstandingCents(order)),
    total_price: money(order.totalCents),
    total_price_set: moneySet(order.totalCents, c),
    total_shipping_price_set: moneySet(order.shippingCents, c),
    total_tax: money(order.taxCents),
    total_tax_set: moneySet(order.taxCents, c),
    total_tip_received: '0.00',
    total_weight: order.lineItems.reduce((s, l) => s + l.grams * l.quantity, 0),
    updated_at: ts(ctx, order.updatedAt),
    user_id: null,
    billing_address: renderOrderAddress(order.billingAddress),
    // Guest orders carry no customer.
    ...(customer ? { customer: renderCustomerCore(ctx, customer) } : {}),
    discount_applications:
      order.discountCode === null
        ? []
        : [
            {
              target_type: 'line_item',
              type: 'discount_code',
              value: '10.0',
              value_type: 'percentage',
              allocation_method: 'across',
              target_selection: 'all',
              code: order.discountCode,
            },
          ],
    fulfillments:
      shipped.length === 0 || order.shippedAt === null
        ? []
        : [
            {
              id: toShopifyId('fulfillment', order.id),
              admin_graphql_api_id: gid('Fulfillment', toShopifyId('fulfillment', order.id)),
              created_at: ts(ctx, order.shippedAt),
              location_id: toShopifyId('location', 1),
              name: `#${order.number}.1`,
              order_id: id,
              service: 'manual',
              shipment_status: null,
              status: 'success',
              tracking_company: 'UPS',
              tracking_number: `1Z${String(order.id).padStart(16, '0')}`,
              tracking_numbers: [`1Z${String(order.id).padStart(16, '0')}`],
              tracking_url: `https://www.ups.com/track?tracknum=1Z${String(order.id).padStart(16, '0')}`,
              tracking_urls: [`https://www.ups.com/track?tracknum=1Z${String(order.id).padStart(16, '0')}`],
              updated_at: ts(ctx, order.shippedAt),
              line_items: lineItems.filter((l) => shipped.some((s) => toShopifyId('lineItem', s.id) === l.id)),
            },
          ],
    line_items: lineItems,
    payment_terms: null,
    refunds: [],
    shipping_address: order.shippingAddress === null ? null : renderOrderAddress(order.shippingAddress),
    shipping_lines: [
      {
        id: toShopifyId('shippingLine', order.id),
        carrier_identifier: null,
        code: order.shippingMethod.code,
        discounted_price: money(order.shippingCents),
        discounted_price_set: moneySet(order.shippingCents, c),
        phone: null,
        price: money(order.shippingCents),
        price_set: moneySet(order.shippingCents, c),
        source: 'shopify',
        title: order.shippingMethod.title,
        tax_lines: [],
        discount_allocations: [],
      },
    ],
  };
}
