/**
 * What a careful proxy refuses before anything reaches the upstream: request smuggling
 * shapes, oversize heads and bodies, slow clients. Every refusal uses the envelope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { bodyOf, rawExchange, statusOf } from '../helpers/raw-http.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  gw = await startGateway(`
listeners:
  proxy: { host: 127.0.0.1, port: 0, headers_timeout: 300ms, request_timeout: 600ms, max_header_bytes: 8192 }
  admin: { host: 127.0.0.1, port: 0, token: test-admin-token-0123456789 }
upstreams: { u: { targets: [{ url: "${upstream.url}" }] } }
routes:
  - { name: r, match: { path: /* }, upstream: u, limits: { max_body_bytes: 1000, max_header_bytes: 2048, max_url_bytes: 200 } }
`);
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

async function expectRefused(payload: string, status: number, code: string): Promise<void> {
  const before = upstream.requests.length;
  const raw = await rawExchange(gw.url, payload);
  expect(statusOf(raw), raw).toBe(status);
  const body = JSON.parse(bodyOf(raw)) as { error: { code: string; status: number } };
  expect(body.error.code).toBe(code);
  expect(body.error.status).toBe(status);
  expect(upstream.requests.length).toBe(before);
}

describe('request smuggling shapes', () => {
  it('refuses two Host headers', async () => {
    await expectRefused('GET /a HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n', 400, 'BAD_REQUEST');
  });

  it('refuses Content-Length together with Transfer-Encoding', async () => {
    await expectRefused('POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'BAD_REQUEST');
  });

  it('refuses conflicting Content-Length headers', async () => {
    await expectRefused('POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde', 400, 'BAD_REQUEST');
  });

  it('refuses invalid bytes in header names and values', async () => {
    await expectRefused('GET /a HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n', 400, 'BAD_REQUEST');
    await expectRefused('GET /a HTTP/1.1\r\nHost: x\r\nX-Ok: a\u0001b\r\n\r\n', 400, 'BAD_REQUEST');
  });

  it('refuses an absolute-form target naming another host (no open proxy)', async () => {
    await expectRefused('GET http://evil.example/a HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'BAD_REQUEST');
  });

  it('accepts an absolute-form target naming its own Host', async () => {
    const raw = await rawExchange(gw.url, 'GET http://x/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(statusOf(raw)).toBe(200);
    expect(upstream.requests.at(-1)?.url).toBe('/a');
  });

  it('refuses CONNECT: Unigate is not a tunnel', async () => {
    await expectRefused('CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n', 400, 'BAD_REQUEST');
  });

  it('refuses a request without Host', async () => {
    const raw = await rawExchange(gw.url, 'GET /a HTTP/1.1\r\n\r\n');
    expect(statusOf(raw)).toBe(400);
  });
});

describe('size limits', () => {
  it('answers 431 past the route header limit', async () => {
    await expectRefused(`GET /a HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(3000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE');
  });

  it('answers 431 past the listener header limit', async () => {
    await expectRefused(`GET /a HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE');
  });

  it('answers 414 past the URL limit', async () => {
    await expectRefused(`GET /${'a'.repeat(300)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414, 'URI_TOO_LONG');
  });

  it('answers 413 when Content-Length is over the limit, before reading the body', async () => {
    await expectRefused('POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n', 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 413 when a chunked body grows past the limit', async () => {
    const chunk = 'a'.repeat(600);
    const payload = `POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${(600).toString(16)}\r\n${chunk}\r\n${(600).toString(16)}\r\n${chunk}\r\n0\r\n\r\n`;
    const raw = await rawExchange(gw.url, payload);
    expect(statusOf(raw)).toBe(413);
    expect(JSON.parse(bodyOf(raw)).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(raw.toLowerCase()).toContain('connection: close');
  });

  it('refuses Expect: 100-continue past the limit without asking for the body', async () => {
    const raw = await rawExchange(gw.url, 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n');
    expect(raw.startsWith('HTTP/1.1 100')).toBe(false);
    expect(statusOf(raw)).toBe(413);
  });
});

describe('slow clients', () => {
  it('cuts off a client that sends headers too slowly', async () => {
    const raw = await rawExchange(gw.url, 'GET /a HTTP/1.1\r\nHost: x\r\n', { timeoutMs: 5000 });
    expect(statusOf(raw)).toBe(408);
    expect(JSON.parse(bodyOf(raw)).error.code).toBe('REQUEST_TIMEOUT');
  });

  it('cuts off a client that sends the body too slowly', async () => {
    const raw = await rawExchange(gw.url, 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc', { timeoutMs: 5000 });
    expect(statusOf(raw)).toBe(408);
  });
});
