/**
 * Compiles a `coerce` operation's options into a converter that returns the new value, or
 * undefined when the value cannot be converted.
 */
import { compileDate } from './date.js';
import { compileDecimal } from './decimal.js';
import { toBoolean, toInteger, toNumber, toText } from './scalar.js';

export type Converter = (value: unknown) => unknown;

export interface CoerceOptions {
  readonly to: string;
  readonly scale?: number;
  readonly rounding?: 'half_up' | 'half_even' | 'down';
  readonly decimalSeparator?: string;
  readonly groupSeparator?: string;
  readonly format?: string;
  readonly zone?: string;
  readonly output?: string;
  readonly outputZone?: string;
}

const DECIMAL_OPTIONS = ['scale', 'rounding', 'decimalSeparator', 'groupSeparator'] as const;
const DATE_OPTIONS = ['format', 'zone', 'output', 'outputZone'] as const;

/** Throws an Error with a message for the caller to wrap when the options do not fit. */
export function compileConverter(options: CoerceOptions): Converter {
  const misplaced = [
    ...(options.to === 'decimal' ? [] : DECIMAL_OPTIONS.filter((k) => options[k] !== undefined)),
    ...(options.to === 'date' ? [] : DATE_OPTIONS.filter((k) => options[k] !== undefined)),
  ];
  if (misplaced.length > 0) throw new Error(`${misplaced.join(', ')} does not apply to "to: ${options.to}"`);
  switch (options.to) {
    case 'string':
      return toText;
    case 'number':
      return toNumber;
    case 'integer':
      return toInteger;
    case 'boolean':
      return toBoolean;
    case 'decimal': {
      const scale = options.scale ?? 2;
      if (!Number.isInteger(scale) || scale < 0 || scale > 18) throw new Error('scale must be an integer from 0 to 18');
      if (options.decimalSeparator !== undefined && options.decimalSeparator === options.groupSeparator) throw new Error('the decimal and group separators must differ');
      return compileDecimal({
        scale,
        rounding: options.rounding ?? 'half_up',
        decimalSeparator: options.decimalSeparator ?? '.',
        ...(options.groupSeparator === undefined ? {} : { groupSeparator: options.groupSeparator }),
      });
    }
    case 'date':
      return compileDate({ format: options.format ?? 'iso8601', zone: options.zone ?? 'UTC', output: options.output ?? 'iso8601', outputZone: options.outputZone ?? 'UTC' });
    default:
      throw new Error(`cannot coerce to "${options.to}"`);
  }
}
