import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { UnigateError } from '../../errors/unigate-error.js';
import { readConfig } from '../../transform/test-support/config.js';
import type { Policy, UpstreamResponse } from '../policy.js';
import { testContext, testResponse, type TestRequest } from '../test-support/context.js';
import { createTransformResponse } from './index.js';
import { TransformResponseSchema } from './schema.js';

const fixture = (path: string) => readFileSync(new URL(path, import.meta.url));
const products = fixture('../../transform/fixtures/shopify-products.json');
const prestashop = fixture('../../codecs/xml/fixtures/prestashop-products.xml');
const JSON_HEADERS = { 'content-type': 'application/json' };
const XML_HEADERS = { 'content-type': 'application/xml; charset=utf-8' };

function policy(yaml: string, maxResponseBytes = 1024 * 1024): Policy {
  return createTransformResponse(readConfig(TransformResponseSchema, yaml), { routeName: 'catalog', maxResponseBytes });
}

async function respond(p: Policy, response: UpstreamResponse, request: TestRequest = {}) {
  const ctx = testContext(request);
  if (p.onRequest !== undefined) await p.onRequest(ctx);
  await p.onResponse!(ctx, response);
  return { ctx, response, json: () => JSON.parse(response.body!.toString()) as any };
}

async function failure(p: Policy, response: UpstreamResponse, request: TestRequest = {}): Promise<UnigateError> {
  try {
    await respond(p, response, request);
  } catch (err) {
    return err as UnigateError;
  }
  throw new Error('expected the response to fail');
}

describe('transform_response on the head only', () => {
  it('maps statuses and edits headers without reading the body', async () => {
    const p = policy(`
status: [{ from: 404, to: 200 }, { from: 5xx, to: 502 }]
headers:
  - { op: remove, name: X-Powered-By }
  - { op: rename, from: X-RateLimit-Remaining, to: X-Upstream-Remaining }
  - { op: set, name: X-Request, value: "{request.id}" }
`);
    expect(p.needsResponseBody).toBe(false);
    expect(p.onRequest).toBeUndefined();
    const { response } = await respond(p, testResponse(503, { 'x-powered-by': 'PHP', 'x-ratelimit-remaining': '7', 'content-length': '10' }));
    expect(response).toEqual({ status: 502, headers: { 'x-upstream-remaining': '7', 'x-request': 'req-1', 'content-length': '10' }, body: undefined });
    expect((await respond(p, testResponse(404, {}))).response.status).toBe(200);
  });
});

describe('transform_response JSON bodies', () => {
  it('maps a real product list and drops the headers that described the upstream bytes', async () => {
    const p = policy(`
body:
  - { op: move, from: /products, to: "" }
  - op: map
    path: ""
    ops:
      - { op: select, fields: "id,title,variants(id,price)" }
      - { op: rename, path: /title, to: name }
      - { op: coerce, path: /id, to: string }
  - { op: wrap, key: data }
`);
    expect(p.needsResponseBody).toBe(true);
    const { json, response } = await respond(p, testResponse(200, { ...JSON_HEADERS, etag: '"abc"', 'content-length': String(products.length) }, products));
    expect(json().data[0]).toEqual({ id: '632910392', name: 'IPod Nano - 8GB', variants: [{ id: 808950810, price: '199.00' }, { id: 49148385, price: '199.9' }] });
    expect(response.headers.etag).toBeUndefined();
    expect(response.headers['content-type']).toBe('application/json');
  });

  it('leaves error bodies and bodies of other types alone', async () => {
    const p = policy('body: [{ op: wrap, key: data }]');
    expect((await respond(p, testResponse(404, JSON_HEADERS, '{"errors":"Not Found"}'))).json()).toEqual({ errors: 'Not Found' });
    expect((await respond(p, testResponse(200, { 'content-type': 'text/csv' }, 'a,b'))).response.body!.toString()).toBe('a,b');
    expect((await respond(p, testResponse(204, JSON_HEADERS, ''))).response.body!.length).toBe(0);
  });

  it('decodes a gzip body and sends it uncompressed unless encode is on', async () => {
    const p = policy('body: [{ op: set, path: /extra, value: true }]');
    const plain = await respond(p, testResponse(200, { ...JSON_HEADERS, 'content-encoding': 'gzip' }, gzipSync('{"a":1}')), { headers: { 'accept-encoding': 'gzip' } });
    expect(plain.json()).toEqual({ a: 1, extra: true });
    expect(plain.response.headers['content-encoding']).toBeUndefined();

    const encoding = policy('encode: true\nbody: [{ op: set, path: /pad, value: "' + 'x'.repeat(2000) + '" }]');
    const br = await respond(encoding, testResponse(200, { ...JSON_HEADERS, 'content-encoding': 'gzip' }, gzipSync('{"a":1}')), { headers: { 'accept-encoding': 'gzip;q=0.5, br' } });
    expect(br.response.headers['content-encoding']).toBe('br');
    expect(br.response.headers.vary).toBe('Accept-Encoding');
    expect(JSON.parse(brotliDecompressSync(br.response.body!).toString()).a).toBe(1);
    const gz = await respond(encoding, testResponse(200, JSON_HEADERS, '{"a":2}'), { headers: { 'accept-encoding': 'gzip' } });
    expect(JSON.parse(gunzipSync(gz.response.body!).toString()).a).toBe(2);
    const none = await respond(encoding, testResponse(200, JSON_HEADERS, '{"a":3}'), { headers: { 'accept-encoding': 'identity' } });
    expect(none.response.headers['content-encoding']).toBeUndefined();
  });

  it('asks the upstream only for codings it can decode, and for whole representations', async () => {
    const p = policy('body: [{ op: wrap, key: data }]');
    const ctx = testContext({ headers: { 'accept-encoding': 'zstd, gzip;q=0.8, br', range: 'bytes=0-10', 'if-range': '"x"' } });
    await p.onRequest!(ctx);
    expect(ctx.upstreamHeaders['accept-encoding']).toBe('gzip;q=0.8, br');
    expect(ctx.upstreamHeaders.range).toBeUndefined();
    expect(ctx.upstreamHeaders['if-range']).toBeUndefined();
  });

  it('answers 502 RESPONSE_TOO_LARGE when a compressed body expands past the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
    const err = await failure(policy('body: [{ op: wrap, key: data }]', 1024 * 1024), testResponse(200, { ...JSON_HEADERS, 'content-encoding': 'gzip' }, bomb));
    expect(err.code).toBe('RESPONSE_TOO_LARGE');
    expect(err.message).toContain('1048576 bytes');
  });

  it('answers 502 for JSON that does not parse, and TRANSFORM_FAILED for a transform past its limits', async () => {
    const p = policy('limits: { max_operations: 5 }\nbody: [{ op: map, path: /products, ops: [{ op: remove, path: /body_html }] }]');
    const bad = await failure(p, testResponse(200, JSON_HEADERS, '{"products": [1,]}'));
    expect(bad.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(bad.details).toMatchObject({ reason: 'syntax', line: 1, column: 17 });
    const big = await failure(p, testResponse(200, JSON_HEADERS, JSON.stringify({ products: Array.from({ length: 10 }, () => ({ body_html: 'x' })) })));
    expect(big.code).toBe('TRANSFORM_FAILED');
    expect(big.details).toMatchObject({ reason: 'limit_exceeded' });
    const shape = await failure(policy('body: [{ op: map, path: /products, ops: [] }]'), testResponse(200, JSON_HEADERS, '{"products":{"id":1}}'));
    expect(shape.details).toMatchObject({ reason: 'path_conflict', path: '/products' });
  });
});

describe('transform_response field filtering', () => {
  const p = policy('fields: { param: fields, at: /products }');

  it('projects nested arrays onto the fields the client asked for and ignores unknown ones', async () => {
    const { json } = await respond(p, testResponse(200, JSON_HEADERS, products), { query: 'fields=id,variants(id,price),options.values,nope' });
    const first = json().products[0];
    expect(first).toEqual({ id: 632910392, variants: [{ id: 808950810, price: '199.00' }, { id: 49148385, price: '199.9' }], options: [{ values: ['Pink', 'Red'] }] });
  });

  it('removes the parameter from the upstream query unless forwarded, and leaves bodies alone without it', async () => {
    const ctx = testContext({ query: 'limit=5&fields=id&x=1' });
    await p.onRequest!(ctx);
    expect(ctx.upstreamQuery).toBe('limit=5&x=1');
    const forwarding = policy('fields: { forward: true }');
    const kept = testContext({ query: 'fields=id' });
    await forwarding.onRequest!(kept);
    expect(kept.upstreamQuery).toBe('fields=id');
    const { response } = await respond(p, testResponse(200, JSON_HEADERS, products));
    expect(response.body).toBe(products);
  });

  it('answers 400 for a selection that does not parse, before anything is sent', async () => {
    const ctx = testContext({ query: 'fields=variants(id' });
    let err: UnigateError | undefined;
    try {
      await p.onRequest!(ctx);
    } catch (e) {
      err = e as UnigateError;
    }
    expect(err?.code).toBe('VALIDATION_FAILED');
    expect(err?.details).toEqual({ errors: [{ in: 'query', path: '/fields', rule: 'fields_syntax', message: expect.stringContaining('column 12') }] });
  });
});

describe('transform_response XML', () => {
  it('turns XML into JSON with namespaces, attributes, CDATA and arrays of one, then projects it', async () => {
    const p = policy(`
xml_to_json: { always_array: [product, language], namespaces: map, namespace_map: { "http://www.w3.org/1999/xlink": xl } }
body: [{ op: move, from: /prestashop/products/product, to: "" }]
fields: { param: fields }
`);
    const { json, response } = await respond(p, testResponse(200, XML_HEADERS, prestashop), { query: 'fields=id,name.language(@id,#text),id_manufacturer' });
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json()).toEqual([
      {
        id: '1',
        name: { language: [{ '@id': '1', '#text': 'Hummingbird printed t-shirt' }, { '@id': '2', '#text': 'T-shirt imprimé colibri' }] },
        id_manufacturer: { '@xl:href': 'https://shop.example.com/api/manufacturers/1', '#text': '1' },
      },
      { id: '19', name: { language: [{ '@id': '1', '#text': 'Customizable mug' }] }, id_manufacturer: '' },
    ]);
  });

  it('keeps the text of mixed content and CDATA apart when asked', async () => {
    const p = policy('xml_to_json: { cdata: key }');
    const { json } = await respond(p, testResponse(200, XML_HEADERS, '<p lang="en">Hello <b>world</b><![CDATA[<raw>]]></p>'));
    expect(json()).toEqual({ p: { '@lang': 'en', '#text': 'Hello', b: 'world', '#cdata': '<raw>' } });
  });

  it('offers JSON only to clients that prefer it when negotiating', async () => {
    const p = policy('xml_to_json: { negotiate: true }');
    const wantsJson = await respond(p, testResponse(200, XML_HEADERS, '<a>1</a>'), { headers: { accept: 'application/json, application/xml;q=0.5' } });
    expect(wantsJson.json()).toEqual({ a: '1' });
    expect(wantsJson.response.headers.vary).toBe('Accept');
    const wantsXml = await respond(p, testResponse(200, XML_HEADERS, '<a>1</a>'), { headers: { accept: '*/*' } });
    expect(wantsXml.response.body!.toString()).toBe('<a>1</a>');
    expect(wantsXml.response.headers).toEqual({ ...XML_HEADERS, vary: 'Accept' });
  });

  it('never turns malformed XML into JSON: 502 with the parser message and position', async () => {
    const p = policy('xml_to_json: {}');
    const err = await failure(p, testResponse(200, XML_HEADERS, '<order>\n  <id>1</name>\n</order>'));
    expect(err.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(err.details).toEqual({ reason: 'malformed', message: 'malformed XML: unexpected close tag. (line 2, column 14)', line: 2, column: 14 });
  });

  it('refuses DOCTYPE (entity expansion, XXE) and stops at the depth limit', async () => {
    const p = policy('xml_to_json: { max_depth: 8 }');
    const xxe = await failure(p, testResponse(200, XML_HEADERS, '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'));
    expect(xxe.details).toMatchObject({ reason: 'doctype_forbidden' });
    const deep = await failure(p, testResponse(200, XML_HEADERS, '<a>'.repeat(9) + '</a>'.repeat(9)));
    expect(deep.code).toBe('TRANSFORM_FAILED');
    expect(deep.details).toMatchObject({ reason: 'limit_exceeded' });
  });
});

describe('transform_response error normalization', () => {
  const p = policy('normalize_errors: {}\nstatus: [{ from: 503, to: 502 }]');

  it.each([
    ['Shopify', JSON_HEADERS, '{"errors":{"title":["can\'t be blank"]}}', "title: can't be blank"],
    ['WooCommerce', JSON_HEADERS, '{"code":"rest_invalid","message":"Invalid ID.","data":{"status":404}}', 'Invalid ID.'],
    ['Stripe', JSON_HEADERS, '{"error":{"type":"card_error","message":"Your card was declined."}}', 'Your card was declined.'],
    ['OAuth', JSON_HEADERS, '{"error":"invalid_grant","error_description":"Token expired"}', 'Token expired'],
    ['BigCommerce v2', JSON_HEADERS, '[{"status":404,"message":"The requested resource was not found."}]', 'The requested resource was not found.'],
    ['PrestaShop', XML_HEADERS, fixture('../../codecs/xml/fixtures/prestashop-error.xml').toString(), 'Resource of type "products" not found'],
    ['SOAP', { 'content-type': 'text/xml' }, fixture('../../codecs/xml/fixtures/soap-fault.xml').toString(), 'Authentication failed & the session expired'],
    ['plain text', { 'content-type': 'text/plain' }, 'Service down\n', 'Service down'],
  ])('maps a %s error into the envelope', async (_vendor, headers, body, message) => {
    const { json } = await respond(p, testResponse(404, { ...headers, 'retry-after': '5' }, body));
    expect(json()).toEqual({ error: { code: 'UPSTREAM_ERROR', message: 'The upstream answered with an error', status: 404, request_id: 'req-1', details: { upstream: { status: 404, message } } } });
  });

  it('keeps the mapped status, the other headers, and works without a readable message', async () => {
    const { json, response } = await respond(p, testResponse(503, { 'content-type': 'text/html', 'retry-after': '5', 'content-encoding': 'gzip' }, Buffer.from('not gzip')));
    expect(response.status).toBe(502);
    expect(response.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
    expect(json().error).toMatchObject({ status: 502, details: { upstream: { status: 503 } } });
  });

  it('finds the message where the vendor keeps it, as configured', async () => {
    const custom = policy('normalize_errors: { message_paths: [/fault/reason/text], xml_elements: [detail] }');
    const { json } = await respond(custom, testResponse(422, JSON_HEADERS, '{"message":"generic","fault":{"reason":{"text":"SKU taken"}}}'));
    expect(json().error.details.upstream.message).toBe('SKU taken');
  });
});

describe('transform_response config errors', () => {
  it.each([
    ['status: [{ from: 200, to: 204 }]', 'policies.transform_response.status[0].to'],
    ['status: [{ from: 404, to: 200 }, { from: 404, to: 410 }]', 'policies.transform_response.status[1].from'],
    ['fields: { at: "a..b" }', 'policies.transform_response.fields.at'],
    ['normalize_errors: { message_paths: ["/a/__proto__"] }', 'policies.transform_response.normalize_errors.message_paths[0]'],
    ['headers: [{ op: set, name: X-Key, value: "{vault.key}" }]', 'policies.transform_response.headers[0].value'],
  ])('%s names the route and the path', (yaml, path) => {
    expect(() => policy(yaml)).toThrow(`route "catalog": ${path}`);
  });
});
