/**
 * Money as decimal strings without float error. Platforms send amounts as strings
 * ("38.0000", Shopify and BigCommerce V2) or JSON numbers (24.5, BigCommerce V3); both are
 * read digit by digit and any arithmetic runs on scaled BigInts.
 *
 *   formatMoney('38.0000')        // '38.00'
 *   formatMoney(24.5)             // '24.50'
 *   multiplyMoney('18.50', 3)     // '55.50'
 */

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

/** `String(n)` gives the shortest text that reads back as `n`; exponents are spelled out. */
function numberText(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  const text = String(n);
  const exp = /^(-)?(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exp) return text;
  const [, sign = '', int = '', frac = '', power = '0'] = exp;
  const digits = int + frac;
  const point = int.length + Number(power);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function parse(value: unknown): Scaled | undefined {
  const text = typeof value === 'number' ? numberText(value) : typeof value === 'string' ? value.trim() : undefined;
  const m = text === undefined ? null : DECIMAL.exec(text);
  if (!m) return undefined;
  const [, sign, int = '0', frac = ''] = m;
  const units = BigInt(int + frac) * (sign === '-' ? -1n : 1n);
  return { units, scale: frac.length };
}

function rescale(a: Scaled, scale: number): bigint {
  return a.units * 10n ** BigInt(scale - a.scale);
}

function format(a: Scaled, minDecimals: number): string {
  const negative = a.units < 0n;
  const digits = (negative ? -a.units : a.units).toString().padStart(a.scale + 1, '0');
  const int = digits.slice(0, digits.length - a.scale);
  // Trailing zeros past the currency's usual precision carry no information ("38.0000").
  const frac = digits.slice(digits.length - a.scale).replace(/0+$/, '').padEnd(minDecimals, '0');
  const text = frac === '' ? int : `${int}.${frac}`;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** True for a plain decimal such as "19.99" or "-3" (what the unified Money schema accepts). */
export function isDecimal(value: unknown): value is string {
  return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value);
}

/**
 * Canonical money text: at least `minDecimals` decimals, more only when they are not zero.
 * null for null, undefined or an empty string; undefined when the value is not a number.
 */
export function formatMoney(value: unknown, minDecimals = 2): string | null | undefined {
  if (value === null || value === undefined || value === '') return null;
  if (minDecimals === 2 && typeof value === 'string' && isCents(value)) return value;
  if (typeof value === 'number' && Number.isFinite(value)) {
    // String(n) is already the shortest exact text, with no leading or trailing zeros.
    const text = String(value);
    if (!text.includes('e')) {
      const point = text.indexOf('.');
      const decimals = point < 0 ? 0 : text.length - point - 1;
      if (decimals >= minDecimals) return text;
      return `${text}${point < 0 ? '.' : ''}${'0'.repeat(minDecimals - decimals)}`;
    }
  }
  const text = typeof value === 'number' ? numberText(value) : typeof value === 'string' ? value.trim() : undefined;
  const m = text === undefined ? null : DECIMAL.exec(text);
  if (!m) return undefined;
  // Formatting needs no arithmetic: the digits are rearranged as text (a catalog page has
  // thousands of amounts; BigInt is kept for sums and products).
  const [, sign, int = '0', frac = ''] = m;
  const whole = int.replace(/^0+(?=\d)/, '');
  const decimals = frac.replace(/0+$/, '').padEnd(minDecimals, '0');
  const out = decimals === '' ? whole : `${whole}.${decimals}`;
  return sign === '-' && /[1-9]/.test(out) ? `-${out}` : out;
}

/** Already canonical with two decimals ("129.00", "0.50"): digits, a point, two digits, no leading zero. */
function isCents(s: string): boolean {
  const n = s.length;
  if (n < 4 || s.charCodeAt(n - 3) !== 46 || !isDigit(s.charCodeAt(n - 2)) || !isDigit(s.charCodeAt(n - 1))) return false;
  if (s.charCodeAt(0) === 48 && n !== 4) return false;
  for (let i = 0; i < n - 3; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function combine(values: readonly unknown[], op: (acc: bigint, next: bigint) => bigint): string | undefined {
  const parsed = values.map(parse);
  if (parsed.some((p) => p === undefined)) return undefined;
  const all = parsed as Scaled[];
  const scale = Math.max(0, ...all.map((p) => p.scale));
  const first = all[0];
  if (first === undefined) return '0.00';
  let acc = rescale(first, scale);
  for (const p of all.slice(1)) acc = op(acc, rescale(p, scale));
  return format({ units: acc, scale }, 2);
}

export function addMoney(...values: unknown[]): string | undefined {
  return combine(values, (a, b) => a + b);
}

export function subtractMoney(a: unknown, b: unknown): string | undefined {
  return combine([a, b], (x, y) => x - y);
}

export function multiplyMoney(value: unknown, quantity: number): string | undefined {
  const p = parse(value);
  if (p === undefined || !Number.isInteger(quantity)) return undefined;
  return format({ units: p.units * BigInt(quantity), scale: p.scale }, 2);
}

/** -1, 0 or 1; undefined when either side is not a number. */
export function compareMoney(a: unknown, b: unknown): -1 | 0 | 1 | undefined {
  const x = parse(a);
  const y = parse(b);
  if (x === undefined || y === undefined) return undefined;
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** For platforms that take money as a JSON number (BigCommerce V3): the nearest double, which JSON prints back exactly. */
export function moneyToNumber(value: string): number {
  return Number(value);
}
