/**
 * The cache policy through a real gateway, counting calls at the upstream: freshness and
 * Age, route TTL for APIs without cache headers, Vary, revalidation with 304, invalidation
 * by unsafe methods, no cross-tenant hits, stale-while-revalidate with one background
 * refresh, stale-if-error, 100 concurrent misses making one upstream call, bodies too
 * large to cache, HEAD, only-if-cached and the purge API.
 */
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { createConnection, createConsumer, createKey } from '../helpers/identities.js';
import { countBy, eventually, fire } from '../helpers/load.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;
const handlers: Record<string, Handler> = {};
const calls: Record<string, number> = {};
let upstream: TestUpstream;
let gw: TestGateway;
const keys: Record<string, string> = {};

function json(res: http.ServerResponse, headers: Record<string, string>, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const name = Object.keys(handlers).find((p) => path === p || path.startsWith(`${p}/`)) ?? '';
    calls[path] = (calls[path] ?? 0) + 1;
    req.resume();
    req.on('end', () => (handlers[name] ?? ((_q, s) => json(s, {}, { path })))(req, res, calls[path]!));
  });
  gw = await startGateway(`
logging: { requests: false }
upstreams:
  api: { targets: [{ url: "${upstream.url}" }] }
  tenant:
    targets: [{ url: "${upstream.url}" }]
    credentials: { connection: per-consumer }
routes:
  - name: cached
    match: { path: /c/* }
    upstream: api
    strip_prefix: true
    policies: { cache: { max_body_bytes: 1048576, tags: ["route:{route}"], key: { query: [page] } } }
  - name: short-timeouts
    match: { path: /s/* }
    upstream: api
    strip_prefix: true
    timeouts: { response_headers: 100ms, body_idle: 100ms }
    policies: { cache: { max_body_bytes: 1048576 } }
  - name: plain
    match: { path: /plain/* }
    upstream: api
    strip_prefix: true
    policies: { cache: { ttl: 60s } }
  - name: tenants
    match: { path: /t/* }
    upstream: tenant
    strip_prefix: true
    policies: { authenticate: { mode: key }, cache: { ttl: 60s, tags: ["connection:{connection}"] } }
`);
  for (const name of ['a', 'b']) {
    const consumer = await createConsumer(gw.gateway, `cache-${name}`);
    keys[name] = (await createKey(gw.gateway, consumer.id)).key;
    await createConnection(gw.gateway, { consumerId: consumer.id, target: 'tenant', strategy: 'header', settings: { name: 'X-Token' }, credentials: { api_key: `token-${name}` } });
  }
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

async function get(path: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' | 'POST' = 'GET') {
  const res = await request(`${gw.url}${path}`, { method, headers });
  const text = await res.body.text();
  const isJson = String(res.headers['content-type']).startsWith('application/json') && text !== '';
  return { status: res.statusCode, headers: res.headers, text, body: isJson ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}
const xcache = (r: { headers: Record<string, unknown> }) => r.headers['x-cache'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('freshness', () => {
  it('serves a fresh entry with Age and X-Cache: HIT, then goes upstream once it is stale', async () => {
    // Two seconds: Date has one-second resolution, so an answer that crosses a second boundary
    // on its way is a second old on arrival (RFC 9111 §4.2.3).
    handlers['/fresh'] = (_q, s, n) => json(s, { 'cache-control': 'max-age=2' }, { n });
    const first = await get('/c/fresh');
    const second = await get('/c/fresh');
    expect([xcache(first), xcache(second)]).toEqual(['MISS', 'HIT']);
    expect(second.body).toEqual({ n: 1 });
    expect(['0', '1']).toContain(second.headers.age);
    expect(second.headers['x-cache-key']).toBe(first.headers['x-cache-key']);
    await sleep(2100);
    const third = await get('/c/fresh');
    expect([xcache(third), third.body]).toEqual(['MISS', { n: 2 }]);
    expect(calls['/fresh']).toBe(2);
  });

  it('uses the route TTL for an API that sends no cache headers, and keys only the configured query parameters', async () => {
    handlers['/bare'] = (_q, s, n) => json(s, {}, { n });
    expect(xcache(await get('/plain/bare'))).toBe('MISS');
    expect(xcache(await get('/plain/bare'))).toBe('HIT');
    handlers['/list'] = (_q, s, n) => json(s, { 'cache-control': 'max-age=60' }, { n });
    await get('/c/list?page=1&utm=a');
    expect(xcache(await get('/c/list?utm=b&page=1'))).toBe('HIT');
    expect(xcache(await get('/c/list?page=2'))).toBe('MISS');
    expect(calls['/list']).toBe(2);
  });

  it('stores nothing marked no-store or private, and bypasses on a no-store request', async () => {
    handlers['/nostore'] = (_q, s, n) => json(s, { 'cache-control': 'no-store' }, { n });
    handlers['/private'] = (_q, s, n) => json(s, { 'cache-control': 'private, max-age=60' }, { n });
    for (const path of ['/nostore', '/private']) {
      await get(`/c${path}`);
      expect(xcache(await get(`/c${path}`))).toBe('MISS');
      expect(calls[path]).toBe(2);
    }
    handlers['/asked'] = (_q, s, n) => json(s, { 'cache-control': 'max-age=60' }, { n });
    await get('/c/asked');
    expect(xcache(await get('/c/asked', { 'cache-control': 'no-store' }))).toBe('BYPASS');
    expect(calls['/asked']).toBe(2);
  });

  it('answers HEAD from a stored GET, and only-if-cached misses with 504 NOT_CACHED', async () => {
    handlers['/head'] = (_q, s, n) => json(s, { 'cache-control': 'max-age=60' }, { n });
    await get('/c/head');
    const head = await get('/c/head', {}, 'HEAD');
    expect([head.status, xcache(head), head.text]).toEqual([200, 'HIT', '']);
    const missing = await get('/c/never', { 'cache-control': 'only-if-cached' });
    expect([missing.status, (missing.body as { error: { code: string } }).error.code]).toEqual([504, 'NOT_CACHED']);
    expect(calls['/never']).toBeUndefined();
  });
});

describe('Vary and validation', () => {
  it('keeps one entry per Accept-Language (Vary)', async () => {
    handlers['/vary'] = (q, s) => json(s, { 'cache-control': 'max-age=60', vary: 'Accept-Language' }, { lang: q.headers['accept-language'] });
    await get('/c/vary', { 'accept-language': 'de' });
    await get('/c/vary', { 'accept-language': 'fr' });
    const de = await get('/c/vary', { 'accept-language': 'de' });
    const fr = await get('/c/vary', { 'accept-language': 'fr' });
    expect([xcache(de), de.body, xcache(fr), fr.body]).toEqual(['HIT', { lang: 'de' }, 'HIT', { lang: 'fr' }]);
    expect(calls['/vary']).toBe(2);
  });

  it('revalidates with If-None-Match, turns the 304 into the stored response and updates its fields', async () => {
    const seen: (string | undefined)[] = [];
    handlers['/etag'] = (q, s, n) => {
      seen.push(q.headers['if-none-match'] as string | undefined);
      if (q.headers['if-none-match'] === '"v1"') {
        s.writeHead(304, { etag: '"v1"', 'cache-control': 'no-cache', 'x-version': String(n) });
        s.end();
      } else json(s, { etag: '"v1"', 'cache-control': 'no-cache', 'x-version': String(n) }, { v: 1 });
    };
    const first = await get('/c/etag');
    const second = await get('/c/etag');
    expect([xcache(first), xcache(second)]).toEqual(['MISS', 'REVALIDATED']);
    expect([second.status, second.body, second.headers['x-version']]).toEqual([200, { v: 1 }, '2']);
    expect(seen).toEqual([undefined, '"v1"']);
    // A client's own conditional request is answered from the validated entry's validators.
    const third = await get('/c/etag', { 'if-none-match': '"v1"' });
    expect(third.status).toBe(304);
  });

  it('invalidates the URI, Location and Content-Location on a successful unsafe request', async () => {
    handlers['/items'] = (q, s, n) =>
      q.method === 'POST' ? json(s, { location: '/items/7' }, { created: 7 }, 201) : json(s, { 'cache-control': 'max-age=60' }, { n });
    await get('/c/items');
    await get('/c/items/7');
    expect([xcache(await get('/c/items')), xcache(await get('/c/items/7'))]).toEqual(['HIT', 'HIT']);
    expect((await get('/c/items', {}, 'POST')).status).toBe(201);
    expect([xcache(await get('/c/items')), xcache(await get('/c/items/7'))]).toEqual(['MISS', 'MISS']);
  });
});

describe('tenants', () => {
  it('never answers one consumer with another one\'s entry', async () => {
    handlers['/me'] = (q, s) => json(s, {}, { token: q.headers['x-token'] });
    const a1 = await get('/t/me', { 'x-api-key': keys.a! });
    const b1 = await get('/t/me', { 'x-api-key': keys.b! });
    const a2 = await get('/t/me', { 'x-api-key': keys.a! });
    const b2 = await get('/t/me', { 'x-api-key': keys.b! });
    expect([a1.body, b1.body, a2.body, b2.body]).toEqual([{ token: 'token-a' }, { token: 'token-b' }, { token: 'token-a' }, { token: 'token-b' }]);
    expect([xcache(a1), xcache(b1), xcache(a2), xcache(b2)]).toEqual(['MISS', 'MISS', 'HIT', 'HIT']);
    expect((await get('/t/me')).status).toBe(401);
  });
});

describe('stale responses and coalescing', () => {
  it('serves stale while exactly one background request refreshes the entry', async () => {
    handlers['/swr'] = (_q, s, n) => setTimeout(() => json(s, { 'cache-control': 'max-age=1, stale-while-revalidate=30' }, { n }), 200);
    await get('/c/swr');
    await sleep(1100);
    const stale = await fire([`${gw.url}/c/swr`], { total: 20, concurrency: 20 });
    expect(countBy(stale, (r) => String(r.headers['x-cache']))).toEqual({ STALE: 20 });
    expect(stale.every((r) => r.body === '{"n":1}')).toBe(true);
    await eventually(async () => xcache(await get('/c/swr')) === 'HIT');
    expect((await get('/c/swr')).body).toEqual({ n: 2 });
    expect(calls['/swr']).toBe(2);
  });

  it('serves stale when the upstream fails within stale-if-error', async () => {
    let failing: 'no' | '503' | 'reset' = 'no';
    handlers['/sie'] = (q, s, n) => {
      if (failing === 'reset') q.socket.destroy();
      else if (failing === '503') json(s, {}, { error: true }, 503);
      else json(s, { 'cache-control': 'max-age=1, stale-if-error=60' }, { n });
    };
    await get('/c/sie');
    await sleep(1100);
    failing = '503';
    const on503 = await get('/c/sie');
    failing = 'reset';
    const onReset = await get('/c/sie');
    expect([on503.status, xcache(on503), on503.body]).toEqual([200, 'STALE', { n: 1 }]);
    expect([onReset.status, xcache(onReset), onReset.body]).toEqual([200, 'STALE', { n: 1 }]);
    failing = 'no';
    expect((await get('/c/sie')).body).toEqual({ n: 4 });
  });

  it('keeps a short header or body-idle timeout exactly when the upstream is tried before stale-if-error', async () => {
    // The upstream answers 450 ms late, or stalls 450 ms mid-body: past the route's 100 ms, so
    // the stale entry answers. undici's own timers, checked every half second, would let the
    // late answer through.
    let mode: 'fresh' | 'late-head' | 'stalled-body' = 'fresh';
    handlers['/sie-slow'] = (_q, s, n) => {
      const headers = { 'cache-control': 'max-age=1, stale-if-error=60' };
      if (mode === 'late-head') setTimeout(() => json(s, headers, { n }), 450);
      else if (mode === 'stalled-body') {
        s.writeHead(200, { 'content-type': 'application/json', ...headers });
        s.write('{"n":');
        setTimeout(() => s.end(`${n}}`), 450);
      } else json(s, headers, { n });
    };
    await get('/s/sie-slow');
    await sleep(1100);
    mode = 'late-head';
    const late = await get('/s/sie-slow');
    mode = 'stalled-body';
    const stalled = await get('/s/sie-slow');
    expect([late.status, xcache(late), late.body]).toEqual([200, 'STALE', { n: 1 }]);
    expect([stalled.status, xcache(stalled), stalled.body]).toEqual([200, 'STALE', { n: 1 }]);
    mode = 'fresh';
    expect((await get('/s/sie-slow')).body).toEqual({ n: 4 });
  });

  it('makes one upstream call for 100 concurrent misses of one key', async () => {
    handlers['/hot'] = (_q, s, n) => setTimeout(() => json(s, { 'cache-control': 'max-age=60' }, { n }), 300);
    const results = await fire([`${gw.url}/c/hot`], { total: 100, concurrency: 100 });
    expect(calls['/hot']).toBe(1);
    expect(countBy(results, (r) => r.status)).toEqual({ 200: 100 });
    expect(countBy(results, (r) => String(r.headers['x-cache']))).toEqual({ MISS: 1, HIT: 99 });
  });

  it('streams a body larger than max_body_bytes without caching it, announced or not', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'x');
    handlers['/big'] = (_q, s) => {
      s.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain', 'content-length': String(big.length) });
      s.end(big);
    };
    // Chunked: the size shows only while reading, past the first megabyte.
    handlers['/chunked'] = (_q, s) => {
      s.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain' });
      s.write(big.subarray(0, 700_000));
      setTimeout(() => s.end(big.subarray(700_000)), 20);
    };
    for (const path of ['/big', '/chunked']) {
      const first = await get(`/c${path}`);
      const second = await get(`/c${path}`);
      expect([first.text, second.text]).toEqual([big.toString(), big.toString()]);
      expect([xcache(first), xcache(second)]).toEqual(['MISS', 'MISS']);
      expect(calls[path]).toBe(2);
    }
  });
});

describe('purge API', () => {
  const purge = async (body: unknown) => {
    const res = await request(`${gw.adminUrl}/admin/cache/purge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.gateway.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };

  it('purges by key, URL prefix, tag and everything, and refuses a malformed request', async () => {
    handlers['/p'] = (_q, s, n) => json(s, { 'cache-control': 'max-age=60' }, { n });
    const fill = async () => {
      for (const path of ['/c/p/1', '/c/p/2', '/plain/p/3']) await get(path);
    };
    const hits = async () => Promise.all(['/c/p/1', '/c/p/2', '/plain/p/3'].map(async (p) => xcache(await get(p))));
    await fill();
    const key = String((await get('/c/p/1')).headers['x-cache-key']);
    expect((await purge({ key })).status).toBe(200);
    expect(await hits()).toEqual(['MISS', 'HIT', 'HIT']);
    expect((await purge({ prefix: '/c/p/' })).body).toMatchObject({ purged: 'prefix' });
    expect(await hits()).toEqual(['MISS', 'MISS', 'HIT']);
    expect((await purge({ tag: 'route:cached' })).body).toMatchObject({ purged: 'tag' });
    expect(await hits()).toEqual(['MISS', 'MISS', 'HIT']);
    expect((await purge({ all: true })).status).toBe(200);
    expect(await hits()).toEqual(['MISS', 'MISS', 'MISS']);
    const bad = await purge({ key: 'x', tag: 'y' });
    expect([bad.status, (bad.body.error as { code: string }).code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('counts hits and bytes in the metrics', async () => {
    const text = await (await request(`${gw.adminUrl}/metrics`, { headers: { authorization: `Bearer ${gw.gateway.token}` } })).body.text();
    expect(text).toMatch(/unigate_cache_requests_total\{route="cached",result="hit"\} [1-9]/);
    expect(text).toMatch(/unigate_cache_bytes_total\{route="cached",direction="stored"\} [1-9]/);
  });
});
