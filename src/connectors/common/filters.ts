/**
 * Filter checks driven by the capabilities table, so what a connector refuses is exactly
 * what it declares `unsupported` (the API layer reads the same table).
 *
 *   refuseUnsupported('Shopify', 'orders', filters, SHOPIFY_CAPABILITIES.orders);
 */
import type { Capabilities, ListFilters } from '../connector.js';
import { invalidRequest, unsupportedRequest } from './errors.js';

const CAPABILITY: Readonly<Record<keyof ListFilters, keyof Capabilities>> = {
  modifiedSince: 'modified_since',
  createdSince: 'created_since',
  ids: 'ids',
  status: 'status',
  sku: 'sku',
};

/** Most ids one filter may name: they travel in one query parameter. */
export const MAX_IDS = 250;

export function refuseUnsupported(platform: string, resource: string, filters: ListFilters, capabilities: Capabilities): void {
  for (const [key, capability] of Object.entries(CAPABILITY) as Array<[keyof ListFilters, keyof Capabilities]>) {
    if (filters[key] !== undefined && capabilities[capability] === 'unsupported') {
      throw unsupportedRequest(platform, `${resource} cannot be filtered by ${capability}`);
    }
  }
  if (filters.ids !== undefined && filters.ids.length > MAX_IDS) throw invalidRequest(platform, `at most ${MAX_IDS} ids per request`);
}
