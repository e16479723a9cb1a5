/**
 * XML ↔ JSON through a real gateway: XML backends offered as JSON (namespaces, attributes,
 * CDATA, mixed content, arrays of one), content negotiation, JSON → XML requests, and the
 * malformed-XML corpus and DTD attacks, which must answer 502 and never become JSON.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MALFORMED_XML } from '../../src/codecs/xml/test-support/malformed-corpus.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const fixture = (name: string) => readFileSync(new URL(`../../src/codecs/xml/fixtures/${name}`, import.meta.url), 'utf8');
const MIXED = '<?xml version="1.0"?><note xmlns:h="urn:example:html" id="n1"><h:p>Ship <h:b>today</h:b> please</h:p><items><item sku="A"/></items></note>';

let upstream: TestUpstream;
let dtdServer: http.Server;
let dtdHits = 0;
let dtdUrl = '';
let gw: TestGateway;
/** XML the upstream sends next on /raw. */
let raw = '';

beforeAll(async () => {
  dtdServer = http.createServer((_req, res) => {
    dtdHits++;
    res.end('<!ENTITY leak "leaked">');
  });
  await new Promise<void>((resolve) => dtdServer.listen(0, '127.0.0.1', resolve));
  dtdUrl = `http://127.0.0.1:${(dtdServer.address() as AddressInfo).port}/evil.dtd`;
  upstream = await startUpstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const xml = { 'content-type': 'application/xml; charset=utf-8' };
      switch (new URL(req.url ?? '/', 'http://x').pathname) {
        case '/api/products':
          res.writeHead(200, xml);
          res.end(fixture('prestashop-products.xml'));
          return;
        case '/api/missing':
          res.writeHead(404, xml);
          res.end(fixture('prestashop-error.xml'));
          return;
        case '/api/note':
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(MIXED);
          return;
        case '/api/raw':
          res.writeHead(200, xml);
          res.end(raw);
          return;
        default:
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ contentType: req.headers['content-type'], length: req.headers['content-length'], body: Buffer.concat(chunks).toString() }));
      }
    });
  });
  gw = await startGateway(`
upstreams:
  shop: { targets: [{ url: "${upstream.url}/api" }], retries: { count: 0 } }
routes:
  - name: products
    match: { path: /shop/* }
    upstream: shop
    strip_prefix: true
    policies:
      transform_response:
        xml_to_json:
          always_array: [product, language, category, item]
          namespaces: map
          namespace_map: { "http://www.w3.org/1999/xlink": xlink, "urn:example:html": html }
        normalize_errors: {}
  - name: negotiated
    match: { path: /negotiated/* }
    upstream: shop
    strip_prefix: true
    policies:
      transform_response: { xml_to_json: { negotiate: true, namespaces: strip } }
  - name: orders
    match: { path: /orders }
    upstream: shop
    add_prefix: /orders
    policies:
      transform_request:
        body: [{ op: rename, path: /order/qty, to: quantity }]
        json_to_xml: { xml_declaration: true }
`);
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  dtdServer?.close();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await request(`${gw.url}${path}`, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as any };
}

describe('XML responses offered as JSON', () => {
  it('converts a PrestaShop product list: namespaced attributes, CDATA, arrays of one', async () => {
    const res = await get('/shop/products');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    const [first, second] = res.json().prestashop.products.product;
    expect(first.description_short.language).toEqual([
      { '@id': '1', '@xlink:href': 'https://shop.example.com/api/languages/1', '#text': '<p>Regular fit, round neckline & short sleeves.</p>' },
    ]);
    expect(first.associations.categories.category).toEqual([{ '@xlink:href': 'https://shop.example.com/api/categories/2', id: '2' }]);
    expect(second.name.language).toHaveLength(1);
    expect(second.ean13).toBe('');
  });

  it('keeps mixed content text and maps namespace prefixes by URI', async () => {
    const res = await get('/shop/note');
    expect(res.json()).toEqual({ note: { '@id': 'n1', 'html:p': { '#text': 'Ship  please', 'html:b': 'today' }, items: { item: [{ '@sku': 'A' }] } } });
  });

  it('normalizes an XML error into the envelope with the vendor message', async () => {
    const res = await get('/shop/missing');
    expect(res.status).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'UPSTREAM_ERROR', status: 404, details: { upstream: { status: 404, message: 'Resource of type "products" not found' } } });
  });

  it('negotiates: JSON for clients that prefer it, the XML as sent for the others', async () => {
    const json = await get('/negotiated/note', { accept: 'application/json' });
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.headers.vary).toBe('Accept');
    expect(json.json().note.p.b).toBe('today');
    const xml = await get('/negotiated/note', { accept: 'text/xml, application/json;q=0.9' });
    expect(xml.headers['content-type']).toBe('text/xml');
    expect(xml.text).toBe(MIXED);
  });
});

describe('strict XML', () => {
  it.each(MALFORMED_XML.map((s) => [s.name, s.xml] as const))('never turns malformed XML into JSON: %s', async (_name, xml) => {
    raw = xml;
    const res = await get('/shop/raw');
    expect(res.status).toBe(502);
    const error = res.json().error;
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(['malformed', 'doctype_forbidden', 'bad_encoding', 'unsupported_encoding']).toContain(error.details.reason);
    expect(error.details.message).toEqual(expect.any(String));
    if (error.details.reason === 'malformed') expect(error.details).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
  });

  it('refuses entity expansion and external entities without fetching anything', async () => {
    raw = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % ext SYSTEM "${dtdUrl}"> %ext;]><r>&leak;</r>`;
    const external = await get('/shop/raw');
    expect(external.json().error.details).toMatchObject({ reason: 'doctype_forbidden', line: 1 });
    raw = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
    const bomb = await get('/shop/raw');
    expect(bomb.status).toBe(502);
    expect(bomb.text).not.toContain('lollol');
    expect(dtdHits).toBe(0);
  });
});

describe('JSON requests to XML backends', () => {
  it('sends XML with its content type and length', async () => {
    const res = await request(`${gw.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order: { '@id': '7', qty: 2, line: [{ sku: 'A' }, { sku: 'B&C' }] } }),
    });
    expect(res.statusCode).toBe(201);
    const seen = (await res.body.json()) as { contentType: string; length: string; body: string };
    expect(seen.contentType).toBe('application/xml; charset=utf-8');
    expect(seen.body).toBe('<?xml version="1.0" encoding="UTF-8"?><order id="7"><quantity>2</quantity><line><sku>A</sku></line><line><sku>B&amp;C</sku></line></order>');
    expect(seen.length).toBe(String(Buffer.byteLength(seen.body)));
  });
});
