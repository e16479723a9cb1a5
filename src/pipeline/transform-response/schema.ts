/**
 * Config of the `transform_response` policy (routes[].policies.transform_response). Status
 * mapping and header operations alone leave the body streaming; the other parts read it.
 *
 *   transform_response:
 *     xml_to_json: { always_array: [product], namespaces: strip }
 *     body: [{ op: move, from: /prestashop/products/product, to: "" }]
 *     fields: { param: fields }
 *     normalize_errors: {}
 *     status: [{ from: 404, to: 200 }]
 *     headers: [{ op: remove, name: X-Powered-By }]
 */
import { Type, type Static } from '@sinclair/typebox';
import type { CamelCased } from '../../config/case.js';
import { XmlToJsonOptions } from '../../codecs/xml/options.js';
import { HeaderOps, StatusMap } from '../../transform/http-ops/schema.js';
import { JsonGuardOptions } from '../../transform/json-guard/schema.js';
import { JsonOps, JsonOpsLimits } from '../../transform/json-ops/schema.js';

export const DEFAULT_MESSAGE_PATHS = ['/error/message', '/error_description', '/message', '/errors/0/message', '/0/message', '/detail', '/title', '/errors', '/error'];
export const DEFAULT_XML_ELEMENTS = ['message', 'faultstring', 'Message', 'error_description', 'description', 'error'];

const XmlToJson = Type.Object(
  {
    ...XmlToJsonOptions.properties,
    negotiate: Type.Boolean({
      default: false,
      description: 'Convert only for clients whose Accept prefers application/json over XML (others get the XML as sent); otherwise always.',
    }),
  },
  { additionalProperties: false, description: 'Turn XML responses into JSON (strict: malformed XML, DOCTYPE and entities are refused with 502).' },
);

const Fields = Type.Object(
  {
    param: Type.String({ minLength: 1, default: 'fields', description: 'Query parameter in which clients list the fields they want, e.g. `?fields=id,name,variants(price)`.' }),
    at: Type.String({ default: '', description: 'JSON Pointer or dotted path of the part to project, e.g. `/data` for a list envelope; "" is the whole body.' }),
    forward: Type.Boolean({ default: false, description: 'Also send the parameter to the upstream (by default it is removed).' }),
  },
  { additionalProperties: false, description: 'Field filtering: 2xx JSON responses are projected onto the fields the client asked for; unknown fields are ignored.' },
);

const NormalizeErrors = Type.Object(
  {
    message_paths: Type.Array(Type.String(), {
      default: DEFAULT_MESSAGE_PATHS,
      description: 'Where a JSON error body keeps the vendor\'s message: JSON Pointers or dotted paths, the first one present wins.',
    }),
    xml_elements: Type.Array(Type.String({ minLength: 1 }), {
      default: DEFAULT_XML_ELEMENTS,
      description: 'Element names (without namespace prefix) whose text is the vendor\'s message in an XML error body, the first listed found wins.',
    }),
  },
  { additionalProperties: false, description: 'Upstream error responses (status ≥ 400 after mapping) become the error envelope, with the vendor\'s status and message under details.upstream.' },
);

export const TransformResponseSchema = Type.Object(
  {
    status: Type.Optional(StatusMap),
    xml_to_json: Type.Optional(XmlToJson),
    normalize_errors: Type.Optional(NormalizeErrors),
    body: Type.Optional(JsonOps),
    fields: Type.Optional(Fields),
    json: Type.Optional(
      Type.Object(JsonGuardOptions.properties, {
        additionalProperties: false,
        description: 'Limits when the upstream\'s JSON is parsed; by default duplicate and __proto__ keys are tolerated in responses.',
      }),
    ),
    limits: Type.Optional(Type.Object(JsonOpsLimits.properties, { additionalProperties: false, description: 'Bounds on the work of the body operations per response.' })),
    encode: Type.Boolean({
      default: false,
      description: 'Compress transformed bodies of 1 KiB or more with the coding the client prefers (br, gzip, deflate); otherwise they are sent uncompressed.',
    }),
    headers: Type.Optional(HeaderOps),
  },
  {
    additionalProperties: false,
    description: 'Reshape the response for the client: status mapping, XML → JSON, error normalization, JSON body operations, field filtering and header operations.',
  },
);

export type TransformResponseConfig = CamelCased<Static<typeof TransformResponseSchema>>;
