/**
 * Shared pieces of BigCommerce route handlers: the route shape, the two error styles
 * (V3 problem objects, V2 arrays; bigcommerce.md §6), V3 `meta.pagination` with relative
 * links (§4), and `include_fields`/`exclude_fields` (§10.9).
 */
import type { SimRequest, SimResponse } from '../../simulator-kit/server.js';
import type { BigCommerceSimulatorState } from './state.js';

export interface RouteContext {
  req: SimRequest;
  params: string[];
  state: BigCommerceSimulatorState;
}

export interface Route {
  method: 'GET' | 'PUT';
  pattern: RegExp;
  /** Scope family, e.g. `store_v2_products`; reads also accept `<family>_read_only`. */
  scope: string | null;
  write?: boolean;
  handle(ctx: RouteContext): SimResponse;
}

export const STATUS_DOC_TYPE = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes';

/** V3 error: `{"status":…,"title":…,"type":…}` plus optional `errors` / `detail`. */
export function v3Error(status: number, title: string, extra: Record<string, unknown> = {}): SimResponse {
  return { status, body: { status, title, type: STATUS_DOC_TYPE, ...extra } };
}

/** V2 error: an array of `{status, message}` (§6). */
export function v2Error(status: number, message: string): SimResponse {
  return { status, body: [{ status, message }] };
}

export const v3NotFound = (): SimResponse => v3Error(404, 'The resource at that URL is not found.');
export const v2NotFound = (): SimResponse => v2Error(404, 'The requested resource was not found.');

export class QueryError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

export function csv(value: string | null): string[] | undefined {
  if (value === null) return undefined;
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function intList(name: string, value: string | null): number[] | undefined {
  const parts = csv(value);
  if (parts === undefined) return undefined;
  const out = parts.map(Number);
  if (out.some((n) => !Number.isInteger(n))) throw new QueryError(name, `${name} must be a comma-separated list of integers`);
  return out;
}

export function intParam(name: string, value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new QueryError(name, `${name} must be an integer`);
  return n;
}

export function includeSet(query: URLSearchParams): Set<string> {
  return new Set(csv(query.get('include')) ?? []);
}

/**
 * Apply `include_fields` (always keeps `id`) and `exclude_fields` (cannot remove `id`).
 * `alwaysKept` names fields outside both lists: sub-resources asked for with `include`, and
 * what the spec says is always returned (e.g. gift-wrapping options on products).
 */
export function shapeFields(record: Record<string, unknown>, query: URLSearchParams, alwaysKept: Iterable<string> = []): Record<string, unknown> {
  const include = csv(query.get('include_fields'));
  const exclude = new Set(csv(query.get('exclude_fields')) ?? []);
  const always = new Set(['id', ...alwaysKept]);
  const keep = include === undefined ? undefined : new Set(include);
  return Object.fromEntries(
    Object.entries(record).filter(([k]) => always.has(k) || ((keep === undefined || keep.has(k)) && !exclude.has(k))),
  );
}

export interface PageRequest {
  page: number;
  limit: number;
}

/** `page` (1-based) and `limit` (default 50, max 250; above → 413, §4 and §10.11). */
export function pageRequest(query: URLSearchParams, options: { cap?: number } = {}): PageRequest | SimResponse {
  const page = intParam('page', query.get('page')) ?? 1;
  const limit = intParam('limit', query.get('limit')) ?? 50;
  if (limit > 250) return v3Error(413, 'The request limit is too large. The maximum is 250.');
  return { page: Math.max(1, page), limit: Math.min(Math.max(1, limit), options.cap ?? 250) };
}

export function isPageRequest(x: PageRequest | SimResponse): x is PageRequest {
  return 'page' in x && 'limit' in x && !('status' in x);
}

/**
 * `meta.pagination` for one page. Links are relative query strings; the other query
 * parameters are repeated before `page` and `limit`, as the §8 example shows ([U] whether
 * BigCommerce always does); `previous`/`next` only when such a page exists.
 */
export function paginationMeta(total: number, count: number, req: PageRequest, query: URLSearchParams): Record<string, unknown> {
  const totalPages = Math.ceil(total / req.limit);
  const linkTo = (page: number): string => {
    const q = new URLSearchParams();
    for (const [k, v] of query) if (k !== 'page' && k !== 'limit') q.append(k, v);
    q.set('page', String(page));
    q.set('limit', String(req.limit));
    return `?${q.toString()}`;
  };
  const links: Record<string, string> = {};
  if (req.page > 1 && totalPages > 0) links.previous = linkTo(Math.min(req.page - 1, totalPages));
  links.current = linkTo(req.page);
  if (req.page < totalPages) links.next = linkTo(req.page + 1);
  return { total, count, per_page: req.limit, current_page: req.page, total_pages: totalPages, links };
}

/** One V3 page of `all`: `{data, meta: {pagination}}`. */
export function v3Page<T>(all: readonly T[], req: PageRequest, query: URLSearchParams, render: (item: T) => Record<string, unknown>): SimResponse {
  const start = (req.page - 1) * req.limit;
  const items = all.slice(start, start + req.limit);
  return { status: 200, body: { data: items.map(render), meta: { pagination: paginationMeta(all.length, items.length, req, query) } } };
}

export function withQueryErrors(run: () => SimResponse, v2 = false): SimResponse {
  try {
    return run();
  } catch (error) {
    if (error instanceof QueryError) {
      return v2 ? v2Error(400, `The filter '${error.param}' is invalid. ${error.message}`) : v3Error(422, 'Invalid filter value', { errors: { [error.param]: error.message } });
    }
    throw error;
  }
}

export type BodyResult = { ok: true; value: unknown } | { ok: false; response: SimResponse };

/** A JSON body; 415 for a wrong Content-Type, 400 for malformed JSON (§6 status table). */
export function jsonBody(req: SimRequest, v2 = false): BodyResult {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (!type.includes('application/json')) {
    return { ok: false, response: v2 ? v2Error(415, 'Content-Type must be application/json') : v3Error(415, 'Unsupported Media Type') };
  }
  try {
    return { ok: true, value: JSON.parse(req.body) as unknown };
  } catch {
    return { ok: false, response: v2 ? v2Error(400, 'The request body is not valid JSON.') : v3Error(400, 'Input is invalid', { detail: 'Syntax error' }) };
  }
}
