/**
 * Order statuses (bigcommerce.md §7 status table, B7 in unified-model.md): the neutral
 * lifecycle and its flavor pick one of BigCommerce's 15 `status_id`s, so every id occurs in
 * a big enough dataset; `PUT /v2/orders/{id}` can override it.
 */
import type { StoreOrder } from '../../simulator-kit/dataset.js';
import type { BigCommerceSimulatorState } from './state.js';

/** Status table `status_id` → name (§7, ids are stable, labels can be renamed). */
export const ORDER_STATUSES: ReadonlyArray<{ id: number; name: string; description: string }> = [
  { id: 0, name: 'Incomplete', description: 'An incomplete order happens when a shopper reached the payment page, but did not complete the transaction.' },
  { id: 1, name: 'Pending', description: 'Customer started the checkout process, but did not complete it.' },
  { id: 2, name: 'Shipped', description: 'Order has been shipped, but receipt has not been confirmed; seller has used the Ship Items action.' },
  { id: 3, name: 'Partially Shipped', description: 'Only some items in the order have been shipped, due to some products being pre-order only or other reasons.' },
  { id: 4, name: 'Refunded', description: 'Seller has used the Refund action.' },
  { id: 5, name: 'Cancelled', description: 'Seller has cancelled an order, due to a stock inconsistency or other reasons.' },
  { id: 6, name: 'Declined', description: 'Seller has marked the order as declined for lack of manual payment, or other reasons.' },
  { id: 7, name: 'Awaiting Payment', description: 'Customer has completed checkout process, but payment has yet to be confirmed.' },
  { id: 8, name: 'Awaiting Pickup', description: 'Order has been pulled, and is awaiting customer pickup from a seller-specified location.' },
  { id: 9, name: 'Awaiting Shipment', description: 'Order has been pulled and packaged, and is awaiting collection from a shipping provider.' },
  { id: 10, name: 'Completed', description: 'Client has paid for their digital product and their file(s) are available for download.' },
  { id: 11, name: 'Awaiting Fulfillment', description: 'Customer has completed the checkout process and payment has been confirmed.' },
  { id: 12, name: 'Manual Verification Required', description: 'Order is on hold while some aspect needs to be manually confirmed.' },
  { id: 13, name: 'Disputed', description: 'Customer has initiated a dispute resolution process for the PayPal transaction that paid for the order.' },
  { id: 14, name: 'Partially Refunded', description: 'Seller has partially refunded the order.' },
];

const BY_LIFECYCLE: Record<StoreOrder['lifecycle'], readonly number[]> = {
  draft: [0],
  pending_payment: [1, 7, 7],
  on_hold: [12, 13, 12],
  processing: [11, 9, 8],
  partially_shipped: [3],
  shipped: [2],
  completed: [10],
  cancelled: [5],
  refunded: [4],
  partially_refunded: [14],
  failed: [6],
};

export function statusId(state: BigCommerceSimulatorState, order: StoreOrder): number {
  const written = state.statusOverrides.get(order.id);
  if (written !== undefined) return written;
  const choices = BY_LIFECYCLE[order.lifecycle];
  return choices[order.flavor % choices.length] as number;
}

export function paymentStatus(status: number): string {
  switch (status) {
    case 0:
      return '';
    case 1:
    case 7:
      return 'pending';
    case 12:
      return 'held for review';
    case 4:
      return 'refunded';
    case 14:
      return 'partially refunded';
    case 5:
      return 'void';
    case 6:
      return 'declined';
    default:
      return 'captured';
  }
}
