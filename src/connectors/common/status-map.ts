/**
 * Order status: the platform's own status kept as `native` (and its label), classified into
 * the unified vocabulary (unified-model.md B7) by a per-platform table; anything the table
 * does not know is `unknown`, never a guess.
 *
 *   const classify = statusClassifier({ '11': 'processing', '2': 'shipped' });
 *   classify('11', 'Awaiting Fulfillment'); // { normalized: 'processing', native: '11', label: 'Awaiting Fulfillment' }
 */
import { NORMALIZED_ORDER_STATUSES, type NormalizedOrderStatus } from '../../commerce/models.js';

export interface OrderStatusValue {
  normalized: NormalizedOrderStatus;
  native: string;
  label: string | null;
}

export type StatusTable = Readonly<Record<string, NormalizedOrderStatus>>;

export function isNormalizedStatus(value: string): value is NormalizedOrderStatus {
  return (NORMALIZED_ORDER_STATUSES as readonly string[]).includes(value);
}

export function statusClassifier(table: StatusTable): (native: string | number, label?: string | null) => OrderStatusValue {
  return (native, label = null) => {
    const key = String(native);
    return { normalized: table[key] ?? 'unknown', native: key, label: label === '' ? null : label };
  };
}

/** Native statuses that classify as `normalized` (to translate a unified status filter). */
export function nativeStatusesFor(table: StatusTable, normalized: NormalizedOrderStatus): string[] {
  return Object.entries(table)
    .filter(([, n]) => n === normalized)
    .map(([native]) => native);
}
