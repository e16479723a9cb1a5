/**
 * The native part of the unified cursor. It records the resource, the filters of the first
 * request (later pages replay them, so a client sends only the cursor) and where the walk
 * stands: a platform position (page_info, page, last id…) plus how many items of that
 * native page were already returned. The unified API layer encodes it opaquely; a cursor
 * coming back is untrusted, so every field is checked.
 *
 *   const at = continuation('Shopify', 'products', query, readString);
 *   return { items, next: nativeCursor('products', at.filters, { position, skip, size }) };
 */
import type { ListFilters, ListQuery, NativeCursor } from '../connector.js';
import { invalidRequest } from './errors.js';

export interface Position<P> {
  /** null: the first native page. */
  position: P | null;
  /** Items of that native page already returned. */
  skip: number;
  /** Native page size the position was made with (a skip only holds for the same size). */
  size?: number;
}

export interface Continuation<P> extends Position<P> {
  filters: ListFilters;
}

const FILTER_KEYS = ['modifiedSince', 'createdSince', 'ids', 'status', 'sku'] as const;

export function filtersOf(query: ListFilters): ListFilters {
  const out: ListFilters = {};
  if (query.modifiedSince !== undefined) out.modifiedSince = query.modifiedSince;
  if (query.createdSince !== undefined) out.createdSince = query.createdSince;
  if (query.ids !== undefined) out.ids = [...query.ids];
  if (query.status !== undefined) out.status = query.status;
  if (query.sku !== undefined) out.sku = query.sku;
  return out;
}

function serializeFilters(f: ListFilters): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (f.modifiedSince) out.modifiedSince = f.modifiedSince.getTime();
  if (f.createdSince) out.createdSince = f.createdSince.getTime();
  if (f.ids) out.ids = f.ids;
  if (f.status !== undefined) out.status = f.status;
  if (f.sku !== undefined) out.sku = f.sku;
  return out;
}

function deserializeFilters(raw: unknown): ListFilters | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  if (Object.keys(r).some((k) => !(FILTER_KEYS as readonly string[]).includes(k))) return undefined;
  const out: ListFilters = {};
  for (const key of ['modifiedSince', 'createdSince'] as const) {
    const v = r[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
    out[key] = new Date(v);
  }
  if (r.ids !== undefined) {
    if (!Array.isArray(r.ids) || !r.ids.every((x) => typeof x === 'string')) return undefined;
    out.ids = r.ids as string[];
  }
  for (const key of ['status', 'sku'] as const) {
    const v = r[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') return undefined;
    out[key] = v;
  }
  return out;
}

export function nativeCursor<P>(resource: string, filters: ListFilters, at: Position<P>): NativeCursor {
  const cursor: NativeCursor = { resource, filters: serializeFilters(filters), position: at.position, skip: at.skip };
  if (at.size !== undefined) cursor.size = at.size;
  return cursor;
}

/**
 * Where a list call starts: the query's filters on a first call, the cursor's afterwards
 * (a cursor's filters win, so a page can never mix two filter sets).
 */
export function continuation<P>(
  platform: string,
  resource: string,
  query: ListQuery,
  readPosition: (raw: unknown) => P | undefined,
): Continuation<P> {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 250) {
    throw invalidRequest(platform, 'limit must be an integer from 1 to 250');
  }
  const c = query.cursor;
  if (c === undefined) return { filters: filtersOf(query), position: null, skip: 0 };
  const bad = (): never => {
    throw invalidRequest(platform, `the cursor is not a ${resource} cursor of this connector`);
  };
  if (c.resource !== resource) bad();
  const filters = deserializeFilters(c.filters) ?? bad();
  const position = c.position === null ? null : (readPosition(c.position) ?? bad());
  const skip = c.skip;
  if (typeof skip !== 'number' || !Number.isInteger(skip) || skip < 0 || skip > 250) bad();
  const size = c.size;
  if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 250)) bad();
  return { filters, position, skip: skip as number, size: size as number | undefined };
}

export const readString = (raw: unknown): string | undefined => (typeof raw === 'string' && raw.length > 0 && raw.length <= 16_384 ? raw : undefined);

export const readCount = (raw: unknown): number | undefined =>
  typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? raw : undefined;
