import { describe, expect, it } from 'vitest';
import { continuation } from './cursor.js';
import { fillPage, listPage, mapConcurrent, parseLinkHeader, readOffsetWindow, scanCount, type NativePage } from './paginate.js';

/** A page-numbered source of 1..total, pages of `size`, recording every request. */
function source(total: number) {
  const calls: Array<{ page: number; size: number }> = [];
  const all = Array.from({ length: total }, (_, i) => i + 1);
  return {
    calls,
    fetch: (page: number | null, size: number): Promise<NativePage<number, number>> => {
      const p = page ?? 1;
      calls.push({ page: p, size });
      const items = all.slice((p - 1) * size, p * size);
      return Promise.resolve({ items, next: p * size < total ? p + 1 : undefined });
    },
  };
}

describe('fillPage', () => {
  it('returns one native page as one unified page', async () => {
    const s = source(25);
    const page = await fillPage<number, number>({ start: null, skip: 0, limit: 10, fetch: (p) => s.fetch(p, 10) });
    expect(page.items).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(page.next).toEqual({ position: 2, skip: 0 });
    expect(s.calls).toHaveLength(1);
  });

  it('fills the limit from several native pages and stops inside one with a skip', async () => {
    const s = source(25);
    const page = await fillPage<number, number>({ start: null, skip: 0, limit: 13, fetch: (p) => s.fetch(p, 5) });
    expect(page.items).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(page.next).toEqual({ position: 3, skip: 3 });
    const rest = await fillPage<number, number>({ start: 3, skip: 3, limit: 13, fetch: (p) => s.fetch(p, 5) });
    expect(rest.items).toEqual([14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(rest.next).toBeUndefined();
  });

  it('keeps only what an emulated filter accepts, bounded in calls per page', async () => {
    const s = source(100);
    const even = await fillPage<number, number>({ start: null, skip: 0, limit: 7, keep: (n) => n % 2 === 0, fetch: (p) => s.fetch(p, 5) });
    expect(even.items).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(even.next).toEqual({ position: 3, skip: 4 });
    const rare = await fillPage<number, number>({ start: null, skip: 0, limit: 5, keep: (n) => n > 90, maxCalls: 3, fetch: (p) => s.fetch(p, 10) });
    expect(rare.items).toEqual([]);
    expect(rare.next).toEqual({ position: 4, skip: 0 });
    expect(rare.calls).toBe(3);
  });

  it('resumes keyset pages by the last id instead of a skip', async () => {
    const ids = [10, 20, 30, 40, 50];
    const fetch = (after: number | null): Promise<NativePage<number, number>> => {
      const items = ids.filter((i) => i > (after ?? 0)).slice(0, 4);
      return Promise.resolve({ items, next: undefined, after: (i) => items[i] as number });
    };
    const page = await fillPage<number, number>({ start: null, skip: 0, limit: 2, fetch });
    expect(page).toMatchObject({ items: [10, 20], next: { position: 20, skip: 0 } });
  });

  it('counts by walking every page', async () => {
    const s = source(23);
    expect(await scanCount<number, number>((p) => s.fetch(p, 5), (n) => n % 3 === 0)).toBe(7);
  });
});

describe('listPage', () => {
  it('re-reads a native page at the size a skip was counted in, then uses the new limit', async () => {
    const s = source(40);
    const first = await listPage<number, number>(5, continuation('Test', 'things', { limit: 5, cursor: undefined, sku: 'x' }, (r) => r as number), {
      resource: 'things',
      maxSize: 10,
      keep: (n) => n % 2 === 1,
      fetch: (p, size) => s.fetch(p, size),
    });
    expect(first.items).toEqual([1, 3, 5, 7, 9]);
    expect(first.next).toEqual({ resource: 'things', filters: { sku: 'x' }, position: null, skip: 9, size: 10 });
    const second = await listPage<number, number>(3, continuation('Test', 'things', { limit: 3, cursor: first.next }, (r) => r as number), {
      resource: 'things',
      maxSize: 10,
      keep: (n) => n % 2 === 1,
      fetch: (p, size) => s.fetch(p, size),
    });
    expect(second.items).toEqual([11, 13, 15]);
    expect(s.calls.map((c) => c.size)).toEqual([10, 10, 10]);
  });
});

describe('readOffsetWindow', () => {
  function pages(total: number) {
    const calls: string[] = [];
    const get = (page: number, size: number) => {
      calls.push(`${page}x${size}`);
      const items = Array.from({ length: total }, (_, i) => i).slice((page - 1) * size, page * size);
      return Promise.resolve({ items, total });
    };
    return { calls, get };
  }

  it('asks for one aligned page when it can', async () => {
    const p = pages(30);
    expect(await readOffsetWindow(20, 10, 250, p.get)).toEqual({ items: [20, 21, 22, 23, 24, 25, 26, 27, 28, 29], more: false });
    expect(p.calls).toEqual(['3x10']);
  });

  it('reads an unaligned window from the one or two largest pages holding it', async () => {
    const p = pages(600);
    const w = await readOffsetWindow(245, 10, 250, p.get);
    expect(w.items).toEqual(Array.from({ length: 10 }, (_, i) => 245 + i));
    expect(w.more).toBe(true);
    expect(p.calls).toEqual(['1x250', '2x250']);
    const q = pages(12);
    expect(await readOffsetWindow(7, 10, 250, q.get)).toEqual({ items: [7, 8, 9, 10, 11], more: false });
    expect(q.calls).toEqual(['1x250']);
  });
});

describe('parseLinkHeader and mapConcurrent', () => {
  it('parses Shopify Link headers (shopify.md §4)', () => {
    const header = '<https://s.myshopify.com/admin/api/2024-04/products.json?limit=50&page_info=AAA>; rel="previous", <https://s.myshopify.com/admin/api/2024-04/products.json?limit=50&page_info=BBB>; rel="next"';
    expect(parseLinkHeader(header)).toEqual({
      previous: 'https://s.myshopify.com/admin/api/2024-04/products.json?limit=50&page_info=AAA',
      next: 'https://s.myshopify.com/admin/api/2024-04/products.json?limit=50&page_info=BBB',
    });
    expect(parseLinkHeader(undefined)).toEqual({});
  });

  it('keeps order with bounded concurrency', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 1, 4, 2, 3], 2, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, n));
      active--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
