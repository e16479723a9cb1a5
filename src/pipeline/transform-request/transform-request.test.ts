import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { UnigateError } from '../../errors/unigate-error.js';
import type { Connection, Consumer } from '../../store/state/types.js';
import { readConfig } from '../../transform/test-support/config.js';
import type { ConnectionResolver } from '../upstream/credentials/connection-resolver.js';
import type { Policy } from '../policy.js';
import { testContext, type TestRequest } from '../test-support/context.js';
import { createTransformRequest } from './index.js';
import { TransformRequestSchema } from './schema.js';

const consumer: Consumer = { id: 'cons_1', name: 'Acme', metadata: { plan: 'gold', nested: { x: 1 } }, enabled: true, createdAt: new Date(), updatedAt: new Date() };
const connection = { id: 'conn_1', name: 'EU shop', target: 'shop', baseUrl: null, authSettings: { shop: 'acme-eu', header: 'X-Key' } } as unknown as Connection;

function resolver(resolved: string[] = []): ConnectionResolver {
  return {
    resolve: async (upstream: string) => {
      resolved.push(upstream);
      return connection;
    },
    // Nothing is cached yet: the policy must go through resolve().
    resolveCached: () => undefined,
  } as unknown as ConnectionResolver;
}

function policy(yaml: string, credentials?: { connection: string }, connections = resolver()): Policy {
  return createTransformRequest(readConfig(TransformRequestSchema, yaml), { routeName: 'orders', upstream: 'shop', credentials, connections });
}

async function run(p: Policy, request: TestRequest) {
  const ctx = testContext(request);
  await p.onRequest!(ctx);
  return ctx;
}

async function refused(p: Policy, request: TestRequest): Promise<UnigateError> {
  try {
    await run(p, request);
  } catch (err) {
    return err as UnigateError;
  }
  throw new Error('expected the request to be refused');
}

describe('transform_request headers, path and query', () => {
  it('sets, appends, removes and renames headers from params, query, request and consumer values', async () => {
    const p = policy(`
headers:
  - { op: set, name: X-Order, value: "order-{params.id}" }
  - { op: set, name: X-Page, value: "{query.page}" }
  - { op: append, name: X-Trace, value: "{request.id}" }
  - { op: set, name: X-Consumer, value: "{consumer.name} ({consumer.id}) plan={consumer.metadata.plan}" }
  - { op: set, name: X-Nested, value: "{consumer.metadata.nested}" }
  - { op: remove, name: X-Debug }
  - { op: rename, from: X-Old, to: X-New }
`);
    expect(p.needsRequestBody).toBe(false);
    const ctx = await run(p, {
      path: '/orders/7',
      query: 'page=3&page=4',
      params: { id: '7' },
      headers: { 'x-trace': 'upstream', 'x-debug': '1', 'x-old': 'kept' },
      identity: { consumer, apiKey: undefined, via: 'jwt' },
    });
    expect(ctx.upstreamHeaders).toMatchObject({
      'x-order': 'order-7',
      'x-page': '3',
      'x-trace': ['upstream', 'req-1'],
      'x-consumer': 'Acme (cons_1) plan=gold',
      'x-new': 'kept',
    });
    // Objects in metadata are not template values: the operation is skipped.
    expect(ctx.upstreamHeaders['x-nested']).toBeUndefined();
    expect(ctx.upstreamHeaders['x-debug']).toBeUndefined();
    expect(ctx.upstreamHeaders['x-old']).toBeUndefined();
  });

  it('refuses a client value that would smuggle a header line', async () => {
    const p = policy('headers: [{ op: set, name: X-Page, value: "{query.page}" }]');
    const err = await refused(p, { query: 'page=1%0D%0AX-Admin:%20yes' });
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.details).toMatchObject({ reason: 'invalid_header_value' });
  });

  it('rewrites the path with a template or a regex, and refuses dot segments from clients', async () => {
    const template = policy('path: { template: "/v2/items/{params.id}" }');
    expect((await run(template, { path: '/items/a b', params: { id: 'a b' } })).upstreamPath).toBe('/v2/items/a%20b');
    expect((await refused(template, { path: '/items/..', params: { id: '..' } })).code).toBe('BAD_REQUEST');
    const regex = policy('path: { regex: "^/shop/products/(?<id>[0-9]+)$", replacement: "/admin/api/2024-01/products/{id}.json" }');
    expect((await run(regex, { path: '/shop/products/42' })).upstreamPath).toBe('/admin/api/2024-01/products/42.json');
    expect((await run(regex, { path: '/shop/other' })).upstreamPath).toBe('/shop/other');
  });

  it('sets, removes and renames query parameters of the upstream query only', async () => {
    const p = policy(`
query:
  - { op: rename, from: page_size, to: per_page }
  - { op: remove, name: debug }
  - { op: set, name: shop, value: "{connection.settings.shop}" }
  - { op: set, name: consumer, value: "{consumer.id}" }
`);
    const ctx = testContext({ query: 'page_size=5&debug=1&q=a%20b', identity: { consumer, apiKey: undefined, via: 'key' } });
    ctx.connection = connection;
    await p.onRequest!(ctx);
    expect(ctx.upstreamQuery).toBe('per_page=5&q=a%20b&shop=acme-eu&consumer=cons_1');
    expect(ctx.query).toBe('page_size=5&debug=1&q=a%20b');
  });

  it('resolves the connection first when a template reads it and the upstream injects credentials', async () => {
    const resolved: string[] = [];
    const p = policy('headers: [{ op: set, name: X-Shop, value: "{connection.settings.shop}" }]', { connection: 'per-consumer' }, resolver(resolved));
    const ctx = await run(p, { identity: { consumer, apiKey: undefined, via: 'key' } });
    expect(resolved).toEqual(['shop']);
    expect(ctx.connection).toBe(connection);
    expect(ctx.upstreamHeaders['x-shop']).toBe('acme-eu');
  });
});

describe('transform_request body', () => {
  const json = { 'content-type': 'application/json' };

  it('runs body operations on a JSON body and updates Content-Length', async () => {
    const p = policy(`
body:
  - { op: rename, path: /qty, to: quantity }
  - { op: coerce, path: /quantity, to: integer }
  - { op: set, path: /meta/consumer, template: "{consumer.id}" }
  - op: map
    path: /lines
    ops: [{ op: coerce, path: /price, to: decimal, scale: 2 }]
  - { op: wrap, key: order }
`);
    expect(p.needsRequestBody).toBe(true);
    const ctx = await run(p, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ qty: '3', lines: [{ price: 9.5 }, { price: '10' }] }),
      identity: { consumer, apiKey: undefined, via: 'key' },
    });
    const sent = ctx.requestBody!.toString();
    expect(JSON.parse(sent)).toEqual({ order: { quantity: 3, lines: [{ price: '9.50' }, { price: '10.00' }], meta: { consumer: 'cons_1' } } });
    expect(ctx.upstreamHeaders['content-length']).toBe(String(Buffer.byteLength(sent)));
  });

  it('decodes a gzip request body before transforming it', async () => {
    const p = policy('body: [{ op: set, path: /b, value: 2 }]');
    const ctx = await run(p, { method: 'POST', headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync('{"a":1}') });
    expect(JSON.parse(ctx.requestBody!.toString())).toEqual({ a: 1, b: 2 });
    expect(ctx.upstreamHeaders['content-encoding']).toBeUndefined();
  });

  it('turns the JSON body into XML for an XML backend', async () => {
    const p = policy('json_to_xml: { root_name: order, xml_declaration: false }');
    const ctx = await run(p, { method: 'POST', headers: json, body: '{"@id":"7","line":[{"sku":"A"},{"sku":"B & C"}]}' });
    expect(ctx.requestBody!.toString()).toBe('<order id="7"><line><sku>A</sku></line><line><sku>B &amp; C</sku></line></order>');
    expect(ctx.upstreamHeaders['content-type']).toBe('application/xml; charset=utf-8');
    expect(ctx.upstreamHeaders['content-length']).toBe(String(ctx.requestBody!.length));
  });

  it('leaves bodies that are not JSON as they are', async () => {
    const p = policy('body: [{ op: set, path: /b, value: 2 }]');
    const ctx = await run(p, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(ctx.requestBody!.toString()).toBe('hello');
  });

  it('answers 400 with the position for malformed JSON and for prototype-polluting keys', async () => {
    const p = policy('body: [{ op: set, path: /b, value: 2 }]');
    const syntax = await refused(p, { method: 'POST', headers: json, body: '{"a":\n  1,}' });
    expect(syntax.code).toBe('VALIDATION_FAILED');
    expect(syntax.details).toEqual({ errors: [expect.objectContaining({ in: 'body', rule: 'json_syntax', line: 2, column: 5 })] });
    const proto = await refused(p, { method: 'POST', headers: json, body: '{"a":{"__proto__":{"admin":true}}}' });
    expect(proto.details).toEqual({ errors: [expect.objectContaining({ rule: 'forbidden_key', path: '/a/__proto__' })] });
    const ctor = await refused(p, { method: 'POST', headers: json, body: '{"constructor":{"prototype":{"admin":true}}}' });
    expect((ctor.details!.errors as { rule: string }[])[0]!.rule).toBe('forbidden_key');
  });

  it('answers 413 past the JSON size limit and 400 when a value cannot be converted', async () => {
    const small = policy('json: { max_bytes: 10 }\nbody: [{ op: set, path: /b, value: 2 }]');
    expect((await refused(small, { method: 'POST', headers: json, body: '{"a":"0123456789"}' })).code).toBe('PAYLOAD_TOO_LARGE');
    const coerce = policy('body: [{ op: map, path: /lines, ops: [{ op: coerce, path: /qty, to: integer }] }]');
    const err = await refused(coerce, { method: 'POST', headers: json, body: '{"lines":[{"qty":1},{"qty":"many"}]}' });
    expect(err.details).toEqual({ errors: [expect.objectContaining({ in: 'body', path: '/lines/1/qty', rule: 'coercion_failed' })] });
  });

  it('fails cleanly when a body exceeds the transform limits', async () => {
    const p = policy('limits: { max_array_length: 2 }\nbody: [{ op: map, path: /lines, ops: [{ op: remove, path: /x }] }]');
    const err = await refused(p, { method: 'POST', headers: json, body: '{"lines":[{},{},{}]}' });
    expect(err.details).toEqual({ errors: [expect.objectContaining({ rule: 'limit_exceeded', path: '/lines' })] });
  });
});

describe('transform_request config errors', () => {
  it.each([
    ['headers: [{ op: set, name: X-Key, value: "{secret.api_key}" }]', 'policies.transform_request.headers[0].value'],
    ['path: { regex: "([a-z", replacement: "/x" }', 'policies.transform_request.path.regex'],
    ['headers: [{ op: set, name: Content-Length, value: "1" }]', 'policies.transform_request.headers[0].name'],
    ['body: [{ op: move, from: /a, to: /a/b }]', 'policies.transform_request.body[0].to'],
  ])('%s names the route and the path', (yaml, path) => {
    expect(() => policy(yaml)).toThrow(`route "orders": ${path}`);
  });
});
