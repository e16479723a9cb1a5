/**
 * The admin REST API for consumers, API keys and the audit log, through a real gateway:
 * CRUD, validation errors with paths, the token check, keys shown once, and revocation and
 * disabling taking effect on the very next proxied request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { ADMIN_TOKEN, startGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startUpstream();
  gw = await startGateway(`
upstreams: { open: { targets: [{ url: "${upstream.url}" }] } }
routes:
  - { name: keyed, match: { path: /keyed/* }, upstream: open, strip_prefix: true, policies: { authenticate: { mode: key } } }
  - { name: other, match: { path: /other/* }, upstream: open, strip_prefix: true, policies: { authenticate: { mode: key } } }
`);
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

type Json = Record<string, any>;

async function admin(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${gw.adminUrl}${path}`, {
    method: method as 'GET',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: (text === '' ? undefined : JSON.parse(text)) as Json };
}

async function proxied(path: string, key: string) {
  const res = await request(`${gw.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  await res.body.dump();
  return res.statusCode;
}

function paths(body: Json): string[] {
  return (body.error.details.errors as { path: string }[]).map((e) => e.path).sort();
}

describe('admin token', () => {
  it('is required on every entity endpoint', async () => {
    for (const [method, path] of [
      ['GET', '/admin/consumers'],
      ['POST', '/admin/consumers'],
      ['GET', '/admin/connections'],
      ['POST', '/admin/keys/key_x/revoke'],
      ['GET', '/admin/audit'],
    ] as const) {
      for (const authorization of [undefined, 'Bearer wrong-token-of-some-length', `Basic ${ADMIN_TOKEN}`]) {
        const res = await request(`${gw.adminUrl}${path}`, { method, headers: authorization === undefined ? {} : { authorization } });
        expect(res.statusCode, `${method} ${path}`).toBe(401);
        expect(res.headers['www-authenticate']).toContain('Bearer');
        expect(((await res.body.json()) as Json).error.code).toBe('UNAUTHENTICATED');
      }
    }
  });
});

describe('consumers', () => {
  it('are created, read, listed, updated and deleted', async () => {
    const created = await admin('POST', '/admin/consumers', { name: 'Acme', metadata: { plan: 'gold' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Acme', metadata: { plan: 'gold' }, enabled: true });
    expect(created.body.id).toMatch(/^cons_/);
    expect(created.headers['cache-control']).toBe('no-store');
    const id = created.body.id as string;

    expect((await admin('GET', `/admin/consumers/${id}`)).body).toEqual(created.body);
    const patched = await admin('PATCH', `/admin/consumers/${id}`, { name: 'Acme Inc', enabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, name: 'Acme Inc', enabled: false });

    const named = await admin('POST', '/admin/consumers', { id: 'acme-2', name: 'Second' });
    expect(named.body.id).toBe('acme-2');
    const duplicate = await admin('POST', '/admin/consumers', { id: 'acme-2', name: 'Again' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('CONFLICT');

    const firstPage = await admin('GET', '/admin/consumers?limit=1');
    expect(firstPage.body.consumers).toHaveLength(1);
    expect(firstPage.body.next_after).toBe(firstPage.body.consumers[0].id);
    const all = await admin('GET', '/admin/consumers?limit=1000');
    expect(all.body.consumers.map((c: Json) => c.id)).toEqual(expect.arrayContaining([id, 'acme-2']));
    expect(all.body.next_after).toBeNull();

    expect((await admin('DELETE', `/admin/consumers/${id}`)).status).toBe(204);
    for (const [method, body] of [['GET'], ['PATCH', { name: 'x' }], ['DELETE']] as const) {
      const gone = await admin(method, `/admin/consumers/${id}`, body);
      expect(gone.status, method).toBe(404);
      expect(gone.body.error.code).toBe('NOT_FOUND');
    }
  });

  it('refuses bodies and queries that fail their schema, naming every failing path', async () => {
    const bad = await admin('POST', '/admin/consumers', { name: 5, colour: 'red', metadata: [], id: 'has space' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(paths(bad.body)).toEqual(['colour', 'id', 'metadata', 'name']);
    expect(bad.body.error.details.errors.find((e: Json) => e.path === 'colour').message).toBe('is not a known field');

    const missing = await admin('POST', '/admin/consumers', {});
    expect(missing.body.error.details.errors).toEqual([{ path: 'name', message: 'is required' }]);
    const { body: consumer } = await admin('POST', '/admin/consumers', { name: 'x' });
    const empty = await admin('PATCH', `/admin/consumers/${consumer.id}`, {});
    expect(empty.body.error.details.errors).toEqual([{ path: '', message: 'must name at least one field' }]);

    const query = await admin('GET', '/admin/consumers?limit=0&colour=red');
    expect(paths(query.body)).toEqual(['query.colour', 'query.limit']);

    const notJson = await admin('POST', '/admin/consumers', '{"name": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('VALIDATION_FAILED');
    expect(notJson.body.error.details.errors).toEqual([{ path: '', message: 'the body is not valid JSON' }]);

    const actor = await admin('POST', '/admin/consumers', { name: 'x' }, { 'x-unigate-actor': 'not ok!' });
    expect(paths(actor.body)).toEqual(['headers.x-unigate-actor']);
  });
});

describe('API keys', () => {
  it('are shown once at creation, then only by prefix and metadata', async () => {
    const { body: consumer } = await admin('POST', '/admin/consumers', { name: 'keys' });
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const created = await admin('POST', `/admin/consumers/${consumer.id}/keys`, { name: 'ci', scopes: { routes: ['keyed'] }, expires_at: expiresAt });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^ug_live_[0-9a-z]{10}_[0-9A-Za-z]{43}$/);
    expect(created.body).toMatchObject({ consumer_id: consumer.id, name: 'ci', prefix: key.slice(0, 18), status: 'active', scopes: { routes: ['keyed'] }, expires_at: expiresAt, revoked_at: null });
    expect(created.body.hash).toBeUndefined();

    const listed = await admin('GET', `/admin/consumers/${consumer.id}/keys`);
    expect(listed.body.keys).toHaveLength(1);
    const { key: _shownOnce, ...metadata } = created.body;
    expect(listed.body.keys[0]).toEqual(metadata);
    const one = await admin('GET', `/admin/keys/${created.body.id}`);
    expect(one.body).toEqual(metadata);
    for (const res of [listed, one]) {
      expect(JSON.stringify(res.body)).not.toContain(key);
      expect(JSON.stringify(res.body)).not.toContain('sha256');
    }
  });

  it('checks scopes and expiry against the running config and the consumer', async () => {
    const { body: consumer } = await admin('POST', '/admin/consumers', { name: 'scopes' });
    const bad = await admin('POST', `/admin/consumers/${consumer.id}/keys`, {
      scopes: { routes: ['keyed', 'nope'], connections: ['conn_unknown'] },
      expires_at: new Date(Date.now() - 1000).toISOString(),
    });
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(['expires_at', 'scopes.connections[0]', 'scopes.routes[1]']);
    const shape = await admin('POST', `/admin/consumers/${consumer.id}/keys`, { scopes: { routes: 'keyed' }, expires_at: 'tomorrow', secret: 1 });
    expect(paths(shape.body)).toEqual(['expires_at', 'scopes.routes', 'secret']);
    const unknown = await admin('POST', '/admin/consumers/cons_nobody/keys', {});
    expect(unknown.status).toBe(404);
    expect((await admin('GET', '/admin/consumers/cons_nobody/keys')).status).toBe(404);
    expect((await admin('GET', '/admin/keys/key_nobody')).status).toBe(404);
    expect((await admin('POST', '/admin/keys/key_nobody/revoke')).status).toBe(404);
    expect((await admin('DELETE', '/admin/keys/key_nobody')).status).toBe(404);
  });

  it('stop working on the next request once revoked or deleted', async () => {
    const { body: consumer } = await admin('POST', '/admin/consumers', { name: 'revocation' });
    const { body: first } = await admin('POST', `/admin/consumers/${consumer.id}/keys`, {});
    const { body: second } = await admin('POST', `/admin/consumers/${consumer.id}/keys`, {});
    expect(await proxied('/keyed/a', first.key)).toBe(200);
    expect(await proxied('/keyed/a', second.key)).toBe(200);

    const revoked = await admin('POST', `/admin/keys/${first.id}/revoke`);
    expect(revoked.body).toMatchObject({ id: first.id, status: 'revoked' });
    expect(revoked.body.revoked_at).not.toBeNull();
    expect(await proxied('/keyed/a', first.key)).toBe(401);
    // Revoking twice keeps the first time.
    expect((await admin('POST', `/admin/keys/${first.id}/revoke`)).body.revoked_at).toBe(revoked.body.revoked_at);

    expect((await admin('DELETE', `/admin/keys/${second.id}`)).status).toBe(204);
    expect(await proxied('/keyed/a', second.key)).toBe(401);
  });

  it('follow their consumer: disabled means 403, deleted means 401, at once', async () => {
    const { body: consumer } = await admin('POST', '/admin/consumers', { name: 'toggle' });
    const { body: key } = await admin('POST', `/admin/consumers/${consumer.id}/keys`, { scopes: { routes: ['keyed'] } });
    expect(await proxied('/keyed/a', key.key)).toBe(200);
    expect(await proxied('/other/a', key.key)).toBe(403);
    await admin('PATCH', `/admin/consumers/${consumer.id}`, { enabled: false });
    expect(await proxied('/keyed/a', key.key)).toBe(403);
    await admin('PATCH', `/admin/consumers/${consumer.id}`, { enabled: true });
    expect(await proxied('/keyed/a', key.key)).toBe(200);
    await admin('DELETE', `/admin/consumers/${consumer.id}`);
    expect(await proxied('/keyed/a', key.key)).toBe(401);
  });
});

describe('audit log', () => {
  it('lists who changed what and when, newest first, without secret values', async () => {
    const as = { 'x-unigate-actor': 'alice@example.com' };
    const { body: consumer } = await admin('POST', '/admin/consumers', { name: 'audited' }, as);
    const { body: key } = await admin('POST', `/admin/consumers/${consumer.id}/keys`, { name: 'k' }, as);
    await admin('POST', `/admin/keys/${key.id}/revoke`, undefined, as);
    await admin('PATCH', `/admin/consumers/${consumer.id}`, { name: 'renamed' });

    const log = await admin('GET', `/admin/audit?consumer_id=${consumer.id}`);
    expect(log.status).toBe(200);
    const events = log.body.events as Json[];
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['consumer.update', 'admin'],
      ['api_key.revoke', 'admin:alice@example.com'],
      ['api_key.create', 'admin:alice@example.com'],
      ['consumer.create', 'admin:alice@example.com'],
    ]);
    for (const e of events) {
      expect(Date.parse(e.at)).toBeGreaterThan(Date.now() - 60_000);
      expect(e.consumer_id).toBe(consumer.id);
    }
    expect(events[0]!.details).toEqual({ changed: ['name'] });
    expect(events[2]).toMatchObject({ entity_type: 'api_key', entity_id: key.id, details: { prefix: key.prefix, name: 'k' } });
    expect(JSON.stringify(log.body)).not.toContain(key.key);

    const page = await admin('GET', `/admin/audit?consumer_id=${consumer.id}&limit=2`);
    expect(page.body.events).toHaveLength(2);
    const rest = await admin('GET', `/admin/audit?consumer_id=${consumer.id}&before=${page.body.next_before}`);
    expect(rest.body.events.map((e: Json) => e.action)).toEqual(['api_key.create', 'consumer.create']);
    const byEntity = await admin('GET', `/admin/audit?entity_id=${key.id}`);
    expect(byEntity.body.events.map((e: Json) => e.action)).toEqual(['api_key.revoke', 'api_key.create']);
    expect(paths((await admin('GET', '/admin/audit?before=abc')).body)).toEqual(['query.before']);
  });
});
