import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../observability/metrics.js';
import { testContext, testResponse, type TestRequest } from '../test-support/context.js';
import { refusal, validatePolicies } from './test-support.js';

const v30 = fileURLToPath(new URL('./fixtures/orders-openapi-3.0.yaml', import.meta.url));
const v31 = fileURLToPath(new URL('./fixtures/orders-openapi-3.1.json', import.meta.url));
const json = { 'content-type': 'application/json' };
const version = { 'x-api-version': '2024-01' };

async function problems(yaml: string, request: TestRequest): Promise<string[]> {
  const [policy] = validatePolicies(yaml);
  const err = await refusal(policy!, request);
  if (err === undefined) return [];
  expect(err.code).toBe('VALIDATION_FAILED');
  return (err.details!.errors as { in: string; path: string; rule: string }[]).map((e) => `${e.in} ${e.path} ${e.rule}`).sort();
}

describe('validate from an OpenAPI 3.0 document', () => {
  const doc = `openapi: { file: ${JSON.stringify(v30)} }`;

  it('checks query (with $ref and explode: false arrays) and header parameters of the matched operation', async () => {
    expect(await problems(doc, { path: '/orders', query: 'limit=5&ids=1,2&status=open', headers: version })).toEqual([]);
    expect(await problems(doc, { path: '/orders', query: 'limit=300&ids=1,x&status=lost' })).toEqual([
      'headers /x-api-version required',
      'query /ids/1 type',
      'query /limit maximum',
      'query /status enum',
    ]);
  });

  it('prefers a literal path over a template, and checks path parameters', async () => {
    expect(await problems(doc, { path: '/orders/latest' })).toEqual([]);
    expect(await problems(doc, { path: '/orders/42' })).toEqual([]);
    expect(await problems(doc, { path: '/orders/abc' })).toEqual(['path /id type']);
    expect(await problems(doc, { path: '/orders/0' })).toEqual(['path /id minimum']);
  });

  it('checks request bodies, with nullable and boolean exclusiveMinimum turned into JSON Schema', async () => {
    const ok = '{"sku":"TEE","quantity":1,"note":null,"coupon":null,"currency":null}';
    expect(await problems(doc, { method: 'POST', path: '/orders', headers: json, body: ok })).toEqual([]);
    const bad = '{"sku":"","quantity":0,"note":5,"coupon":{},"currency":"GBP","gift":true}';
    expect(await problems(doc, { method: 'POST', path: '/orders', headers: json, body: bad })).toEqual([
      'body /coupon anyOf',
      'body /coupon type',
      'body /coupon/code required',
      'body /currency enum',
      'body /gift additionalProperties',
      'body /note type',
      'body /quantity exclusiveMinimum',
      'body /sku minLength',
    ]);
  });

  it('requires the body the operation requires, in one of its media types', async () => {
    expect(await problems(doc, { method: 'POST', path: '/orders' })).toEqual(['body  required']);
    expect(await problems(doc, { method: 'POST', path: '/orders', headers: { 'content-type': 'application/xml' }, body: '<o/>' })).toEqual(['headers /content-type content_type']);
    expect(await problems(doc, { method: 'POST', path: '/orders', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'sku=a' })).toEqual([]);
  });

  it('refuses requests no operation describes, unless told to let them through', async () => {
    expect(await problems(doc, { method: 'DELETE', path: '/orders' })).toEqual(['path  openapi_operation']);
    expect(await problems(`openapi: { file: ${JSON.stringify(v30)}, on_unmatched: allow }`, { method: 'DELETE', path: '/orders' })).toEqual([]);
  });

  it('matches after removing the server path prefix, or uses the pinned operation', async () => {
    const prefixed = `openapi: { file: ${JSON.stringify(v30)}, path_prefix: /api/v2/ }`;
    expect(await problems(prefixed, { path: '/api/v2/orders/abc' })).toEqual(['path /id type']);
    const pinned = `openapi: { file: ${JSON.stringify(v30)}, operation_id: createOrder }`;
    expect(await problems(pinned, { method: 'PUT', path: '/anything', headers: json, body: '{"sku":"a"}' })).toEqual(['body /quantity required']);
  });
});

describe('validate from an OpenAPI 3.1 document', () => {
  const doc = `openapi: { file: ${JSON.stringify(v31)} }`;

  it('uses 2020-12 schemas as they are (type arrays, prefixItems, unevaluatedProperties)', async () => {
    const ok = '{"sku":"A","price":null,"tags":["primary","x"]}';
    expect(await problems(doc, { method: 'POST', path: '/orders/o_1/lines', headers: json, body: ok })).toEqual([]);
    const bad = '{"sku":"A","price":"1.5","tags":["other"],"extra":1}';
    expect(await problems(doc, { method: 'POST', path: '/orders/O-1/lines', headers: json, body: bad })).toEqual([
      'body  unevaluatedProperties',
      'body /price pattern',
      'body /tags/0 const',
      'path /id pattern',
    ]);
  });
});

describe('report-only response validation', () => {
  function setup(yaml: string) {
    const lines: string[] = [];
    const metrics = new Metrics();
    const [request, response] = validatePolicies(yaml, lines, metrics);
    const count = async () => (await metrics.responseValidationFailures.get()).values.find((v) => v.labels.route === 'orders')?.value ?? 0;
    return { request: request!, response: response!, lines, count };
  }

  it('counts and logs a response that breaks the operation\'s schema, and never changes it', async () => {
    const { request, response, lines, count } = setup(`openapi: { file: ${JSON.stringify(v30)} }\nresponse: { mode: report_only }`);
    expect(response.phase).toBe('validate-response');
    expect(response.responseBodyUpTo).toBe(1024 * 1024);
    const ctx = testContext({ path: '/orders', headers: version });
    await request.onRequest!(ctx);
    const body = '{"orders":[{"id":"7","status":"open"},{"id":8}]}';
    const upstream = testResponse(200, json, body);
    await response.onResponse!(ctx, upstream);
    expect(upstream).toEqual(testResponse(200, json, body));
    expect(await count()).toBe(1);
    const logged = JSON.parse(lines.at(-1)!);
    expect(logged).toMatchObject({ level: 'warn', route: 'orders', status: 200, count: 2, msg: 'upstream response does not match its schema' });
    expect(logged.mismatches).toEqual([
      { path: '/orders/0/id', rule: 'type', message: 'must be integer' },
      { path: '/orders/1/status', rule: 'required', message: "must have required property 'status'" },
    ]);

    await response.onResponse!(ctx, testResponse(200, json, '{"orders":[]}'));
    await response.onResponse!(ctx, testResponse(500, json, '{"message":"down"}'));
    expect(await count()).toBe(1);
  });

  it('reports statuses the document does not describe and bodies that are not JSON', async () => {
    const { request, response, count, lines } = setup(`openapi: { file: ${JSON.stringify(v30)} }\nresponse: {}`);
    const ctx = testContext({ method: 'POST', path: '/orders', headers: json, body: '{"sku":"a","quantity":1}' });
    await request.onRequest!(ctx);
    await response.onResponse!(ctx, testResponse(418, json, '{}'));
    expect(JSON.parse(lines.at(-1)!).mismatches).toEqual([{ path: '', rule: 'status', message: 'status 418 is not described for POST /orders' }]);
    await response.onResponse!(ctx, testResponse(201, { 'content-type': 'text/html' }, '<h1>hi</h1>'));
    expect(await count()).toBe(2);
  });

  it('checks 2xx JSON bodies against an inline schema', async () => {
    const { response, count } = setup('response: { schema: { type: object, required: [id] } }');
    const ctx = testContext();
    await response.onResponse!(ctx, testResponse(200, json, '{"id":1}'));
    await response.onResponse!(ctx, testResponse(404, json, '{}'));
    expect(await count()).toBe(0);
    await response.onResponse!(ctx, testResponse(200, json, '{}'));
    expect(await count()).toBe(1);
  });
});
