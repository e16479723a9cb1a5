/**
 * Several instances sharing one PostgreSQL state store: an API key created or revoked
 * through one instance's admin API takes effect on the others within the change feed's
 * bound (about a second: NOTIFY, with polling as the fallback), and a consumer's backend
 * credential is the same everywhere. Also: the admin listener will not open off loopback
 * without a token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { loadConfigText } from '../../src/config/load.js';
import { Gateway } from '../../src/server/gateway.js';
import { ADMIN_TOKEN, startGateway, type TestGateway } from '../helpers/gateway.js';
import { freshDatabase, type TestDatabase } from '../helpers/postgres.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let db: TestDatabase;
let upstream: TestUpstream;
let a: TestGateway;
let b: TestGateway;
const env = { UNIGATE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };

beforeAll(async () => {
  db = await freshDatabase();
  upstream = await startUpstream((req, res) => res.end(String(req.headers['x-backend-key'] ?? 'none')));
  const yaml = `
stores: { state: "${db.url}" }
upstreams:
  api: { targets: [{ url: "${upstream.url}" }], credentials: { connection: per-consumer } }
routes:
  - { name: api, match: { path: /* }, upstream: api, policies: { authenticate: { mode: key } } }
`;
  a = await startGateway(yaml, env);
  b = await startGateway(yaml, env);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await upstream?.close();
  await db?.drop();
});

async function admin(gw: TestGateway, method: string, path: string, body?: unknown) {
  const res = await request(`${gw.adminUrl}${path}`, {
    method: method as 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return text === '' ? {} : (JSON.parse(text) as Record<string, any>);
}

async function statusOn(gw: TestGateway, key: string): Promise<{ status: number; body: string }> {
  const res = await request(`${gw.url}/x`, { headers: { 'x-api-key': key } });
  return { status: res.statusCode, body: await res.body.text() };
}

/** Polls until `check` holds; returns how long it took. The bound is generous: a loaded machine. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await check()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not within ${ms} ms`);
}

describe('instances sharing PostgreSQL', () => {
  it('serve a key and a credential created on another instance, and refuse a revoked key within the bound', async () => {
    const consumer = await admin(a, 'POST', '/admin/consumers', { name: 'cluster' });
    await admin(a, 'POST', '/admin/connections', {
      consumer_id: consumer.id,
      target: 'api',
      auth_strategy: 'header',
      auth_settings: { name: 'X-Backend-Key', template: '{api_key}' },
      credentials: { api_key: 'shared-backend-key' },
    });
    const created = await admin(a, 'POST', `/admin/consumers/${consumer.id}/keys`, { name: 'k' });
    expect(await statusOn(a, created.key)).toEqual({ status: 200, body: 'shared-backend-key' });
    await within(10_000, async () => (await statusOn(b, created.key)).status === 200);
    expect(await statusOn(b, created.key)).toEqual({ status: 200, body: 'shared-backend-key' });

    await admin(a, 'POST', `/admin/keys/${created.id}/revoke`);
    expect((await statusOn(a, created.key)).status).toBe(401);
    const tookMs = await within(10_000, async () => (await statusOn(b, created.key)).status === 401);
    console.log(`revocation reached the other instance after ${tookMs} ms`);
  });
});

describe('admin listener', () => {
  it('refuses to open on a non-loopback address without a token', async () => {
    const config = loadConfigText(
      'listeners:\n  proxy: { host: 127.0.0.1, port: 0 }\n  admin: { host: 0.0.0.0, port: 0 }\nupstreams: {}\nroutes: []\n',
      'test',
      {},
    );
    await expect(Gateway.start({ config, env: {} })).rejects.toThrow(/not loopback: set a token/);
  });
});
