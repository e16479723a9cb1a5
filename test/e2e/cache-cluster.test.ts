/**
 * The cache on the real Redis at 127.0.0.1:6379 (unique prefix) shared by two instances:
 * an entry stored by one answers the other, concurrent misses on both make one upstream
 * call, and a purge through one instance's admin API reaches the other's memory layer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { deleteKeys, uniquePrefix } from '../../src/store/shared/redis/test-support/redis-server.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { countBy, eventually, fire } from '../helpers/load.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const prefix = uniquePrefix('cache-cluster');
const gateways: TestGateway[] = [];
const calls: Record<string, number> = {};
let upstream: TestUpstream;

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    const path = req.url ?? '/';
    const n = (calls[path] = (calls[path] ?? 0) + 1);
    setTimeout(() => {
      const body = JSON.stringify({ path, n });
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300', 'content-length': String(body.length) });
      res.end(body);
    }, 200);
  });
  const yaml = `
stores: { shared: "redis://127.0.0.1:6379?prefix=${prefix}" }
logging: { requests: false }
upstreams:
  api: { targets: [{ url: "${upstream.url}" }] }
routes:
  - { name: cached, match: { path: /c/* }, upstream: api, strip_prefix: true, policies: { cache: { tags: ["route:{route}"] } } }
`;
  for (let i = 0; i < 2; i++) gateways.push(await startGateway(yaml));
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await upstream?.close();
  await deleteKeys([6379], prefix);
});

async function get(gw: TestGateway, path: string) {
  const res = await request(`${gw.url}${path}`);
  return { headers: res.headers, body: (await res.body.json()) as { n: number } };
}

async function purge(gw: TestGateway, body: unknown): Promise<number> {
  const res = await request(`${gw.adminUrl}/admin/cache/purge`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.gateway.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.body.text();
  return res.statusCode;
}

describe('a cache shared by two instances', () => {
  it('makes one upstream call for 100 concurrent misses spread over both instances', async () => {
    const results = await fire(gateways.map((g) => `${g.url}/c/hot`), { total: 100, concurrency: 100 });
    expect(calls['/hot']).toBe(1);
    expect(countBy(results, (r) => r.status)).toEqual({ 200: 100 });
    expect(countBy(results, (r) => String(r.headers['x-cache']))).toEqual({ MISS: 1, HIT: 99 });
  });

  it('carries a purge to the other instance, by key, prefix, tag and all', async () => {
    const [one, two] = gateways as [TestGateway, TestGateway];
    for (const [i, by] of (['key', 'prefix', 'tag', 'all'] as const).entries()) {
      const path = `/c/p${i}`;
      const first = await get(one, path);
      // The second instance reads it from Redis, then from its own memory layer.
      expect((await get(two, path)).headers['x-cache']).toBe('HIT');
      expect((await get(two, path)).headers['x-cache']).toBe('HIT');
      const body = by === 'key' ? { key: first.headers['x-cache-key'] } : by === 'prefix' ? { prefix: path } : by === 'tag' ? { tag: 'route:cached' } : { all: true };
      expect(await purge(one, body)).toBe(200);
      // Invalidation reaches the other instance by pub/sub: at most a moment later.
      await eventually(async () => (await get(two, path)).headers['x-cache'] === 'MISS', 5000);
      expect(calls[`/p${i}`]).toBe(2);
    }
  });
});
