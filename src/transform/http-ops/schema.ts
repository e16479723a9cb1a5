/**
 * Config schemas of the HTTP operations: header, query, path and status transforms.
 * Operations run in the order written.
 *
 *   headers:
 *     - { op: set, name: X-Shop-Domain, value: "{connection.shop_domain}" }
 *     - { op: append, name: Via, value: "1.1 unigate" }
 *     - { op: remove, name: X-Powered-By }
 *     - { op: rename, from: X-Request-Id, to: X-Correlation-Id }
 *   query:
 *     - { op: set, name: limit, value: "{query.page_size}" }
 *     - { op: remove, name: debug }
 *     - { op: rename, from: page_size, to: per_page }
 *   path: { regex: "^/shop/products/(?<id>[0-9]+)$", replacement: "/admin/api/2024-01/products/{id}.json" }
 *   status: [{ from: 404, to: 200 }, { from: 5xx, to: 502 }]
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Strict } from '../../config/schema-types.js';
import type { CamelCased } from '../../config/case.js';

/** RFC 9110 §5.1: a field name is a token. */
export const HEADER_NAME_PATTERN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

const HeaderName = (description: string) => Type.String({ pattern: HEADER_NAME_PATTERN, description });
const ValueTemplate = Type.String({
  description:
    'Value template: literal text with `{namespace.key}` variables (path params, query, consumer, connection attributes, request id); `{{` and `}}` are literal braces.',
});

export const HeaderOp = Type.Union(
  [
    Strict(
      {
        op: Type.Literal('set'),
        name: HeaderName('Header name, case-insensitive.'),
        value: ValueTemplate,
        if_absent: Type.Optional(Type.Boolean({ description: 'Only set the header when the message does not have it. Default false.' })),
      },
      'Set a header, replacing every existing value. Skipped when a template variable has no value.',
    ),
    Strict(
      { op: Type.Literal('append'), name: HeaderName('Header name, case-insensitive.'), value: ValueTemplate },
      'Add a value to a header, keeping the existing ones. Skipped when a template variable has no value.',
    ),
    Strict({ op: Type.Literal('remove'), name: HeaderName('Header name, case-insensitive.') }, 'Remove a header and all its values.'),
    Strict(
      { op: Type.Literal('rename'), from: HeaderName('Header to rename, case-insensitive.'), to: HeaderName('New name; an existing header of that name is replaced.') },
      'Rename a header, keeping its values.',
    ),
  ],
  { description: 'One header operation.', expected: 'a header operation: { op: set | append | remove | rename, … }' },
);

export const HeaderOps = Type.Array(HeaderOp, { description: 'Header operations, applied in order.' });

const QueryName = (description: string) => Type.String({ minLength: 1, description });

export const QueryOp = Type.Union(
  [
    Strict(
      {
        op: Type.Literal('set'),
        name: QueryName('Parameter name (decoded).'),
        value: Type.String({
          description: 'Value template; variables are percent-encoded, literal text is sent as written (so it cannot hold spaces, `&` or `#`).',
        }),
      },
      'Set a parameter: its first occurrence gets the value, later ones are removed; added at the end when absent. Skipped when a template variable has no value.',
    ),
    Strict({ op: Type.Literal('remove'), name: QueryName('Parameter name (decoded).') }, 'Remove every occurrence of a parameter.'),
    Strict(
      { op: Type.Literal('rename'), from: QueryName('Parameter to rename (decoded).'), to: QueryName('New parameter name.') },
      'Rename every occurrence of a parameter in place, keeping its value as sent.',
    ),
  ],
  { description: 'One query operation.', expected: 'a query operation: { op: set | remove | rename, … }' },
);

export const QueryOps = Type.Array(QueryOp, { description: 'Query operations, applied in order; untouched parameters keep their order and encoding.' });

export const PathRewrite = Type.Union(
  [
    Strict(
      {
        template: Type.String({
          pattern: '^/',
          description: 'New path as a template, e.g. `/v2/items/{params.id}`; values are percent-encoded (a `{params.*}` wildcard keeps its slashes).',
        }),
      },
      'Replace the path with a template.',
    ),
    Strict(
      {
        regex: Type.String({ minLength: 1, description: 'JavaScript regular expression matched against the raw (percent-encoded) path.' }),
        replacement: Type.String({
          pattern: '^/',
          description: 'New path when the regex matches: `{1}` or `{name}` insert a capture as it was in the path; other variables are percent-encoded.',
        }),
      },
      'Rewrite the path when it matches a regular expression; a path that does not match is left as it is.',
    ),
  ],
  { description: 'Path rewrite.', expected: 'a path rewrite: { template } or { regex, replacement }' },
);

const StatusCode = Type.Integer({ minimum: 100, maximum: 599 });

export const StatusMapping = Strict(
  {
    from: Type.Union([StatusCode, Type.String({ pattern: '^[1-5]xx$' })], {
      description: 'Status to map: a code (`404`) or a class (`5xx`); a code wins over its class.',
      expected: 'a status code (100-599) or a class such as 5xx',
    }),
    to: Type.Integer({ minimum: 100, maximum: 599, description: 'Status sent instead.' }),
  },
  'One status mapping.',
);

export const StatusMap = Type.Array(StatusMapping, { description: 'Response status mapping.' });

export type HeaderOpConfig = Static<typeof HeaderOp>;
export type QueryOpConfig = Static<typeof QueryOp>;
export type PathRewriteConfig = Static<typeof PathRewrite>;
export type StatusMappingConfig = Static<typeof StatusMapping>;

/** Code-side (camelCase) views, as the config loader hands them over. */
export type HeaderOpInput = CamelCased<HeaderOpConfig>;
export type QueryOpInput = CamelCased<QueryOpConfig>;
export type PathRewriteInput = CamelCased<PathRewriteConfig>;
export type StatusMappingInput = CamelCased<StatusMappingConfig>;
