import { describe, expect, it } from 'vitest';
import { testContext } from '../test-support/context.js';
import { refusal, validatePolicies } from './test-support.js';

const json = { 'content-type': 'application/json' };

describe('validate with inline schemas', () => {
  const [policy] = validatePolicies(`
body:
  type: object
  additionalProperties: false
  required: [sku, quantity]
  properties:
    sku: { type: string, minLength: 1 }
    quantity: { type: integer, minimum: 1 }
    lines: { type: array, items: { type: object, required: [price], properties: { price: { type: string, pattern: "^[0-9]+\\\\.[0-9]{2}$" } } } }
query:
  type: object
  properties:
    limit: { type: integer, maximum: 250 }
    status: { type: array, items: { enum: [open, closed] } }
headers:
  type: object
  required: [X-Api-Version]
  properties: { X-Api-Version: { type: string, enum: ["2024-01"] } }
`);

  it('lets a valid request through unchanged', async () => {
    const body = '{"sku":"TEE","quantity":2}';
    const ctx = testContext({ method: 'POST', query: 'limit=5&status=open&status=closed', headers: { ...json, 'x-api-version': '2024-01' }, body });
    expect(await policy!.onRequest!(ctx)).toBeUndefined();
    expect(ctx.requestBody!.toString()).toBe(body);
    expect(ctx.headers['x-api-version']).toBe('2024-01');
  });

  it('lists every failing path of body, query and headers in one envelope', async () => {
    const err = await refusal(policy!, {
      method: 'POST',
      query: 'limit=many&status=lost',
      headers: json,
      body: '{"sku":"","quantity":0,"lines":[{"price":"1.5"},{}],"extra":true}',
    });
    expect(err?.code).toBe('VALIDATION_FAILED');
    expect(err?.status).toBe(400);
    const errors = (err!.details!.errors as { in: string; path: string; rule: string }[]).map((e) => `${e.in} ${e.path} ${e.rule}`);
    expect(errors.sort()).toEqual(
      [
        'query /limit type',
        'query /status/0 enum',
        'headers /x-api-version required',
        'body /extra additionalProperties',
        'body /sku minLength',
        'body /quantity minimum',
        'body /lines/0/price pattern',
        'body /lines/1/price required',
      ].sort(),
    );
  });

  it('refuses duplicate keys and prototype-polluting keys before any schema runs', async () => {
    for (const [body, rule] of [
      ['{"sku":"a","sku":"b","quantity":1}', 'duplicate_key'],
      ['{"sku":"a","quantity":1,"__proto__":{"isAdmin":true}}', 'forbidden_key'],
      ['{"sku":"a","quantity":1,"constructor":{"prototype":{"isAdmin":true}}}', 'forbidden_key'],
    ] as const) {
      const err = await refusal(policy!, { method: 'POST', headers: { ...json, 'x-api-version': '2024-01' }, body });
      expect(err?.details).toEqual({ errors: [expect.objectContaining({ in: 'body', rule })] });
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe('validate limits and content types', () => {
  it('enforces JSON depth and string length limits (JSON threat protection)', async () => {
    const [p] = validatePolicies('json: { max_depth: 3, max_string_length: 5 }');
    expect(p!.needsRequestBody).toBe(true);
    const deep = await refusal(p!, { method: 'POST', headers: json, body: '{"a":{"b":{"c":{"d":1}}}}' });
    expect(deep?.details).toEqual({ errors: [expect.objectContaining({ rule: 'too_deep', path: '/a/b/c' })] });
    const long = await refusal(p!, { method: 'POST', headers: json, body: '{"a":"123456"}' });
    expect(long?.details).toEqual({ errors: [expect.objectContaining({ rule: 'string_too_long' })] });
    expect(await refusal(p!, { method: 'POST', headers: json, body: '{"a":[1,{"b":"ok"}]}' })).toBeUndefined();
  });

  it('refuses body types off the allow-list, and bodies over max_body_bytes', async () => {
    const [p] = validatePolicies('content_types: [application/json, text/*]\nmax_body_bytes: 10');
    expect(p!.needsRequestBody).toBe(false);
    const xml = await refusal(p!, { method: 'POST', headers: { 'content-type': 'application/xml', 'content-length': '5' } });
    expect(xml?.details).toEqual({ errors: [{ in: 'headers', path: '/content-type', rule: 'content_type', message: 'the body must be application/json, text/*, not application/xml' }] });
    expect(await refusal(p!, { method: 'POST', headers: { 'content-type': 'text/csv; charset=utf-8', 'content-length': '5' } })).toBeUndefined();
    expect(await refusal(p!, { method: 'GET' })).toBeUndefined();
    const big = await refusal(p!, { method: 'POST', headers: json, body: '{"a":"0123456789"}' });
    expect(big?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('needs a JSON body when a body schema is set', async () => {
    const [p] = validatePolicies('body: { type: object }');
    const err = await refusal(p!, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(err?.details).toEqual({ errors: [expect.objectContaining({ rule: 'content_type' })] });
  });
});

describe('validate config errors', () => {
  it.each([
    ['body: { type: object, properties: { a: { type: strin } } }', 'policies.validate.body'],
    ['query: { type: object, properties: { limit: { type: integer, maximun: 5 } } }', 'policies.validate.query: invalid JSON Schema: strict mode: unknown keyword: "maximun"'],
    ['openapi: { file: /nowhere/openapi.yaml }', 'policies.validate.openapi.file'],
  ])('%s names the route and the path', (yaml, path) => {
    expect(() => validatePolicies(yaml)).toThrow(`route "orders": ${path}`);
  });
});
