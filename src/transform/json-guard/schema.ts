/**
 * Config schema of JSON threat protection.
 *
 *   json_guard: { max_depth: 32, max_string_length: 10000, duplicate_keys: reject }
 */
import { Type, type Static } from '@sinclair/typebox';
import type { CamelCased } from '../../config/case.js';

export const JsonGuardOptions = Type.Object(
  {
    max_bytes: Type.Integer({ minimum: 1, default: 10 * 1024 * 1024, description: 'Largest JSON body in bytes.' }),
    max_depth: Type.Integer({ minimum: 1, maximum: 1000, default: 64, description: 'Deepest nesting of objects and arrays.' }),
    max_string_length: Type.Integer({ minimum: 1, default: 1_000_000, description: 'Longest string, key or number, in characters as written.' }),
    max_keys: Type.Integer({ minimum: 1, default: 10_000, description: 'Most keys in one object.' }),
    max_array_length: Type.Integer({ minimum: 1, default: 100_000, description: 'Most elements in one array.' }),
    duplicate_keys: Type.Union([Type.Literal('reject'), Type.Literal('allow')], {
      default: 'reject',
      description: 'Refuse objects with the same key twice (parsers disagree on which one wins).',
      expected: 'reject or allow',
    }),
    proto_keys: Type.Union([Type.Literal('reject'), Type.Literal('allow')], {
      default: 'reject',
      description: 'Refuse `__proto__` keys and `constructor` objects with a `prototype` key (prototype pollution).',
      expected: 'reject or allow',
    }),
  },
  { additionalProperties: false, description: 'JSON threat protection: limits and refused keys for untrusted JSON.' },
);

export type JsonGuardOptionsConfig = Static<typeof JsonGuardOptions>;
export type JsonGuardOptionsInput = Partial<CamelCased<JsonGuardOptionsConfig>>;
