/**
 * Date coercions between ISO 8601 / RFC 3339, Unix seconds or milliseconds, HTTP dates
 * (RFC 9110 §5.6.7 IMF-fixdate) and patterns such as `YYYY-MM-DD HH:mm:ss` (PrestaShop,
 * Magento) read in a zone. Output defaults to ISO 8601 in UTC: `2024-03-01T11:34:56Z`.
 *
 * Pattern tokens: YYYY, MM/M (month), DD/D (day), HH/H (hour 0-23), mm, ss, SSS, Z (offset:
 * `Z` or ±HH:MM); text in [brackets] and non-letters are literal: `DD.MM.YYYY[T]HH:mm`.
 */
import { compileZone, wallTime, type Zone } from './zone.js';

export type DateCoercion = (value: unknown) => string | number | undefined;

export interface DateOptions {
  /** Input format: iso8601, unix, unix_ms, http or a pattern. */
  readonly format: string;
  /** Zone of input wall times that carry no offset. */
  readonly zone: string;
  /** Output format: iso8601, unix, unix_ms, http or a pattern. */
  readonly output: string;
  /** Zone the output is written in. */
  readonly outputZone: string;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** Minutes east of UTC written in the input, if any. */
  offset: number | undefined;
}

type Parser = (value: unknown) => number | undefined;
type Formatter = (utcMs: number) => string | number | undefined;

/** Throws an Error with a message for the caller to wrap when an option is invalid. */
export function compileDate(options: DateOptions): DateCoercion {
  const zone = compileZone(options.zone);
  if (zone === undefined) throw new Error(`unknown time zone "${options.zone}"`);
  const outputZone = compileZone(options.outputZone);
  if (outputZone === undefined) throw new Error(`unknown time zone "${options.outputZone}"`);
  const parse = compileParser(options.format, zone);
  const format = compileFormatter(options.output, outputZone);
  return (value) => {
    const ms = parse(value);
    return ms === undefined ? undefined : format(ms);
  };
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// ±8.64e15 ms is the range of ECMAScript dates.
const MAX_MS = 8.64e15;

function compileParser(format: string, zone: Zone): Parser {
  switch (format) {
    case 'unix':
    case 'unix_ms': {
      const factor = format === 'unix' ? 1000 : 1;
      return (value) => {
        const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
        const ms = Math.round(n * factor);
        return Number.isFinite(ms) && Math.abs(ms) <= MAX_MS ? ms : undefined;
      };
    }
    case 'iso8601':
      return (value) => {
        const m = typeof value === 'string' ? ISO.exec(value.trim()) : null;
        if (m === null) return undefined;
        return toInstant(
          {
            year: Number(m[1]),
            month: Number(m[2]),
            day: Number(m[3]),
            hour: Number(m[4] ?? 0),
            minute: Number(m[5] ?? 0),
            second: Number(m[6] ?? 0),
            ms: Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0')),
            offset: parseOffset(m[8]),
          },
          zone,
        );
      };
    case 'http':
      return (value) => {
        const m = typeof value === 'string' ? HTTP_DATE.exec(value) : null;
        if (m === null) return undefined;
        const fields = { year: Number(m[3]), month: MONTHS.indexOf(m[2]!) + 1, day: Number(m[1]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), ms: 0, offset: 0 };
        return toInstant(fields, zone);
      };
    default:
      return compilePatternParser(format, zone);
  }
}

function compileFormatter(format: string, zone: Zone): Formatter {
  switch (format) {
    case 'unix':
      return (ms) => Math.floor(ms / 1000);
    case 'unix_ms':
      return (ms) => ms;
    case 'http':
      return (ms) => {
        const year = new Date(ms).getUTCFullYear();
        return year < 0 || year > 9999 ? undefined : new Date(ms).toUTCString();
      };
    case 'iso8601':
      return (ms) => {
        const local = localFields(ms, zone);
        if (local === undefined) return undefined;
        const fraction = local.ms === 0 ? '' : `.${pad(local.ms, 3)}`;
        return `${pad(local.year, 4)}-${pad(local.month, 2)}-${pad(local.day, 2)}T${pad(local.hour, 2)}:${pad(local.minute, 2)}:${pad(local.second, 2)}${fraction}${offsetText(local.offset!, zone)}`;
      };
    default:
      return compilePatternFormatter(format, zone);
  }
}

type Token = { kind: 'literal'; text: string } | { kind: 'field'; token: string };

const TOKEN = /\[([^\]]*)\]|YYYY|SSS|MM|M|DD|D|HH|H|mm|ss|Z|[A-Za-z]|[^A-Za-z[]/g;
const FIELD_SOURCE: Record<string, string> = {
  YYYY: '(\\d{4})',
  MM: '(\\d{2})',
  M: '(\\d{1,2})',
  DD: '(\\d{2})',
  D: '(\\d{1,2})',
  HH: '(\\d{2})',
  H: '(\\d{1,2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  SSS: '(\\d{3})',
  Z: '(Z|[+-]\\d{2}:?\\d{2})',
};

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let consumed = 0;
  for (const m of pattern.matchAll(TOKEN)) {
    if (m.index !== consumed) break;
    consumed += m[0].length;
    if (m[1] !== undefined) tokens.push({ kind: 'literal', text: m[1] });
    else if (m[0] in FIELD_SOURCE) tokens.push({ kind: 'field', token: m[0] });
    else if (/^[A-Za-z]$/.test(m[0])) throw new Error(`"${m[0]}" in the date pattern "${pattern}" is not a token (write literal letters in [brackets])`);
    else tokens.push({ kind: 'literal', text: m[0] });
  }
  if (consumed !== pattern.length) throw new Error(`the date pattern "${pattern}" has an unclosed "["`);
  const fields = tokens.flatMap((t) => (t.kind === 'field' ? [t.token.charAt(0)] : []));
  if (new Set(fields).size !== fields.length) throw new Error(`the date pattern "${pattern}" repeats a field`);
  return tokens;
}

function compilePatternParser(pattern: string, zone: Zone): Parser {
  const tokens = tokenize(pattern);
  const order: string[] = [];
  let source = '^';
  for (const t of tokens) {
    if (t.kind === 'literal') source += t.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else {
      source += FIELD_SOURCE[t.token];
      order.push(t.token.charAt(0));
    }
  }
  for (const needed of ['Y', 'M', 'D']) if (!order.includes(needed)) throw new Error(`the date pattern "${pattern}" needs a year, a month and a day`);
  const regex = new RegExp(`${source}$`);
  return (value) => {
    const m = typeof value === 'string' ? regex.exec(value.trim()) : null;
    if (m === null) return undefined;
    const fields: Fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, ms: 0, offset: undefined };
    order.forEach((field, i) => {
      const text = m[i + 1]!;
      if (field === 'Z') fields.offset = parseOffset(text);
      else fields[FIELD_KEY[field]!] = Number(text);
    });
    return toInstant(fields, zone);
  };
}

const FIELD_KEY: Record<string, 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'ms'> = {
  Y: 'year',
  M: 'month',
  D: 'day',
  H: 'hour',
  m: 'minute',
  s: 'second',
  S: 'ms',
};

const FORMAT_FIELD: Record<string, (f: Fields, zone: Zone) => string> = {
  YYYY: (f) => pad(f.year, 4),
  MM: (f) => pad(f.month, 2),
  M: (f) => String(f.month),
  DD: (f) => pad(f.day, 2),
  D: (f) => String(f.day),
  HH: (f) => pad(f.hour, 2),
  H: (f) => String(f.hour),
  mm: (f) => pad(f.minute, 2),
  ss: (f) => pad(f.second, 2),
  SSS: (f) => pad(f.ms, 3),
  Z: (f, zone) => offsetText(f.offset!, zone),
};

function compilePatternFormatter(pattern: string, zone: Zone): Formatter {
  const tokens = tokenize(pattern);
  return (ms) => {
    const local = localFields(ms, zone);
    if (local === undefined) return undefined;
    let out = '';
    for (const t of tokens) {
      if (t.kind === 'literal') {
        out += t.text;
        continue;
      }
      out += FORMAT_FIELD[t.token]!(local, zone);
    }
    return out;
  };
}

function toInstant(f: Fields, zone: Zone): number | undefined {
  if (f.year < 1 || f.month < 1 || f.month > 12 || f.day < 1 || f.day > daysInMonth(f.year, f.month)) return undefined;
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
  if (Number.isNaN(f.offset)) return undefined;
  const wall = wallTime(f.year, f.month, f.day, f.hour, f.minute, f.second, f.ms);
  return f.offset === undefined ? zone.toUtc(wall) : wall - f.offset * 60_000;
}

function localFields(utcMs: number, zone: Zone): Fields | undefined {
  if (Math.abs(utcMs) > MAX_MS) return undefined;
  const offset = zone.offsetAt(utcMs);
  const d = new Date(utcMs + offset * 60_000);
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) return undefined;
  return { year, month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), ms: d.getUTCMilliseconds(), offset };
}

function parseOffset(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (text === 'Z' || text === 'z') return 0;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const mins = Number(digits.slice(2, 4) || '0');
  // RFC 3339 §5.6 offsets are within ±23:59; real zones stay within ±18:00. NaN marks a bad offset.
  if (hours > 18 || mins > 59) return NaN;
  const minutes = hours * 60 + mins;
  return text[0] === '-' ? -minutes : minutes;
}

function offsetText(minutes: number, zone: Zone): string {
  if (zone.isUtc) return 'Z';
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
