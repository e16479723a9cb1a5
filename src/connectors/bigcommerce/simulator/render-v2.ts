/**
 * Neutral orders and the store → BigCommerce V2 shapes (bigcommerce.md §7, §8): bare objects
 * and arrays, money as strings with 4 decimals, RFC 2822 dates ("" when unset), and link
 * objects instead of embedded line items, shipping addresses and coupons (§10.4).
 */
import type { StoreAddress, StoreDataset, StoreLineItem, StoreOrder } from '../../simulator-kit/dataset.js';
import { formatRfc2822, zoneOffsetMinutes } from '../../simulator-kit/time-format.js';
import { ounces } from './render-v3.js';
import { ORDER_STATUSES, paymentStatus, statusId } from './order-status.js';
import { toBcId, type BigCommerceSimulatorState } from './state.js';

/** "38.0000" (§10.1). */
export const money4 = (cents: number): string => (cents / 100).toFixed(4);

const rfc = (ms: number | null): string => (ms === null ? '' : formatRfc2822(ms));

function link(state: BigCommerceSimulatorState, origin: string, resource: string): { url: string; resource: string } {
  return { url: `${origin}/stores/${state.settings.storeHash}/v2${resource}`, resource };
}

export function renderBillingAddress(address: StoreAddress, email: string): Record<string, unknown> {
  return {
    first_name: address.firstName,
    last_name: address.lastName,
    company: address.company,
    street_1: address.address1,
    street_2: address.address2,
    city: address.city,
    state: address.province,
    zip: address.zip,
    country: address.country,
    country_iso2: address.countryCode,
    phone: address.phone,
    email,
    form_fields: [],
  };
}

export function renderOrder(state: BigCommerceSimulatorState, order: StoreOrder, origin: string): Record<string, unknown> {
  const id = toBcId('order', order.id);
  const status = statusId(state, order);
  const name = ORDER_STATUSES[status]?.name ?? 'Pending';
  const subtotalEx = order.subtotalCents + order.discountCents;
  const totalEx = order.subtotalCents + order.shippingCents;
  const items = order.lineItems.reduce((s, l) => s + l.quantity, 0);
  const shipped = order.lineItems.reduce((s, l) => s + l.quantityShipped, 0);
  const refunded = status === 4 ? order.totalCents : order.refundedCents;
  const customer = order.customerId === null ? undefined : state.dataset.customerById.get(order.customerId);
  return {
    id,
    customer_id: order.customerId === null ? 0 : toBcId('customer', order.customerId),
    date_created: rfc(order.createdAt),
    date_modified: rfc(order.updatedAt),
    date_shipped: status === 2 || status === 10 || status === 14 ? rfc(order.shippedAt) : '',
    status_id: status,
    status: name,
    subtotal_ex_tax: money4(subtotalEx),
    subtotal_inc_tax: money4(subtotalEx + order.taxCents),
    subtotal_tax: money4(order.taxCents),
    base_shipping_cost: money4(order.shippingCents),
    shipping_cost_ex_tax: money4(order.shippingCents),
    shipping_cost_inc_tax: money4(order.shippingCents),
    shipping_cost_tax: money4(0),
    shipping_cost_tax_class_id: 2,
    base_handling_cost: money4(0),
    handling_cost_ex_tax: money4(0),
    handling_cost_inc_tax: money4(0),
    handling_cost_tax: money4(0),
    handling_cost_tax_class_id: 2,
    base_wrapping_cost: money4(0),
    wrapping_cost_ex_tax: money4(0),
    wrapping_cost_inc_tax: money4(0),
    wrapping_cost_tax: money4(0),
    wrapping_cost_tax_class_id: 3,
    total_ex_tax: money4(totalEx),
    total_inc_tax: money4(totalEx + order.taxCents),
    total_tax: money4(order.taxCents),
    items_total: items,
    items_shipped: shipped,
    payment_method: order.paymentMethod,
    payment_provider_id: status === 0 ? '' : `ch_${String(order.id).padStart(8, '0')}`,
    payment_status: paymentStatus(status),
    refunded_amount: money4(refunded),
    order_is_digital: order.shippingAddress === null,
    store_credit_amount: money4(0),
    gift_certificate_amount: money4(0),
    ip_address: order.browserIp,
    ip_address_v6: '',
    geoip_country: order.billingAddress.country,
    geoip_country_iso2: order.billingAddress.countryCode,
    currency_id: 1,
    currency_code: order.currency,
    currency_exchange_rate: '1.0000000000',
    default_currency_id: 1,
    default_currency_code: order.currency,
    staff_notes: '',
    customer_message: order.note ?? '',
    discount_amount: money4(order.discountCents),
    coupon_discount: money4(order.discountCode === null ? 0 : order.discountCents),
    shipping_address_count: order.shippingAddress === null ? 0 : 1,
    is_deleted: false,
    ebay_order_id: '0',
    cart_id: `00000000-0000-4000-a000-${String(order.id).padStart(12, '0')}`,
    billing_address: renderBillingAddress(order.billingAddress, order.email),
    is_email_opt_in: customer?.acceptsMarketing ?? false,
    credit_card_type: null,
    order_source: order.sourceName === 'api' ? 'external' : order.sourceName === 'pos' ? 'manual' : 'www',
    channel_id: 1,
    external_source: null,
    // The documented route is /shipping_addresses; the spec's link objects spell it without the underscore (§10.4).
    products: link(state, origin, `/orders/${id}/products`),
    shipping_addresses: link(state, origin, `/orders/${id}/shippingaddresses`),
    coupons: link(state, origin, `/orders/${id}/coupons`),
    external_id: null,
    external_merchant_id: null,
    tax_provider_id: 'BasicTaxProvider',
    customer_locale: 'en',
    external_order_id: '',
    store_default_currency_code: order.currency,
    store_default_to_transactional_exchange_rate: '1.0000000000',
    custom_status: name,
    is_tax_inclusive_pricing: false,
    fees: [],
  };
}

export function renderOrderProduct(state: BigCommerceSimulatorState, order: StoreOrder, line: StoreLineItem): Record<string, unknown> {
  const each = line.priceCents;
  const tax = line.quantity === 0 ? 0 : Math.round(line.taxCents / line.quantity);
  const product = state.dataset.productById.get(line.productId);
  const total = each * line.quantity;
  return {
    id: toBcId('orderProduct', line.id),
    order_id: toBcId('order', order.id),
    product_id: toBcId('product', line.productId),
    variant_id: toBcId('variant', line.variantId),
    order_pickup_method_id: 0,
    order_address_id: order.shippingAddress === null ? 0 : toBcId('order', order.id) + 10_000,
    name: line.title,
    name_customer: line.title,
    name_merchant: line.title,
    sku: line.sku,
    upc: '',
    type: product?.kind ?? 'physical',
    base_price: money4(each),
    price_ex_tax: money4(each),
    price_inc_tax: money4(each + tax),
    price_tax: money4(tax),
    base_total: money4(total),
    total_ex_tax: money4(total),
    total_inc_tax: money4(total + line.taxCents),
    total_tax: money4(line.taxCents),
    weight: String(ounces(line.grams)),
    width: '0.0000',
    height: '0.0000',
    depth: '0.0000',
    quantity: line.quantity,
    base_cost_price: money4(0),
    cost_price_inc_tax: money4(0),
    cost_price_ex_tax: money4(0),
    cost_price_tax: money4(0),
    is_refunded: line.quantityRefunded >= line.quantity,
    quantity_refunded: line.quantityRefunded,
    refund_amount: money4(line.quantityRefunded * each),
    return_id: 0,
    wrapping_id: 0,
    wrapping_name: null,
    base_wrapping_cost: money4(0),
    wrapping_cost_ex_tax: money4(0),
    wrapping_cost_inc_tax: money4(0),
    wrapping_cost_tax: money4(0),
    wrapping_message: '',
    quantity_shipped: line.quantityShipped,
    event_name: null,
    event_date: null,
    fixed_shipping_cost: money4(0),
    ebay_item_id: '',
    ebay_transaction_id: '',
    option_set_id: null,
    parent_order_product_id: null,
    is_bundled_product: false,
    bin_picking_number: '',
    external_id: null,
    brand: line.vendor,
    applied_discounts:
      line.discountCents === 0 ? [] : [{ id: 'coupon', amount: money4(line.discountCents), name: 'SAVE10', code: 'SAVE10', target: 'order' }],
    product_options: line.optionValues.map((o, k) => ({
      id: line.id * 10 + k,
      option_id: toBcId('option', line.productId * 3 + k),
      order_product_id: toBcId('orderProduct', line.id),
      product_option_id: toBcId('option', line.productId * 3 + k),
      display_name: o.name,
      display_value: o.value,
      value: o.value,
      type: 'Multiple choice',
      name: o.name,
      display_style: 'Rectangle',
    })),
    configurable_fields: [],
    gift_certificate_id: null,
    discounted_total_inc_tax: money4(total - line.discountCents + line.taxCents),
  };
}

export function renderShippingAddress(
  state: BigCommerceSimulatorState,
  order: StoreOrder,
  address: StoreAddress,
  origin: string,
): Record<string, unknown> {
  const id = toBcId('order', order.id);
  const items = order.lineItems.reduce((s, l) => s + l.quantity, 0);
  return {
    id: id + 10_000,
    order_id: id,
    ...renderBillingAddress(address, order.email),
    items_total: items,
    items_shipped: order.lineItems.reduce((s, l) => s + l.quantityShipped, 0),
    shipping_method: order.shippingMethod.title,
    base_cost: money4(order.shippingCents),
    cost_ex_tax: money4(order.shippingCents),
    cost_inc_tax: money4(order.shippingCents),
    cost_tax: money4(0),
    cost_tax_class_id: 2,
    base_handling_cost: money4(0),
    handling_cost_ex_tax: money4(0),
    handling_cost_inc_tax: money4(0),
    handling_cost_tax: money4(0),
    handling_cost_tax_class_id: 2,
    shipping_zone_id: 1,
    shipping_zone_name: address.country,
    shipping_quotes: link(state, origin, `/orders/${id}/shipping_addresses/${id + 10_000}/shipping_quotes`),
  };
}

export function renderStore(data: StoreDataset, storeHash: string): Record<string, unknown> {
  const s = data.store;
  return {
    id: storeHash,
    account_uuid: `00000000-0000-4000-b000-${String(data.seed).padStart(12, '0')}`,
    domain: `${s.handle}.example.com`,
    secure_url: `https://${s.handle}.example.com`,
    control_panel_base_url: `https://store-${storeHash}.mybigcommerce.com`,
    status: 'live',
    name: s.name,
    first_name: s.ownerFirstName,
    last_name: s.ownerLastName,
    address: `${s.address1}\n${s.place.city}, ${s.place.province} ${s.place.zip}`,
    country: s.place.country,
    country_code: s.place.countryCode,
    phone: s.phone,
    admin_email: s.email,
    order_email: s.email,
    favicon_url: `https://cdn11.bigcommerce.com/s-${storeHash}/product_images/favicon.ico`,
    timezone: {
      name: s.timezone,
      // Seconds east of UTC in winter and in summer.
      raw_offset: zoneOffsetMinutes(Date.UTC(2025, 0, 15), s.timezone) * 60,
      dst_offset: zoneOffsetMinutes(Date.UTC(2025, 6, 15), s.timezone) * 60,
      dst_correction: zoneOffsetMinutes(Date.UTC(2025, 0, 15), s.timezone) !== zoneOffsetMinutes(Date.UTC(2025, 6, 15), s.timezone),
      date_format: { display: 'jS M Y', export: 'M jS Y', extended_display: 'M jS Y @ g:i A' },
    },
    language: 'en',
    currency: s.currency,
    currency_symbol: '$',
    decimal_separator: '.',
    thousands_separator: ',',
    decimal_places: 2,
    currency_symbol_location: 'left',
    weight_units: 'Ounces',
    dimension_units: 'Inches',
    dimension_decimal_places: '2',
    dimension_decimal_token: '.',
    dimension_thousands_token: ',',
    plan_name: 'Standard',
    plan_level: 'Standard',
    plan_is_trial: false,
    industry: 'Home & Garden',
    logo: { url: '' },
    is_price_entered_with_tax: false,
    store_id: 1_000_000 + data.seed,
    default_channel_id: 1,
    default_site_id: 1000,
    active_comparison_modules: [],
    features: {
      stencil_enabled: true,
      sitewidehttps_enabled: true,
      facebook_catalog_id: '',
      checkout_type: 'optimized',
      wishlists_enabled: true,
      graphql_storefront_api_enabled: true,
      shopper_consent_tracking_enabled: false,
      multi_storefront_enabled: false,
    },
  };
}
