/**
 * Money as decimal strings with a fixed scale, computed on decimal digits (BigInt), never in
 * binary floating point: 19.9 → "19.90", "1,234.5" → "1234.50", 0.615 → "0.62" (half up).
 * A number goes in through its shortest round-trip text (String(19.9) is "19.9").
 */
export type Rounding = 'half_up' | 'half_even' | 'down';

export interface DecimalOptions {
  /** Digits after the point, 0-18. */
  readonly scale: number;
  readonly rounding: Rounding;
  /** Decimal separator in input strings. Default ".". */
  readonly decimalSeparator?: string;
  /** Thousands separator accepted in input strings (groups of three digits); none by default. */
  readonly groupSeparator?: string;
}

// Bounds the BigInt work: money never needs more digits than this.
const MAX_DIGITS = 60;
const MAX_EXPONENT = 60;
const SIMPLE = /^([+-]?)(\d+)(?:\.(\d*))?$/;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export type DecimalCoercion = (value: unknown) => string | undefined;

export function compileDecimal(options: DecimalOptions): DecimalCoercion {
  const { scale, rounding } = options;
  const decimalSeparator = options.decimalSeparator ?? '.';
  const groupSeparator = options.groupSeparator;
  const groups = groupSeparator === undefined ? undefined : new RegExp(`^\\d{1,3}(?:${escapeRegex(groupSeparator)}\\d{3})+$`);
  const scaleFactor = 10n ** BigInt(scale);

  function normalize(text: string): string | undefined {
    let t = text.trim();
    let sign = '';
    if (t.startsWith('-') || t.startsWith('+')) {
      sign = t[0]!;
      t = t.slice(1);
    }
    let [int, frac, ...rest] = t.split(decimalSeparator);
    if (rest.length > 0 || int === undefined) return undefined;
    // With another decimal separator configured, a "." can only be a (configured) group separator.
    if (decimalSeparator !== '.' && groupSeparator !== '.' && `${int}${frac ?? ''}`.includes('.')) return undefined;
    if (groupSeparator !== undefined && int.includes(groupSeparator)) {
      if (!groups!.test(int)) return undefined;
      int = int.split(groupSeparator).join('');
    }
    return `${sign}${int}${frac === undefined ? '' : `.${frac}`}`;
  }

  return function toDecimal(value) {
    let text: string | undefined;
    if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : undefined;
    else if (typeof value === 'string') text = normalize(value);
    if (text === undefined) return undefined;
    // Most money already has at most `scale` decimals: pad it without BigInt work.
    const simple = SIMPLE.exec(text);
    if (simple !== null && (simple[3] ?? '').length <= scale && simple[2]!.length <= MAX_DIGITS) {
      const [, sign, int, frac = ''] = simple;
      const whole = int!.replace(/^0+(?=\d)/, '');
      const fraction = frac.padEnd(scale, '0');
      const zero = whole === '0' && !/[1-9]/.test(fraction);
      return `${sign === '-' && !zero ? '-' : ''}${whole}${scale === 0 ? '' : `.${fraction}`}`;
    }
    const match = DECIMAL.exec(text);
    if (match === null) return undefined;
    const [, sign, intDigits = '', fracDigits = '', exp = '0'] = match;
    if (intDigits === '' && fracDigits === '') return undefined;
    const digits = (intDigits + fracDigits).replace(/^0+(?=\d)/, '');
    const exponent = Number(exp) - fracDigits.length;
    if (digits.length > MAX_DIGITS || Math.abs(exponent) > MAX_EXPONENT) return undefined;

    // value = digits × 10^exponent; we want round(value × 10^scale).
    const mantissa = BigInt(digits);
    const shift = exponent + scale;
    let units: bigint;
    if (shift >= 0) {
      units = mantissa * 10n ** BigInt(shift);
    } else {
      const divisor = 10n ** BigInt(-shift);
      units = mantissa / divisor;
      const twice = (mantissa % divisor) * 2n;
      if (rounding === 'half_up' ? twice >= divisor : rounding === 'half_even' ? twice > divisor || (twice === divisor && units % 2n === 1n) : false) units++;
    }
    const negative = sign === '-' && units !== 0n;
    const whole = (units / scaleFactor).toString();
    const fraction = scale === 0 ? '' : `.${(units % scaleFactor).toString().padStart(scale, '0')}`;
    return `${negative ? '-' : ''}${whole}${fraction}`;
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
