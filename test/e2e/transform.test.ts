/**
 * Request and response transforms through a real gateway and real upstreams on loopback:
 * what the upstream receives, what the client gets back, content codings, field filtering,
 * error normalization, limits, and that routes reading no body still stream.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const products = readFileSync(new URL('../../src/transform/fixtures/shopify-products.json', import.meta.url));

let upstream: TestUpstream;
let gw: TestGateway;
let releaseStream: (() => void) | undefined;

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = url.pathname;
      if (path === '/products.json') {
        const gzip = /gzip/.test(String(req.headers['accept-encoding'] ?? ''));
        const body = gzip ? gzipSync(products) : products;
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', etag: '"p1"', 'content-length': body.length, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
        res.end(body);
        return;
      }
      if (path === '/missing') {
        res.writeHead(404, { 'content-type': 'application/json', 'x-request-cost': '1' });
        res.end('{"errors":"Not Found"}');
        return;
      }
      if (path === '/flaky') {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"maintenance"}}');
        return;
      }
      if (path === '/big') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ items: Array.from({ length: 5000 }, (_, i) => ({ i, pad: 'x'.repeat(20) })) }));
        return;
      }
      if (path === '/stream') {
        res.writeHead(200, { 'content-type': 'text/plain', 'x-powered-by': 'origin' });
        res.write('first\n');
        releaseStream = () => res.end('last\n');
        return;
      }
      const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  gw = await startGateway(`
upstreams:
  api: { targets: [{ url: "${upstream.url}" }], retries: { count: 0 } }
routes:
  - name: orders
    match: { path: /orders/:id }
    upstream: api
    limits: { max_body_bytes: 4096 }
    policies:
      transform_request:
        body:
          - { op: rename, path: /qty, to: quantity }
          - { op: coerce, path: /quantity, to: integer }
          - { op: set, path: /order_id, template: "{params.id}" }
        path: { template: "/v2/orders/{params.id}/lines" }
        query:
          - { op: rename, from: page_size, to: per_page }
          - { op: remove, name: debug }
          - { op: set, name: request, value: "{request.id}" }
        headers:
          - { op: set, name: X-Order, value: "{params.id}" }
          - { op: remove, name: X-Internal }
          - { op: rename, from: X-Client-Trace, to: X-Trace }
          - { op: append, name: X-Tags, value: "gateway" }
  - name: catalog
    match: { path: /catalog/* }
    upstream: api
    strip_prefix: true
    limits: { max_response_bytes: 65536 }
    policies:
      transform_response:
        body:
          - op: map
            path: /products
            ops:
              - { op: rename, path: /title, to: name }
              - { op: coerce, path: /id, to: string }
        fields: { param: fields, at: /products }
        normalize_errors: {}
        status: [{ from: 503, to: 502 }]
        headers: [{ op: set, name: X-Route, value: catalog }]
  - name: unified
    match: { path: /unified/* }
    upstream: api
    strip_prefix: true
    policies:
      transform_response:
        body:
          - { op: move, from: /products, to: /items }
          - op: map
            path: /items
            ops:
              - { op: select, fields: "id,title,status,updated_at,tags,image,variants(id,sku,price,compare_at_price,taxable,weight)" }
              - { op: rename, path: /title, to: name }
              - { op: coerce, path: /id, to: string }
              - { op: coerce, path: /updated_at, to: date, output_zone: UTC }
              - { op: copy, from: /image/src, to: /image_url }
              - { op: remove, path: /image }
              - { op: set, path: /currency, value: USD }
              - { op: set, path: /source, template: "{request.id}" }
              - op: map
                path: /variants
                ops:
                  - { op: coerce, path: /price, to: decimal, scale: 2 }
                  - { op: coerce, path: /compare_at_price, to: decimal }
                  - { op: coerce, path: /taxable, to: string }
                  - { op: coerce, path: /weight, to: integer, on_error: "null" }
          - { op: wrap, path: /items, key: list }
          - { op: unwrap, path: /items, key: list }
          - { op: wrap, key: data }
  - name: packed
    match: { path: /packed/* }
    upstream: api
    strip_prefix: true
    policies:
      transform_response:
        encode: true
        body: [{ op: wrap, key: data }]
  - name: tight
    match: { path: /tight/* }
    upstream: api
    strip_prefix: true
    limits: { max_response_bytes: 2048 }
    policies:
      transform_response: { body: [{ op: wrap, key: data }] }
  - name: bounded
    match: { path: /bounded/* }
    upstream: api
    strip_prefix: true
    policies:
      transform_response:
        limits: { max_array_length: 100 }
        body: [{ op: map, path: /items, ops: [{ op: remove, path: /pad }] }]
  - name: streamed
    match: { path: /streamed/* }
    upstream: api
    strip_prefix: true
    policies:
      transform_response:
        status: [{ from: 200, to: 203 }]
        headers: [{ op: remove, name: X-Powered-By }, { op: set, name: X-Streamed, value: "yes" }]
`);
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

async function call(path: string, options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}) {
  const res = await request(`${gw.url}${path}`, { method: options.method ?? 'GET', headers: options.headers, body: options.body });
  const raw = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, raw, json: () => JSON.parse(raw.toString()) as any };
}

describe('transform_request', () => {
  it('sends the upstream the rewritten path, query, headers and body with a correct Content-Length', async () => {
    const res = await call('/orders/7?page_size=5&debug=1&q=a%20b', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal': 'secret', 'x-request-id': 'req-e2e-1', 'x-client-trace': 't-1', 'x-tags': 'client' },
      body: '{"qty":"3","sku":"TEE"}',
    });
    expect(res.status).toBe(200);
    const seen = res.json();
    expect(seen.url).toBe('/v2/orders/7/lines?per_page=5&q=a%20b&request=req-e2e-1');
    expect(seen.headers['x-order']).toBe('7');
    expect(seen.headers['x-internal']).toBeUndefined();
    expect(seen.headers['x-trace']).toBe('t-1');
    expect(seen.headers['x-client-trace']).toBeUndefined();
    expect(seen.headers['x-tags']).toBe('client, gateway');
    expect(JSON.parse(seen.body)).toEqual({ quantity: 3, sku: 'TEE', order_id: '7' });
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength(seen.body)));
  });

  it('answers 400 with the failing path and sends nothing when a value cannot be converted', async () => {
    const before = upstream.requests.length;
    const res = await call('/orders/7', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"qty":"three"}' });
    expect(res.status).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { errors: [{ in: 'body', path: '/quantity', rule: 'coercion_failed' }] } });
    expect(upstream.requests.length).toBe(before);
  });

  it('answers 413 past the route body limit', async () => {
    const res = await call('/orders/7', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(5000) }) });
    expect(res.status).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('transform_response', () => {
  it('maps a gzip-encoded upstream body and sends it decoded with a correct Content-Length', async () => {
    const res = await call('/catalog/products.json', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['x-route']).toBe('catalog');
    expect(Number(res.headers['content-length'])).toBe(res.raw.length);
    const body = res.json();
    expect(body.products[0].name).toBe('IPod Nano - 8GB');
    expect(body.products[0].id).toBe('632910392');
    expect(upstream.requests.at(-1)!.headers['accept-encoding']).toBe('gzip');
  });

  it('runs select, rename, move, copy, set, remove, wrap, unwrap, map and coercions on a real upstream response', async () => {
    const res = await call('/unified/products.json', { headers: { 'x-request-id': 'req-unified' } });
    expect(res.status).toBe(200);
    const [first, second] = res.json().data.items;
    expect(first).toEqual({
      id: '632910392',
      name: 'IPod Nano - 8GB',
      status: 'active',
      updated_at: '2024-03-15T15:02:10Z',
      tags: 'Emotive, Flash Memory, MP3, Music',
      variants: [
        { id: 808950810, sku: 'IPOD2008PINK', price: '199.00', compare_at_price: null, taxable: 'true', weight: null },
        { id: 49148385, sku: 'IPOD2008RED', price: '199.90', compare_at_price: '249.00', taxable: 'true', weight: null },
      ],
      image_url: 'https://cdn.shopify.com/s/files/1/0005/4838/0009/products/ipod-nano.png?v=1704205723',
      currency: 'USD',
      source: 'req-unified',
    });
    expect(second.variants[0].price).toBe('199.00');
  });

  it('projects nested arrays onto ?fields= and keeps the parameter from the upstream', async () => {
    const res = await call('/catalog/products.json?fields=id,name,variants(sku,price),unknown');
    expect(res.json().products).toEqual([
      { id: '632910392', name: 'IPod Nano - 8GB', variants: [{ sku: 'IPOD2008PINK', price: '199.00' }, { sku: 'IPOD2008RED', price: '199.9' }] },
      { id: '921728736', name: 'IPod Touch 8GB', variants: [{ sku: 'IPOD2009BLACK', price: 199 }] },
    ]);
    expect(upstream.requests.at(-1)!.url).toBe('/products.json');
  });

  it('answers 400 for a field selection that does not parse, without calling the upstream', async () => {
    const before = upstream.requests.length;
    const res = await call('/catalog/products.json?fields=variants(id');
    expect(res.status).toBe(400);
    expect(res.json().error.details.errors[0]).toMatchObject({ in: 'query', path: '/fields', rule: 'fields_syntax' });
    expect(upstream.requests.length).toBe(before);
  });

  it('normalizes upstream errors into the envelope, keeping the upstream status and headers', async () => {
    const missing = await call('/catalog/missing', { headers: { 'x-request-id': 'req-e2e-404' } });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(missing.headers['x-request-cost']).toBe('1');
    expect(missing.json()).toEqual({
      error: { code: 'UPSTREAM_ERROR', message: 'The upstream answered with an error', status: 404, request_id: 'req-e2e-404', details: { upstream: { status: 404, message: 'Not Found' } } },
    });
    const flaky = await call('/catalog/flaky');
    expect(flaky.status).toBe(502);
    expect(flaky.json().error.details.upstream).toEqual({ status: 503, message: 'maintenance' });
  });

  it('re-encodes a transformed body for clients that accept it, when configured', async () => {
    const res = await call('/packed/products.json', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(Number(res.headers['content-length'])).toBe(res.raw.length);
    expect(JSON.parse(gunzipSync(res.raw).toString()).data.products).toHaveLength(2);
    const plain = await call('/packed/products.json');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.json().data.products).toHaveLength(2);
  });

  it('answers 502 RESPONSE_TOO_LARGE past max_response_bytes, and TRANSFORM_FAILED past a transform limit', async () => {
    const large = await call('/tight/products.json');
    expect(large.status).toBe(502);
    expect(large.json().error).toMatchObject({ code: 'RESPONSE_TOO_LARGE', message: 'The upstream response is larger than this route can transform', details: { limit_bytes: 2048 } });
    const bounded = await call('/bounded/big');
    expect(bounded.status).toBe(502);
    expect(bounded.json().error).toMatchObject({ code: 'TRANSFORM_FAILED', details: { reason: 'limit_exceeded', path: '/items' } });
  });

  it('still streams on a route that only maps status and headers', async () => {
    const res = await request(`${gw.url}/streamed/stream`);
    expect(res.statusCode).toBe(203);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-streamed']).toBe('yes');
    const reader = res.body[Symbol.asyncIterator]();
    const first = await reader.next();
    // The upstream has not finished: the first chunk arrived on its own.
    expect(Buffer.from(first.value as Buffer).toString()).toBe('first\n');
    releaseStream!();
    let rest = '';
    for (let next = await reader.next(); !next.done; next = await reader.next()) rest += Buffer.from(next.value as Buffer).toString();
    expect(rest).toBe('last\n');
  });
});

describe('transform config errors', () => {
  it('refuses to start with the route, the operation path and the problem', async () => {
    const start = startGateway(`
upstreams: { api: { targets: [{ url: "${upstream.url}" }] } }
routes:
  - name: broken
    match: { path: /x }
    upstream: api
    policies:
      transform_request: { headers: [{ op: set, name: X-Key, value: "{connection.api_key" }] }
      transform_response: { body: [{ op: rename, path: "a..b", to: c }] }
`);
    await expect(start).rejects.toThrow(ConfigError);
    const err = (await start.catch((e: unknown) => e)) as ConfigError;
    expect(err.problems.map((p) => p.path)).toEqual(['routes[0].policies.transform_request.headers[0].value', 'routes[0].policies.transform_response.body[0].path']);
    expect(err.problems[0]!.message).toContain('unclosed "{"');
  });
});
