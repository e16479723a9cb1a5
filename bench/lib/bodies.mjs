/**
 * The two response bodies the upstream serves: a ~200-byte JSON object (a typical small API
 * answer) and a 64 KiB JSON list (a page of records). Deterministic, built at run time.
 */

/** A JSON object of exactly `size` bytes: the fields, then a padding string. */
function smallBody(size) {
  const base = { id: 'prod_000123', name: 'Blue cotton t-shirt', price: '19.90', currency: 'EUR', stock: 42, updated_at: '2025-01-01T00:00:00Z', pad: '' };
  const without = Buffer.byteLength(JSON.stringify(base));
  base.pad = 'x'.repeat(Math.max(0, size - without));
  return Buffer.from(JSON.stringify(base));
}

/** A JSON list of records of exactly `size` bytes (the last record's padding absorbs the rest). */
function listBody(size) {
  const items = [];
  const wrap = (list) => JSON.stringify({ data: list, next_cursor: null });
  for (let i = 0; ; i++) {
    const item = { id: `prod_${String(i).padStart(6, '0')}`, title: `Product ${i}`, price: `${(i % 97) + 0.99}`, currency: 'EUR', stock: i % 50, tags: ['bench', 'json'], pad: '' };
    const next = [...items, item];
    if (Buffer.byteLength(wrap(next)) > size) break;
    items.push(item);
  }
  const last = items[items.length - 1];
  last.pad = 'x'.repeat(size - Buffer.byteLength(wrap(items)));
  return Buffer.from(wrap(items));
}

/** The body sizes measured, in report order. `path` is the same on the upstream and every proxy. */
export const BODIES = [
  { name: 'small', label: '~200 B', path: '/small', content: smallBody(200) },
  { name: '64KiB', label: '64 KiB', path: '/big', content: listBody(64 * 1024) },
];
