/**
 * Magento 2 / Adobe Commerce REST V1 as data (../shared/platforms/magento2.md): the store's
 * base URL, a bearer token, searchCriteria paging with `total_count`, no platform rate
 * limit (so a budget of the connector's own) and the endpoints the connector uses. Reads go
 * to the default store view (`/rest/V1`), writes to the admin scope (`/rest/all/V1`).
 */
import type { ConnectorDefinition } from '../common/definition.js';

export const MAGENTO2: ConnectorDefinition = {
  platform: 'magento2',
  label: 'Magento',
  docs: 'shared/platforms/magento2.md',
  // §1: route paths are /V1/… in every module's webapi.xml; 2.4.x is what §4 describes.
  apiVersion: 'V1 (2.4)',
  baseUrl: { template: '{base_url}', example: 'https://shop.example.com' },
  connection: [
    { name: 'base_url', description: 'The store\'s base URL, without /rest and without a trailing slash.', pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*[^/\\s?#])?$', secret: false },
    {
      name: 'token',
      description: 'An admin token (POST /V1/integration/admin/token, valid 4 hours) or an integration access token where bearer use is allowed (§2).',
      secret: true,
    },
  ],
  // §2: `Authorization: Bearer <token>` for admin tokens and, when enabled, integration tokens.
  auth: { strategy: 'bearer', settings: {}, credentialFields: ['token'] },
  // §1: JSON unless Accept asks for XML.
  headers: { Accept: 'application/json' },
  // §12: integer entity ids.
  idPattern: '^[1-9][0-9]{0,9}$',
  paging: {
    // §3: pageSize/currentPage (1-based) with total_count; pageSize always sent (no pageSize returns everything).
    searchCriteria: {
      kind: 'page',
      pageParam: 'searchCriteria[currentPage]',
      limitParam: 'searchCriteria[pageSize]',
      totalPath: 'total_count',
      defaultSize: 20,
      // §11: 300 is the most with Web API input limits on; 250 stays under it.
      maxSize: 250,
    },
  },
  rateLimit: {
    model: 'unpublished',
    per: 'store (a CDN or WAF in front, e.g. Fastly on Adobe Commerce Cloud [U])',
    // §11: no REST limit in core; list calls are heavy (EAV joins), so a connection keeps to a few per second.
    reason:
      'Four requests per second with bursts of eight: a 10,000-product sync (about 500 calls: pages of 250, children and stock in `in` queries of 100) takes about two minutes while one connection never crowds the store\'s PHP workers; a 429 from a CDN or WAF in front is read through Retry-After.',
    headers: { retryAfter: 'Retry-After' },
    shield: { limits: [{ rate: 4, per: '1s', burst: 8 }], learn: ['ietf', 'generic'], scope: 'per_connection' },
  },
  endpoints: {
    'store.configs': { method: 'GET', path: '/rest/V1/store/storeConfigs', root: '' },
    'store.views': { method: 'GET', path: '/rest/V1/store/storeViews', root: '' },
    'products.list': { method: 'GET', path: '/rest/V1/products', root: 'items', paging: 'searchCriteria' },
    // §1: the admin scope (`all`) writes the default value every store view inherits.
    'products.save': { method: 'PUT', path: '/rest/all/V1/products/{sku}', root: '' },
    'source_items.list': { method: 'GET', path: '/rest/V1/inventory/source-items', root: 'items', paging: 'searchCriteria' },
    'stock_items.get': { method: 'GET', path: '/rest/V1/stockItems/{sku}', root: '' },
    'categories.list': { method: 'GET', path: '/rest/V1/categories/list', root: 'items', paging: 'searchCriteria' },
    'orders.list': { method: 'GET', path: '/rest/V1/orders', root: 'items', paging: 'searchCriteria' },
    'orders.get': { method: 'GET', path: '/rest/V1/orders/{id}', root: '' },
    'customers.list': { method: 'GET', path: '/rest/V1/customers/search', root: 'items', paging: 'searchCriteria' },
    'customers.get': { method: 'GET', path: '/rest/V1/customers/{id}', root: '' },
  },
};
