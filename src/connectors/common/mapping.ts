/**
 * Mapping tables: a unified record is built from a table with one small function per
 * unified field, so a mapping reads as data (STYLE.md §4) and the compiler checks that
 * every field of the unified type is covered. Plus the converters every platform needs.
 *
 *   const PRODUCT: FieldMap<NativeProduct, ProductRecord, Ctx> = { id: (p) => idOf(p.id), … };
 *   mapRecord(PRODUCT, native, ctx);
 */
import type { AddressRecord } from '../../commerce/models.js';
import { formatMoney } from './decimal.js';
import { badResponse } from './errors.js';

/** Every unified field but `connection`, which the unified API sets on records it merges across stores. */
export type FieldMap<N, U, C> = { readonly [K in Exclude<keyof U, 'connection'>]-?: (native: N, ctx: C) => U[K] };

export function mapRecord<N, U, C>(map: FieldMap<N, U, C>, native: N, ctx: C): U {
  let build = builders.get(map);
  if (build === undefined) {
    build = builderFor(map as unknown as Record<string, Field>);
    builders.set(map, build);
  }
  return build(native, ctx) as U;
}

type Field = (native: unknown, ctx: unknown) => unknown;
type Builder = (native: unknown, ctx: unknown) => Record<string, unknown>;
const builders = new WeakMap<object, Builder>();

/**
 * One function per table that builds the record as a single object literal: every record
 * of a table then shares one shape and each field's call site sees one function, where a
 * loop over the keys is a megamorphic call and store per field (a catalog page maps
 * thousands of records). The source holds only the table's own keys, JSON-quoted.
 */
function builderFor(table: Record<string, Field>): Builder {
  const keys = Object.keys(table);
  const body = keys.map((key, i) => `${JSON.stringify(key)}: f[${i}](n, c)`).join(',\n');
  const make = new Function('f', `return function build(n, c) { return {\n${body}\n}; };`) as (fields: Field[]) => Builder;
  return make(keys.map((key) => table[key]!));
}

/** Ids as strings; JSON numbers above 2^53 have already lost digits, so they are refused. */
export function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return null;
}

/** Required id: a record without one is not what the endpoint documents. */
export function requiredId(platform: string, value: unknown, what: string): string {
  const id = idOf(value);
  if (id === null) throw badResponse(platform, 200, `${what} without a usable id`);
  return id;
}

/** Text, with empty strings as null (platforms use "" for "none"). */
export function text(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

export function int(value: unknown): number | null {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : null;
}

/** Money that may be absent. */
export function money(value: unknown): string | null {
  return formatMoney(value) ?? null;
}

/** Money the unified model requires (order totals): absent or unreadable is a bad response. */
export function requiredMoney(platform: string, value: unknown, what: string): string {
  const m = formatMoney(value);
  if (m === null || m === undefined) throw badResponse(platform, 200, `${what} is not an amount`);
  return m;
}

/** ISO 4217 code the unified model requires on money; a record without one is a bad response. */
export function requiredCurrency(platform: string, value: unknown, what: string): string {
  if (typeof value === 'string' && /^[A-Za-z]{3}$/.test(value)) return value.toUpperCase();
  throw badResponse(platform, 200, `${what} has no currency code`);
}

export function countryCode(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z]{2}$/.test(value) ? value.toUpperCase() : null;
}

export type WeightUnit = 'kg' | 'g' | 'lb' | 'oz';

const UNITS: Readonly<Record<string, WeightUnit>> = {
  kg: 'kg', kgs: 'kg', kilogram: 'kg', kilograms: 'kg',
  g: 'g', gram: 'g', grams: 'g',
  lb: 'lb', lbs: 'lb', pound: 'lb', pounds: 'lb',
  oz: 'oz', ounce: 'oz', ounces: 'oz',
};

/** "Ounces" (BigCommerce store), "kg" (Shopify variant) → a unified unit; null when unknown. */
export function weightUnit(value: unknown): WeightUnit | null {
  return typeof value === 'string' ? (UNITS[value.trim().toLowerCase()] ?? null) : null;
}

export function weight(value: unknown, unit: unknown): { value: string; unit: WeightUnit } | null {
  const u = weightUnit(unit);
  const v = formatMoney(value, 0);
  return u === null || v === null || v === undefined ? null : { value: v, unit: u };
}

export type AddressFields = { [K in keyof AddressRecord]?: unknown };

/** An address from its platform fields; null when nothing identifies a place or a person. */
export function address(fields: AddressFields): AddressRecord | null {
  const out: AddressRecord = {
    first_name: text(fields.first_name),
    last_name: text(fields.last_name),
    company: text(fields.company),
    line1: text(fields.line1),
    line2: text(fields.line2),
    city: text(fields.city),
    region: text(fields.region),
    postal_code: text(fields.postal_code),
    country_code: countryCode(fields.country_code),
    phone: text(fields.phone),
    email: text(fields.email),
  };
  return Object.values(out).every((v) => v === null) ? null : out;
}

/** Reads a JSON object, or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
