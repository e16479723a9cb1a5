/**
 * Shared pieces of WooCommerce route handlers: the route shape, WordPress error bodies
 * (`{"code","message","data":{"status"}}`, woocommerce.md §6), the permission errors an
 * anonymous request gets (§2), and page-number lists with `X-WP-Total`, `X-WP-TotalPages`
 * and `Link` headers (§4).
 */
import type { SimRequest, SimResponse } from '../../simulator-kit/server.js';
import type { ParsedParams } from './params.js';
import type { WooCommerceCredential, WooCommerceSimulatorState } from './state.js';

export const NAMESPACE = '/wp-json/wc/v3';

export interface RouteContext {
  req: SimRequest;
  params: string[];
  state: WooCommerceSimulatorState;
  /** The key's owner, or undefined for an anonymous request. */
  user: Required<WooCommerceCredential> | undefined;
  /** Query and body parameters merged (body wins), as WordPress does. */
  input: Map<string, unknown>;
  /** `http://host:port/wp-json/wc/v3`. */
  base: string;
  /** The site URL (permalinks, images). */
  site: string;
}

export interface Route {
  methods: ReadonlyArray<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>;
  pattern: RegExp;
  handle(ctx: RouteContext): SimResponse;
}

export function wcError(status: number, code: string, message: string, data: Record<string, unknown> = {}): SimResponse {
  return { status, body: { code, message, data: { status, ...data } } };
}

export const noRoute = (): SimResponse => wcError(404, 'rest_no_route', 'No route was found matching the URL and request method');

/** `woocommerce_rest_{type}_invalid_id` "Invalid ID.": 404 on reads, 400 on updates (§6, §10.8). */
export const invalidId = (type: string, status: 404 | 400): SimResponse => wcError(status, `woocommerce_rest_${type}_invalid_id`, 'Invalid ID.');

export type Action = 'list' | 'view' | 'edit' | 'batch';

const DENIED: Record<Action, [string, string]> = {
  list: ['woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.'],
  view: ['woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.'],
  edit: ['woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.'],
  batch: ['woocommerce_rest_cannot_batch', 'Sorry, you are not allowed to batch manipulate this resource.'],
};

/**
 * The capability check of an anonymous request: unknown keys and missing credentials end
 * here, 401 because nobody is logged in (rest_authorization_required_code, §2).
 */
export function denied(ctx: RouteContext, action: Action): SimResponse | undefined {
  if (ctx.user) return undefined;
  const [code, message] = DENIED[action];
  return wcError(401, code, message);
}

export function ok(body: unknown, headers?: Record<string, string>): SimResponse {
  return headers ? { status: 200, body, headers } : { status: 200, body };
}

/** `_fields=id,name` keeps only those top-level keys ([S] §3). */
export function pickFields(record: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  if (fields === null || fields.trim() === '') return record;
  const wanted = new Set(fields.split(',').map((s) => s.trim()));
  return Object.fromEntries(Object.entries(record).filter(([k]) => wanted.has(k)));
}

/**
 * One page of `all` with the WordPress headers. `offset` replaces the page start when sent;
 * a page past the end is `[]` with the true totals (§4). Link keeps every original query
 * parameter, auth ones included, and has only `prev` and `next` (the CRUD controller's order).
 */
export function listPage<T>(ctx: RouteContext, p: ParsedParams, all: readonly T[], render: (item: T) => Record<string, unknown>, path: string): SimResponse {
  const perPage = p.int('per_page') ?? 10;
  const page = p.int('page') ?? 1;
  const offset = p.int('offset');
  const start = offset ?? (page - 1) * perPage;
  const items = all.slice(start, start + perPage);
  const totalPages = Math.ceil(all.length / perPage);
  const headers: Record<string, string> = { 'X-WP-Total': String(all.length), 'X-WP-TotalPages': String(totalPages) };
  const link = (n: number): string => {
    const q = new URLSearchParams(ctx.req.query);
    q.set('page', String(n));
    return `<${ctx.base}${path}?${q.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${link(Math.min(page - 1, Math.max(1, totalPages)))}; rel="prev"`);
  if (totalPages > page) links.push(`${link(page + 1)}; rel="next"`);
  if (links.length > 0) headers.Link = links.join(', ');
  const fields = ctx.req.query.get('_fields');
  return ok(items.map((item) => pickFields(render(item), fields)), headers);
}

export function single(ctx: RouteContext, record: Record<string, unknown>): SimResponse {
  return ok(pickFields(record, ctx.req.query.get('_fields')));
}

export function links(ctx: Pick<RouteContext, 'base'>, path: string, collection: string, up?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: [{ href: `${ctx.base}${path}` }],
    collection: [{ href: `${ctx.base}${collection}` }],
  };
  if (up !== undefined) out.up = [{ href: `${ctx.base}${up}` }];
  return out;
}
