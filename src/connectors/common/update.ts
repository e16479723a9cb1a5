/**
 * Checks of a unified product update before anything is sent: prices are non-negative
 * decimal strings, quantities whole numbers of 0 or more. Platform rules (where stock
 * lives, sale below regular) are the connector's.
 */
import type { ProductUpdate } from '../connector.js';
import { isDecimal } from './decimal.js';
import { invalidRequest } from './errors.js';

export function checkUpdate(platform: string, update: ProductUpdate): void {
  const all = [update, ...(update.variants ?? [])];
  for (const u of all) {
    for (const m of [u.price, u.sale_price]) {
      if (m !== undefined && m !== null && (!isDecimal(m) || m.startsWith('-'))) throw invalidRequest(platform, `${m} is not a price`);
    }
    if (u.quantity !== undefined && (!Number.isSafeInteger(u.quantity) || u.quantity < 0)) {
      throw invalidRequest(platform, 'quantity must be a whole number, 0 or more');
    }
  }
}

export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
