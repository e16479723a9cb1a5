/**
 * BigCommerce Customers V3 (bigcommerce.md §3, §4, §10.5): a list only (no single GET; use
 * `id:in`), paged by `page`/`limit` with `meta.pagination`, or by `after`/`before` cursors
 * with `meta.cursor_pagination`.
 */
import { customerPredicate, sortCustomers } from './filters.js';
import { renderCustomer } from './render-v3.js';
import { includeSet, isPageRequest, pageRequest, paginationMeta, shapeFields, v3Error, withQueryErrors, type Route, type RouteContext } from './respond.js';
import type { SimResponse } from '../../simulator-kit/server.js';
import { toBcId } from './state.js';

/** The first page of customers carries a cursor block too; `after`/`before` page by cursor and ignore `page` (§4). */
function customersPage(ctx: RouteContext): SimResponse {
  const q = ctx.req.query;
  const req = pageRequest(q);
  if (!isPageRequest(req)) return req;
  const now = ctx.state.clock.now();
  const all = sortCustomers(ctx.state.dataset.customers.filter(customerPredicate(q, now)), q.get('sort'));
  const include = includeSet(q);
  const cursor = (index: number): string => Buffer.from(JSON.stringify({ id: toBcId('customer', (all[index] ?? all[0])?.id ?? 0) })).toString('base64url');
  const decode = (text: string): number => {
    try {
      const id = (JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { id?: unknown }).id;
      const index = all.findIndex((c) => toBcId('customer', c.id) === id);
      if (typeof id === 'number' && index >= 0) return index;
    } catch {
      // An unreadable cursor is answered with 422 below.
    }
    return -1;
  };
  const after = q.get('after');
  const before = q.get('before');
  let start = (req.page - 1) * req.limit;
  if (after !== null || before !== null) {
    const index = decode((after ?? before) as string);
    if (index < 0) return v3Error(422, 'Invalid cursor', { errors: { [after !== null ? 'after' : 'before']: 'invalid cursor' } });
    start = after !== null ? index + 1 : Math.max(0, index - req.limit);
  }
  const end = after === null && before !== null ? Math.min(start + req.limit, decode(before)) : start + req.limit;
  const items = all.slice(start, end);
  const meta: Record<string, unknown> = {
    pagination: paginationMeta(all.length, items.length, { page: Math.floor(start / req.limit) + 1, limit: req.limit }, q),
  };
  if (after !== null || before !== null || !q.has('page') || req.page === 1) {
    const links: Record<string, string> = {};
    if (start > 0 && items.length > 0) links.previous = `?before=${cursor(start)}&limit=${req.limit}`;
    if (start + items.length < all.length && items.length > 0) links.next = `?after=${cursor(start + items.length - 1)}&limit=${req.limit}`;
    meta.cursor_pagination = {
      count: items.length,
      per_page: req.limit,
      start_cursor: items.length > 0 ? cursor(start) : '',
      end_cursor: items.length > 0 ? cursor(start + items.length - 1) : '',
      links,
    };
  }
  return { status: 200, body: { data: items.map((c) => shapeFields(renderCustomer(c, include), q, include)), meta } };
}

export function customerRoutes(): Route[] {
  return [{ method: 'GET', pattern: /^customers$/, scope: 'store_v2_customers', handle: (ctx) => withQueryErrors(() => customersPage(ctx)) }];
}
