/**
 * Reload and drain: a bad config is refused and the old one keeps serving; in-flight
 * requests finish on the config they started with; SIGTERM-style shutdown drains.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, request } from 'undici';
import { ADMIN_TOKEN, startGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function named(name: string, delayMs = 0): Promise<TestUpstream> {
  const up = await startUpstream((_req, res) => setTimeout(() => res.end(name), delayMs));
  cleanups.push(() => up.close());
  return up;
}

function config(url: string, extra = ''): string {
  return `
upstreams: { u: { targets: [{ url: "${url}" }] } }
routes:
  - { name: r, match: { path: /* }, upstream: u }
${extra}`;
}

async function text(url: string): Promise<string> {
  const res = await request(url);
  return res.body.text();
}

async function adminReload(gw: TestGateway) {
  const res = await request(`${gw.adminUrl}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, any> };
}

describe('reload', () => {
  it('swaps in a new config and keeps in-flight requests on the old one', async () => {
    const slowOld = await named('old', 400);
    const fresh = await named('new');
    const gw = await startGateway(config(slowOld.url));
    cleanups.push(() => gw.close());

    const inflight = text(`${gw.url}/x`);
    for (let i = 0; i < 200 && slowOld.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    gw.writeConfig(config(fresh.url));
    const result = await adminReload(gw);
    expect(result).toEqual({ status: 200, body: { status: 'reloaded' } });
    expect(await text(`${gw.url}/x`)).toBe('new');
    expect(await inflight).toBe('old');
  });

  it('refuses a bad config with every problem and keeps serving the old one', async () => {
    const up = await named('stable');
    const gw = await startGateway(config(up.url));
    cleanups.push(() => gw.close());
    gw.writeConfig(config(up.url, '  - { name: broken, match: { path: nope }, upstream: missing, colour: red }'));
    const result = await adminReload(gw);
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('VALIDATION_FAILED');
    const paths = (result.body.error.details.errors as { path: string; line: number }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['routes[1].colour', 'routes[1].match.path']));
    expect(gw.logs.records.some((r) => r.msg === 'config reload refused; the previous config keeps serving')).toBe(true);
    expect(await text(`${gw.url}/x`)).toBe('stable');
  });

  it('refuses a config whose route names an unknown upstream', async () => {
    const up = await named('stable');
    const gw = await startGateway(config(up.url));
    cleanups.push(() => gw.close());
    gw.writeConfig(config(up.url, '  - { name: other, match: { path: /o }, upstream: nope }'));
    const result = await adminReload(gw);
    expect(result.status).toBe(400);
    expect(result.body.error.details.errors[0].message).toContain('no upstream named "nope"');
  });

  it('reloads on SIGHUP-equivalent calls without losing health state of unchanged targets', async () => {
    const up = await named('a');
    const gw = await startGateway(config(up.url));
    cleanups.push(() => gw.close());
    const before = gw.gateway.runtime.upstreams.get('u')!.targets[0]!;
    expect(await gw.gateway.reload()).toBeUndefined();
    const after = gw.gateway.runtime.upstreams.get('u')!.targets[0]!;
    expect(after).toBe(before);
  });
});

describe('graceful drain', () => {
  it('finishes in-flight requests, refuses new connections, then stops', async () => {
    const slow = await named('done', 300);
    const gw = await startGateway(config(slow.url));
    const inflight = text(`${gw.url}/x`);
    // Drain only once the request is in flight (arrived upstream), however loaded the machine is.
    for (let i = 0; i < 200 && slow.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(slow.requests).toHaveLength(1);
    const stopped = gw.close();
    expect(await inflight).toBe('done');
    await stopped;
    await expect(request(`${gw.url}/x`)).rejects.toThrow();
  });

  it('with a drain delay, goes on serving while /readyz answers 503 and each answer closes its connection, until a second call ends the delay', async () => {
    const up = await named('a');
    const dataDir = mkdtempSync(join(tmpdir(), 'unigate-drain-'));
    // The delay is far longer than the test: only the second call can end it.
    const gw = await startGateway(config(up.url, `server: { data_dir: ${JSON.stringify(dataDir)}, drain_delay: 10m, drain_timeout: 5s }`));
    const kept = new Client(gw.url);
    cleanups.push(() => kept.destroy());
    expect(await (await kept.request({ method: 'GET', path: '/x' })).body.text()).toBe('a');

    const stopped = gw.close();
    expect(gw.gateway.draining).toBe(true);
    // The keep-alive connection that was idle when the drain began still serves, and says it closes.
    const onKept = await kept.request({ method: 'GET', path: '/x' });
    expect(onKept.headers.connection).toBe('close');
    expect(await onKept.body.text()).toBe('a');
    // New connections are still accepted.
    const fresh = await request(`${gw.url}/x`);
    expect(fresh.headers.connection).toBe('close');
    expect(await fresh.body.text()).toBe('a');
    for (const url of [`${gw.url}/readyz`, `${gw.adminUrl}/readyz`]) {
      const ready = await request(url);
      expect(ready.statusCode, url).toBe(503);
      expect(await ready.body.json(), url).toMatchObject({ draining: true });
    }
    expect(gw.logs.records.some((r) => String(r.msg).startsWith('draining') && r.drain_delay_ms === 600_000)).toBe(true);

    // A second signal's call ends the delay; both calls end with the same drain.
    const again = gw.gateway.shutdown();
    await Promise.all([stopped, again]);
    await expect(request(`${gw.url}/x`)).rejects.toThrow();
  });

  it('skips the drain delay when asked to stop at once (SIGINT)', async () => {
    const up = await named('a');
    const dataDir = mkdtempSync(join(tmpdir(), 'unigate-drain-'));
    const gw = await startGateway(config(up.url, `server: { data_dir: ${JSON.stringify(dataDir)}, drain_delay: 10m, drain_timeout: 5s }`));
    await gw.gateway.shutdown({ delay: false });
    await expect(request(`${gw.url}/x`)).rejects.toThrow();
    expect(gw.logs.records.some((r) => String(r.msg).startsWith('draining'))).toBe(false);
  });
});

describe('admin surface', () => {
  it('requires the token everywhere but the health probes', async () => {
    const up = await named('a');
    const gw = await startGateway(config(up.url));
    cleanups.push(() => gw.close());
    for (const path of ['/metrics', '/admin/config', '/admin/upstreams']) {
      const res = await request(`${gw.adminUrl}${path}`);
      expect(res.statusCode, path).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Bearer');
      expect(((await res.body.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
      const wrong = await request(`${gw.adminUrl}${path}`, { headers: { authorization: 'Bearer wrong-token-of-some-length' } });
      expect(wrong.statusCode).toBe(401);
      await wrong.body.dump();
    }
    expect((await request(`${gw.adminUrl}/healthz`)).statusCode).toBe(200);
  });

  it('serves Prometheus metrics for requests, upstream health and pools', async () => {
    const up = await named('a');
    const gw = await startGateway(config(up.url));
    cleanups.push(() => gw.close());
    await text(`${gw.url}/x`);
    await text(`${gw.url}/x`);
    const res = await request(`${gw.adminUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const body = await res.body.text();
    expect(body).toContain('unigate_requests_total{route="r",upstream="u",status="200"} 2');
    expect(body).toMatch(/unigate_request_duration_seconds_bucket\{le="[0-9.]+",route="r",upstream="u",status="200"\}/);
    expect(body).toContain('unigate_upstream_pool_connections{upstream="u"');
  });

  it('shows the active config with secrets redacted', async () => {
    const up = await named('a');
    const gw = await startGateway(config(up.url));
    cleanups.push(() => gw.close());
    const res = await request(`${gw.adminUrl}/admin/config`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const text = await res.body.text();
    expect(text).not.toContain(ADMIN_TOKEN);
    const body = JSON.parse(text) as { listeners: { admin: { token: string } }; routes: { name: string }[] };
    expect(body.listeners.admin.token).toBe('[redacted]');
    expect(body.routes[0]!.name).toBe('r');
  });

  it('logs one line per request with the fields operators need', async () => {
    const up = await named('a');
    const gw = await startGateway(config(up.url));
    cleanups.push(() => gw.close());
    await request(`${gw.url}/x?token=do-not-log-me`, { headers: { 'x-request-id': 'log-check-1', authorization: 'Bearer do-not-log-me' } }).then((r) => r.body.text());
    const logged = () => gw.logs.records.filter((r) => r.msg === 'request' && r.req_id === 'log-check-1');
    for (let i = 0; i < 100 && logged().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const lines = logged();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ route: 'r', upstream: 'u', status: 200, path: '/x', attempts: 1, target: up.url });
    expect(typeof lines[0]!.ms).toBe('number');
    expect(typeof lines[0]!.upstream_ms).toBe('number');
    expect(gw.logs.lines.join('\n')).not.toContain('do-not-log-me');
  });

  it('logs answers the gateway gives itself (cache hits) with the bytes sent, and every line of a burst', async () => {
    const up = await startUpstream((_req, res) => {
      res.setHeader('cache-control', 'max-age=60');
      res.end('twelve bytes');
    });
    cleanups.push(() => up.close());
    const gw = await startGateway(`
upstreams: { u: { targets: [{ url: "${up.url}" }] } }
routes:
  - { name: r, match: { path: /* }, upstream: u, policies: { cache: { ttl: 1m } } }
`);
    cleanups.push(() => gw.close());
    await text(`${gw.url}/c`);
    // Lines are gathered and written together: a burst of concurrent hits must all arrive.
    const ids = Array.from({ length: 20 }, (_, i) => `hit-${i}`);
    const answers = await Promise.all(ids.map((id) => request(`${gw.url}/c`, { headers: { 'x-request-id': id } })));
    for (const res of answers) {
      expect(res.headers['x-cache']).toBe('HIT');
      await res.body.text();
    }
    const logged = () => gw.logs.records.filter((r) => r.msg === 'request' && ids.includes(String(r.req_id)));
    for (let i = 0; i < 100 && logged().length < ids.length; i++) await new Promise((r) => setTimeout(r, 10));
    const hits = logged();
    expect(hits).toHaveLength(ids.length);
    for (const line of hits) expect(line).toMatchObject({ route: 'r', status: 200, bytes_out: 12, attempts: 0 });
  });
});
