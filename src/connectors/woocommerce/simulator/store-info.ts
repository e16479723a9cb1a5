/**
 * Store information (woocommerce.md §3 "Store info"): `GET /system_status` (environment and
 * settings with the currency), `GET /settings/general` (setting objects), and WordPress's
 * own `GET /wp-json/` (site name and time zone, public) and namespace index.
 */
import { zoneOffsetMinutes } from '../../simulator-kit/time-format.js';
import { NAMESPACE, type RouteContext } from './respond.js';

type Ctx = Pick<RouteContext, 'state' | 'base' | 'site'>;

const SYMBOLS: Record<string, string> = { USD: '&#36;', EUR: '&euro;', GBP: '&pound;', CAD: '&#36;' };

export function systemStatus(ctx: Ctx): Record<string, unknown> {
  const { store } = ctx.state.dataset;
  return {
    environment: {
      home_url: ctx.site,
      site_url: ctx.site,
      version: ctx.state.settings.wcVersion,
      wp_version: '6.5.3',
      wp_multisite: false,
      wp_memory_limit: 268435456,
      wp_debug_mode: false,
      wp_cron: true,
      language: 'en_US',
      server_info: 'nginx/1.24.0',
      php_version: '8.2.18',
      default_timezone: 'UTC',
      mysql_version: '8.0.36',
    },
    database: { wc_database_version: ctx.state.settings.wcVersion, database_prefix: 'wp_' },
    active_plugins: [],
    inactive_plugins: [],
    theme: { name: 'Storefront', version: '4.5.5', is_child_theme: false, has_woocommerce_support: true },
    settings: {
      api_enabled: true,
      force_ssl: false,
      currency: store.currency,
      currency_symbol: SYMBOLS[store.currency] ?? store.currency,
      currency_position: 'left',
      thousand_separator: ',',
      decimal_separator: '.',
      number_of_decimals: 2,
      geolocation_enabled: false,
      taxonomies: ['external', 'grouped', 'simple', 'variable'],
    },
    security: { secure_connection: ctx.state.settings.secure, hide_errors: true },
  };
}

function setting(ctx: Ctx, id: string, label: string, type: string, value: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    label,
    description: '',
    type,
    default: '',
    tip: '',
    value,
    ...extra,
    _links: {
      self: [{ href: `${ctx.base}/settings/general/${id}` }],
      collection: [{ href: `${ctx.base}/settings/general` }],
    },
  };
}

export function generalSettings(ctx: Ctx): Array<Record<string, unknown>> {
  const { store } = ctx.state.dataset;
  const place = store.place;
  return [
    setting(ctx, 'woocommerce_store_address', 'Address line 1', 'text', store.address1),
    setting(ctx, 'woocommerce_store_address_2', 'Address line 2', 'text', ''),
    setting(ctx, 'woocommerce_store_city', 'City', 'text', place.city),
    setting(ctx, 'woocommerce_default_country', 'Country / State', 'select', `${place.countryCode}:${place.provinceCode}`, {
      options: { [`${place.countryCode}:${place.provinceCode}`]: `${place.country} — ${place.province}` },
    }),
    setting(ctx, 'woocommerce_store_postcode', 'Postcode / ZIP', 'text', place.zip),
    setting(ctx, 'woocommerce_currency', 'Currency', 'select', store.currency, { options: { [store.currency]: store.currency } }),
    setting(ctx, 'woocommerce_currency_pos', 'Currency position', 'select', 'left', { options: { left: 'Left', right: 'Right' } }),
    setting(ctx, 'woocommerce_price_thousand_sep', 'Thousand separator', 'text', ','),
    setting(ctx, 'woocommerce_price_decimal_sep', 'Decimal separator', 'text', '.'),
    setting(ctx, 'woocommerce_price_num_decimals', 'Number of decimals', 'number', '2'),
  ];
}

/** `GET /wp-json/` (WordPress core, no auth; §1 [S]). */
export function siteIndex(ctx: Ctx): Record<string, unknown> {
  const { store } = ctx.state.dataset;
  const offset = zoneOffsetMinutes(ctx.state.clock.now(), store.timezone) / 60;
  return {
    name: store.name,
    description: 'Just another WordPress site',
    url: ctx.site,
    home: ctx.site,
    gmt_offset: offset,
    timezone_string: store.timezone,
    namespaces: ['oembed/1.0', 'wc/v1', 'wc/v2', 'wc/v3', 'wc/store/v1', 'wp/v2'],
    authentication: [],
    routes: {},
  };
}

/** `GET /wp-json/wc/v3`: the namespace and its routes (§1). */
export function namespaceIndex(ctx: Ctx, patterns: readonly RegExp[]): Record<string, unknown> {
  const routes: Record<string, unknown> = {};
  for (const p of patterns) {
    const path = `/wc/v3${p.source.slice(1, -1).replace(/\\\//g, '/').replace(/\(\\d\+\)/g, '(?P<id>[\\d]+)')}`;
    routes[path] = { namespace: 'wc/v3' };
  }
  return { namespace: 'wc/v3', routes, _links: { up: [{ href: `${ctx.site}/wp-json/` }] }, self: `${ctx.site}${NAMESPACE}` };
}
