/**
 * Forwarding correctness through a real gateway to real upstreams on loopback:
 * headers in both directions, paths, bodyless responses, chunked bodies, 100-continue.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/api/hop')) {
      res.writeHead(200, {
        connection: 'keep-alive, x-secret-hop',
        'x-secret-hop': 'must not pass',
        'keep-alive': 'timeout=5',
        'proxy-authenticate': 'Basic',
        'x-end-to-end': 'passes',
        via: '1.1 origin-cache',
      });
      res.end('hop');
      return;
    }
    if (url.startsWith('/api/status/')) {
      const status = Number(url.split('/')[3]);
      res.writeHead(status, { etag: '"v1"' });
      res.end(status === 204 || status === 304 ? undefined : 'body');
      return;
    }
    if (url.startsWith('/api/chunked')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let n = 0;
      const timer = setInterval(() => {
        res.write(`chunk-${n}\n`);
        if (++n === 5) {
          clearInterval(timer);
          res.end();
        }
      }, 5);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.stringify({ url, method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  gw = await startGateway(`
upstreams:
  api:
    targets: [{ url: "${upstream.url}/api" }]
routes:
  - { name: stripped, match: { path: /shop/* }, upstream: api, strip_prefix: true }
  - { name: prefixed, match: { path: /v2/* }, upstream: api, strip_prefix: true, add_prefix: /version2 }
  - { name: param, match: { path: /users/:id, methods: [GET] }, upstream: api }
  - { name: host-only, match: { path: /shop/*, hosts: [special.example] }, upstream: api, add_prefix: /special }
  - { name: preserve, match: { path: /keep/* }, upstream: api, preserve_host: true }
`);
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

async function echo(path: string, init: Parameters<typeof request>[1] = {}) {
  const res = await request(`${gw.url}${path}`, init);
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as { url: string; method: string; headers: Record<string, string>; body: string } };
}

describe('paths', () => {
  it('strips the prefix before the * and keeps the query verbatim', async () => {
    const { body } = await echo('/shop/products/1?fields=a%2Cb&x=1');
    expect(body.url).toBe('/api/products/1?fields=a%2Cb&x=1');
  });

  it('maps the bare prefix to the upstream base path', async () => {
    expect((await echo('/shop')).body.url).toBe('/api');
    expect((await echo('/shop/')).body.url).toBe('/api/');
  });

  it('adds a prefix after stripping', async () => {
    expect((await echo('/v2/orders')).body.url).toBe('/api/version2/orders');
  });

  it('forwards the raw percent-encoded path', async () => {
    expect((await echo('/users/a%2Fb')).body.url).toBe('/api/users/a%2Fb');
  });

  it('prefers the route with a matching host at the same path', async () => {
    const { body } = await echo('/shop/x', { headers: { host: 'special.example' } });
    expect(body.url).toBe('/api/special/shop/x');
  });

  it('answers 404 ROUTE_NOT_FOUND in the envelope when the method does not match', async () => {
    const res = await request(`${gw.url}/users/7`, { method: 'POST', body: 'x' });
    expect(res.statusCode).toBe(404);
    const body = (await res.body.json()) as { error: { code: string; request_id: string } };
    expect(body.error.code).toBe('ROUTE_NOT_FOUND');
    expect(body.error.request_id).toBe(res.headers['x-request-id']);
  });

  it('refuses dot segments that could climb out of the route prefix', async () => {
    for (const path of ['/shop/../admin', '/shop/%2e%2e/admin', '/shop/./x']) {
      const status = await rawStatus(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(status, path).toBe(400);
    }
    expect(upstream.requests.some((r) => r.url.includes('admin'))).toBe(false);
  });
});

describe('request headers', () => {
  it('strips hop-by-hop headers and those named by Connection, and adds forwarding headers', async () => {
    const raw = await rawResponse(
      'GET /shop/h HTTP/1.1\r\nHost: x\r\nConnection: close, x-drop-me\r\nX-Drop-Me: secret\r\nProxy-Authorization: Basic abc\r\n' +
        'TE: trailers\r\nX-Forwarded-For: 203.0.113.9\r\nVia: 1.0 client-proxy\r\nX-Keep: yes\r\n\r\n',
    );
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { headers: Record<string, string> };
    expect(body.headers['x-drop-me']).toBeUndefined();
    expect(body.headers['proxy-authorization']).toBeUndefined();
    expect(body.headers.te).toBeUndefined();
    expect(body.headers['x-keep']).toBe('yes');
    expect(body.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(body.headers['x-forwarded-proto']).toBe('http');
    expect(body.headers.via).toBe('1.0 client-proxy, 1.1 unigate');
    expect(body.headers.host).toBe(`127.0.0.1:${upstream.port}`);
    expect(body.headers['x-forwarded-host']).toBe('x');
  });

  it('keeps the client Host when the route preserves it', async () => {
    const { body } = await echo('/keep/x', { headers: { host: 'client.example' } });
    expect(body.headers.host).toBe('client.example');
  });

  it('propagates a valid X-Request-Id and traceparent, and replaces an invalid id', async () => {
    const trace = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const ok = await echo('/shop/r', { headers: { 'x-request-id': 'abc-123', traceparent: trace } });
    expect(ok.body.headers['x-request-id']).toBe('abc-123');
    expect(ok.headers['x-request-id']).toBe('abc-123');
    expect(ok.body.headers.traceparent).toBe(trace);
    const bad = await echo('/shop/r', { headers: { 'x-request-id': 'has spaces and <tags>' } });
    expect(bad.body.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('forwards request bodies', async () => {
    const { body } = await echo('/shop/post', { method: 'POST', body: 'hello body', headers: { 'content-type': 'text/plain' } });
    expect(body.method).toBe('POST');
    expect(body.body).toBe('hello body');
  });
});

describe('responses', () => {
  it('strips hop-by-hop response headers and appends to Via', async () => {
    const res = await request(`${gw.url}/shop/hop`);
    expect(await res.body.text()).toBe('hop');
    expect(res.headers['x-secret-hop']).toBeUndefined();
    expect(res.headers['keep-alive']).not.toBe('timeout=5');
    expect(res.headers['proxy-authenticate']).toBeUndefined();
    expect(res.headers['x-end-to-end']).toBe('passes');
    expect(res.headers.via).toBe('1.1 origin-cache, 1.1 unigate');
  });

  it('sends no body for HEAD, 204 and 304', async () => {
    for (const [method, path, status] of [
      ['HEAD', '/shop/status/200', 200],
      ['GET', '/shop/status/204', 204],
      ['GET', '/shop/status/304', 304],
    ] as const) {
      const raw = await rawResponse(`${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(raw.startsWith(`HTTP/1.1 ${status}`), `${method} ${path}`).toBe(true);
      expect(raw.split('\r\n\r\n')[1], `${method} ${path}`).toBe('');
    }
  });

  it('passes chunked responses through as they come', async () => {
    const res = await request(`${gw.url}/shop/chunked`);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(await res.body.text()).toBe('chunk-0\nchunk-1\nchunk-2\nchunk-3\nchunk-4\n');
  });

  it('handles Expect: 100-continue: 100 first, then the final response', async () => {
    const raw = await rawExchange(
      'POST /shop/continue HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n',
      (received, socket) => {
        if (received.startsWith('HTTP/1.1 100')) socket.write('hello');
      },
    );
    expect(raw.startsWith('HTTP/1.1 100 Continue')).toBe(true);
    expect(raw).toContain('HTTP/1.1 200 OK');
    expect(raw).toContain('"body":"hello"');
  });
});

function rawExchange(payload: string, onData?: (received: string, socket: net.Socket) => void): Promise<string> {
  const { port } = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(payload));
    let received = '';
    let continued = false;
    socket.on('data', (d) => {
      received += d.toString('latin1');
      if (!continued && onData) {
        continued = true;
        onData(received, socket);
      }
    });
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    socket.setTimeout(5000, () => {
      socket.destroy();
      resolve(received);
    });
  });
}

export function rawResponse(payload: string): Promise<string> {
  return rawExchange(payload);
}

async function rawStatus(payload: string): Promise<number> {
  const raw = await rawExchange(payload.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
  return Number(raw.slice(9, 12));
}
