/**
 * Shopify order and customer endpoints (shopify.md §3). Orders default to `status=open`
 * and hide orders older than 60 days from tokens without `read_all_orders` (§10.6, §10.7).
 */
import type { StoreCustomer, StoreOrder } from '../../simulator-kit/dataset.js';
import { customerPredicate, orderPredicate, type Filters } from './filters.js';
import { fromShopifyId, toShopifyId } from './ids.js';
import { renderCustomer } from './render-customers.js';
import { renderOrder } from './render-sales.js';
import { count, fieldsOf, list, notFound, ok, pathId, pickFields, type Route, type RouteContext } from './respond.js';

const ID = '(\\d+)';
const DAY = 86_400_000;

function visibleFrom(ctx: RouteContext): number {
  if (ctx.scopes.has('read_all_orders')) return -Infinity;
  return ctx.state.clock.now() - ctx.state.settings.recentOrderDays * DAY;
}

function orders(ctx: RouteContext, filters: Filters, customerId?: number): StoreOrder[] {
  const match = orderPredicate(filters, { timezone: ctx.state.render.timezone, visibleFrom: visibleFrom(ctx) });
  return ctx.state.dataset.orders.filter((o) => (customerId === undefined || o.customerId === customerId) && match(o));
}

function customers(ctx: RouteContext, filters: Filters): StoreCustomer[] {
  return ctx.state.dataset.customers.filter(customerPredicate(filters, ctx.state.render.timezone));
}

function customerAt(ctx: RouteContext, text: string | undefined): StoreCustomer | undefined {
  const n = fromShopifyId('customer', pathId(text));
  return n === undefined ? undefined : ctx.state.dataset.customerById.get(n);
}

/** `query=email:ana@example.org` or free text over name and email (a small subset of Shopify's search syntax). */
function searchCustomers(ctx: RouteContext, query: string): StoreCustomer[] {
  const terms = query.trim().toLowerCase().split(/\s+/).filter((t) => t !== '');
  return ctx.state.dataset.customers.filter((c) =>
    terms.every((term) => {
      const [field, value] = term.includes(':') ? (term.split(/:(.*)/s) as [string, string]) : ['', term];
      if (field === 'email') return c.email.toLowerCase() === value;
      if (field === 'first_name') return c.firstName.toLowerCase() === value;
      if (field === 'last_name') return c.lastName.toLowerCase() === value;
      return `${c.firstName} ${c.lastName} ${c.email}`.toLowerCase().includes(value);
    }),
  );
}

export function salesRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^orders\.json$/,
      scope: 'read_orders',
      handle: (ctx) =>
        list(ctx, {
          root: 'orders',
          resource: 'orders.json',
          select: (f) => orders(ctx, f),
          key: (o) => toShopifyId('order', o.id),
          render: (o) => renderOrder(ctx.state.render, ctx.state.dataset, o),
        }),
    },
    {
      method: 'GET',
      pattern: /^orders\/count\.json$/,
      scope: 'read_orders',
      handle: (ctx) => count(() => orders(ctx, Object.fromEntries(ctx.req.query)).length),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^orders/${ID}\\.json$`),
      scope: 'read_orders',
      handle: (ctx) => {
        const n = fromShopifyId('order', pathId(ctx.params[0]));
        const order = n === undefined ? undefined : ctx.state.dataset.orderById.get(n);
        if (!order || order.createdAt < visibleFrom(ctx)) return notFound();
        return ok({ order: pickFields(renderOrder(ctx.state.render, ctx.state.dataset, order), fieldsOf(ctx.req.query)) });
      },
    },
    {
      method: 'GET',
      pattern: /^customers\.json$/,
      scope: 'read_customers',
      handle: (ctx) =>
        list(ctx, {
          root: 'customers',
          resource: 'customers.json',
          select: (f) => customers(ctx, f),
          key: (c) => toShopifyId('customer', c.id),
          render: (c) => renderCustomer(ctx.state.render, c),
        }),
    },
    {
      method: 'GET',
      pattern: /^customers\/count\.json$/,
      scope: 'read_customers',
      handle: (ctx) => count(() => customers(ctx, Object.fromEntries(ctx.req.query)).length),
    },
    {
      method: 'GET',
      pattern: /^customers\/search\.json$/,
      scope: 'read_customers',
      handle: (ctx) => {
        const q = ctx.req.query;
        const limit = Math.min(250, Math.max(1, Number.parseInt(q.get('limit') ?? '50', 10) || 50));
        const found = searchCustomers(ctx, q.get('query') ?? '').slice(0, limit);
        const fields = fieldsOf(q);
        return ok({ customers: found.map((c) => pickFields(renderCustomer(ctx.state.render, c), fields)) });
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^customers/${ID}\\.json$`),
      scope: 'read_customers',
      handle: (ctx) => {
        const c = customerAt(ctx, ctx.params[0]);
        return c ? ok({ customer: pickFields(renderCustomer(ctx.state.render, c), fieldsOf(ctx.req.query)) }) : notFound();
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^customers/${ID}/orders\\.json$`),
      // What is read here are orders, so the orders scope applies [U: whether read_customers is also needed].
      scope: 'read_orders',
      handle: (ctx) => {
        const c = customerAt(ctx, ctx.params[0]);
        if (!c) return notFound();
        return list(ctx, {
          root: 'orders',
          resource: `customers/${ctx.params[0]}/orders.json`,
          select: (f) => orders(ctx, f, c.id),
          key: (o) => toShopifyId('order', o.id),
          render: (o) => renderOrder(ctx.state.render, ctx.state.dataset, o),
        });
      },
    },
  ];
}
