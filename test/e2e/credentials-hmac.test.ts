/**
 * HMAC request signing end to end: a real gateway in front of upstreams that verify the
 * signatures themselves — WooCommerce's OAuth 1.0a one-legged check (woocommerce.md §2.3)
 * and custom canonical strings — including query parameters, form bodies, retries (a fresh
 * nonce per attempt) and the body-hash rule.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { hmacStrategy } from '../../src/pipeline/upstream/credentials/hmac.js';
import type { JsonObject } from '../../src/store/state/types.js';
import { createConnection } from '../helpers/connections.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type Handler } from '../helpers/upstream.js';
import { wooCommerceVerifier } from '../helpers/woocommerce-verifier.js';

const CONSUMER_KEY = `ck_${randomBytes(20).toString('hex')}`;
const CONSUMER_SECRET = `cs_${randomBytes(20).toString('hex')}`;
const SECRET = `hmac-secret-${randomBytes(12).toString('hex')}`;
const KEY_ID = 'key-7';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

interface Backend {
  /** Upstream and route prefix `/<name>/…` (stripped). */
  name: string;
  handler: Handler;
  strategySettings: JsonObject;
  credentials: Record<string, string>;
  readBody?: boolean;
}

interface Answer {
  status: number;
  text: string;
  json(): { error?: { code: string; message: string; details?: Record<string, unknown> } };
}

async function gatewayFor(backends: Backend[]): Promise<{ gw: TestGateway; send(path: string, init?: Parameters<typeof request>[1]): Promise<Answer>; expectNoLeaks(): void }> {
  const upstreams: string[] = [];
  const routes: string[] = [];
  const urls = new Map<string, string>();
  for (const b of backends) {
    const up = await startUpstream(b.handler);
    cleanups.push(() => up.close());
    urls.set(b.name, up.url);
    upstreams.push(
      `  ${b.name}: { targets: [{ url: "${up.url}" }], credentials: { connection: conn_${b.name}, read_body: ${b.readBody === true} }, retries: { count: 2, backoff_base: 1ms, backoff_max: 5ms }, circuit_breaker: { enabled: false } }`,
    );
    routes.push(`  - { name: ${b.name}, match: { path: "/${b.name}/*" }, upstream: ${b.name}, strip_prefix: true }`);
  }
  const gw = await startGateway(`upstreams:\n${upstreams.join('\n')}\nroutes:\n${routes.join('\n')}\n`);
  cleanups.push(() => gw.close());
  for (const b of backends) {
    await createConnection(gw, { id: `conn_${b.name}`, target: b.name, authStrategy: 'hmac', authSettings: b.strategySettings, credentials: b.credentials });
  }
  const bodies: string[] = [];
  return {
    gw,
    async send(path, init = {}) {
      const res = await request(`${gw.url}${path}`, init);
      const text = await res.body.text();
      bodies.push(text);
      return { status: res.statusCode, text, json: () => JSON.parse(text) };
    },
    expectNoLeaks() {
      gw.gateway.flushLogs();
      for (const text of [...gw.logs.lines, ...bodies]) {
        expect(text).not.toContain(CONSUMER_SECRET);
        expect(text).not.toContain(SECRET);
      }
    },
  };
}

const wooCredentials = { consumer_key: CONSUMER_KEY, consumer_secret: CONSUMER_SECRET };

function ok(res: http.ServerResponse, body: unknown = { ok: true }): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

describe('hmac scheme oauth1 (WooCommerce one-legged)', () => {
  it('signs every query parameter in the query string; client oauth_* parameters and headers are dropped', async () => {
    const woo = wooCommerceVerifier({ consumerKey: CONSUMER_KEY, consumerSecret: CONSUMER_SECRET });
    const t = await gatewayFor([{ name: 'woo', handler: woo.handler((_req, res) => ok(res)), strategySettings: { scheme: 'oauth1' }, credentials: wooCredentials }]);
    const query = 'per_page=5&page=2&search=blue%20shirt&q=a+b&after=2024-01-01T00%3A00%3A00&name=caf%C3%A9&include=1,2,3&oauth_signature=forged';
    // A client's own OAuth header would be merged over the query's parameters: it must not pass.
    const res = await t.send(`/woo/wp-json/wc/v3/orders?${query}`, { headers: { authorization: 'OAuth oauth_consumer_key="ck_forged"' } });
    expect(woo.refused).toEqual([]);
    expect(res.status).toBe(200);
    const [info] = woo.verified;
    expect(info).toMatchObject({ method: 'GET', path: '/wp-json/wc/v3/orders', placement: 'query', signatureMethod: 'HMAC-SHA256' });
    expect(info!.params).toMatchObject({ per_page: '5', page: '2', search: 'blue shirt', q: 'a b', after: '2024-01-01T00:00:00', name: 'café', include: '1,2,3' });
    expect(info!.params).not.toHaveProperty('oauth_version');
    expect(info!.params.oauth_signature).not.toBe('forged');
    t.expectNoLeaks();
  });

  it('signs with HMAC-SHA1 in an Authorization: OAuth header', async () => {
    const woo = wooCommerceVerifier({ consumerKey: CONSUMER_KEY, consumerSecret: CONSUMER_SECRET });
    const t = await gatewayFor([
      {
        name: 'woo',
        handler: woo.handler((req, res) => ok(res, { url: req.url })),
        strategySettings: { scheme: 'oauth1', signature_method: 'HMAC-SHA1', placement: 'header' },
        credentials: wooCredentials,
      },
    ]);
    const res = await t.send('/woo/wp-json/wc/v3/products?status=publish&per_page=100');
    expect(woo.refused).toEqual([]);
    expect(res.status).toBe(200);
    expect(woo.verified[0]).toMatchObject({ placement: 'header', signatureMethod: 'HMAC-SHA1' });
    expect(JSON.parse(res.text)).toEqual({ url: '/wp-json/wc/v3/products?status=publish&per_page=100' });
    t.expectNoLeaks();
  });

  it('signs each retry afresh: a new nonce the store accepts', async () => {
    const woo = wooCommerceVerifier({ consumerKey: CONSUMER_KEY, consumerSecret: CONSUMER_SECRET });
    let calls = 0;
    const t = await gatewayFor([
      {
        name: 'woo',
        handler: woo.handler((_req, res) => (++calls === 1 ? res.writeHead(503).end('busy') : ok(res))),
        strategySettings: { scheme: 'oauth1' },
        credentials: wooCredentials,
      },
    ]);
    const res = await t.send('/woo/wp-json/wc/v3/orders?page=3');
    expect(res.status).toBe(200);
    expect(woo.refused).toEqual([]);
    expect(woo.verified).toHaveLength(2);
    expect(woo.verified[0]!.nonce).not.toBe(woo.verified[1]!.nonce);
  });

  it('signs form bodies the route reads, and refuses to guess at streamed ones', async () => {
    const woo = wooCommerceVerifier({ consumerKey: CONSUMER_KEY, consumerSecret: CONSUMER_SECRET });
    const handler = woo.handler((_req, res) => ok(res));
    const t = await gatewayFor([
      { name: 'woo', handler, strategySettings: { scheme: 'oauth1' }, credentials: wooCredentials, readBody: true },
      { name: 'stream', handler, strategySettings: { scheme: 'oauth1' }, credentials: wooCredentials },
    ]);
    const form = { method: 'POST' as const, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'status=processing&note=hello+world' };
    const res = await t.send('/woo/wp-json/wc/v3/orders/7?force=true', form);
    expect(woo.refused).toEqual([]);
    expect(res.status).toBe(200);
    expect(woo.verified[0]!.params).toMatchObject({ status: 'processing', note: 'hello world', force: 'true' });

    const streamed = await t.send('/stream/wp-json/wc/v3/orders/7', form);
    expect(streamed.status).toBe(500);
    expect(streamed.json().error!.code).toBe('INTERNAL_ERROR');
    expect(streamed.json().error!.message).toContain('read_body');
    expect(woo.verified).toHaveLength(1);
    // JSON bodies are not signed, so they stream.
    const json = await t.send('/stream/wp-json/wc/v3/orders/7', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"status":"completed"}' });
    expect(json.status).toBe(200);
    t.expectNoLeaks();
  });
});

/** Checks `{method}\n{path}\n{query sorted}\n{timestamp}\n{nonce}\n{body_sha256}` in X-Signature (hex HMAC-SHA256). */
function customVerifier() {
  const nonces = new Set<string>();
  const seen: { nonce: string; body: string }[] = [];
  const refused: string[] = [];
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const handler: Handler = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url!, 'http://x');
      const query = [...url.searchParams]
        .map(([k, v]) => `${enc(k)}=${enc(v)}`)
        .sort()
        .join('&');
      const h = (name: string) => String(req.headers[name] ?? '');
      const canonical = [req.method, url.pathname, query, h('x-timestamp'), h('x-nonce'), createHash('sha256').update(body).digest('hex')].join('\n');
      const expected = createHmac('sha256', SECRET).update(canonical).digest('hex');
      const problem =
        h('x-key-id') !== KEY_ID ? 'key id' : h('x-signature') !== expected ? 'signature' : nonces.has(h('x-nonce')) ? 'nonce reused' : Math.abs(Date.now() / 1000 - Number(h('x-timestamp'))) > 300 ? 'timestamp' : undefined;
      if (problem !== undefined) {
        refused.push(problem);
        res.writeHead(401).end(problem);
        return;
      }
      nonces.add(h('x-nonce'));
      seen.push({ nonce: h('x-nonce'), body: body.toString() });
      ok(res);
    });
  };
  return { handler, seen, refused };
}

const CUSTOM: JsonObject = {
  scheme: 'custom',
  canonical: '{method}\n{path}\n{query}\n{timestamp}\n{nonce}\n{body_sha256}',
  headers: { 'X-Key-Id': '{key_id}', 'X-Timestamp': '{timestamp}', 'X-Nonce': '{nonce}', 'X-Signature': '{signature}' },
};

describe('hmac scheme custom', () => {
  it('signs method, path, sorted query, time, nonce and body hash into headers', async () => {
    const v = customVerifier();
    const t = await gatewayFor([{ name: 'api', handler: v.handler, strategySettings: CUSTOM, credentials: { secret: SECRET, key_id: KEY_ID }, readBody: true }]);
    expect((await t.send('/api/v1/items?z=1&a=%7Eb&a=c+d&x-signature=forged')).status).toBe(200);
    const post = await t.send('/api/v1/items', { method: 'POST', headers: { 'content-type': 'application/json', 'x-nonce': 'client-chosen' }, body: '{"name":"x"}' });
    expect(post.status).toBe(200);
    expect(v.refused).toEqual([]);
    expect(v.seen.map((s) => s.body)).toEqual(['', '{"name":"x"}']);
    expect(v.seen[1]!.nonce).not.toBe('client-chosen');
    t.expectNoLeaks();
  });

  it('signs the query exactly as sent when the signature and time travel in it', async () => {
    const received: string[] = [];
    const handler: Handler = (req, res) => {
      req.resume();
      const [path = '', query = ''] = req.url!.split('?');
      const unsigned = query.replace(/&sig=[^&]*$/, '');
      const ts = new URLSearchParams(query).get('ts');
      const sig = new URLSearchParams(query).get('sig');
      const expected = createHmac('sha512', SECRET).update(`${req.method} ${path}?${unsigned} ${ts}`).digest('base64');
      received.push(req.url!);
      expect(req.headers['x-signature']).toBeUndefined(); // `headers: {}` replaces the default header
      if (sig === expected) ok(res);
      else res.writeHead(401).end('bad signature');
    };
    const settings = { scheme: 'custom', canonical: '{method} {path}?{query} {timestamp}', algorithm: 'sha512', encoding: 'base64', query: 'raw', headers: {}, query_params: { ts: '{timestamp}', sig: '{signature}' } };
    const t = await gatewayFor([{ name: 'api', handler, strategySettings: settings, credentials: { secret: SECRET } }]);
    const res = await t.send('/api/search?q=caf%C3%A9&sig=forged&b=2');
    expect(res.status).toBe(200);
    expect(received[0]).toMatch(/^\/search\?q=caf%C3%A9&b=2&ts=\d+&sig=[^&]+$/);
    t.expectNoLeaks();
  });

  it('fails with 500 when the body must be signed but the route streams it', async () => {
    const v = customVerifier();
    const t = await gatewayFor([{ name: 'api', handler: v.handler, strategySettings: CUSTOM, credentials: { secret: SECRET, key_id: KEY_ID } }]);
    const res = await t.send('/api/v1/items');
    expect(res.status).toBe(500);
    expect(res.json().error).toMatchObject({ code: 'INTERNAL_ERROR', message: expect.stringContaining('read_body') });
    expect(v.seen).toHaveLength(0);
    expect(t.gw.logs.records.some((r) => String(r.msg).includes('read_body'))).toBe(true);
  });

  it('reports settings the schema cannot check, and refuses them at injection', async () => {
    const bad = { ...CUSTOM, canonical: '{method}\n{bogus}' };
    expect(hmacStrategy.checkSettings!(bad)).toBe('/canonical: unknown placeholder {bogus}');
    expect(hmacStrategy.checkSettings!({ ...CUSTOM, headers: { 'X-Time': '{timestamp}' } })).toContain('{signature}');
    expect(hmacStrategy.checkSettings!(CUSTOM)).toBeUndefined();
    expect(hmacStrategy.checkSettings!({ scheme: 'oauth1', placement: 'body' })).toContain('/placement');
    expect(hmacStrategy.credentialFields(CUSTOM)).toEqual(['secret', 'key_id']);
    expect(hmacStrategy.credentialFields({ scheme: 'oauth1' })).toEqual(['consumer_key', 'consumer_secret']);

    const t = await gatewayFor([{ name: 'api', handler: (_req, res) => ok(res), strategySettings: bad, credentials: { secret: SECRET } }]);
    const res = await t.send('/api/x');
    expect(res.status).toBe(502);
    expect(res.json().error).toMatchObject({ code: 'CONNECTOR_AUTH_FAILED', details: { problem: '/canonical: unknown placeholder {bogus}' } });
  });
});
