/**
 * Paging helpers shared by connectors: fill a unified page of `limit` items from one or
 * more native pages (keeping only items an emulated filter accepts), read an offset window
 * out of a page-numbered API, parse `Link` headers, and map with bounded concurrency.
 *
 *   const page = await fillPage({ start, skip, limit, fetch: (pos) => nativePage(pos), keep });
 */
import type { NativeCursor } from '../connector.js';
import { nativeCursor, type Continuation, type Position } from './cursor.js';

export interface NativePage<T, P> {
  items: T[];
  /** Where the next native page starts; undefined when this was the last one. */
  next: P | undefined;
  /**
   * The position just after item `index`, for keyset paging (`id:greater`, `min_id`): a
   * unified page may then end inside a native page without a skip count.
   */
  after?: (index: number) => P;
}

export interface FillOptions<T, P> {
  start: P | null;
  skip: number;
  limit: number;
  fetch(position: P | null): Promise<NativePage<T, P>>;
  /** Client-side test for filters the platform cannot apply (emulated filters). */
  keep?: (item: T) => boolean;
  /** Native calls one unified page may spend scanning for kept items (default 8). */
  maxCalls?: number;
}

export interface Filled<T, P> {
  items: T[];
  /** undefined at the end of the list. */
  next: Position<P> | undefined;
  calls: number;
}

export async function fillPage<T, P>(o: FillOptions<T, P>): Promise<Filled<T, P>> {
  const maxCalls = o.maxCalls ?? 8;
  const items: T[] = [];
  let position = o.start;
  let skip = o.skip;
  let calls = 0;
  for (;;) {
    const page = await o.fetch(position);
    calls++;
    let i = skip;
    for (; i < page.items.length && items.length < o.limit; i++) {
      const item = page.items[i] as T;
      if (o.keep === undefined || o.keep(item)) items.push(item);
    }
    if (i < page.items.length) {
      // Full before the native page ended: continue inside it next time.
      const next = page.after ? { position: page.after(i - 1), skip: 0 } : { position, skip: i };
      return { items, next, calls };
    }
    if (page.next === undefined) return { items, next: undefined, calls };
    position = page.next;
    skip = 0;
    // A scan that found little returns what it has; the cursor carries on from here.
    if (items.length >= o.limit || calls >= maxCalls) return { items, next: { position, skip: 0 }, calls };
  }
}

/** Walks every native page from the start and counts kept items (counts of emulated filters). */
export async function scanCount<T, P>(fetch: (position: P | null) => Promise<NativePage<T, P>>, keep?: (item: T) => boolean): Promise<number> {
  let count = 0;
  let position: P | null = null;
  for (let guard = 0; guard < 100_000; guard++) {
    const page = await fetch(position);
    count += keep ? page.items.filter(keep).length : page.items.length;
    if (page.next === undefined) return count;
    position = page.next;
  }
  return count;
}

export interface WindowPage<T> {
  items: T[];
  /** Total of the result set when the platform reports it (BigCommerce `meta.pagination.total`). */
  total?: number;
}

/**
 * Items [offset, offset + count) of a page-numbered list (unified-model.md B8 "page-aligned
 * math"): one page of `count` when the offset is aligned to it, else the one or two
 * `maxPage`-sized pages that hold the window. Termination is by the reported total when
 * there is one, never by emptiness alone (B6.10).
 */
export async function readOffsetWindow<T>(
  offset: number,
  count: number,
  maxPage: number,
  getPage: (page: number, size: number) => Promise<WindowPage<T>>,
): Promise<{ items: T[]; more: boolean }> {
  if (offset % count === 0) {
    const page = await getPage(offset / count + 1, count);
    const more = page.total !== undefined ? offset + page.items.length < page.total : page.items.length === count;
    return { items: page.items.slice(0, count), more };
  }
  const first = Math.floor(offset / maxPage);
  const last = Math.floor((offset + count - 1) / maxPage);
  const all: T[] = [];
  let total: number | undefined;
  let short = false;
  for (let p = first; p <= last && !short; p++) {
    const page = await getPage(p + 1, maxPage);
    all.push(...page.items);
    total = page.total ?? total;
    short = page.items.length < maxPage;
  }
  const start = offset - first * maxPage;
  const items = all.slice(start, start + count);
  const more = total !== undefined ? offset + items.length < total : !short || start + count < all.length;
  return { items, more };
}

/** `<url>; rel="next", <url>; rel="previous"` → { next: url, previous: url } (RFC 8288). */
export function parseLinkHeader(value: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
  for (const m of text.matchAll(/<([^>]+)>\s*;\s*rel="?([^",;]+)"?/g)) {
    const [, url, rel] = m;
    if (url !== undefined && rel !== undefined) out[rel] = url;
  }
  return out;
}

/** Runs `fn` over `items` with at most `concurrency` in flight, keeping order. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

export interface PageSpec<T, P> {
  resource: string;
  /** Largest native page; used whenever an emulated filter makes the connector scan. */
  maxSize: number;
  keep?: (item: T) => boolean;
  fetch(position: P | null, size: number): Promise<NativePage<T, P>>;
  maxCalls?: number;
}

/**
 * One unified page from where a cursor left off: native pages of the unified limit (one
 * call per page) or of `maxSize` when scanning for an emulated filter. A cursor that stopped
 * inside a native page re-reads that page at the size it was counted in.
 */
export async function listPage<T, P>(limit: number, at: Continuation<P>, spec: PageSpec<T, P>): Promise<{ items: T[]; next: NativeCursor | undefined }> {
  const preferred = spec.keep ? spec.maxSize : limit;
  let resumed = at.skip > 0 && at.size !== undefined;
  let lastSize = preferred;
  const filled = await fillPage({
    start: at.position,
    skip: at.skip,
    limit,
    keep: spec.keep,
    maxCalls: spec.maxCalls,
    fetch: (position) => {
      lastSize = resumed ? (at.size as number) : preferred;
      resumed = false;
      return spec.fetch(position, lastSize);
    },
  });
  return { items: filled.items, next: filled.next && nativeCursor(spec.resource, at.filters, { ...filled.next, size: lastSize }) };
}
