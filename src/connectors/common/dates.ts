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

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC for an IANA zone at an instant. */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
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
  const at = Math.floor(ms / 1000) * 1000;
  const p = Object.fromEntries(dtf.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((asUtc - at) / 60_000);
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
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
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
