/**
 * Order, customer and store routes (magento2.md §4, §8, §9): orders by entity id, customer
 * search and get, and the store configuration lists (bare arrays, no envelope).
 */
import type { StoreCustomer, StoreOrder } from '../../simulator-kit/dataset.js';
import { mDate } from './render-catalog.js';
import { renderCustomer, renderOrder, statusOf } from './render-sales.js';
import { entityNotFound, noSuchEntity, ok, type Route, type RouteContext } from './respond.js';
import { searchList, type Fields } from './search-criteria.js';
import { DEFAULT_CATEGORY_ID } from './state.js';

const ORDERS = 'Magento_Sales::actions_view';
const CUSTOMERS = 'Magento_Customer::customer';
// [U] The resource named when a guest hits a guest-blocked store route.
const STORES = 'Magento_Backend::store';

function orderFields(): Fields<StoreOrder> {
  return {
    entity_id: (o) => o.id,
    increment_id: (o) => String(o.id).padStart(9, '0'),
    status: (o) => statusOf(o)[0],
    state: (o) => statusOf(o)[1],
    created_at: (o) => mDate(o.createdAt),
    updated_at: (o) => mDate(o.updatedAt),
    customer_id: (o) => o.customerId,
    customer_email: (o) => o.email,
    customer_is_guest: (o) => (o.customerId === null ? 1 : 0),
    grand_total: (o) => o.totalCents / 100,
    base_grand_total: (o) => o.totalCents / 100,
    store_id: () => 1,
  };
}

const ORDER_FIELDS = orderFields();

const CUSTOMER_FIELDS: Fields<StoreCustomer> = {
  entity_id: (c) => c.id,
  id: (c) => c.id,
  email: (c) => c.email,
  firstname: (c) => c.firstName,
  lastname: (c) => c.lastName,
  created_at: (c) => mDate(c.createdAt),
  updated_at: (c) => mDate(c.updatedAt),
  group_id: (c) => (c.groupId === 0 ? 1 : c.groupId),
  website_id: () => 1,
  store_id: () => 1,
};

function storeConfig(ctx: RouteContext): Record<string, unknown> {
  const { store } = ctx.state.dataset;
  const base = `${ctx.req.origin}/`;
  return {
    id: 1,
    code: 'default',
    website_id: 1,
    locale: 'en_US',
    base_currency_code: store.currency,
    default_display_currency_code: store.currency,
    timezone: store.timezone,
    weight_unit: store.weightUnit === 'kg' ? 'kgs' : 'lbs',
    base_url: base,
    base_link_url: base,
    base_static_url: `${base}static/version1700000000/`,
    base_media_url: `${base}media/`,
    secure_base_url: base,
    secure_base_link_url: base,
    secure_base_static_url: `${base}static/version1700000000/`,
    secure_base_media_url: `${base}media/`,
  };
}

export function salesRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/V1\/orders$/,
      resource: ORDERS,
      handle: (ctx) => searchList(ctx, ORDER_FIELDS, ctx.state.dataset.orders, 'flat', (o) => renderOrder(ctx.state, o)),
    },
    {
      method: 'GET',
      pattern: /^\/V1\/orders\/(\d+)$/,
      resource: ORDERS,
      handle: (ctx) => {
        // The id is entity_id, not increment_id (§4).
        const o = ctx.state.dataset.orderById.get(Number(ctx.params[0]));
        return o ? ok(renderOrder(ctx.state, o)) : entityNotFound();
      },
    },
    {
      method: 'GET',
      pattern: /^\/V1\/customers\/search$/,
      resource: CUSTOMERS,
      handle: (ctx) => searchList(ctx, CUSTOMER_FIELDS, ctx.state.dataset.customers, 'eav', renderCustomer),
    },
    {
      method: 'GET',
      pattern: /^\/V1\/customers\/(\d+)$/,
      resource: CUSTOMERS,
      handle: (ctx) => {
        const id = Number(ctx.params[0]);
        const c = ctx.state.dataset.customerById.get(id);
        return c ? ok(renderCustomer(c)) : noSuchEntity('customerId', id);
      },
    },
    {
      method: 'GET',
      pattern: /^\/V1\/store\/storeConfigs$/,
      resource: STORES,
      handle: (ctx) => {
        const codes = [...ctx.req.query.entries()].filter(([k]) => /^storeCodes(\[\d*\])?$/.test(k)).map(([, v]) => v);
        return ok(codes.length === 0 || codes.includes('default') ? [storeConfig(ctx)] : []);
      },
    },
    {
      method: 'GET',
      pattern: /^\/V1\/store\/storeViews$/,
      resource: STORES,
      handle: () =>
        ok([
          { id: 0, code: 'admin', name: 'Admin', website_id: 0, store_group_id: 0, is_active: 1 },
          { id: 1, code: 'default', name: 'Default Store View', website_id: 1, store_group_id: 1, is_active: 1 },
        ]),
    },
    {
      method: 'GET',
      pattern: /^\/V1\/store\/websites$/,
      resource: STORES,
      handle: () =>
        ok([
          { id: 0, code: 'admin', name: 'Admin', default_group_id: 0 },
          { id: 1, code: 'base', name: 'Main Website', default_group_id: 1 },
        ]),
    },
    {
      method: 'GET',
      pattern: /^\/V1\/store\/storeGroups$/,
      resource: STORES,
      handle: () =>
        ok([
          { id: 0, website_id: 0, root_category_id: 0, default_store_id: 0, name: 'Default', code: 'default' },
          { id: 1, website_id: 1, root_category_id: DEFAULT_CATEGORY_ID, default_store_id: 1, name: 'Main Website Store', code: 'main_website_store' },
        ]),
    },
  ];
}
