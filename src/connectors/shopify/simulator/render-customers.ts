/**
 * Neutral customers and addresses → Shopify Admin REST 2024-04 shapes (shopify.md §7):
 * email marketing consent instead of the retired `accepts_marketing`, empty company and
 * phone as null, as in the §8 examples.
 */
import type { StoreAddress, StoreCustomer } from '../../simulator-kit/dataset.js';
import { gid, toShopifyId } from './ids.js';
import { money, ts, type RenderContext } from './render-catalog.js';

export function renderOrderAddress(address: StoreAddress): Record<string, unknown> {
  return {
    first_name: address.firstName,
    address1: address.address1,
    phone: address.phone === '' ? null : address.phone,
    city: address.city,
    zip: address.zip,
    province: address.province,
    country: address.country,
    last_name: address.lastName,
    address2: address.address2,
    company: address.company === '' ? null : address.company,
    latitude: address.latitude,
    longitude: address.longitude,
    name: `${address.firstName} ${address.lastName}`,
    country_code: address.countryCode,
    province_code: address.provinceCode,
  };
}

export function renderCustomerAddress(customer: StoreCustomer, address: StoreAddress): Record<string, unknown> {
  return {
    id: toShopifyId('customerAddress', address.id),
    customer_id: toShopifyId('customer', customer.id),
    first_name: address.firstName,
    last_name: address.lastName,
    company: address.company === '' ? null : address.company,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    province: address.province,
    country: address.country,
    zip: address.zip,
    phone: address.phone === '' ? null : address.phone,
    name: `${address.firstName} ${address.lastName}`,
    province_code: address.provinceCode,
    country_code: address.countryCode,
    country_name: address.country,
    default: address.isDefault,
  };
}

function consent(customer: StoreCustomer, ctx: RenderContext): Record<string, unknown> {
  return {
    state: customer.acceptsMarketing ? 'subscribed' : 'not_subscribed',
    opt_in_level: customer.acceptsMarketing ? 'single_opt_in' : null,
    consent_updated_at: customer.acceptsMarketing ? ts(ctx, customer.createdAt) : null,
  };
}

/** The customer as embedded in an order: since 2022-04 without orders_count/total_spent/last_order_* (§10.13). */
export function renderCustomerCore(ctx: RenderContext, customer: StoreCustomer): Record<string, unknown> {
  const id = toShopifyId('customer', customer.id);
  const addresses = customer.addresses.map((a) => renderCustomerAddress(customer, a));
  return {
    id,
    email: customer.email,
    created_at: ts(ctx, customer.createdAt),
    updated_at: ts(ctx, customer.updatedAt),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: customer.state,
    note: customer.note,
    verified_email: customer.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: customer.taxExempt,
    phone: customer.phone,
    email_marketing_consent: consent(customer, ctx),
    sms_marketing_consent: {
      state: 'not_subscribed',
      opt_in_level: 'single_opt_in',
      consent_updated_at: ts(ctx, customer.createdAt),
      consent_collected_from: 'OTHER',
    },
    tags: customer.tags.join(', '),
    currency: ctx.currency,
    tax_exemptions: [],
    admin_graphql_api_id: gid('Customer', id),
    default_address: addresses.find((a) => a.default === true) ?? addresses[0],
  };
}

export function renderCustomer(ctx: RenderContext, customer: StoreCustomer): Record<string, unknown> {
  const core = renderCustomerCore(ctx, customer);
  return {
    ...core,
    orders_count: customer.ordersCount,
    total_spent: money(customer.totalSpentCents),
    last_order_id: customer.lastOrderId === null ? null : toShopifyId('order', customer.lastOrderId),
    last_order_name: customer.lastOrderId === null ? null : `#${1000 + customer.lastOrderId}`,
    addresses: customer.addresses.map((a) => renderCustomerAddress(customer, a)),
  };
}
