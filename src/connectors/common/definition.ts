/**
 * The shape of a connector definition (STYLE.md §4: definition.ts is data): API version,
 * base URL, the connection's fields, how the credential is injected (an existing credential
 * strategy: name + settings + credential fields), paging kinds, the rate-limit model with
 * its response headers and the shield budget it implies (`unpublished` where the platform
 * sets no limit and the budget is the connector's own), and the endpoint table. The schema
 * is checked in the connector tests; `endpoint()` turns a table row into a request.
 *
 *   endpoint(SHOPIFY, 'products.get', { id: '8100000001' }, { fields: 'id,title' });
 */
import { Type, type Static } from '@sinclair/typebox';
import type { PlatformRequest } from '../connector.js';

const Text = (description: string) => Type.String({ minLength: 1, description });

const HEADER_NAME = '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$';
const HeaderName = Type.String({ pattern: HEADER_NAME });

export const ConnectionField = Type.Object(
  {
    name: Text('Field of the connection, e.g. shop or access_token.'),
    description: Text('What the operator enters.'),
    pattern: Type.Optional(Text('Regular expression the value must match.')),
    secret: Type.Boolean({ description: 'Stored encrypted, never shown again.' }),
  },
  { additionalProperties: false },
);

export const Paging = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('link'),
      limitParam: Text('Page size parameter.'),
      cursorParam: Text('Opaque cursor parameter taken from the Link URL.'),
      relNext: Text('Link relation of the next page.'),
      allowedWithCursor: Type.Array(Type.String(), { description: 'The only parameters a request with a cursor may carry.' }),
      defaultSize: Type.Integer({ minimum: 1 }),
      maxSize: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('page'),
      pageParam: Text('1-based page number parameter.'),
      limitParam: Text('Page size parameter.'),
      totalPath: Type.Optional(Text('Dotted path of the result-set total in the body, when the platform reports one.')),
      emptyStatus: Type.Optional(Type.Integer({ description: 'Status of an empty page when it is not 200 with an empty list.' })),
      defaultSize: Type.Integer({ minimum: 1 }),
      maxSize: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('offset'),
      offsetParam: Text('0-based item offset parameter.'),
      limitParam: Text('Page size parameter.'),
      totalHeader: Type.Optional(Type.String({ pattern: HEADER_NAME, description: 'Response header carrying the result-set total, when the platform reports it there.' })),
      defaultSize: Type.Integer({ minimum: 1 }),
      maxSize: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('keyset'),
      afterParam: Text('Parameter bounding the id from below.'),
      inclusive: Type.Boolean({ description: 'Whether the bound includes the id itself (min_id) or not (id:greater).' }),
      sort: Type.Record(Type.String(), Type.String(), { description: 'Parameters that sort by id ascending.' }),
      limitParam: Text('Page size parameter.'),
      defaultSize: Type.Integer({ minimum: 1 }),
      maxSize: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('cursor'),
      afterParam: Text('Parameter carrying the end cursor of the previous page.'),
      blockPath: Text('Dotted path of the cursor block in the body.'),
      endCursor: Text('Key of the end cursor in the block.'),
      nextLink: Text('Dotted path, in the block, of the link that exists only when a next page does.'),
      limitParam: Text('Page size parameter.'),
      defaultSize: Type.Integer({ minimum: 1 }),
      maxSize: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
]);

/** Maps onto the shield's config (pipeline/upstream/shield/schema.ts): budget limits and header presets. */
const ShieldHint = Type.Object(
  {
    limits: Type.Array(Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()]))),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, description: 'Most calls in flight to one store, across every instance.' })),
    learn: Type.Array(Type.String()),
    scope: Type.Union([Type.Literal('per_connection'), Type.Literal('per_upstream')]),
  },
  { additionalProperties: false },
);

export const RateLimitModel = Type.Union([
  Type.Object(
    {
      model: Type.Literal('leaky_bucket'),
      capacity: Type.Integer({ minimum: 1, description: 'Requests the bucket holds.' }),
      leakPerSecond: Type.Number({ exclusiveMinimum: 0, description: 'Requests drained per second.' }),
      per: Text('Whose bucket it is.'),
      headers: Type.Object(
        { callLimit: HeaderName, retryAfter: HeaderName },
        { additionalProperties: false, description: '`used/capacity` on every response; seconds to wait on a 429.' },
      ),
      shield: ShieldHint,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      model: Type.Literal('fixed_window'),
      quota: Type.Integer({ minimum: 1, description: 'Requests per window.' }),
      windowMs: Type.Integer({ minimum: 1 }),
      per: Text('Whose quota it is.'),
      headers: Type.Object(
        { window: HeaderName, resetMs: HeaderName, quota: HeaderName, left: HeaderName, retryAfter: HeaderName },
        { additionalProperties: false },
      ),
      shield: ShieldHint,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      model: Type.Literal('unpublished'),
      per: Text('Who a limiter in front of the platform (host, CDN, WAF) would count.'),
      reason: Text('Why the shield budget is what it is.'),
      headers: Type.Object({ retryAfter: HeaderName }, { additionalProperties: false, description: 'Seconds to wait on a 429 from whatever sits in front.' }),
      shield: ShieldHint,
    },
    {
      additionalProperties: false,
      description: 'The platform itself sets no request limit; the shield budget is the connector\'s own, conservative choice.',
    },
  ),
]);

export const Endpoint = Type.Object(
  {
    method: Type.Union(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => Type.Literal(m))),
    path: Text('Path below the base URL; {version} and {name} placeholders are filled in.'),
    root: Type.Optional(Type.String({ description: 'Key of the payload in the response body ("" for a bare body).' })),
    paging: Type.Optional(Type.String({ description: 'Name of the paging kind in `paging`.' })),
    query: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Parameters always sent.' })),
  },
  { additionalProperties: false },
);

export const ConnectorDefinitionSchema = Type.Object(
  {
    platform: Type.Union(['shopify', 'bigcommerce', 'woocommerce', 'magento2'].map((p) => Type.Literal(p))),
    label: Text('Name for messages.'),
    docs: Text('The platform notes the definition follows.'),
    apiVersion: Text('API version the endpoints are written for.'),
    baseUrl: Type.Object(
      { template: Text('Connection base URL with {field} placeholders.'), example: Text('A filled-in example.') },
      { additionalProperties: false },
    ),
    connection: Type.Array(ConnectionField),
    auth: Type.Object(
      {
        strategy: Text('Credential strategy name (pipeline/upstream/credentials).'),
        settings: Type.Record(Type.String(), Type.String()),
        credentialFields: Type.Array(Type.String()),
      },
      { additionalProperties: false },
    ),
    headers: Type.Record(Type.String(), Type.String(), { description: 'Sent on every request.' }),
    idPattern: Text('Regular expression every record id matches; other ids are not asked for.'),
    paging: Type.Record(Type.String(), Paging),
    rateLimit: RateLimitModel,
    endpoints: Type.Record(Type.String(), Endpoint),
  },
  { additionalProperties: false },
);

export type ConnectorDefinition = Static<typeof ConnectorDefinitionSchema>;
export type PagingDefinition = Static<typeof Paging>;

/** A request for one row of the endpoint table; `params` fill `{name}` placeholders (URI-encoded). */
export function endpoint(
  def: ConnectorDefinition,
  name: string,
  params: Record<string, string> = {},
  query: PlatformRequest['query'] = {},
  body?: unknown,
): PlatformRequest {
  const row = def.endpoints[name];
  if (row === undefined) throw new Error(`${def.label} definition has no endpoint ${name}`);
  const path = row.path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = key === 'version' ? def.apiVersion : params[key];
    if (value === undefined) throw new Error(`${def.label} endpoint ${name} needs {${key}}`);
    return encodeURIComponent(value);
  });
  const req: PlatformRequest = { method: row.method as PlatformRequest['method'], path, query: { ...row.query, ...query } };
  if (body !== undefined) req.body = body;
  return req;
}

/** The payload under the endpoint's root key (a dotted path; "" or absent for the body itself). */
export function payloadAt(body: unknown, root: string | undefined): unknown {
  if (root === undefined || root === '') return body;
  let at: unknown = body;
  for (const key of root.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** A paging kind of the definition, checked to be of the kind the connector codes for. */
export function pagingOf<K extends PagingDefinition['kind']>(def: ConnectorDefinition, name: string, kind: K): Extract<PagingDefinition, { kind: K }> {
  const p = def.paging[name];
  if (p === undefined || p.kind !== kind) throw new Error(`${def.label} definition has no ${kind} paging ${name}`);
  return p as Extract<PagingDefinition, { kind: K }>;
}
