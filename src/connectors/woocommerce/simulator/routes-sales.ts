/**
 * Order, customer, report and store-information routes (woocommerce.md §3). Counts come
 * from `X-WP-Total` or the `/reports/…/totals` endpoints; there are no count routes (§10.3).
 */
import type { SimResponse } from '../../simulator-kit/server.js';
import { CUSTOMER_PARAMS, ORDER_PARAMS, selectCustomers, selectOrders } from './filters.js';
import { ParsedParams, type ParamSpec } from './params.js';
import { renderAdministrator, renderCustomer, renderOrder, ORDER_STATUSES, orderStatus } from './render-sales.js';
import { denied, invalidId, listPage, ok, single, wcError, type Route, type RouteContext } from './respond.js';
import { params } from './routes-catalog.js';
import { systemStatus, generalSettings } from './store-info.js';
import { fromWcId } from './state.js';

const ID = '(\\d+)';

const ORDER_STATUS_NAMES: Record<string, string> = {
  pending: 'Pending payment',
  processing: 'Processing',
  'on-hold': 'On hold',
  completed: 'Completed',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
  failed: 'Failed',
  'checkout-draft': 'Draft',
};

function orderAt(ctx: RouteContext): ReturnType<typeof ctx.state.dataset.orderById.get> {
  const n = fromWcId('order', Number(ctx.params[0]));
  return n === undefined ? undefined : ctx.state.dataset.orderById.get(n);
}

const DP: Record<string, ParamSpec> = { dp: { type: 'integer' }, context: { type: 'string', enum: ['view', 'edit'] } };
const ORDER_UPDATE: Record<string, ParamSpec> = { status: { type: 'string', enum: ORDER_STATUSES.filter((s) => s !== 'trash') } };

export function salesRoutes(): Route[] {
  return [
    {
      methods: ['GET'],
      pattern: /^\/orders$/,
      handle: (ctx) => {
        const p = params(ctx, ORDER_PARAMS);
        if (!(p instanceof ParsedParams)) return p;
        const dp = p.int('dp') ?? 2;
        return denied(ctx, 'list') ?? listPage(ctx, p, selectOrders(ctx.state, p), (o) => renderOrder(ctx, o, dp), '/orders');
      },
    },
    {
      methods: ['GET'],
      pattern: new RegExp(`^/orders/${ID}$`),
      handle: (ctx) => {
        const p = params(ctx, DP);
        if (!(p instanceof ParsedParams)) return p;
        const order = orderAt(ctx);
        if (!order) return invalidId('shop_order', 404);
        return denied(ctx, 'view') ?? single(ctx, renderOrder(ctx, order, p.int('dp') ?? 2));
      },
    },
    {
      methods: ['PUT', 'PATCH', 'POST'],
      pattern: new RegExp(`^/orders/${ID}$`),
      handle: (ctx) => {
        const no = denied(ctx, 'edit');
        if (no) return no;
        const order = orderAt(ctx);
        if (!order) return invalidId('shop_order', 400);
        const p = params(ctx, ORDER_UPDATE);
        if (!(p instanceof ParsedParams)) return p;
        const status = p.str('status');
        if (status !== undefined && status !== orderStatus(ctx.state, order)) ctx.state.orderStatus.set(order.id, status);
        order.updatedAt = ctx.state.stamp();
        return ok(renderOrder(ctx, order));
      },
    },
    {
      methods: ['GET'],
      pattern: /^\/customers$/,
      handle: (ctx) => {
        const p = params(ctx, CUSTOMER_PARAMS);
        if (!(p instanceof ParsedParams)) return p;
        return denied(ctx, 'list') ?? listPage(ctx, p, selectCustomers(ctx.state, p), (u) => (u === null ? renderAdministrator(ctx) : renderCustomer(ctx, u)), '/customers');
      },
    },
    {
      methods: ['GET'],
      pattern: new RegExp(`^/customers/${ID}$`),
      handle: (ctx) => {
        const no = denied(ctx, 'view');
        if (no) return no;
        const id = Number(ctx.params[0]);
        if (id === 1) return single(ctx, renderAdministrator(ctx));
        const n = fromWcId('customer', id);
        const c = n === undefined ? undefined : ctx.state.dataset.customerById.get(n);
        // [S] §6: the customers controller's own not-found error.
        return c ? single(ctx, renderCustomer(ctx, c)) : wcError(404, 'woocommerce_rest_invalid_id', 'Invalid resource ID.');
      },
    },
    {
      methods: ['GET'],
      pattern: /^\/reports\/orders\/totals$/,
      handle: (ctx) => {
        const no = denied(ctx, 'list');
        if (no) return no;
        const counts = new Map<string, number>();
        for (const o of ctx.state.dataset.orders) counts.set(orderStatus(ctx.state, o), (counts.get(orderStatus(ctx.state, o)) ?? 0) + 1);
        // [U] Counts are integers here; the route schema calls them strings.
        return ok(Object.entries(ORDER_STATUS_NAMES).map(([slug, name]) => ({ slug, name, total: counts.get(slug) ?? 0 })));
      },
    },
    {
      methods: ['GET'],
      pattern: /^\/reports\/customers\/totals$/,
      handle: (ctx) => {
        const no = denied(ctx, 'list');
        if (no) return no;
        const paying = ctx.state.dataset.customers.filter((c) => c.totalSpentCents > 0).length;
        return ok([
          { slug: 'paying', name: 'Paying customer', total: paying },
          { slug: 'non_paying', name: 'Non-paying customer', total: ctx.state.dataset.customers.length - paying },
        ]);
      },
    },
    {
      methods: ['GET'],
      pattern: /^\/system_status$/,
      handle: (ctx): SimResponse => denied(ctx, 'view') ?? ok(systemStatus(ctx)),
    },
    {
      methods: ['GET'],
      pattern: /^\/settings\/general$/,
      handle: (ctx): SimResponse => denied(ctx, 'list') ?? ok(generalSettings(ctx)),
    },
  ];
}
