/**
 * `searchCriteria` for every getList endpoint (magento2.md §3): both key spellings
 * (`filter_groups`/`filterGroups`, `condition_type`/`conditionType`, …), filters OR-ed inside
 * a group and groups AND-ed, the condition types, `sortOrders`, `pageSize`/`currentPage`
 * (no pageSize: everything), the `search_criteria` echo without unsent keys, `total_count`
 * independent of paging, and past the last page either `[]` (2.4) or the last page again
 * (2.0–2.3, `legacyClampLastPage`).
 *
 *   const page = searchList(ctx, FIELDS, all, 'eav');
 */
import type { SimResponse } from '../../simulator-kit/server.js';
import { internalError, mError, required, wrongType, type RouteContext } from './respond.js';

export type FieldValue = string | number | null | ReadonlyArray<string | number>;
/** Readers of the filterable and sortable fields of one resource. */
export type Fields<T> = Record<string, (item: T) => FieldValue>;

interface Filter {
  field: string;
  value: string;
  condition_type: string;
}

export interface SearchCriteria {
  filterGroups: Filter[][];
  sortOrders: Array<{ field: string; direction: 'ASC' | 'DESC' }>;
  pageSize?: number;
  currentPage?: number;
}

type Tree = { [key: string]: Tree | string };

const CAMEL: Record<string, string> = {
  filter_groups: 'filterGroups',
  condition_type: 'conditionType',
  sort_orders: 'sortOrders',
  page_size: 'pageSize',
  current_page: 'currentPage',
};

/** `searchCriteria[a][0][b]=v` → nested object; snake_case keys folded into camelCase. */
function parseTree(query: URLSearchParams): Tree | string | undefined {
  let root: Tree | string | undefined;
  for (const [key, value] of query) {
    const m = /^searchCriteria((?:\[[^\]]*\])*)$/.exec(key);
    if (!m) continue;
    const path = [...(m[1] as string).matchAll(/\[([^\]]*)\]/g)].map((x) => CAMEL[x[1] as string] ?? (x[1] as string));
    if (path.length === 0) {
      root ??= value;
      continue;
    }
    if (typeof root !== 'object') root = {};
    let node: Tree = root;
    path.forEach((segment, i) => {
      if (i === path.length - 1) node[segment] = value;
      else {
        const next = node[segment];
        node = typeof next === 'object' ? next : (node[segment] = {});
      }
    });
  }
  return root;
}

const sortedEntries = (t: Tree | string | undefined): Array<[string, Tree | string]> =>
  typeof t === 'object' ? Object.entries(t).sort((a, b) => Number(a[0]) - Number(b[0])) : [];

function int(name: string, raw: Tree | string | undefined): number | SimResponse | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw.trim())) return wrongType(typeof raw === 'string' ? raw : name, 'int');
  return Number(raw);
}

/** Parse the criteria; a 400 when `searchCriteria` is missing or a value has the wrong type. */
export function parseSearchCriteria(query: URLSearchParams): SearchCriteria | SimResponse {
  const tree = parseTree(query);
  if (tree === undefined) return required('searchCriteria');
  const t: Tree = typeof tree === 'object' ? tree : {};
  const filterGroups = sortedEntries(t.filterGroups).map(([, g]) =>
    sortedEntries(typeof g === 'object' ? g.filters : undefined).map(([, f]) => {
      const o = typeof f === 'object' ? f : {};
      const str = (x: Tree | string | undefined): string => (typeof x === 'string' ? x : '');
      return { field: str(o.field), value: str(o.value), condition_type: str(o.conditionType) || 'eq' };
    }),
  );
  const sortOrders: SearchCriteria['sortOrders'] = [];
  for (const [, s] of sortedEntries(t.sortOrders)) {
    const o = typeof s === 'object' ? s : {};
    const direction = typeof o.direction === 'string' ? o.direction.toUpperCase() : 'DESC';
    // Framework/Api/SortOrder validates the direction (§3).
    if (direction !== 'ASC' && direction !== 'DESC') {
      return mError(400, 'The sort order has to be specified as %1 for ascending order or %2 for descending order.', ['ASC', 'DESC']);
    }
    sortOrders.push({ field: typeof o.field === 'string' ? o.field : '', direction });
  }
  const out: SearchCriteria = { filterGroups, sortOrders };
  const pageSize = int('pageSize', t.pageSize);
  if (typeof pageSize === 'object') return pageSize;
  if (pageSize !== undefined) out.pageSize = pageSize;
  const currentPage = int('currentPage', t.currentPage);
  if (typeof currentPage === 'object') return currentPage;
  if (currentPage !== undefined) out.currentPage = currentPage;
  return out;
}

function likeRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${escaped}$`, 'is');
}

/** A filter value as MySQL compares it with the stored "YYYY-MM-DD HH:MM:SS" (it reads ISO 8601 too). */
function asStored(b: string): string {
  return /^\d{4}-\d{2}-\d{2}T/.test(b) ? b.replace('T', ' ').replace(/(\.\d+)?(Z|[+-]00:?00)?$/, '') : b;
}

const isNumeric = (b: string): boolean => b.trim() !== '' && Number.isFinite(Number(b));

function compare(a: string | number, b: string): number {
  if (typeof a === 'number' && isNumeric(b)) return a - Number(b);
  const aa = String(a);
  const bb = asStored(b);
  return aa < bb ? -1 : aa > bb ? 1 : 0;
}

/**
 * compare(v, x) === 0 for some x of `list`, by set lookups: an `in` list can name hundreds
 * of ids, each tried against every record.
 */
function equalTo(list: readonly string[]): (v: string | number) => boolean {
  const numbers = new Set<number>();
  const strings = new Set<string>();
  for (const x of list) {
    if (isNumeric(x)) numbers.add(Number(x));
    strings.add(asStored(x));
  }
  return (v) => (typeof v === 'number' ? numbers.has(v) || strings.has(String(v)) : strings.has(v));
}

function valuesOf(value: FieldValue): ReadonlyArray<string | number> {
  return Array.isArray(value) ? (value as ReadonlyArray<string | number>) : value === null ? [] : [value as string | number];
}

/**
 * One condition (§3 list of condition types), prepared once per request. Multi-valued
 * fields match when any value does.
 */
function condition(type: string, raw: string): (value: FieldValue) => boolean {
  const any = (test: (v: string | number) => boolean) => (value: FieldValue) => valuesOf(value).some(test);
  const none = (test: (v: string | number) => boolean) => (value: FieldValue) => !valuesOf(value).some(test);
  const list = () => raw.split(',').map((x) => x.trim());
  switch (type) {
    case 'null':
      return (value) => valuesOf(value).length === 0;
    case 'notnull':
      return (value) => valuesOf(value).length > 0;
    case 'neq':
      return none(equalTo([raw]));
    case 'nin':
      return none(equalTo(list()));
    case 'nlike': {
      const pattern = likeRegex(raw);
      return none((v) => pattern.test(String(v)));
    }
    case 'nfinset':
      return none((v) => String(v).split(',').includes(raw));
    case 'gt':
      return any((v) => compare(v, raw) > 0);
    case 'gteq':
    case 'moreq':
    case 'from':
      return any((v) => compare(v, raw) >= 0);
    case 'lt':
      return any((v) => compare(v, raw) < 0);
    case 'lteq':
    case 'to':
      return any((v) => compare(v, raw) <= 0);
    case 'like': {
      const pattern = likeRegex(raw);
      return any((v) => pattern.test(String(v)));
    }
    case 'in':
      return any(equalTo(list()));
    case 'finset':
      return any((v) => String(v).split(',').includes(raw));
    default:
      return any(equalTo([raw]));
  }
}

/**
 * How an unknown field fails: EAV collections (products, customers, categories) throw
 * "Invalid attribute name" (400); flat tables (orders, source items) hit an SQL error that
 * production mode masks as a 500 [U].
 */
export type Storage = 'eav' | 'flat';

function unknownField(storage: Storage, field: string): SimResponse {
  return storage === 'eav' ? mError(400, 'Invalid attribute name: %1', [field]) : internalError();
}

function echo(c: SearchCriteria): Record<string, unknown> {
  const out: Record<string, unknown> = {
    filter_groups: c.filterGroups.map((g) => ({ filters: g.map((f) => ({ field: f.field, value: f.value, condition_type: f.condition_type })) })),
  };
  if (c.sortOrders.length > 0) out.sort_orders = c.sortOrders;
  if (c.pageSize !== undefined) out.page_size = c.pageSize;
  if (c.currentPage !== undefined) out.current_page = c.currentPage;
  return out;
}

/** Filter, sort and page `all` (in natural id order); the list envelope or an error. */
export function searchList<T>(ctx: RouteContext, fields: Fields<T>, all: readonly T[], storage: Storage, render: (item: T) => Record<string, unknown>): SimResponse {
  const c = parseSearchCriteria(ctx.req.query);
  if ('status' in c) return c;
  for (const f of [...c.filterGroups.flat().map((x) => x.field), ...c.sortOrders.map((s) => s.field)]) {
    if (!(f in fields)) return unknownField(storage, f);
  }
  const groups = c.filterGroups.map((g) => g.map((f) => ({ read: fields[f.field] as Fields<T>[string], test: condition(f.condition_type, f.value) })));
  let items = all.filter((item) => groups.every((g) => g.length === 0 || g.some((f) => f.test(f.read(item)))));
  if (c.sortOrders.length > 0) {
    items = [...items].sort((a, b) => {
      for (const s of c.sortOrders) {
        const read = fields[s.field] as Fields<T>[string];
        const x = read(a) ?? '';
        const y = read(b) ?? '';
        const d = x < y ? -1 : x > y ? 1 : 0;
        if (d !== 0) return s.direction === 'ASC' ? d : -d;
      }
      return 0;
    });
  }
  const total = items.length;
  let page = items;
  if (c.pageSize !== undefined && c.pageSize > 0) {
    // currentPage 0 or missing is page 1 (§3.1, issue #25619).
    let current = Math.max(1, c.currentPage ?? 1);
    const last = Math.max(1, Math.ceil(total / c.pageSize));
    if (ctx.state.settings.legacyClampLastPage && current > last) current = last;
    page = items.slice((current - 1) * c.pageSize, current * c.pageSize);
  }
  return { status: 200, body: { items: page.map(render), search_criteria: echo(c), total_count: total } };
}
