/**
 * Cursor pagination as Shopify REST does it (shopify.md §4): the first request carries the
 * filters, later ones only `page_info` (+ `limit`, `fields`); neighbours are announced in a
 * `Link` header, `rel="previous"` before `rel="next"`, absent when there is no neighbour.
 * `page_info` is base64url JSON of the direction, the boundary id and the original filters.
 */

export interface PageInfo {
  direction: 'next' | 'previous';
  /** Id of the last (next) or first (previous) item of the page the link was made on. */
  boundary: number;
  /** The first request's filters, replayed on every later page. */
  filters: Record<string, string>;
}

export function encodePageInfo(info: PageInfo): string {
  return Buffer.from(JSON.stringify({ d: info.direction, k: info.boundary, f: info.filters })).toString('base64url');
}

export function decodePageInfo(text: string): PageInfo | undefined {
  try {
    const raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { d?: unknown; k?: unknown; f?: unknown };
    if ((raw.d !== 'next' && raw.d !== 'previous') || typeof raw.k !== 'number' || typeof raw.f !== 'object' || raw.f === null) {
      return undefined;
    }
    const filters: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw.f)) if (typeof v === 'string') filters[k] = v;
    return { direction: raw.d, boundary: raw.k, filters };
  } catch {
    return undefined;
  }
}

export interface Page<T> {
  items: T[];
  hasPrevious: boolean;
  hasNext: boolean;
}

/** Slice one page out of `all` (sorted by ascending `key`). */
export function slicePage<T>(all: readonly T[], key: (item: T) => number, limit: number, cursor: PageInfo | undefined): Page<T> {
  if (!cursor) return { items: all.slice(0, limit), hasPrevious: false, hasNext: all.length > limit };
  const firstAfter = lowerBound(all, key, cursor.boundary + (cursor.direction === 'next' ? 1 : 0));
  if (cursor.direction === 'next') {
    const items = all.slice(firstAfter, firstAfter + limit);
    return { items, hasPrevious: firstAfter > 0, hasNext: firstAfter + limit < all.length };
  }
  const start = Math.max(0, firstAfter - limit);
  return { items: all.slice(start, firstAfter), hasPrevious: start > 0, hasNext: firstAfter < all.length };
}

/** Index of the first item whose key is >= target. */
function lowerBound<T>(all: readonly T[], key: (item: T) => number, target: number): number {
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(all[mid] as T) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `Link` header value, or undefined when there is no neighbour. The format is the one the
 * official client parses: `<url>; rel="previous", <url>; rel="next"`.
 */
export function linkHeader<T>(
  page: Page<T>,
  key: (item: T) => number,
  baseUrl: string,
  limit: number,
  fields: string | null,
  filters: Record<string, string>,
): string | undefined {
  const first = page.items[0];
  const last = page.items[page.items.length - 1];
  if (first === undefined || last === undefined) return undefined;
  const url = (info: PageInfo): string => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (fields !== null) q.set('fields', fields);
    q.set('page_info', encodePageInfo(info));
    return `<${baseUrl}?${q.toString()}>`;
  };
  const parts: string[] = [];
  if (page.hasPrevious) parts.push(`${url({ direction: 'previous', boundary: key(first), filters })}; rel="previous"`);
  if (page.hasNext) parts.push(`${url({ direction: 'next', boundary: key(last), filters })}; rel="next"`);
  return parts.length === 0 ? undefined : parts.join(', ');
}
