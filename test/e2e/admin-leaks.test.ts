/**
 * Secrets never leave the process: a full admin session (keys, connections of every static
 * strategy, OAuth tokens, credential rotation, test calls, refused bodies that carry
 * secrets, proxied traffic) with recognizable canary values, then every admin response
 * (body and headers), /metrics, /admin/config and every log line is scanned for them.
 * The generated API key may appear in exactly one place: its create response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { ADMIN_TOKEN, startGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const CANARY = {
  header: 'canary-header-0c6f1e',
  password: 'canary-password-52ab7d',
  query: 'canary-query-8d31f0',
  rotated: 'canary-rotated-e4a9b2',
  access: 'canary-access-77f0c1',
  refresh: 'canary-refresh-1b9d3e',
  refused: 'canary-refused-5c2e90',
  wrongToken: 'canary-wrong-admin-token-31d7',
};

let upstream: TestUpstream;
let gw: TestGateway;
const responses: { what: string; text: string }[] = [];

beforeAll(async () => {
  // Echoes headers and URL back, so anything that forwarded an upstream answer would leak.
  upstream = await startUpstream((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-echo-auth': String(req.headers.authorization ?? '') });
    res.end(JSON.stringify({ url: req.url, headers: req.headers }));
  });
  const up = (name: string) => `  ${name}: { targets: [{ url: "${upstream.url}" }], credentials: { connection: per-consumer } }`;
  const route = (name: string) => `  - { name: ${name}, match: { path: /${name}/* }, upstream: ${name}, strip_prefix: true, policies: { authenticate: { mode: key } } }`;
  gw = await startGateway(`
logging: { level: debug }
upstreams:
${['h', 'b', 'q'].map(up).join('\n')}
routes:
${['h', 'b', 'q'].map(route).join('\n')}
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
  responses.push({ what: `${method} ${path} → ${res.statusCode}`, text: `${JSON.stringify(res.headers)}\n${text}` });
  return { status: res.statusCode, body: (text.startsWith('{') ? JSON.parse(text) : text) as Json };
}

describe('secret leak scan', () => {
  it('finds no secret in any admin response, metric or log line', async () => {
    const consumer = (await admin('POST', '/admin/consumers', { name: 'leaky' })).body;
    const created = await admin('POST', `/admin/consumers/${consumer.id}/keys`, { name: 'canary key' });
    const key = created.body.key as string;

    const connections = [
      { target: 'h', auth_strategy: 'header', auth_settings: { name: 'X-Api-Key' }, credentials: { api_key: CANARY.header } },
      {
        target: 'b',
        auth_strategy: 'basic',
        credentials: { username: 'svc', password: CANARY.password },
        oauth_tokens: { access_token: CANARY.access, refresh_token: CANARY.refresh },
      },
      { target: 'q', auth_strategy: 'query', auth_settings: { name: 'key' }, credentials: { api_key: CANARY.query } },
    ];
    const ids: string[] = [];
    for (const body of connections) {
      const res = await admin('POST', '/admin/connections', { consumer_id: consumer.id, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.id);
    }
    for (const id of ids) {
      await admin('GET', `/admin/connections/${id}`);
      expect((await admin('POST', `/admin/connections/${id}/test`, { path: '/ping' })).body.ok).toBe(true);
    }
    await admin('GET', `/admin/connections?consumer_id=${consumer.id}`);
    expect((await admin('PATCH', `/admin/connections/${ids[0]}`, { credentials: { api_key: CANARY.rotated } })).status).toBe(200);
    await admin('GET', `/admin/consumers/${consumer.id}/keys`);

    // Proxied traffic with the key and every injected credential.
    for (const prefix of ['h', 'b', 'q']) {
      const res = await request(`${gw.url}/${prefix}/orders?page=1`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    }

    // Refused requests that carry secrets must not echo them.
    const base = { consumer_id: consumer.id, target: 'h', auth_strategy: 'header', auth_settings: { name: 'X-Api-Key' } };
    const refused = [
      await admin('POST', '/admin/connections', { ...base, credentials: { api_key: CANARY.refused }, surprise: CANARY.refused }),
      await admin('POST', '/admin/connections', { ...base, credentials: { api_key: [CANARY.refused] } }),
      await admin('POST', '/admin/connections', { ...base, credentials: { api_key: 'x' }, base_url: `https://svc:${CANARY.refused}@example.com` }),
      await admin('POST', '/admin/connections', { ...base, credentials: { api_key: 'x' }, auth_settings: { name: `not a header: ${CANARY.refused}` } }),
      await admin('POST', '/admin/connections', `{"credentials": {"api_key": "${CANARY.refused}"`),
      await admin('POST', '/admin/connections', `credentials=${CANARY.refused}`, { 'content-type': 'text/plain' }),
      await admin('PATCH', `/admin/connections/${ids[0]}`, { credentials: { api_key: 5, [CANARY.refused]: 1 } }),
      await admin('POST', '/admin/consumers', { name: 'x' }, { 'x-unigate-actor': `${CANARY.refused}!` }),
    ];
    for (const res of refused) expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
    const wrongToken = await request(`${gw.adminUrl}/admin/consumers`, { headers: { authorization: `Bearer ${CANARY.wrongToken}` } });
    responses.push({ what: 'wrong token', text: `${JSON.stringify(wrongToken.headers)}\n${await wrongToken.body.text()}` });
    expect(wrongToken.statusCode).toBe(401);

    expect((await admin('POST', `/admin/keys/${created.body.id}/revoke`)).status).toBe(200);
    await admin('GET', `/admin/audit?consumer_id=${consumer.id}`);
    await admin('GET', '/admin/config');
    await admin('GET', '/metrics');

    const secrets = [...Object.values(CANARY), ADMIN_TOKEN, Buffer.from(`svc:${CANARY.password}`).toString('base64')];
    const keySecret = key.slice('ug_live_'.length + 11);
    for (const { what, text } of responses) {
      for (const secret of secrets) expect(text.includes(secret), `${what} contains ${secret}`).toBe(false);
    }
    // Only the create response ever shows the key.
    expect(responses.filter((r) => r.text.includes(keySecret)).map((r) => r.what)).toEqual([`POST /admin/consumers/${consumer.id}/keys → 201`]);
    gw.gateway.flushLogs();
    expect(gw.logs.lines.length).toBeGreaterThan(responses.length);
    for (const line of gw.logs.lines) {
      for (const secret of [...secrets, keySecret]) expect(line.includes(secret), `log line contains ${secret}: ${line}`).toBe(false);
    }
  });
});
