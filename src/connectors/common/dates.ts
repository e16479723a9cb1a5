/**
 * Timestamps from each platform's formats to the unified ISO 8601 UTC (`…Z`), and back
 * into the formats platform filters take. Read: ISO 8601 with an offset or `Z` (Shopify in
 * the shop's offset, BigCommerce V3), RFC 2822 (BigCommerce V2), ISO without a zone read in
 * a given zone (Magento UTC, PrestaShop shop-local; unified-model.md B6.6) and Unix seconds.
 *
 *   toUtcTimestamp('2024-04-02T08:59:11-05:00')        // '2024-04-02T13:59:11Z'
 *   toUtcTimestamp('Mon, 03 Jun 2024 19:20:11 +0000')  // '2024-06-03T19:20:11Z'
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const RFC2822 = /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|UT|UTC|GMT|Z)?$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const offsetCache = new Map<string, Map<number, number>>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC for `timeZone` at instant `ms` (e.g. -240 for New York in summer). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  // Offsets change only at quarter hours of UTC (local whole or half hours, offsets in
  // 15-minute steps), so one lookup per quarter hour is exact.
  const slot = Math.floor(ms / 900_000);
  let cache = offsetCache.get(timeZone);
  if (!cache) offsetCache.set(timeZone, (cache = new Map()));
  const hit = cache.get(slot);
  if (hit !== undefined) return hit;
  let dtf = formatters.get(timeZone);
  if (!dtf) {
    dtf = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, dtf);
  }
  const probe = slot * 900_000;
  const parts = Object.fromEntries(dtf.formatToParts(new Date(probe)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offset = Math.round((asUtc - probe) / 60_000);
  if (cache.size > 50_000) cache.clear();
  cache.set(slot, offset);
  return offset;
}

function offsetMinutes(zone: string): number {
  if (/^(Z|UTC?|GMT)$/i.test(zone)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return NaN;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  return m[1] === '-' ? -minutes : minutes;
}

/** Wall-clock fields in `timeZone` → epoch ms (two passes settle DST edges). */
function localToEpoch(wall: number, timeZone: string): number {
  const first = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  return wall - zoneOffsetMinutes(first, timeZone) * 60_000;
}

/**
 * Epoch milliseconds of a platform timestamp; NaN when unreadable. `zone` is used only
 * for values that carry no zone of their own (default UTC).
 */
export function parseTimestamp(value: unknown, zone = 'UTC'): number {
  if (typeof value === 'number') {
    // Unix seconds (BigCommerce hooks) unless it is clearly milliseconds already.
    return Number.isFinite(value) ? (Math.abs(value) < 1e11 ? value * 1000 : value) : NaN;
  }
  if (typeof value !== 'string') return NaN;
  const fast = fixedIso(value);
  if (fast === ZONELESS) return localToEpoch(wallOf(value), zone);
  if (!Number.isNaN(fast)) return fast;
  const text = value.trim();
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', tz] = iso;
    const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3)));
    if (tz === undefined) return localToEpoch(wall, zone);
    return wall - offsetMinutes(tz) * 60_000;
  }
  const rfc = RFC2822.exec(text);
  if (rfc) {
    const [, d, mon = '', y, h, mi, s = '0', tz = '+0000'] = rfc;
    const month = MONTHS.indexOf(mon.toLowerCase());
    if (month < 0) return NaN;
    return Date.UTC(Number(y), month, Number(d), Number(h), Number(mi), Number(s)) - offsetMinutes(tz) * 60_000;
  }
  return NaN;
}

/** `2024-06-03T19:20:11Z` (milliseconds only when not zero). */
export function formatUtc(ms: number): string {
  // Digits by arithmetic: a catalog page carries thousands of timestamps, and Date's
  // toISOString costs several times this. Years outside 1000–9999 take Date's path.
  if (Number.isInteger(ms) && ms >= MIN_FAST_MS && ms < MAX_FAST_MS) {
    const days = Math.floor(ms / DAY_MS);
    let rest = ms - days * DAY_MS;
    const millis = rest % 1000;
    rest = (rest - millis) / 1000;
    const second = rest % 60;
    rest = (rest - second) / 60;
    const minute = rest % 60;
    const hour = (rest - minute) / 60;
    // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
    const z = days + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    const head = `${year}-${TWO[month]}-${TWO[day]}T${TWO[hour]}:${TWO[minute]}:${TWO[second]}`;
    return millis === 0 ? `${head}Z` : `${head}.${String(millis).padStart(3, '0')}Z`;
  }
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

const DAY_MS = 86_400_000;
const MIN_FAST_MS = Date.UTC(1000, 0, 1);
const MAX_FAST_MS = Date.UTC(10_000, 0, 1);
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** fixedIso's answer for a well-formed value with no zone of its own. */
const ZONELESS = -Infinity;

/** Digit at `i` of `s`, or NaN. */
function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

function pair(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

/** Wall-clock epoch ms of the first 19 characters `YYYY-MM-DDTHH:MM:SS` (NaN when not that shape). */
function wallOf(s: string): number {
  const c10 = s.charCodeAt(10);
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (c10 !== 84 && c10 !== 32) || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  const year = pair(s, 0) * 100 + pair(s, 2);
  return Date.UTC(year, pair(s, 5) - 1, pair(s, 8), pair(s, 11), pair(s, 14), pair(s, 17));
}

/**
 * The common shapes without a regex: `YYYY-MM-DDTHH:MM:SS` followed by nothing (ZONELESS),
 * `Z`, or `±HH:MM`. NaN for anything else, which then takes the general reader.
 */
function fixedIso(s: string): number {
  const length = s.length;
  if (length !== 19 && length !== 20 && length !== 25) return NaN;
  const wall = wallOf(s);
  if (wall !== wall) return NaN;
  if (length === 19) return ZONELESS;
  if (length === 20) return s.charCodeAt(19) === 90 ? wall : NaN;
  const sign = s.charCodeAt(19);
  if ((sign !== 43 && sign !== 45) || s.charCodeAt(22) !== 58) return NaN;
  const offset = pair(s, 20) * 60 + pair(s, 23);
  return sign === 45 ? wall + offset * 60_000 : wall - offset * 60_000;
}

/**
 * The unified timestamp, or null when the platform sent none ("" for unset in BigCommerce
 * V2, §10.2). An unreadable value is also null, so one odd field does not fail a page.
 */
export function toUtcTimestamp(value: unknown, zone = 'UTC'): string | null {
  if (value === null || value === undefined || value === '') return null;
  const ms = parseTimestamp(value, zone);
  return Number.isNaN(ms) ? null : formatUtc(ms);
}

/** Filter value at second precision, rounded down so an inclusive bound never skips a record. */
export function filterIsoUtc(date: Date): string {
  return `${new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** `Mon, 03 Jun 2024 19:20:11 +0000` (BigCommerce V2 filters, bigcommerce.md §3). */
export function filterRfc2822(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toUTCString().replace(/GMT$/, '+0000');
}
