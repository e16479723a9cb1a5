/**
 * Config of the `validate` policy (routes[].policies.validate). Schemas are JSON Schema
 * draft 2020-12, written inline or taken from the upstream's OpenAPI 3.0/3.1 document.
 *
 *   validate:
 *     content_types: [application/json]
 *     max_body_bytes: 65536
 *     json: { max_depth: 20, max_string_length: 10000 }
 *     body: { type: object, required: [sku], properties: { sku: { type: string } } }
 *     query: { type: object, properties: { limit: { type: integer, maximum: 250 } } }
 *     response: { mode: report_only }
 */
import { Type, type Static } from '@sinclair/typebox';
import type { CamelCased } from '../../config/case.js';
import { JsonGuardOptions } from '../../transform/json-guard/schema.js';

const JsonSchema = (description: string) => Type.Optional(Type.Unknown({ description: `${description} A JSON Schema (draft 2020-12); its keys are kept exactly as written.` }));

const OpenApi = Type.Object(
  {
    file: Type.String({ minLength: 1, description: 'OpenAPI 3.0 or 3.1 document of the upstream (YAML or JSON), read at load.' }),
    operation_id: Type.Optional(Type.String({ minLength: 1, description: 'Validate every request of the route against this operation instead of matching method and path.' })),
    path_prefix: Type.String({
      default: '',
      description: 'Removed from the forwarded path before it is matched against the document\'s paths (the path part of its server URL, e.g. /api/v2).',
    }),
    on_unmatched: Type.Union([Type.Literal('reject'), Type.Literal('allow')], {
      default: 'reject',
      description: 'A request no operation matches: refuse it (400) or let it through unvalidated.',
      expected: 'reject or allow',
    }),
  },
  { additionalProperties: false, description: 'Take the schemas from an OpenAPI document: the operation is matched by method and path (before transform-request rewrites).' },
);

const Response = Type.Object(
  {
    mode: Type.Literal('report_only', { default: 'report_only', description: 'Mismatches are counted and logged; the response is never changed.' }),
    schema: JsonSchema('Schema of 2xx JSON response bodies; without it the OpenAPI document\'s response schemas are used.'),
  },
  {
    additionalProperties: false,
    description: 'Check upstream responses (before transform-response): each mismatch adds to unigate_response_validation_failures_total and writes a log line.',
  },
);

export const ValidateSchema = Type.Object(
  {
    content_types: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9!#$&^_.+-]+/([A-Za-z0-9!#$&^_.+-]+|\\*)$' }), {
        minItems: 1,
        description: 'Media types a request body may have (`application/json`, `text/*`); other bodies are refused.',
      }),
    ),
    max_body_bytes: Type.Optional(Type.Integer({ minimum: 1, description: 'Largest request body (413 past it); lowers the route\'s limits.max_body_bytes.' })),
    json: Type.Optional(
      Type.Object(JsonGuardOptions.properties, {
        additionalProperties: false,
        description: 'JSON threat protection for request bodies: depth, string length, keys, array length, duplicate and prototype-polluting keys.',
      }),
    ),
    body: JsonSchema('Schema of the JSON request body (checked when a body is sent).'),
    query: JsonSchema('Schema of the query as an object of parameter names; values are coerced from text (`?limit=5` → 5), repeated parameters form arrays.'),
    headers: JsonSchema('Schema of the request headers as an object of lower-case names, with values coerced from text.'),
    openapi: Type.Optional(OpenApi),
    response: Type.Optional(Response),
  },
  {
    additionalProperties: false,
    description: 'Refuse requests that break the route\'s schemas or limits with 400 VALIDATION_FAILED listing every failing path; nothing reaches the upstream.',
  },
);

export type ValidateConfig = CamelCased<Static<typeof ValidateSchema>>;
