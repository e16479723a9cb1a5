/**
 * `searchCriteria` query parameters as magento2.md §3 spells them: filter groups AND-ed,
 * the filters inside one group OR-ed, sort orders, and the page; dates as Magento stores
 * them (UTC, `YYYY-MM-DD HH:MM:SS`, §12); and id or SKU lists cut into sorted pieces that
 * keep URLs short, each bounded by its own first and last value.
 *
 *   criteria([[{ field: 'visibility', value: '1', condition: 'neq' }]], [{ field: 'entity_id', direction: 'ASC' }]);
 */

export interface Filter {
  field: string;
  value: string;
  /** eq when absent (§3 condition types). */
  condition?: 'eq' | 'neq' | 'gt' | 'gteq' | 'lt' | 'lteq' | 'in' | 'nin' | 'like';
}

/** Filters of one group are OR-ed; groups are AND-ed (§3). */
export type FilterGroup = Filter[];

export interface SortOrder {
  field: string;
  direction: 'ASC' | 'DESC';
}

export function criteria(groups: readonly FilterGroup[], sort: readonly SortOrder[] = []): Record<string, string> {
  const q: Record<string, string> = {};
  groups
    .filter((g) => g.length > 0)
    .forEach((group, g) =>
      group.forEach((f, i) => {
        const at = `searchCriteria[filter_groups][${g}][filters][${i}]`;
        q[`${at}[field]`] = f.field;
        q[`${at}[value]`] = f.value;
        if (f.condition !== undefined) q[`${at}[condition_type]`] = f.condition;
      }),
    );
  sort.forEach((s, k) => {
    q[`searchCriteria[sortOrders][${k}][field]`] = s.field;
    q[`searchCriteria[sortOrders][${k}][direction]`] = s.direction;
  });
  return q;
}

/** A filter value at second precision, rounded down so an inclusive bound never skips a record. */
export function magentoDate(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Values for `in` filters, in pieces of at most `max` values and `maxChars` characters of
 * comma-joined text (request lines of 8 KB are a common server limit).
 */
export function chunks(values: readonly string[], max: number, maxChars = 2000): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const value of values) {
    if (current.length > 0 && (current.length >= max || length + value.length + 1 > maxChars)) {
      out.push(current);
      current = [];
      length = 0;
    }
    current.push(value);
    length += value.length + 1;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * `field in (values)` of sorted values, bounded by the first and the last: the same records,
 * but a store that scans rows (rather than using an index) tests the list against only the
 * rows between the bounds. The bound groups come first, as groups are AND-ed (§3).
 */
export function boundedIn(field: string, sorted: readonly string[]): FilterGroup[] {
  return [
    [{ field, value: sorted[0] ?? '', condition: 'gteq' }],
    [{ field, value: sorted[sorted.length - 1] ?? '', condition: 'lteq' }],
    [{ field, value: sorted.join(','), condition: 'in' }],
  ];
}
