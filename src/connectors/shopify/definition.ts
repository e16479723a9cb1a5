/**
 * Shopify Admin REST API 2024-04 as data (../shared/platforms/shopify.md): base URL, the
 * access-token header, Link/page_info paging, the 40-request leaky bucket and the endpoints
 * the connector uses. Paths keep `{version}` so the version is stated once.
 */
import type { ConnectorDefinition } from '../common/definition.js';

export const SHOPIFY: ConnectorDefinition = {
  platform: 'shopify',
  label: 'Shopify',
  docs: 'shared/platforms/shopify.md',
  apiVersion: '2024-04',
  // §1: https://{shop}.myshopify.com/admin/api/{version}/{resource}.json
  baseUrl: { template: 'https://{shop}.myshopify.com', example: 'https://trail-supply.myshopify.com' },
  connection: [
    { name: 'shop', description: 'The *.myshopify.com subdomain.', pattern: '^[a-z0-9][a-z0-9-]*$', secret: false },
    { name: 'access_token', description: 'Admin API access token (shpat_…), opaque.', secret: true },
  ],
  // §2: X-Shopify-Access-Token on every request; maps onto the `header` credential strategy.
  auth: { strategy: 'header', settings: { name: 'X-Shopify-Access-Token', template: '{access_token}' }, credentialFields: ['access_token'] },
  headers: { Accept: 'application/json' },
  // §7: unsigned 64-bit integers.
  idPattern: '^[0-9]{1,20}$',
  paging: {
    // §4: cursor in the Link header; a request with page_info may carry only limit and fields.
    link: { kind: 'link', limitParam: 'limit', cursorParam: 'page_info', relNext: 'next', allowedWithCursor: ['limit', 'fields'], defaultSize: 50, maxSize: 250 },
  },
  // §5: bucket 40, leaking 2/s, per app and store; every request costs 1.
  rateLimit: {
    model: 'leaky_bucket',
    capacity: 40,
    leakPerSecond: 2,
    per: 'app and store (one connection)',
    headers: { callLimit: 'X-Shopify-Shop-Api-Call-Limit', retryAfter: 'Retry-After' },
    shield: { limits: [{ rate: 2, per: '1s', burst: 40 }], learn: ['shopify'], scope: 'per_connection' },
  },
  endpoints: {
    shop: { method: 'GET', path: '/admin/api/{version}/shop.json', root: 'shop' },
    'products.list': { method: 'GET', path: '/admin/api/{version}/products.json', root: 'products', paging: 'link' },
    'products.count': { method: 'GET', path: '/admin/api/{version}/products/count.json', root: 'count' },
    'products.get': { method: 'GET', path: '/admin/api/{version}/products/{id}.json', root: 'product' },
    'products.update': { method: 'PUT', path: '/admin/api/{version}/products/{id}.json', root: 'product' },
    'collects.list': { method: 'GET', path: '/admin/api/{version}/collects.json', root: 'collects', paging: 'link' },
    'custom_collections.list': { method: 'GET', path: '/admin/api/{version}/custom_collections.json', root: 'custom_collections', paging: 'link' },
    'smart_collections.list': { method: 'GET', path: '/admin/api/{version}/smart_collections.json', root: 'smart_collections', paging: 'link' },
    'inventory_levels.list': { method: 'GET', path: '/admin/api/{version}/inventory_levels.json', root: 'inventory_levels', paging: 'link' },
    'inventory_levels.set': { method: 'POST', path: '/admin/api/{version}/inventory_levels/set.json', root: 'inventory_level' },
    'orders.list': { method: 'GET', path: '/admin/api/{version}/orders.json', root: 'orders', paging: 'link' },
    'orders.count': { method: 'GET', path: '/admin/api/{version}/orders/count.json', root: 'count' },
    'orders.get': { method: 'GET', path: '/admin/api/{version}/orders/{id}.json', root: 'order' },
    'customers.list': { method: 'GET', path: '/admin/api/{version}/customers.json', root: 'customers', paging: 'link' },
    'customers.count': { method: 'GET', path: '/admin/api/{version}/customers/count.json', root: 'count' },
    'customers.get': { method: 'GET', path: '/admin/api/{version}/customers/{id}.json', root: 'customer' },
  },
};
