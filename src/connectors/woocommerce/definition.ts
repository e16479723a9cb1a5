/**
 * WooCommerce REST API wc/v3 as data (../shared/platforms/woocommerce.md): the site URL,
 * OAuth 1.0a one-legged signing with the consumer key and secret, offset paging with the
 * `X-WP-Total` header, no platform rate limit (so a budget of the connector's own) and the
 * endpoints the connector uses. Paths spell the namespace out: a `{version}` placeholder
 * is URI-encoded, and `wc/v3` holds a slash.
 */
import type { ConnectorDefinition } from '../common/definition.js';

export const WOOCOMMERCE: ConnectorDefinition = {
  platform: 'woocommerce',
  label: 'WooCommerce',
  docs: 'shared/platforms/woocommerce.md',
  // §1: versioned by namespace only.
  apiVersion: 'wc/v3',
  // §1: https://{store-host}{/optional-subdir}/wp-json/wc/v3/{resource}; pretty permalinks on.
  baseUrl: { template: '{site_url}', example: 'https://shop.example.com' },
  connection: [
    { name: 'site_url', description: 'The WordPress site URL, without a trailing slash; the host must match the site URL exactly (§2.3).', pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*[^/\\s?#])?$', secret: false },
    { name: 'consumer_key', description: 'REST API consumer key (ck_…), read_write permission for updates.', pattern: '^ck_[A-Za-z0-9]+$', secret: true },
    { name: 'consumer_secret', description: 'Its consumer secret (cs_…).', pattern: '^cs_[A-Za-z0-9]+$', secret: true },
  ],
  // §2.3: over plain HTTP only OAuth 1.0a one-legged is checked; the signature covers every
  // query parameter, so it is computed per attempt by the hmac strategy (hmac-oauth1.ts).
  auth: {
    strategy: 'hmac',
    settings: { scheme: 'oauth1', signature_method: 'HMAC-SHA256', placement: 'query' },
    credentialFields: ['consumer_key', 'consumer_secret'],
  },
  headers: { Accept: 'application/json' },
  // §7: integer ids (WordPress post, term, user and order ids).
  idPattern: '^[1-9][0-9]{0,15}$',
  paging: {
    // §4: offset + per_page (max 100, 400 above); X-WP-Total counts the matches on every list.
    offset: { kind: 'offset', offsetParam: 'offset', limitParam: 'per_page', totalHeader: 'X-WP-Total', defaultSize: 10, maxSize: 100 },
  },
  rateLimit: {
    model: 'unpublished',
    per: 'site (host, WAF or CDN in front of WordPress)',
    // §5: wc/v3 has no limit in core; the one limit WooCommerce documents is the Store API's
    // 25 requests per 10 s, and every REST call boots WordPress on what may be a small PHP host.
    reason:
      'Two requests per second with bursts of five never exceed 25 in any 10 s (the Store API limit, §5) and keep a small host\'s PHP workers free for shoppers; a 429 from a host in front is read through Retry-After.',
    headers: { retryAfter: 'Retry-After' },
    shield: { limits: [{ rate: 2, per: '1s', burst: 5 }], learn: ['ietf', 'generic'], scope: 'per_connection' },
  },
  endpoints: {
    // WordPress core index: site name, URL and time zone ([S] §1).
    site: { method: 'GET', path: '/wp-json/', root: '' },
    'settings.general': { method: 'GET', path: '/wp-json/wc/v3/settings/general', root: '' },
    // Ids ascending: new records land at the end, so offsets stay put while a walk runs.
    'products.list': { method: 'GET', path: '/wp-json/wc/v3/products', root: '', paging: 'offset', query: { orderby: 'id', order: 'asc' } },
    'products.get': { method: 'GET', path: '/wp-json/wc/v3/products/{id}', root: '' },
    'products.update': { method: 'PUT', path: '/wp-json/wc/v3/products/{id}', root: '' },
    'variations.list': { method: 'GET', path: '/wp-json/wc/v3/products/{product_id}/variations', root: '', paging: 'offset', query: { orderby: 'id', order: 'asc' } },
    'variations.update': { method: 'PUT', path: '/wp-json/wc/v3/products/{product_id}/variations/{id}', root: '' },
    'categories.list': { method: 'GET', path: '/wp-json/wc/v3/products/categories', root: '', paging: 'offset', query: { orderby: 'id', order: 'asc' } },
    'orders.list': { method: 'GET', path: '/wp-json/wc/v3/orders', root: '', paging: 'offset', query: { orderby: 'id', order: 'asc' } },
    'orders.get': { method: 'GET', path: '/wp-json/wc/v3/orders/{id}', root: '' },
    'customers.list': { method: 'GET', path: '/wp-json/wc/v3/customers', root: '', paging: 'offset', query: { orderby: 'id', order: 'asc' } },
    'customers.get': { method: 'GET', path: '/wp-json/wc/v3/customers/{id}', root: '' },
  },
};
