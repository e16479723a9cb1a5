/**
 * The admin REST API for connections through a real gateway: credentials are write-only,
 * reads show metadata and status, changes reach the very next proxied request, and the
 * `test` action calls the backend with the credential injected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { ADMIN_TOKEN, startGateway, type TestGateway } from '../helpers/gateway.js';
import { closedPort, startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;
let consumerId: string;
let apiKey: string;

beforeAll(async () => {
  // Echoes what it got; /private answers 401 unless the right credential came along.
  upstream = await startUpstream((req, res) => {
    const refused = req.url?.includes('/private') && req.headers['x-api-key'] !== 'first-secret';
    res.writeHead(refused ? 401 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url, headers: req.headers }));
  });
  const down = await closedPort();
  gw = await startGateway(`
upstreams:
  api:
    targets: [{ url: "${upstream.url}/base" }]
    credentials: { connection: per-consumer }
    health_checks: { active: { path: /health, interval: 1h } }
  other:
    targets: [{ url: "${upstream.url}" }]
    credentials: { connection: per-consumer }
  down:
    targets: [{ url: "http://127.0.0.1:${down}" }]
    required: false
routes:
  - { name: api, match: { path: /api/* }, upstream: api, strip_prefix: true, policies: { authenticate: { mode: key } } }
  - { name: other, match: { path: /other/* }, upstream: other, strip_prefix: true, policies: { authenticate: { mode: key } } }
`);
  consumerId = (await admin('POST', '/admin/consumers', { name: 'conn-owner' })).body.id;
  apiKey = (await admin('POST', `/admin/consumers/${consumerId}/keys`, {})).body.key;
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

type Json = Record<string, any>;

async function admin(method: string, path: string, body?: unknown) {
  const res = await request(`${gw.adminUrl}${path}`, {
    method: method as 'GET',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, text, body: (text === '' ? undefined : JSON.parse(text)) as Json };
}

async function proxied(path: string) {
  const res = await request(`${gw.url}${path}`, { headers: { 'x-api-key': apiKey } });
  return { status: res.statusCode, body: (await res.body.json()) as Json };
}

function paths(body: Json): string[] {
  return (body.error.details.errors as { path: string }[]).map((e) => e.path).sort();
}

const headerConnection = (extra: Json = {}) => ({
  consumer_id: consumerId,
  name: 'main',
  target: 'api',
  auth_strategy: 'header',
  auth_settings: { name: 'X-Api-Key' },
  credentials: { api_key: 'first-secret' },
  ...extra,
});

describe('connections', () => {
  it('keep credentials write-only: reads show metadata, never the secret', async () => {
    const created = await admin('POST', '/admin/connections', headerConnection());
    expect(created.status).toBe(201);
    expect(created.text).not.toContain('first-secret');
    expect(created.body).toMatchObject({
      consumer_id: consumerId,
      kind: 'upstream',
      target: 'api',
      auth_strategy: 'header',
      // The strategy's defaults are filled in and stored.
      auth_settings: { name: 'X-Api-Key', template: '{api_key}' },
      credential_fields: ['api_key'],
      status: 'active',
      status_reason: null,
      last_refresh_at: null,
    });
    expect(created.body.id).toMatch(/^conn_/);
    expect(created.body.credentials).toBeUndefined();
    expect(Date.parse(created.body.credentials_updated_at)).toBeGreaterThan(0);

    const read = await admin('GET', `/admin/connections/${created.body.id}`);
    expect(read.body).toEqual(created.body);
    const listed = await admin('GET', `/admin/connections?consumer_id=${consumerId}`);
    expect(listed.body.connections.map((c: Json) => c.id)).toContain(created.body.id);
    for (const res of [read, listed]) expect(res.text).not.toContain('first-secret');

    expect((await proxied('/api/orders')).body.headers['x-api-key']).toBe('first-secret');
    await admin('DELETE', `/admin/connections/${created.body.id}`);
  });

  it('apply credential and status changes to the next proxied request', async () => {
    const { body: conn } = await admin('POST', '/admin/connections', headerConnection({ target: 'other' }));
    expect((await proxied('/other/x')).body.headers['x-api-key']).toBe('first-secret');

    const rotated = await admin('PATCH', `/admin/connections/${conn.id}`, { credentials: { api_key: 'second-secret' } });
    expect(rotated.status).toBe(200);
    expect(rotated.text).not.toContain('second-secret');
    expect(Date.parse(rotated.body.credentials_updated_at)).toBeGreaterThanOrEqual(Date.parse(conn.credentials_updated_at));
    expect((await proxied('/other/x')).body.headers['x-api-key']).toBe('second-secret');

    // New settings keep the stored credential when it still has every field they need.
    const renamed = await admin('PATCH', `/admin/connections/${conn.id}`, { auth_settings: { name: 'X-Key', template: 'Key {api_key}' } });
    expect(renamed.status).toBe(200);
    expect((await proxied('/other/x')).body.headers['x-key']).toBe('Key second-secret');
    const needsMore = await admin('PATCH', `/admin/connections/${conn.id}`, { auth_settings: { name: 'X-Key', template: '{token}' } });
    expect(needsMore.status).toBe(400);
    expect(paths(needsMore.body)).toEqual(['credentials']);
    const switched = await admin('PATCH', `/admin/connections/${conn.id}`, { auth_strategy: 'bearer', credentials: { token: 'bearer-secret' } });
    expect(switched.body).toMatchObject({ auth_strategy: 'bearer', auth_settings: {}, credential_fields: ['token'] });
    expect((await proxied('/other/x')).body.headers.authorization).toBe('Bearer bearer-secret');

    const disabled = await admin('PATCH', `/admin/connections/${conn.id}`, { status: 'disabled' });
    expect(disabled.body.status).toBe('disabled');
    expect((await proxied('/other/x')).body.error.code).toBe('FORBIDDEN');
    await admin('PATCH', `/admin/connections/${conn.id}`, { status: 'active' });
    expect((await proxied('/other/x')).status).toBe(200);

    expect((await admin('DELETE', `/admin/connections/${conn.id}`)).status).toBe(204);
    expect((await proxied('/other/x')).body.error.code).toBe('CONNECTION_NOT_FOUND');
    expect((await admin('GET', `/admin/connections/${conn.id}`)).body.error.code).toBe('NOT_FOUND');
    expect((await admin('PATCH', `/admin/connections/${conn.id}`, { name: 'x' })).status).toBe(404);
    expect((await admin('DELETE', `/admin/connections/${conn.id}`)).status).toBe(404);
  });

  it('refuse bodies the schema, the strategy or the running config reject, naming every path', async () => {
    const unknown = await admin('POST', '/admin/connections', {
      ...headerConnection(),
      consumer_id: 'cons_nobody',
      target: 'nowhere',
      auth_strategy: 'carrier-pigeon',
      kind: 'satellite',
      colour: 'red',
    });
    expect(unknown.status).toBe(400);
    expect(paths(unknown.body)).toEqual(['colour', 'kind']);
    const refs = await admin('POST', '/admin/connections', { ...headerConnection(), consumer_id: 'cons_nobody', target: 'nowhere', auth_strategy: 'carrier-pigeon' });
    expect(paths(refs.body)).toEqual(['auth_strategy', 'consumer_id', 'target']);
    expect(refs.body.error.details.errors.find((e: Json) => e.path === 'auth_strategy').message).toMatch(/^must be one of: header, query, basic, bearer/);

    const settings = await admin('POST', '/admin/connections', { ...headerConnection(), auth_settings: { name: 'not a header', extra: 1 } });
    expect(paths(settings.body)).toEqual(['auth_settings.extra', 'auth_settings.name']);
    const fields = await admin('POST', '/admin/connections', { ...headerConnection(), auth_strategy: 'basic', auth_settings: {}, credentials: { username: 'u', password: 7 } });
    expect(paths(fields.body)).toEqual(['credentials.password']);
    const missing = await admin('POST', '/admin/connections', { ...headerConnection(), auth_strategy: 'basic', auth_settings: {}, credentials: { username: 'u' } });
    expect(missing.body.error.details.errors).toEqual([{ path: 'credentials.password', message: 'is required' }]);
    const none = await admin('POST', '/admin/connections', { ...headerConnection(), credentials: undefined });
    expect(none.body.error.details.errors).toEqual([{ path: 'credentials', message: 'is required (fields: api_key)' }]);
    const platform = await admin('POST', '/admin/connections', { ...headerConnection(), kind: 'platform', target: 'shopify' });
    expect(paths(platform.body)).toEqual(['base_url']);
    const ftp = await admin('POST', '/admin/connections', { ...headerConnection(), base_url: 'ftp://x' });
    expect(paths(ftp.body)).toEqual(['base_url']);
    const userinfo = await admin('POST', '/admin/connections', { ...headerConnection(), base_url: 'https://user:url-password@example.com' });
    expect(userinfo.body.error.details.errors).toEqual([{ path: 'base_url', message: 'must not contain user info: send it in credentials' }]);
    expect(JSON.stringify(userinfo.body)).not.toContain('url-password');
    expect((await admin('GET', '/admin/connections?consumer=x')).status).toBe(400);
  });

  it('take OAuth tokens write-only and show when they expire', async () => {
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const created = await admin('POST', '/admin/connections', {
      consumer_id: consumerId,
      target: 'other',
      auth_strategy: 'bearer',
      credentials: { token: 'static-token' },
      oauth_tokens: { access_token: 'oauth-access-secret', refresh_token: 'oauth-refresh-secret', expires_at: expires },
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toMatch(/oauth-(access|refresh)-secret|static-token/);
    expect(created.body.token_expires_at).toBe(expires);
    expect(created.body.oauth_tokens_updated_at).not.toBeNull();
    await admin('DELETE', `/admin/connections/${created.body.id}`);

    const oauth = { consumer_id: consumerId, target: 'other', auth_strategy: 'oauth2_refresh_token', credentials: { client_id: 'app' } };
    const badSettings = await admin('POST', '/admin/connections', { ...oauth, auth_settings: { token_url: 'https://auth.example/token', auth_method: 'nope' }, oauth_tokens: {} });
    expect(badSettings.body.error.details.errors).toEqual([
      { path: 'auth_settings.auth_method', message: 'must be one of: client_secret_basic, client_secret_post' },
      { path: 'oauth_tokens', message: 'needs access_token or refresh_token' },
    ]);
    const refreshOnly = await admin('POST', '/admin/connections', { ...oauth, auth_settings: { token_url: 'https://auth.example/token' }, oauth_tokens: { refresh_token: 'oauth-refresh-only' } });
    expect(refreshOnly.status).toBe(201);
    expect(refreshOnly.text).not.toContain('oauth-refresh-only');
    expect(refreshOnly.body).toMatchObject({ credential_fields: ['client_id'], token_expires_at: null, auth_settings: { auth_method: 'client_secret_basic' } });
    expect(refreshOnly.body.oauth_tokens_updated_at).not.toBeNull();
    await admin('DELETE', `/admin/connections/${refreshOnly.body.id}`);
  });
});

describe('POST /admin/connections/:id/test', () => {
  it("calls the upstream's health path with the credential injected and reports status and latency", async () => {
    const { body: conn } = await admin('POST', '/admin/connections', headerConnection());
    const seen = upstream.requests.length;
    const result = await admin('POST', `/admin/connections/${conn.id}/test`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ connection_id: conn.id, ok: true, status: 200, credential_accepted: true, retried: false });
    expect(result.body.request).toEqual({ method: 'GET', target: upstream.url, path: '/health' });
    expect(result.body.latency_ms).toBeGreaterThanOrEqual(0);
    const got = upstream.requests.slice(seen).find((r) => r.headers['user-agent'] === 'unigate-connection-test')!;
    expect(got.url).toBe('/base/health');
    expect(got.headers['x-api-key']).toBe('first-secret');
    // The upstream echoed the credential in its body: none of it is passed on.
    expect(result.text).not.toContain('first-secret');

    const refused = await admin('PATCH', `/admin/connections/${conn.id}`, { credentials: { api_key: 'wrong-secret' } });
    expect(refused.status).toBe(200);
    const denied = await admin('POST', `/admin/connections/${conn.id}/test`, { path: '/private?x=1', method: 'GET' });
    expect(denied.body).toMatchObject({ ok: false, status: 401, credential_accepted: false });
    expect(denied.text).not.toContain('wrong-secret');
    await admin('DELETE', `/admin/connections/${conn.id}`);
  });

  it('injects query credentials without reporting them, and reports unreachable backends', async () => {
    const { body: conn } = await admin('POST', '/admin/connections', {
      consumer_id: consumerId,
      target: 'other',
      auth_strategy: 'query',
      auth_settings: { name: 'key' },
      credentials: { api_key: 'query-secret' },
    });
    const seen = upstream.requests.length;
    const result = await admin('POST', `/admin/connections/${conn.id}/test`, { path: '/ping?a=1' });
    expect(result.body).toMatchObject({ ok: true, status: 200, request: { path: '/ping?a=1' } });
    expect(upstream.requests.slice(seen).map((r) => r.url)).toContain('/ping?a=1&key=query-secret');
    expect(result.text).not.toContain('query-secret');

    const { body: offline } = await admin('POST', '/admin/connections', { ...headerConnection(), target: 'down' });
    const failed = await admin('POST', `/admin/connections/${offline.id}/test`, { timeout_ms: 2000 });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ ok: false, status: null, error: { code: 'ECONNREFUSED', message: 'the backend could not be reached' } });

    expect(paths((await admin('POST', `/admin/connections/${conn.id}/test`, { path: 'no-slash', method: 'DELETE' })).body)).toEqual(['method', 'path']);
    expect((await admin('POST', '/admin/connections/conn_nobody/test')).status).toBe(404);
  });
});
