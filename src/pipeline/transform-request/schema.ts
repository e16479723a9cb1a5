/**
 * Config of the `transform_request` policy (routes[].policies.transform_request). Every part
 * is optional; operations run in the order written, parts in the order below.
 *
 *   transform_request:
 *     body:
 *       - { op: rename, path: /qty, to: quantity }
 *       - { op: set, path: /source, value: unigate }
 *     path: { template: "/v2/orders/{params.id}" }
 *     query: [{ op: rename, from: page_size, to: per_page }]
 *     headers: [{ op: set, name: X-Consumer, value: "{consumer.id}" }]
 */
import { Type, type Static } from '@sinclair/typebox';
import type { CamelCased } from '../../config/case.js';
import { JsonToXmlOptions } from '../../codecs/xml/options.js';
import { HeaderOps, PathRewrite, QueryOps } from '../../transform/http-ops/schema.js';
import { JsonGuardOptions } from '../../transform/json-guard/schema.js';
import { JsonOps, JsonOpsLimits } from '../../transform/json-ops/schema.js';

export const TransformRequestSchema = Type.Object(
  {
    body: Type.Optional(JsonOps),
    json_to_xml: Type.Optional(JsonToXmlOptions),
    json: Type.Optional(
      Type.Object(JsonGuardOptions.properties, { additionalProperties: false, description: 'Limits and refused keys when the client\'s JSON body is parsed (413 past max_bytes, 400 otherwise).' }),
    ),
    limits: Type.Optional(Type.Object(JsonOpsLimits.properties, { additionalProperties: false, description: 'Bounds on the work of the body operations per request.' })),
    path: Type.Optional(PathRewrite),
    query: Type.Optional(QueryOps),
    headers: Type.Optional(HeaderOps),
  },
  {
    additionalProperties: false,
    description:
      'Reshape the request for the upstream: JSON body operations (then optional JSON → XML), path rewrite, query and header operations. Only body operations and json_to_xml read the body.',
  },
);

export type TransformRequestConfig = CamelCased<Static<typeof TransformRequestSchema>>;
