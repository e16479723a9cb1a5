/**
 * The OpenAPI 3.1 document of the unified API, built from the same operation table and
 * TypeBox schemas the routes validate with, so the docs cannot drift from the code.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { PlatformCapabilities } from './capabilities.js';
import { Category, Customer, Order, Product, Store, Variant } from './models.js';
import { GetQuery, ListQuery, OPERATIONS, ProductUpdateBody, type Operation } from './operations.js';

const COMPONENTS: [string, TSchema][] = [
  ['Product', Product],
  ['Variant', Variant],
  ['Order', Order],
  ['Customer', Customer],
  ['Category', Category],
  ['Store', Store],
];

const ErrorEnvelope = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'Stable code from the README\'s table.' }),
    message: Type.String(),
    status: Type.Integer(),
    request_id: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
});

const StoreErrors = Type.Array(
  Type.Object({ connection: Type.String(), error: Type.Object({ code: Type.String(), message: Type.String(), status: Type.Integer() }) }),
  { description: 'Fan-out only: stores that failed; the others still answered.' },
);

let built: Record<string, unknown> | undefined;

export function buildOpenApi(): Record<string, unknown> {
  if (built !== undefined) return built;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const rest = `/v1/connections/{connection}${op.path}`;
    const alias = `/v1/${op.name}`;
    paths[rest] = { ...paths[rest], [op.method.toLowerCase()]: operationObject(op, 'rest') };
    paths[alias] = { ...paths[alias], [op.kind === 'update' ? 'put' : 'get']: operationObject(op, 'alias') };
  }
  paths['/v1/connections'] = {
    get: {
      operationId: 'connection.list',
      summary: 'The caller\'s store connections.',
      tags: ['connections'],
      responses: { 200: { description: 'Connections', content: json(Type.Object({ data: Type.Array(Type.Record(Type.String(), Type.Unknown())) })) }, ...errors() },
    },
  };
  paths['/v1/platforms'] = {
    get: {
      operationId: 'platform.list',
      summary: 'Every platform the API serves, with its operations, filters (native, emulated or unsupported), writable fields and what a connection needs.',
      tags: ['connections'],
      responses: { 200: { description: 'Platforms', content: json(Type.Object({ data: Type.Array(PlatformCapabilities) })) }, ...errors() },
    },
  };
  paths['/v1/connections/{connection}/capabilities'] = {
    get: {
      operationId: 'connection.capabilities',
      summary: 'What the connection\'s platform can do: operations, filters, writable fields. An unsupported one answers 501 NOT_SUPPORTED_BY_PLATFORM.',
      tags: ['connections'],
      parameters: [pathParam('connection', 'Connection id.')],
      responses: {
        200: { description: 'Capabilities', content: json(Type.Object({ data: Type.Composite([Type.Object({ connection: Type.String() }), PlatformCapabilities]) })) },
        ...errors(),
      },
    },
  };
  paths['/v1/connections/{connection}/raw/{path}'] = {
    get: {
      operationId: 'connection.raw',
      summary: 'Passthrough to the platform\'s own API, credentials injected, paced and retried like any route (any method).',
      tags: ['connections'],
      parameters: [pathParam('connection', 'Connection id.'), pathParam('path', 'Path below the store\'s base URL.')],
      responses: { 200: { description: 'The platform\'s answer, as it sent it.' }, ...errors() },
    },
  };
  built = {
    openapi: '3.1.0',
    info: {
      title: 'Unigate unified eCommerce API',
      version: '1',
      description:
        'One normalized API over Shopify, BigCommerce, WooCommerce and Magento 2 stores. Ids are strings, money is a decimal string in the record\'s `currency`, timestamps are ISO 8601 UTC. Lists page with one opaque `next_cursor`; `connection=all` or a comma list fans out over stores.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key (ug_live_…) or a JWT from a configured issuer.' },
      },
      schemas: { ...Object.fromEntries(COMPONENTS.map(([name, schema]) => [name, plain(schema)])), Error: plain(ErrorEnvelope) },
    },
    paths,
  };
  return built;
}

function operationObject(op: Operation, form: 'rest' | 'alias'): Record<string, unknown> {
  const query = op.kind === 'list' || op.kind === 'count' ? ListQuery : op.kind === 'update' ? undefined : GetQuery;
  const parameters: unknown[] = [];
  if (form === 'rest') {
    parameters.push(pathParam('connection', 'Connection id; in lists and counts also `all` or a comma list (fan-out).'));
    if (op.path.includes('{id}')) parameters.push(pathParam('id', 'Record id.'));
  } else {
    parameters.push(queryParam('connection', Type.String(), true, 'Connection id, `all` or a comma list.'));
    if (op.path.includes('{id}')) parameters.push(queryParam('id', Type.String(), true, 'Record id.'));
  }
  for (const [name, schema] of Object.entries((query?.properties ?? {}) as Record<string, TSchema>)) {
    parameters.push(queryParam(name, schema, false, schema.description));
  }
  if (op.kind === 'update') {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes a retried write safe: the first request with the key is applied and its answer replayed (with `Idempotent-Replayed: true`) to every retry with the same key and request; 409 while it runs, 422 for another request.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }
  const ref = { $ref: `#/components/schemas/${componentOf(op)}` };
  const record = { allOf: [ref, { type: 'object', properties: { connection: { type: 'string', description: 'The connection the record came from.' } } }] };
  const ok =
    op.kind === 'list' || op.kind === 'variants'
      ? { type: 'object', properties: { data: { type: 'array', items: record }, next_cursor: { type: ['string', 'null'] }, errors: plain(StoreErrors) }, required: ['data'] }
      : op.kind === 'count'
        ? { type: 'object', properties: { count: { type: 'integer' }, counts: { type: 'object', additionalProperties: { type: 'integer' } }, errors: plain(StoreErrors) }, required: ['count'] }
        : { type: 'object', properties: { data: record }, required: ['data'] };
  return {
    operationId: form === 'rest' ? op.name : `${op.name}.alias`,
    summary: op.summary,
    tags: [op.resource],
    parameters,
    ...(op.kind === 'update' ? { requestBody: { required: true, content: json(ProductUpdateBody) } } : {}),
    responses: {
      200: { description: 'OK', content: { 'application/json': { schema: ok } } },
      ...errors(),
      ...(op.kind === 'update' ? { 409: errors()[400], 422: errors()[400] } : {}),
    },
  };
}

function componentOf(op: Operation): string {
  if (op.kind === 'variants') return 'Variant';
  return { store: 'Store', products: 'Product', orders: 'Order', customers: 'Customer', categories: 'Category' }[op.resource];
}

function errors(): Record<string, unknown> {
  const envelope = { description: 'The error envelope', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return { 400: envelope, 401: envelope, 404: envelope, 429: envelope, 501: envelope, 502: envelope };
}

function json(schema: TSchema): Record<string, unknown> {
  return { 'application/json': { schema: plain(schema) } };
}

function pathParam(name: string, description: string): Record<string, unknown> {
  return { name, in: 'path', required: true, description, schema: { type: 'string' } };
}

function queryParam(name: string, schema: TSchema, required: boolean, description: string | undefined): Record<string, unknown> {
  return { name, in: 'query', required, ...(description ? { description } : {}), schema: plain(schema) };
}

/** A TypeBox schema as plain JSON Schema (TypeBox's symbols dropped). */
function plain(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}
