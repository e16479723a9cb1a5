/**
 * Building blocks every config schema uses (unigate.yaml and each policy's own schema), so a
 * duration or an optional section reads and validates the same everywhere.
 */
import { Type, type TSchema } from '@sinclair/typebox';

export interface DurationOptions {
  default?: string;
  /** Accept `d` (days) as well: rate-limit windows and cache lifetimes. */
  days?: boolean;
  /** Smallest integer of milliseconds (default 0). */
  minimum?: number;
}

/** A duration: `250ms`, `5s`, `2m`, `1h` (and `1d` where `days`), or an integer of milliseconds. */
export function Duration(description: string, options: DurationOptions = {}) {
  const units = options.days ? 'ms|s|m|h|d' : 'ms|s|m|h';
  return Type.Union([Type.String({ pattern: `^[0-9]+(\\.[0-9]+)?(${units})$` }), Type.Integer({ minimum: options.minimum ?? 0 })], {
    description,
    expected: `a duration such as 250ms, 5s, 2m${options.days ? ', 1h or 1d' : ' or 1h'}, or an integer of milliseconds`,
    ...(options.default === undefined ? {} : { default: options.default }),
  });
}

/** An object that refuses unknown keys. */
export function Strict<T extends Record<string, TSchema>>(properties: T, description: string) {
  return Type.Object(properties, { additionalProperties: false, description });
}

/** A section that may be left out while its fields' defaults still apply. */
export function Section<T extends TSchema>(schema: T) {
  return Type.Optional(Type.Unsafe<T['static']>({ ...schema, default: {} }));
}

export function ByteSize(description: string, defaultValue?: number) {
  return Type.Integer({ minimum: 1, description, ...(defaultValue === undefined ? {} : { default: defaultValue }) });
}
