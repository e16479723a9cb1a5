/**
 * Validation through a real gateway: refused requests never reach the upstream, every
 * failing path is in one envelope, JSON threats are refused, OpenAPI operations are
 * matched, and report-only response validation counts and logs without touching answers.
 */
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const openapi = fileURLToPath(new URL('../../src/pipeline/validate/fixtures/orders-openapi-3.0.yaml', import.meta.url));

let upstream: TestUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    req.resume();
    req.on('end', () => {
      const drifted = req.url?.includes('drift') === true;
      const pad = req.url?.includes('big') === true ? 'x'.repeat(4096) : undefined;
      const body = JSON.stringify({ orders: [{ id: drifted ? 'ord_1' : 1, status: 'open' }], pad });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  gw = await startGateway(`
upstreams:
  orders: { targets: [{ url: "${upstream.url}" }] }
routes:
  - name: create
    match: { path: /create, methods: [POST] }
    upstream: orders
    policies:
      validate:
        content_types: [application/json]
        max_body_bytes: 2048
        json: { max_depth: 8 }
        body:
          type: object
          required: [sku, quantity]
          properties:
            sku: { type: string, pattern: "^[A-Z0-9-]+$" }
            quantity: { type: integer, minimum: 1 }
            lines: { type: array, maxItems: 2, items: { type: object, required: [price], properties: { price: { type: number } } } }
        query: { type: object, properties: { dry_run: { type: boolean } } }
  - name: api
    match: { path: /api/* }
    upstream: orders
    strip_prefix: true
    policies:
      validate:
        openapi: { file: ${JSON.stringify(openapi)} }
        response: { mode: report_only }
  - name: small
    match: { path: /small/* }
    upstream: orders
    strip_prefix: true
    limits: { max_response_bytes: 1024 }
    policies:
      validate: { response: { schema: { type: object, required: [never_there] } } }
`);
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

async function call(path: string, options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}) {
  const res = await request(`${gw.url}${path}`, { method: options.method ?? 'GET', headers: options.headers, body: options.body });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: () => JSON.parse(text) as any };
}

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }, path = '/create') => call(path, { method: 'POST', headers, body });

describe('validate with inline schemas', () => {
  it('forwards a valid request as the client sent it', async () => {
    const res = await post('{"sku":"TEE-1","quantity":2}');
    expect(res.status).toBe(200);
  });

  it('refuses schema failures with every path and rule, and nothing reaches the upstream', async () => {
    const before = upstream.requests.length;
    const res = await post('{"sku":"tee 1","quantity":0,"lines":[{"price":"1"},{},{}]}', { 'content-type': 'application/json' }, '/create?dry_run=maybe');
    expect(res.status).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.errors.map((e: { in: string; path: string; rule: string }) => `${e.in} ${e.path} ${e.rule}`).sort()).toEqual(
      ['query /dry_run type', 'body /sku pattern', 'body /quantity minimum', 'body /lines maxItems', 'body /lines/0/price type', 'body /lines/1/price required', 'body /lines/2/price required'].sort(),
    );
    expect(upstream.requests.length).toBe(before);
  });

  it.each([
    ['__proto__', '{"sku":"A","quantity":1,"__proto__":{"polluted":true}}', 'forbidden_key'],
    ['constructor.prototype', '{"sku":"A","quantity":1,"lines":[{"price":1,"constructor":{"prototype":{"polluted":true}}}]}', 'forbidden_key'],
    ['duplicate keys', '{"sku":"A","quantity":1,"quantity":1000}', 'duplicate_key'],
    ['deep nesting', `{"sku":"A","quantity":1,"x":${'['.repeat(20)}${']'.repeat(20)}}`, 'too_deep'],
  ])('refuses a %s payload', async (_name, body, rule) => {
    const before = upstream.requests.length;
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.json().error.details.errors).toEqual([expect.objectContaining({ in: 'body', rule })]);
    expect(upstream.requests.length).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses other content types and bodies past max_body_bytes, streamed or not', async () => {
    expect((await post('sku=A', { 'content-type': 'application/x-www-form-urlencoded' })).json().error.details.errors[0].rule).toBe('content_type');
    const big = await post(JSON.stringify({ sku: 'A', quantity: 1, pad: 'x'.repeat(3000) }));
    expect(big.status).toBe(413);
    const chunked = await request(`${gw.url}/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.from(['{"sku":"A","quantity":1,"pad":"', 'x'.repeat(3000), '"}']),
    });
    expect(chunked.statusCode).toBe(413);
    await chunked.body.text();
  });
});

describe('validate config', () => {
  it('refuses a config whose inline schema does not compile, naming its path', async () => {
    const start = startGateway(`
upstreams: { orders: { targets: [{ url: "${upstream.url}" }] } }
routes:
  - { name: bad, match: { path: /x }, upstream: orders, policies: { validate: { body: { type: object, propertis: {} } } } }
`);
    await expect(start).rejects.toMatchObject({ problems: [expect.objectContaining({ path: 'routes[0].policies.validate.body', message: expect.stringContaining('unknown keyword: "propertis"') })] });
  });
});

describe('validate from the upstream OpenAPI document', () => {
  it('matches the operation by method and path and checks its parameters', async () => {
    expect((await call('/api/orders?limit=5', { headers: { 'x-api-version': '2024-01' } })).status).toBe(200);
    const res = await call('/api/orders?limit=500');
    expect(res.status).toBe(400);
    expect(res.json().error.details.errors).toEqual([
      { in: 'query', path: '/limit', rule: 'maximum', message: 'must be <= 250' },
      { in: 'headers', path: '/x-api-version', rule: 'required', message: "must have required property 'x-api-version'" },
    ]);
    expect((await call('/api/orders/abc')).json().error.details.errors[0]).toMatchObject({ in: 'path', path: '/id', rule: 'type' });
    expect((await call('/api/nothing-here')).json().error.details.errors[0]).toMatchObject({ rule: 'openapi_operation' });
  });

  it('reports a response that drifted from the document in metrics and logs, and passes it on unchanged', async () => {
    const res = await call('/api/orders?limit=5&drift=1', { headers: { 'x-api-version': '2024-01' } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ orders: [{ id: 'ord_1', status: 'open' }] });
    const metrics = await (await request(`${gw.adminUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).body.text();
    expect(metrics).toContain('unigate_response_validation_failures_total{route="api"} 1');
    const line = gw.logs.records.find((r) => r.msg === 'upstream response does not match its schema');
    expect(line).toMatchObject({ route: 'api', status: 200, mismatches: [{ path: '/orders/0/id', rule: 'type', message: 'must be integer' }] });
  });

  it('never fails a response for being too large to check: it streams unchecked', async () => {
    const big = await call('/small/orders?big=1');
    expect(big.status).toBe(200);
    expect(big.json().pad).toHaveLength(4096);
    const small = await call('/small/orders');
    expect(small.status).toBe(200);
    const metrics = await (await request(`${gw.adminUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).body.text();
    expect(metrics).toContain('unigate_response_validation_failures_total{route="small"} 1');
  });
});
