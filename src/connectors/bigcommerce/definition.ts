/**
 * BigCommerce REST as data (../shared/platforms/bigcommerce.md): one host serving Catalog
 * and Customers V3 (`{data, meta}`) and Store and Orders V2 (bare JSON), the X-Auth-Token
 * header, the paging each family uses, the store-wide 150-per-30-seconds quota and the
 * endpoints the connector uses.
 */
import type { ConnectorDefinition } from '../common/definition.js';

export const BIGCOMMERCE: ConnectorDefinition = {
  platform: 'bigcommerce',
  label: 'BigCommerce',
  docs: 'shared/platforms/bigcommerce.md',
  // §1: versioned only by the v2/v3 path segment.
  apiVersion: 'v3 catalog and customers, v2 store and orders',
  baseUrl: { template: 'https://api.bigcommerce.com/stores/{store_hash}', example: 'https://api.bigcommerce.com/stores/abc123' },
  connection: [
    { name: 'store_hash', description: 'The permanent store hash from the API path.', pattern: '^[a-z0-9]+$', secret: false },
    { name: 'access_token', description: 'API account or app access token.', secret: true },
  ],
  // §2: X-Auth-Token on every request (X-Auth-Client is not needed); maps onto the `header` strategy.
  auth: { strategy: 'header', settings: { name: 'X-Auth-Token', template: '{access_token}' }, credentialFields: ['access_token'] },
  // §1, §10.13: V2 may pick another format without it.
  headers: { Accept: 'application/json' },
  // §7: integers everywhere.
  idPattern: '^[0-9]{1,10}$',
  paging: {
    // §4 V3: page/limit with meta.pagination; used for category trees.
    v3: { kind: 'page', pageParam: 'page', limitParam: 'limit', totalPath: 'meta.pagination.total', defaultSize: 50, maxSize: 250 },
    // Products by id:greater (§3): stable while records change between pages.
    v3_keyset: { kind: 'keyset', afterParam: 'id:greater', inclusive: false, sort: { sort: 'id', direction: 'asc' }, limitParam: 'limit', defaultSize: 50, maxSize: 250 },
    // §4 V3 customers: after={end_cursor}.
    v3_cursor: {
      kind: 'cursor',
      afterParam: 'after',
      blockPath: 'meta.cursor_pagination',
      endCursor: 'end_cursor',
      nextLink: 'links.next',
      limitParam: 'limit',
      defaultSize: 50,
      maxSize: 250,
    },
    // §4 V2: bare arrays, no totals, 204 when empty [U]; orders walk by min_id.
    v2: { kind: 'page', pageParam: 'page', limitParam: 'limit', emptyStatus: 204, defaultSize: 50, maxSize: 250 },
    v2_keyset: { kind: 'keyset', afterParam: 'min_id', inclusive: true, sort: { sort: 'id:asc' }, limitParam: 'limit', defaultSize: 50, maxSize: 250 },
  },
  // §5: one quota per store, shared by every app and token; 150 per 30 s on Standard and Plus.
  rateLimit: {
    model: 'fixed_window',
    quota: 150,
    windowMs: 30_000,
    per: 'store (every app and token together)',
    headers: {
      window: 'X-Rate-Limit-Time-Window-Ms',
      resetMs: 'X-Rate-Limit-Time-Reset-Ms',
      quota: 'X-Rate-Limit-Requests-Quota',
      left: 'X-Rate-Limit-Requests-Left',
      retryAfter: 'X-Retry-After',
    },
    // A sliding window of the quota never exceeds a fixed window that opens at any point.
    shield: { limits: [{ limit: 150, window: '30s' }], learn: ['bigcommerce'], scope: 'per_connection' },
  },
  endpoints: {
    store: { method: 'GET', path: '/v2/store', root: '' },
    'products.list': { method: 'GET', path: '/v3/catalog/products', root: 'data', paging: 'v3_keyset', query: { include: 'variants,images' } },
    'products.get': { method: 'GET', path: '/v3/catalog/products/{id}', root: 'data', query: { include: 'variants,images' } },
    'products.update': { method: 'PUT', path: '/v3/catalog/products/{id}', root: 'data' },
    'variants.update': { method: 'PUT', path: '/v3/catalog/products/{product_id}/variants/{id}', root: 'data' },
    'variants.list': { method: 'GET', path: '/v3/catalog/variants', root: 'data', paging: 'v3' },
    'categories.list': { method: 'GET', path: '/v3/catalog/trees/categories', root: 'data', paging: 'v3' },
    'orders.list': { method: 'GET', path: '/v2/orders', root: '', paging: 'v2_keyset' },
    'orders.count': { method: 'GET', path: '/v2/orders/count', root: 'count' },
    'orders.get': { method: 'GET', path: '/v2/orders/{id}', root: '' },
    'orders.products': { method: 'GET', path: '/v2/orders/{id}/products', root: '', paging: 'v2' },
    'orders.shipping_addresses': { method: 'GET', path: '/v2/orders/{id}/shipping_addresses', root: '', paging: 'v2' },
    'customers.list': { method: 'GET', path: '/v3/customers', root: 'data', paging: 'v3_cursor', query: { include: 'addresses' } },
  },
};
