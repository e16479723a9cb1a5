/**
 * Failure handling against real misbehaving upstreams: retries (counted at the upstream),
 * timeouts, unreachable targets, resets, health checks, passive ejection, circuit breaking.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { closedPort, hangingPort, startUpstream, type TestUpstream } from '../helpers/upstream.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function upstreamOf(handler: Parameters<typeof startUpstream>[0]): Promise<TestUpstream> {
  const up = await startUpstream(handler);
  cleanups.push(() => up.close());
  return up;
}

async function gatewayOf(yaml: string): Promise<TestGateway> {
  const gw = await startGateway(yaml);
  cleanups.push(() => gw.close());
  return gw;
}

async function get(url: string, init: Parameters<typeof request>[1] = {}) {
  const res = await request(url, init);
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as { error: { code: string; details?: Record<string, unknown> } } };
}

describe('retries', () => {
  it('retries idempotent requests on listed statuses, as counted by the upstream', async () => {
    let calls = 0;
    const up = await upstreamOf((_req, res) => {
      calls++;
      res.writeHead(calls < 3 ? 503 : 200).end(calls < 3 ? 'busy' : 'finally');
    });
    const gw = await gatewayOf(`
upstreams:
  u: { targets: [{ url: "${up.url}" }], retries: { count: 3, backoff_base: 1ms, backoff_max: 5ms }, circuit_breaker: { enabled: false } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    const res = await get(`${gw.url}/x`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('finally');
    expect(calls).toBe(3);
  });

  it('stops after `count` retries and passes the last upstream answer through', async () => {
    const up = await upstreamOf((_req, res) => res.writeHead(502).end('bad gateway upstream'));
    const gw = await gatewayOf(`
upstreams:
  u: { targets: [{ url: "${up.url}" }], retries: { count: 2, backoff_base: 1ms }, circuit_breaker: { enabled: false } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    const res = await get(`${gw.url}/x`);
    expect(res.status).toBe(502);
    expect(res.text).toBe('bad gateway upstream');
    expect(up.requests.length).toBe(3);
  });

  it('never retries POST by default, but does on routes that opt in when the body was not sent', async () => {
    const up = await upstreamOf((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(503).end('no'));
    });
    const gw = await gatewayOf(`
upstreams:
  u: { targets: [{ url: "${up.url}" }], retries: { count: 2, backoff_base: 1ms }, circuit_breaker: { enabled: false } }
routes:
  - { name: r, match: { path: /plain/* }, upstream: u }
  - { name: optin, match: { path: /optin/* }, upstream: u, retry_non_idempotent: true }
`);
    expect((await get(`${gw.url}/plain/x`, { method: 'POST' })).status).toBe(503);
    expect(up.requests.length).toBe(1);
    // Opted in, without a body: replayable, so retried.
    expect((await get(`${gw.url}/optin/x`, { method: 'POST' })).status).toBe(503);
    expect(up.requests.length).toBe(4);
    // Opted in, but the body was streamed to the upstream: never replayed.
    expect((await get(`${gw.url}/optin/x`, { method: 'POST', body: 'payload' })).status).toBe(503);
    expect(up.requests.length).toBe(5);
  });

  it('retries a connection failure on another target', async () => {
    const dead = await closedPort();
    const up = await upstreamOf((_req, res) => res.end('alive'));
    const gw = await gatewayOf(`
upstreams:
  u:
    targets: [{ url: "http://127.0.0.1:${dead}" }, { url: "${up.url}" }]
    retries: { count: 1, backoff_base: 1ms }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    for (let i = 0; i < 6; i++) {
      const res = await get(`${gw.url}/x`);
      expect(res.status).toBe(200);
      expect(res.text).toBe('alive');
    }
  });

  it('respects the retry budget so an outage does not multiply load', async () => {
    const up = await upstreamOf((_req, res) => res.writeHead(503).end());
    const gw = await gatewayOf(`
upstreams:
  u:
    targets: [{ url: "${up.url}" }]
    retries: { count: 5, backoff_base: 1ms, backoff_max: 1ms, budget_ratio: 0.1, budget_min_per_second: 0 }
    circuit_breaker: { enabled: false }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    for (let i = 0; i < 50; i++) await get(`${gw.url}/x`);
    // 50 requests, at most 10% of them retried once.
    expect(up.requests.length).toBeLessThanOrEqual(55);
    expect(up.requests.length).toBeGreaterThanOrEqual(50);
  });
});

describe('unreachable and failing upstreams', () => {
  it('answers 502 UPSTREAM_UNAVAILABLE when nothing listens', async () => {
    const dead = await closedPort();
    const gw = await gatewayOf(`
upstreams: { u: { targets: [{ url: "http://127.0.0.1:${dead}" }], retries: { count: 0 } } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    const res = await get(`${gw.url}/x`);
    expect(res.status).toBe(502);
    expect(res.json().error.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('answers 504 UPSTREAM_TIMEOUT when response headers are late', async () => {
    const up = await upstreamOf((_req, res) => setTimeout(() => res.end('late'), 2000));
    const gw = await gatewayOf(`
upstreams: { u: { targets: [{ url: "${up.url}" }], timeouts: { response_headers: 100ms }, retries: { count: 0 } } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    const res = await get(`${gw.url}/x`);
    expect(res.status).toBe(504);
    expect(res.json().error.code).toBe('UPSTREAM_TIMEOUT');
    expect(res.json().error.details?.reason).toBe('headers-timeout');
  });

  it('answers 504 UPSTREAM_TIMEOUT when the connect does not complete within the connect timeout', async () => {
    const hanging = await hangingPort();
    cleanups.push(hanging.close);
    // 150 ms: undici's own connect timer, checked every half second, would not fire for 0.5-1 s.
    const gw = await gatewayOf(`
upstreams: { u: { targets: [{ url: "http://127.0.0.1:${hanging.port}" }], timeouts: { connect: 150ms, total: 450ms }, retries: { count: 0 } } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    const res = await get(`${gw.url}/x`);
    expect(res.status).toBe(504);
    expect(res.json().error.details?.reason).toBe('connect-timeout');
  });

  it('keeps a short response_headers timeout exactly (undici ticks its own every half second)', async () => {
    // Answers after 450 ms: a 100 ms timeout left to undici's half-second tick would let it through.
    const up = await upstreamOf((_req, res) => setTimeout(() => res.end('late'), 450));
    const gw = await gatewayOf(`
upstreams: { u: { targets: [{ url: "${up.url}" }], timeouts: { response_headers: 100ms }, retries: { count: 0 } } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    for (let i = 0; i < 3; i++) {
      const res = await get(`${gw.url}/x`);
      expect(res.status).toBe(504);
      expect(res.json().error.details?.reason).toBe('headers-timeout');
    }
  });

  it('enforces the total timeout across retries', async () => {
    const up = await upstreamOf((_req, res) => setTimeout(() => res.writeHead(503).end(), 80));
    const gw = await gatewayOf(`
upstreams:
  u: { targets: [{ url: "${up.url}" }], retries: { count: 10, backoff_base: 1ms }, circuit_breaker: { enabled: false } }
routes: [{ name: r, match: { path: /* }, upstream: u, timeouts: { total: 200ms } }]
`);
    const res = await get(`${gw.url}/x`);
    expect([503, 504]).toContain(res.status);
    expect(up.requests.length).toBeLessThan(5);
  });

  it('cuts the client connection when the body stalls past body_idle (no truncated 200 that looks complete)', async () => {
    const up = await upstreamOf((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('x'.repeat(10)); // then silence
    });
    const gw = await gatewayOf(`
upstreams: { u: { targets: [{ url: "${up.url}" }], timeouts: { body_idle: 150ms } } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    const res = await request(`${gw.url}/x`);
    expect(res.statusCode).toBe(200);
    await expect(res.body.text()).rejects.toThrow();
  });

  it('keeps a short body_idle exactly: a 450 ms silence past a 100 ms limit cuts the response', async () => {
    const up = await upstreamOf((_req, res) => {
      res.writeHead(200, { 'content-length': '20' });
      res.write('x'.repeat(10));
      setTimeout(() => res.end('y'.repeat(10)), 450);
    });
    const gw = await gatewayOf(`
upstreams: { u: { targets: [{ url: "${up.url}" }], timeouts: { body_idle: 100ms } } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    const res = await request(`${gw.url}/x`);
    expect(res.statusCode).toBe(200);
    await expect(res.body.text()).rejects.toThrow();
  });

  it('does not count a slow client against body_idle: the upstream waits for it, then finishes', async () => {
    const size = 8 * 1024 * 1024;
    const up = await upstreamOf((_req, res) => {
      res.writeHead(200, { 'content-length': String(size) });
      res.end(Buffer.alloc(size, 'z'));
    });
    const gw = await gatewayOf(`
upstreams: { u: { targets: [{ url: "${up.url}" }], timeouts: { body_idle: 100ms } } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    const res = await request(`${gw.url}/x`);
    // Nothing is read for 600 ms: the proxy's buffers fill and it stops reading the upstream.
    await new Promise((r) => setTimeout(r, 600));
    const body = Buffer.from(await res.body.arrayBuffer());
    expect(body.length).toBe(size);
  });

  it('ends the client response with an error when the upstream resets mid-body', async () => {
    const up = await upstreamOf((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }); // chunked
      res.write('partial-');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const gw = await gatewayOf(`
upstreams: { u: { targets: [{ url: "${up.url}" }] } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    const raw = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(new URL(gw.url).port), '127.0.0.1', () => socket.write('GET /x HTTP/1.1\r\nHost: x\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', () => {});
    });
    expect(raw).toContain('partial-');
    // A chunked body ends with a zero-length chunk; a cut one must not.
    expect(raw.endsWith('0\r\n\r\n')).toBe(false);
  });

  it('aborts the upstream request when the client goes away', async () => {
    let upstreamClosed = false;
    let markArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (markArrived = resolve));
    const up = await upstreamOf((req) => {
      markArrived();
      req.socket.on('close', () => (upstreamClosed = true));
    });
    const gw = await gatewayOf(`
upstreams: { u: { targets: [{ url: "${up.url}" }] } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    const socket = net.connect(Number(new URL(gw.url).port), '127.0.0.1', () => socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n'));
    socket.on('error', () => {});
    await arrived;
    socket.destroy();
    for (let i = 0; i < 100 && !upstreamClosed; i++) await new Promise((r) => setTimeout(r, 20));
    expect(upstreamClosed).toBe(true);
    for (let i = 0; i < 50 && !gw.logs.records.some((r) => r.status === 499); i++) await new Promise((r) => setTimeout(r, 20));
    expect(gw.logs.records.find((r) => r.msg === 'request')?.status).toBe(499);
  });
});

describe('health', () => {
  it('ejects a target that fails active checks and readmits it on recovery', async () => {
    let healthy = true;
    const flaky = await upstreamOf((req, res) => {
      if (req.url === '/health') res.writeHead(healthy ? 200 : 500).end();
      else res.end('flaky');
    });
    const steady = await upstreamOf((_req, res) => res.end('steady'));
    const gw = await gatewayOf(`
upstreams:
  u:
    targets: [{ url: "${flaky.url}" }, { url: "${steady.url}" }]
    health_checks: { active: { path: /health, interval: 1h, healthy_threshold: 1, unhealthy_threshold: 2 } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    const upstream = gw.gateway.runtime.upstreams.get('u')!;
    healthy = false;
    await upstream.probeAll();
    await upstream.probeAll();
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add((await get(`${gw.url}/x`)).text);
    expect([...seen]).toEqual(['steady']);
    expect((await get(`${gw.url}/readyz`)).status).toBe(200);
    healthy = true;
    await upstream.probeAll();
    for (let i = 0; i < 6; i++) seen.add((await get(`${gw.url}/x`)).text);
    expect(seen.has('flaky')).toBe(true);
  });

  it('answers 503 NO_HEALTHY_UPSTREAM when every target is down, and /readyz says so', async () => {
    const up = await upstreamOf((req, res) => res.writeHead(req.url === '/health' ? 500 : 200).end());
    const gw = await gatewayOf(`
upstreams:
  u:
    targets: [{ url: "${up.url}" }]
    health_checks: { active: { path: /health, interval: 1h, unhealthy_threshold: 1 } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    await gw.gateway.runtime.upstreams.get('u')!.probeAll();
    const res = await get(`${gw.url}/x`);
    expect(res.status).toBe(503);
    expect(res.json().error.code).toBe('NO_HEALTHY_UPSTREAM');
    const ready = await get(`${gw.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text).upstreams.u).toEqual({ healthy: 0, targets: 1 });
  });

  it('ejects a target after consecutive failures, then lets one probe request through after the cool-down', async () => {
    let failing = true;
    const bad = await upstreamOf((_req, res) => res.writeHead(failing ? 500 : 200).end(failing ? 'bad' : 'recovered'));
    const good = await upstreamOf((_req, res) => res.end('good'));
    const gw = await gatewayOf(`
upstreams:
  u:
    targets: [{ url: "${bad.url}" }, { url: "${good.url}" }]
    retries: { count: 0 }
    health_checks: { passive: { consecutive_failures: 2, cooldown: 300ms } }
    circuit_breaker: { enabled: false }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    for (let i = 0; i < 6; i++) await get(`${gw.url}/x`);
    const before = bad.requests.length;
    expect(before).toBe(2);
    for (let i = 0; i < 6; i++) expect((await get(`${gw.url}/x`)).text).toBe('good');
    expect(bad.requests.length).toBe(before);
    failing = false;
    await new Promise((r) => setTimeout(r, 350));
    const after = new Set<string>();
    for (let i = 0; i < 6; i++) after.add((await get(`${gw.url}/x`)).text);
    expect(after.has('recovered')).toBe(true);
  });
});

describe('circuit breaker', () => {
  it('opens on a high failure rate, answers CIRCUIT_OPEN with Retry-After, then half-opens and closes', async () => {
    let failing = true;
    const up = await upstreamOf((_req, res) => res.writeHead(failing ? 500 : 200).end(failing ? 'err' : 'ok'));
    const gw = await gatewayOf(`
upstreams:
  u:
    targets: [{ url: "${up.url}" }]
    retries: { count: 0 }
    circuit_breaker: { min_requests: 4, failure_rate: 0.5, open_for: 300ms, half_open_requests: 2 }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    for (let i = 0; i < 4; i++) expect((await get(`${gw.url}/x`)).status).toBe(500);
    const open = await get(`${gw.url}/x`);
    expect(open.status).toBe(503);
    expect(open.json().error.code).toBe('CIRCUIT_OPEN');
    expect(Number(open.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(up.requests.length).toBe(4);
    const target = gw.gateway.runtime.upstreams.get('u')!.targets[0]!;
    expect(target.breaker.state).toBe('open');

    failing = false;
    await new Promise((r) => setTimeout(r, 350));
    expect((await get(`${gw.url}/x`)).status).toBe(200);
    expect(target.breaker.state).toBe('half-open');
    expect((await get(`${gw.url}/x`)).status).toBe(200);
    expect(target.breaker.state).toBe('closed');
  });

  it('re-opens when a half-open trial fails', async () => {
    const up = await upstreamOf((_req, res) => res.writeHead(500).end());
    const gw = await gatewayOf(`
upstreams:
  u:
    targets: [{ url: "${up.url}" }]
    retries: { count: 0 }
    circuit_breaker: { min_requests: 2, failure_rate: 0.5, open_for: 200ms, half_open_requests: 1 }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    await get(`${gw.url}/x`);
    await get(`${gw.url}/x`);
    const target = gw.gateway.runtime.upstreams.get('u')!.targets[0]!;
    expect(target.breaker.state).toBe('open');
    await new Promise((r) => setTimeout(r, 250));
    expect((await get(`${gw.url}/x`)).status).toBe(500);
    expect(target.breaker.state).toBe('open');
    expect((await get(`${gw.url}/x`)).json().error.code).toBe('CIRCUIT_OPEN');
  });
});
