/**
 * WordPress REST parameter validation (woocommerce.md §4, §10.11): every invalid parameter
 * of a request is collected into one 400 `rest_invalid_param` with `data.params` and
 * `data.details`. Integers accept numeric strings, booleans true/false/1/0, arrays comma
 * lists or `name[]=…`, dates ISO 8601 with a time part. Unknown parameters are ignored.
 *
 *   const p = parseParams(ctx.input, { per_page: { type: 'integer', minimum: 1, maximum: 100 } });
 *   if (!(p instanceof ParsedParams)) return p; // the 400
 */
import type { SimResponse } from '../../simulator-kit/server.js';
import { parseTimestamp } from '../../simulator-kit/time-format.js';
import { wcError } from './respond.js';

export type ParamSpec =
  | { type: 'integer'; minimum?: number; maximum?: number }
  | { type: 'boolean' }
  | { type: 'string'; enum?: readonly string[] }
  | { type: 'date' }
  | { type: 'ids' }
  | { type: 'strings'; enum?: readonly string[] };

type Value = number | boolean | string | number[] | string[];

interface Problem {
  code: string;
  message: string;
}

// rest_parse_date: a time part is required, fractions and a zone are optional.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}(?::\d{2})?)?$/;

/** wp_sprintf_l: "a and b", "a, b, and c". */
function listPhrase(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}`;
}

function asInteger(name: string, raw: unknown): number | Problem {
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n) || !Number.isInteger(n)) return { code: 'rest_invalid_type', message: `${name} is not of type integer.` };
  return n;
}

function asBoolean(name: string, raw: unknown): boolean | Problem {
  if (raw === true || raw === 1 || raw === 'true' || raw === '1') return true;
  if (raw === false || raw === 0 || raw === 'false' || raw === '0') return false;
  return { code: 'rest_invalid_type', message: `${name} is not of type boolean.` };
}

function asList(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (typeof raw === 'string') return raw === '' ? [] : raw.split(',').map((s) => s.trim());
  return [raw];
}

function validate(name: string, spec: ParamSpec, raw: unknown): Value | Problem {
  switch (spec.type) {
    case 'integer': {
      const n = asInteger(name, raw);
      if (typeof n !== 'number') return n;
      const { minimum: min, maximum: max } = spec;
      if (min !== undefined && max !== undefined && (n < min || n > max)) {
        return { code: 'rest_out_of_bounds', message: `${name} must be between ${min} (inclusive) and ${max} (inclusive)` };
      }
      if (min !== undefined && n < min) return { code: 'rest_out_of_bounds', message: `${name} must be greater than or equal to ${min}` };
      if (max !== undefined && n > max) return { code: 'rest_out_of_bounds', message: `${name} must be less than or equal to ${max}` };
      return n;
    }
    case 'boolean':
      return asBoolean(name, raw);
    case 'string':
      if (typeof raw !== 'string') return { code: 'rest_invalid_type', message: `${name} is not of type string.` };
      if (spec.enum && !spec.enum.includes(raw)) return { code: 'rest_not_in_enum', message: `${name} is not one of ${listPhrase(spec.enum)}.` };
      return raw;
    case 'date':
      if (typeof raw !== 'string' || !DATE_TIME.test(raw)) return { code: 'rest_invalid_date', message: 'Invalid date.' };
      return raw;
    case 'ids': {
      const out: number[] = [];
      for (const [i, item] of asList(raw).entries()) {
        const n = asInteger(`${name}[${i}]`, item);
        if (typeof n !== 'number') return n;
        out.push(n);
      }
      return out;
    }
    case 'strings': {
      const out: string[] = [];
      for (const [i, item] of asList(raw).entries()) {
        const s = String(item);
        if (spec.enum && !spec.enum.includes(s)) return { code: 'rest_not_in_enum', message: `${name}[${i}] is not one of ${listPhrase(spec.enum)}.` };
        out.push(s);
      }
      return out;
    }
  }
}

export class ParsedParams {
  constructor(
    private readonly values: Map<string, Value>,
    /** Zone of dates without an offset: the site's, or UTC with dates_are_gmt (§3). */
    private readonly timeZone: string,
  ) {}

  has(name: string): boolean {
    return this.values.has(name);
  }
  int(name: string): number | undefined {
    return this.values.get(name) as number | undefined;
  }
  bool(name: string): boolean | undefined {
    return this.values.get(name) as boolean | undefined;
  }
  str(name: string): string | undefined {
    return this.values.get(name) as string | undefined;
  }
  ids(name: string): number[] | undefined {
    return this.values.get(name) as number[] | undefined;
  }
  strs(name: string): string[] | undefined {
    return this.values.get(name) as string[] | undefined;
  }
  /** Epoch ms of a date parameter, second precision as WordPress stores it. */
  date(name: string): number | undefined {
    const raw = this.values.get(name) as string | undefined;
    return raw === undefined ? undefined : Math.floor(parseTimestamp(raw, this.timeZone) / 1000) * 1000;
  }
}

/** Validate the named parameters of `input`; a 400 body when any is invalid. */
export function parseParams(input: Map<string, unknown>, specs: Record<string, ParamSpec>, siteTimeZone: string): ParsedParams | SimResponse {
  const values = new Map<string, Value>();
  const problems = new Map<string, Problem>();
  for (const [name, spec] of Object.entries(specs)) {
    if (!input.has(name)) continue;
    const result = validate(name, spec, input.get(name));
    if (typeof result === 'object' && result !== null && !Array.isArray(result)) problems.set(name, result);
    else values.set(name, result);
  }
  if (problems.size > 0) {
    const names = [...problems.keys()];
    return wcError(400, 'rest_invalid_param', `Invalid parameter(s): ${names.join(', ')}`, {
      params: Object.fromEntries(names.map((n) => [n, (problems.get(n) as Problem).message])),
      details: Object.fromEntries(names.map((n) => [n, { ...(problems.get(n) as Problem), data: null }])),
    });
  }
  return new ParsedParams(values, values.get('dates_are_gmt') === true ? 'UTC' : siteTimeZone);
}

/** Query parameters as WordPress reads them: `a[]=1&a[]=2` becomes a list under `a`. */
export function queryInput(query: URLSearchParams): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [rawKey, value] of query) {
    if (rawKey.endsWith('[]')) {
      const key = rawKey.slice(0, -2);
      const list = out.get(key);
      out.set(key, Array.isArray(list) ? [...list, value] : [value]);
    } else {
      out.set(rawKey, value);
    }
  }
  return out;
}

/** Parameters every list endpoint takes (§4). */
export const PAGING: Record<string, ParamSpec> = {
  context: { type: 'string', enum: ['view', 'edit'] },
  page: { type: 'integer', minimum: 1 },
  per_page: { type: 'integer', minimum: 1, maximum: 100 },
  offset: { type: 'integer' },
  search: { type: 'string' },
  include: { type: 'ids' },
  exclude: { type: 'ids' },
  order: { type: 'string', enum: ['asc', 'desc'] },
};

/** Date filters of posts-backed lists (§3). */
export const DATES: Record<string, ParamSpec> = {
  after: { type: 'date' },
  before: { type: 'date' },
  modified_after: { type: 'date' },
  modified_before: { type: 'date' },
  dates_are_gmt: { type: 'boolean' },
};
