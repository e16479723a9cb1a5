/**
 * BigCommerce V2 endpoints (bigcommerce.md §3): store info, server time, orders with their
 * products, shipping addresses and coupons, order statuses, and the order status update.
 * Lists are bare arrays paged by `page`/`limit` without metadata; an empty list is 204 with
 * no body when configured (§4, [U]); errors are arrays.
 */
import type { StoreOrder } from '../../simulator-kit/dataset.js';
import type { SimResponse } from '../../simulator-kit/server.js';
import { orderPredicate, sortOrders } from './filters.js';
import { ORDER_STATUSES, statusId } from './order-status.js';
import { renderOrder, renderOrderProduct, renderShippingAddress, renderStore } from './render-v2.js';
import { intParam, jsonBody, v2Error, v2NotFound, withQueryErrors, type Route, type RouteContext } from './respond.js';
import { fromBcId } from './state.js';

const ID = '(\\d+)';

/** V2 `page`/`limit` (default 50; 250 max for catalog resources, assumed here for orders [S]). */
function v2List<T>(ctx: RouteContext, all: readonly T[], render: (item: T) => unknown): SimResponse {
  const page = Math.max(1, intParam('page', ctx.req.query.get('page')) ?? 1);
  const limit = Math.min(250, Math.max(1, intParam('limit', ctx.req.query.get('limit')) ?? 50));
  const items = all.slice((page - 1) * limit, page * limit);
  if (items.length === 0 && ctx.state.settings.v2EmptyListNoContent) return { status: 204 };
  return { status: 200, body: items.map(render) };
}

function orderAt(ctx: RouteContext): StoreOrder | undefined {
  const n = fromBcId('order', Number(ctx.params[0]));
  return n === undefined ? undefined : ctx.state.dataset.orderById.get(n);
}

function statusRecord(s: (typeof ORDER_STATUSES)[number], order: number): Record<string, unknown> {
  return { id: s.id, name: s.name, system_label: s.name, custom_label: s.name, system_description: s.description, order };
}

function shippingAddresses(ctx: RouteContext): SimResponse {
  const order = orderAt(ctx);
  if (!order) return v2NotFound();
  const list = order.shippingAddress === null ? [] : [order.shippingAddress];
  return v2List(ctx, list, (a) => renderShippingAddress(ctx.state, order, a, ctx.req.origin));
}

export function v2Routes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^store$/,
      scope: 'store_v2_information',
      handle: (ctx) => ({ status: 200, body: renderStore(ctx.state.dataset, ctx.state.settings.storeHash) }),
    },
    { method: 'GET', pattern: /^time$/, scope: null, handle: (ctx) => ({ status: 200, body: { time: Math.floor(ctx.state.clock.now() / 1000) } }) },
    {
      method: 'GET',
      pattern: /^orders$/,
      scope: 'store_v2_orders',
      handle: (ctx) =>
        withQueryErrors(() => {
          const all = sortOrders(ctx.state, ctx.state.dataset.orders.filter(orderPredicate(ctx.state, ctx.req.query)), ctx.req.query.get('sort'));
          return v2List(ctx, all, (o) => renderOrder(ctx.state, o, ctx.req.origin));
        }, true),
    },
    {
      method: 'GET',
      pattern: /^orders\/count$/,
      scope: 'store_v2_orders',
      handle: (ctx) =>
        withQueryErrors(() => {
          const visible = ctx.state.dataset.orders.filter(orderPredicate(ctx.state, ctx.req.query));
          const counts = new Map<number, number>();
          for (const o of visible) counts.set(statusId(ctx.state, o), (counts.get(statusId(ctx.state, o)) ?? 0) + 1);
          // `count` agrees with what the list returns for the same filters [U: whether BigCommerce counts Incomplete here].
          return {
            status: 200,
            body: {
              statuses: ORDER_STATUSES.map((s, k) => ({
                id: s.id,
                name: s.name,
                system_label: s.name,
                custom_label: s.name,
                system_description: s.description,
                count: counts.get(s.id) ?? 0,
                sort_order: k,
              })),
              count: visible.length,
            },
          };
        }, true),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^orders/${ID}$`),
      scope: 'store_v2_orders',
      handle: (ctx) => {
        const order = orderAt(ctx);
        return order ? { status: 200, body: renderOrder(ctx.state, order, ctx.req.origin) } : v2NotFound();
      },
    },
    {
      method: 'PUT',
      pattern: new RegExp(`^orders/${ID}$`),
      scope: 'store_v2_orders',
      write: true,
      handle: (ctx) => {
        const order = orderAt(ctx);
        if (!order) return v2NotFound();
        const body = jsonBody(ctx.req, true);
        if (!body.ok) return body.response;
        const status = (body.value as Record<string, unknown> | null)?.status_id;
        if (status !== undefined && (typeof status !== 'number' || !ORDER_STATUSES.some((s) => s.id === status))) {
          return v2Error(400, "The field 'status_id' is invalid.");
        }
        if (typeof status === 'number') ctx.state.statusOverrides.set(order.id, status);
        order.updatedAt = ctx.state.stamp();
        return { status: 200, body: renderOrder(ctx.state, order, ctx.req.origin) };
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^orders/${ID}/products$`),
      scope: 'store_v2_orders',
      handle: (ctx) =>
        withQueryErrors(() => {
          const order = orderAt(ctx);
          if (!order) return v2NotFound();
          return v2List(ctx, order.lineItems, (l) => renderOrderProduct(ctx.state, order, l));
        }, true),
    },
    // The documented route and the spelling used in the order's link object (§10.4).
    { method: 'GET', pattern: new RegExp(`^orders/${ID}/shipping_addresses$`), scope: 'store_v2_orders', handle: shippingAddresses },
    { method: 'GET', pattern: new RegExp(`^orders/${ID}/shippingaddresses$`), scope: 'store_v2_orders', handle: shippingAddresses },
    {
      method: 'GET',
      pattern: new RegExp(`^orders/${ID}/coupons$`),
      scope: 'store_v2_orders',
      handle: (ctx) => {
        const order = orderAt(ctx);
        if (!order) return v2NotFound();
        const coupons =
          order.discountCode === null
            ? []
            : [{ id: order.id, coupon_id: 1, order_id: Number(ctx.params[0]), code: order.discountCode, amount: (order.discountCents / 100).toFixed(4), type: 1, discount: 10 }];
        return v2List(ctx, coupons, (c) => c);
      },
    },
    {
      method: 'GET',
      pattern: /^order_statuses$/,
      scope: 'store_v2_orders',
      handle: () => ({ status: 200, body: ORDER_STATUSES.map((s, k) => statusRecord(s, k)) }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^order_statuses/${ID}$`),
      scope: 'store_v2_orders',
      handle: (ctx) => {
        const s = ORDER_STATUSES.find((x) => x.id === Number(ctx.params[0]));
        return s ? { status: 200, body: statusRecord(s, ORDER_STATUSES.indexOf(s)) } : v2NotFound();
      },
    },
  ];
}
