/**
 * The store → Shopify `GET /shop.json` body (shopify.md §7 Shop), in the shop's zone.
 */
import type { StoreDataset } from '../../simulator-kit/dataset.js';
import { ts, type RenderContext } from './render-catalog.js';

export function renderShop(ctx: RenderContext, data: StoreDataset, shopId: number, primaryLocationId: number): Record<string, unknown> {
  const s = data.store;
  return {
    id: shopId,
    name: s.name,
    email: s.email,
    domain: ctx.shopDomain,
    province: s.place.province,
    country: s.place.countryCode,
    address1: s.address1,
    zip: s.place.zip,
    city: s.place.city,
    source: null,
    phone: s.phone,
    latitude: s.place.latitude,
    longitude: s.place.longitude,
    primary_locale: 'en',
    address2: '',
    created_at: ts(ctx, s.createdAt),
    updated_at: ts(ctx, s.updatedAt),
    country_code: s.place.countryCode,
    country_name: s.place.country,
    currency: s.currency,
    customer_email: s.email,
    timezone: timezoneLabel(ctx.timezone, s.updatedAt),
    iana_timezone: ctx.timezone,
    shop_owner: `${s.ownerFirstName} ${s.ownerLastName}`,
    money_format: '${{amount}}',
    money_with_currency_format: `\${{amount}} ${s.currency}`,
    weight_unit: s.weightUnit,
    province_code: s.place.provinceCode,
    taxes_included: false,
    auto_configure_tax_inclusivity: null,
    tax_shipping: null,
    county_taxes: true,
    plan_display_name: 'Basic',
    plan_name: 'basic',
    has_discounts: true,
    has_gift_cards: false,
    myshopify_domain: ctx.shopDomain,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: '${{amount}}',
    money_with_currency_in_emails_format: `\${{amount}} ${s.currency}`,
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: false,
    has_storefront: true,
    finances: true,
    primary_location_id: primaryLocationId,
    checkout_api_supported: true,
    multi_location_enabled: true,
    setup_required: false,
    pre_launch_enabled: false,
    enabled_presentment_currencies: [s.currency],
    transactional_sms_disabled: false,
    marketing_sms_consent_enabled_at_checkout: false,
  };
}

/** "(GMT-05:00) America/New_York": Shopify shows the standard offset and a zone label. */
function timezoneLabel(timezone: string, at: number): string {
  const iso = ts({ timezone } as RenderContext, at);
  return `(GMT${iso.slice(19)}) ${timezone}`;
}
