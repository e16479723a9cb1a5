/**
 * Shared pieces of Shopify route handlers: the route shape, error bodies (shopify.md §6:
 * always an `errors` key, as a string, an object or an array), `fields` selection, and the
 * list helper that applies filters, `page_info` cursors and the `Link` header.
 */
import type { SimRequest, SimResponse } from '../../simulator-kit/server.js';
import { FilterError, filtersOf, type Filters } from './filters.js';
import { decodePageInfo, linkHeader, slicePage, type PageInfo } from './pagination.js';
import type { ShopifySimulatorState } from './state.js';

export interface RouteContext {
  req: SimRequest;
  /** Capture groups of the route pattern. */
  params: string[];
  state: ShopifySimulatorState;
  scopes: ReadonlySet<string>;
  /** `http://127.0.0.1:PORT/admin/api/2024-04`, for Link URLs. */
  baseUrl: string;
}

export interface Route {
  method: 'GET' | 'PUT' | 'POST';
  pattern: RegExp;
  /** Access scope needed; `write_x` implies `read_x` (null: any valid token). */
  scope: string | null;
  handle(ctx: RouteContext): SimResponse;
}

export function ok(body: unknown, headers?: Record<string, string>): SimResponse {
  return headers ? { status: 200, body, headers } : { status: 200, body };
}

export function fail(status: number, errors: unknown): SimResponse {
  return { status, body: { errors } };
}

export const notFound = (): SimResponse => fail(404, 'Not Found');

/** 400 for a missing or unreadable root key, e.g. `{"errors":{"product":"Required parameter missing or invalid"}}`. */
export const missingParam = (name: string): SimResponse => fail(400, { [name]: 'Required parameter missing or invalid' });

export function fieldsOf(query: URLSearchParams): string[] | undefined {
  const raw = query.get('fields');
  if (raw === null || raw.trim() === '') return undefined;
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Only the named top-level keys, in the object's own order; unknown names are ignored (§10.4). */
export function pickFields(record: Record<string, unknown>, fields: string[] | undefined): Record<string, unknown> {
  if (!fields) return record;
  const wanted = new Set(fields);
  return Object.fromEntries(Object.entries(record).filter(([k]) => wanted.has(k)));
}

export function parseLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  const n = raw === null ? 50 : Number.parseInt(raw, 10);
  // Default 50, max 250 (§4); values outside are clamped [U: Shopify's exact answer].
  if (!Number.isFinite(n)) return 50;
  return Math.min(250, Math.max(1, n));
}

/** Parse a numeric path id; NaN for anything that is not digits. */
export function pathId(text: string | undefined): number {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : NaN;
}

export function withFilterErrors(run: () => SimResponse): SimResponse {
  try {
    return run();
  } catch (error) {
    if (error instanceof FilterError) return fail(400, { [error.param]: error.message });
    throw error;
  }
}

export interface ListSpec<T> {
  root: string;
  /** Path after the version, e.g. `products.json`, for Link URLs. */
  resource: string;
  select(filters: Filters): readonly T[];
  key(item: T): number;
  render(item: T): Record<string, unknown>;
}

export function list<T>(ctx: RouteContext, spec: ListSpec<T>): SimResponse {
  const query = ctx.req.query;
  // Page numbers were removed in favour of cursors [U: exact status and body].
  if (query.has('page')) return fail(400, { page: 'page is no longer supported; use page_info from the Link header' });
  let filters: Filters;
  let cursor: PageInfo | undefined;
  const pageInfo = query.get('page_info');
  if (pageInfo !== null) {
    // With page_info only limit and fields may be sent (§4; [S] that other filters give 400).
    const extra = [...query.keys()].filter((k) => k !== 'page_info' && k !== 'limit' && k !== 'fields');
    if (extra.length > 0) return fail(400, { page_info: `cannot be combined with ${extra.join(', ')}; send filters on the first page only` });
    cursor = decodePageInfo(pageInfo);
    if (!cursor) return fail(400, { page_info: 'Invalid value.' });
    filters = cursor.filters;
  } else {
    filters = filtersOf(query);
  }
  const limit = parseLimit(query);
  const fields = fieldsOf(query);
  return withFilterErrors(() => {
    const items = spec.select(filters);
    const page = slicePage(items, spec.key, limit, cursor);
    const link = linkHeader(page, spec.key, `${ctx.baseUrl}/${spec.resource}`, limit, query.get('fields'), filters);
    const body = { [spec.root]: page.items.map((item) => pickFields(spec.render(item), fields)) };
    return ok(body, link === undefined ? undefined : { Link: link });
  });
}

export function count(select: () => number): SimResponse {
  return withFilterErrors(() => ok({ count: select() }));
}

export type BodyResult = { ok: true; value: Record<string, unknown> } | { ok: false; response: SimResponse };

/** Parse a JSON body wrapped in its root key (§10.3); a 400 when it is missing or malformed. */
export function rootBody(req: SimRequest, root: string): BodyResult {
  const parsed = jsonBody(req);
  const inner = parsed.ok ? parsed.value[root] : undefined;
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return { ok: false, response: missingParam(root) };
  return { ok: true, value: inner as Record<string, unknown> };
}

/** A JSON object body (no root key); `missing` names the parameter reported when unreadable. */
export function jsonBody(req: SimRequest, missing = 'body'): BodyResult {
  // A bad or missing Content-Type is a 400 like a missing parameter (§6).
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().includes('application/json')) return { ok: false, response: missingParam(missing) };
  try {
    const parsed: unknown = JSON.parse(req.body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { ok: true, value: parsed as Record<string, unknown> };
  } catch {
    // Malformed JSON is answered like a missing parameter below.
  }
  return { ok: false, response: missingParam(missing) };
}
