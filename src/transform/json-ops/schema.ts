/**
 * Config schema of JSON body operations, applied in the order written. Paths are JSON
 * Pointers (RFC 6901) or dotted paths; inside `map`, paths are relative to each element.
 *
 *   - { op: move, from: /products, to: "" }                 # unwrap the list envelope
 *   - op: map
 *     path: ""
 *     ops:
 *       - { op: select, fields: "id,title,variants(id,price,sku),updated_at" }
 *       - { op: rename, path: /title, to: name }
 *       - { op: coerce, path: /id, to: string }
 *       - { op: coerce, path: /updated_at, to: date }
 *       - op: map
 *         path: /variants
 *         ops: [{ op: coerce, path: /price, to: decimal, scale: 2 }]
 *   - { op: wrap, key: data }
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Strict } from '../../config/schema-types.js';
import type { CamelCased } from '../../config/case.js';

const PATH_HELP = 'JSON Pointer (`/variants/0/price`) or dotted path (`variants.0.price`); "" is the whole value.';
const Path = (what: string) => Type.String({ description: `${what} ${PATH_HELP}` });
const OptionalPath = (what: string) => Type.Optional(Type.String({ description: `${what} ${PATH_HELP} Default "".` }));
const Key = (description: string) => Type.String({ minLength: 1, description });

/** How many `map` levels may nest; the schema is unrolled to this depth instead of recursing. */
export const MAX_MAP_NESTING = 4;

const LEAF_OPS = [
  Strict(
    {
      op: Type.Literal('set'),
      path: Path('Where to write; missing parent objects are created.'),
      value: Type.Optional(Type.Unknown({ description: 'JSON value to write.' })),
      template: Type.Optional(
        Type.String({ description: 'String template to write instead of `value`, e.g. `{connection.id}`; skipped when a variable has no value.' }),
      ),
    },
    'Write a value (give exactly one of value and template).',
  ),
  Strict({ op: Type.Literal('remove'), path: Path('What to remove; nothing happens when it is missing.') }, 'Remove a member or array element.'),
  Strict(
    {
      op: Type.Literal('rename'),
      path: Path('Member to rename.'),
      to: Key('New key (a name, not a path); the member keeps its position and replaces a member of that name.'),
    },
    'Rename an object member.',
  ),
  Strict(
    { op: Type.Literal('move'), from: Path('Value to move.'), to: Path('Where to put it ("" replaces the whole value); missing parents are created.') },
    'Move a value (RFC 6902 move); nothing happens when `from` is missing.',
  ),
  Strict(
    { op: Type.Literal('copy'), from: Path('Value to copy.'), to: Path('Where to put the copy; missing parents are created.') },
    'Copy a value (RFC 6902 copy); nothing happens when `from` is missing.',
  ),
  Strict({ op: Type.Literal('wrap'), path: OptionalPath('Value to wrap.'), key: Key('Key of the new object.') }, 'Replace a value by `{ key: value }`.'),
  Strict(
    { op: Type.Literal('unwrap'), path: OptionalPath('Object to unwrap.'), key: Key('Member that replaces the object.') },
    'Replace an object by one of its members; nothing happens when it has no such member.',
  ),
  Strict(
    {
      op: Type.Literal('select'),
      path: OptionalPath('Value to filter (an object, or an array of objects).'),
      fields: Type.String({ minLength: 1, description: 'Fields to keep, in the `fields=` syntax: `id,title,variants(id,price)`.' }),
    },
    'Keep only the listed fields.',
  ),
  Strict(
    {
      op: Type.Literal('coerce'),
      path: Path('Value to convert; missing and null values are left alone.'),
      to: Type.Union(['string', 'number', 'integer', 'boolean', 'decimal', 'date'].map((t) => Type.Literal(t)), {
        description: 'Target type: string, number, integer, boolean, decimal (money as a decimal string) or date.',
        expected: 'string, number, integer, boolean, decimal or date',
      }),
      scale: Type.Optional(Type.Integer({ minimum: 0, maximum: 18, description: 'decimal: digits after the point. Default 2.' })),
      rounding: Type.Optional(
        Type.Union([Type.Literal('half_up'), Type.Literal('half_even'), Type.Literal('down')], {
          description: 'decimal: rounding of extra digits. Default half_up.',
          expected: 'half_up, half_even or down',
        }),
      ),
      decimal_separator: Type.Optional(Type.String({ minLength: 1, maxLength: 1, description: 'decimal: decimal separator in input strings. Default ".".' })),
      group_separator: Type.Optional(Type.String({ minLength: 1, maxLength: 1, description: 'decimal: thousands separator accepted in input strings, e.g. ",". Default none.' })),
      format: Type.Optional(Type.String({ minLength: 1, description: 'date: input format: iso8601, unix, unix_ms, http or a pattern such as `YYYY-MM-DD HH:mm:ss`. Default iso8601.' })),
      zone: Type.Optional(Type.String({ minLength: 1, description: 'date: zone of input times without an offset: UTC, +02:00 or an IANA name. Default UTC.' })),
      output: Type.Optional(Type.String({ minLength: 1, description: 'date: output format, as `format`. Default iso8601.' })),
      output_zone: Type.Optional(Type.String({ minLength: 1, description: 'date: zone of the output. Default UTC.' })),
      on_error: Type.Optional(
        Type.Union([Type.Literal('error'), Type.Literal('keep'), Type.Literal('null')], {
          description: 'When a value cannot be converted: fail the transform, keep the value, or write null. Default error.',
          expected: 'error, keep or null',
        }),
      ),
    },
    'Convert a value to another type.',
  ),
] as const;

const OPS_EXPECTED = 'a JSON operation: { op: set | remove | rename | move | copy | wrap | unwrap | select | coerce | map, … }';

function opSchema(level: number): TSchema {
  const members: TSchema[] = [...LEAF_OPS];
  if (level <= MAX_MAP_NESTING) {
    members.push(
      Strict(
        {
          op: Type.Literal('map'),
          path: Path('Array whose elements the operations run on; nothing happens when it is missing.'),
          ops: Type.Array(opSchema(level + 1), { description: 'Operations run on each element; their paths are relative to the element.' }),
        },
        `Run operations on each element of an array (nests up to ${MAX_MAP_NESTING} levels).`,
      ),
    );
  }
  return Type.Union(members, { description: 'One JSON operation.', expected: OPS_EXPECTED });
}

export const JsonOp = Type.Unsafe<JsonOpConfig>(opSchema(1));
export const JsonOps = Type.Array(JsonOp, { description: 'JSON body operations, applied in order.' });

export const JsonOpsLimits = Type.Object(
  {
    max_depth: Type.Integer({ minimum: 1, maximum: 256, default: 64, description: 'Deepest path an operation may address, counting enclosing map paths.' }),
    max_array_length: Type.Integer({ minimum: 1, default: 10_000, description: 'Longest array a map runs over.' }),
    max_operations: Type.Integer({ minimum: 1, default: 100_000, description: 'Most operation steps per document (each element of a map counts).' }),
  },
  { additionalProperties: false, description: 'Bounds on the work of one transform.' },
);

type LeafOpConfig = Static<(typeof LEAF_OPS)[number]>;
export type JsonOpConfig = LeafOpConfig | { op: 'map'; path: string; ops: JsonOpConfig[] };
/** The code-side (camelCase) view, as the config loader hands it over. */
export type JsonOpInput = CamelCased<JsonOpConfig>;
export type JsonOpsLimitsInput = Partial<CamelCased<Static<typeof JsonOpsLimits>>>;
