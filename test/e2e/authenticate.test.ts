/**
 * Inbound identity and outbound credentials through a real gateway: API keys and JWTs in,
 * the caller's stored backend credential out, and nothing of either leaking across.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { createConnection, createConsumer, createKey } from '../helpers/identities.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let jwks: http.Server;
let jwksUrl: string;
let gw: TestGateway;
let signingKey: CryptoKey;
let jwksHits = 0;

const ISSUER = 'https://issuer.test/';

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url, headers: req.headers }));
  });
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  jwks = http.createServer((_req, res) => {
    jwksHits++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  gw = await startGateway(`
auth:
  jwt:
    issuers:
      - { issuer: "${ISSUER}", audience: [unigate], jwks_url: "${jwksUrl}", algorithms: [ES256] }
upstreams:
  api:
    targets: [{ url: "${upstream.url}" }]
    credentials: { connection: per-consumer }
  open: { targets: [{ url: "${upstream.url}" }] }
routes:
  - { name: keyed, match: { path: /keyed/* }, upstream: api, strip_prefix: true, policies: { authenticate: { mode: key } } }
  - { name: jwt, match: { path: /jwt/* }, upstream: api, strip_prefix: true, policies: { authenticate: { mode: jwt } } }
  - { name: either, match: { path: /either/* }, upstream: open, strip_prefix: true, policies: { authenticate: { mode: either } } }
  - { name: public, match: { path: /public/* }, upstream: open, strip_prefix: true }
`);
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
  jwks.close();
});

async function call(path: string, headers: Record<string, string> = {}) {
  const res = await request(`${gw.url}${path}`, { headers });
  const body = (await res.body.json()) as Record<string, any>;
  return { status: res.statusCode, headers: res.headers, body };
}

async function token(claims: Record<string, unknown>, options: { expiresIn?: string; issuer?: string; audience?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? 'unigate')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(signingKey);
}

describe('API keys', () => {
  it('identifies the consumer and injects its own backend credential, never forwarding the key', async () => {
    const consumer = await createConsumer(gw.gateway, 'acme');
    const { key } = await createKey(gw.gateway, consumer.id);
    await createConnection(gw.gateway, {
      consumerId: consumer.id,
      target: 'api',
      strategy: 'header',
      settings: { name: 'X-Backend-Key', template: 'Token {api_key}' },
      credentials: { api_key: 'backend-secret-acme' },
    });
    const variants: Record<string, string>[] = [{ authorization: `Bearer ${key}` }, { 'x-api-key': key }];
    for (const headers of variants) {
      const res = await call('/keyed/orders', { ...headers, 'x-backend-key': 'client-forged-value' });
      expect(res.status).toBe(200);
      expect(res.body.headers['x-backend-key']).toBe('Token backend-secret-acme');
      expect(res.body.headers.authorization).toBeUndefined();
      expect(res.body.headers['x-api-key']).toBeUndefined();
    }
  });

  it('keeps tenants apart: each consumer gets its own credential', async () => {
    const a = await createConsumer(gw.gateway, 'tenant-a');
    const b = await createConsumer(gw.gateway, 'tenant-b');
    const keyA = await createKey(gw.gateway, a.id);
    const keyB = await createKey(gw.gateway, b.id);
    await createConnection(gw.gateway, { consumerId: a.id, target: 'api', strategy: 'bearer', credentials: { token: 'token-a' } });
    await createConnection(gw.gateway, { consumerId: b.id, target: 'api', strategy: 'query', settings: { name: 'key' }, credentials: { api_key: 'token-b' } });
    expect((await call('/keyed/x', { 'x-api-key': keyA.key })).body.headers.authorization).toBe('Bearer token-a');
    const resB = await call('/keyed/x?key=forged&keep=1', { 'x-api-key': keyB.key });
    expect(resB.body.url).toBe('/x?keep=1&key=token-b');
  });

  it('answers 401 with WWW-Authenticate for missing, malformed, unknown and revoked keys', async () => {
    const consumer = await createConsumer(gw.gateway);
    const { key, id } = await createKey(gw.gateway, consumer.id);
    const forged = key.slice(0, -4) + 'AAAA';
    const attempts: Record<string, string>[] = [{}, { 'x-api-key': 'nonsense' }, { 'x-api-key': forged }, { authorization: 'Basic abc' }];
    for (const headers of attempts) {
      const res = await call('/keyed/x', headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toContain('Bearer realm="unigate"');
    }
    await gw.gateway.services.state.revokeApiKey(id, 'test');
    gw.gateway.services.identities.onChanges([{ seq: 0, at: new Date(), action: 'revoke', entityType: 'api_key', entityId: id, consumerId: consumer.id }]);
    expect((await call('/keyed/x', { 'x-api-key': key })).status).toBe(401);
  });

  it('answers 401 for an expired key', async () => {
    const consumer = await createConsumer(gw.gateway);
    const { key } = await createKey(gw.gateway, consumer.id, { expiresAt: new Date(Date.now() - 1000) });
    const res = await call('/keyed/x', { 'x-api-key': key });
    expect(res.status).toBe(401);
    expect(res.body.error.details.reason).toBe('API key expired');
  });

  it('answers 403 when the key is scoped to other routes, or the consumer is disabled', async () => {
    const consumer = await createConsumer(gw.gateway);
    await createConnection(gw.gateway, { consumerId: consumer.id, target: 'api', strategy: 'bearer', credentials: { token: 't' } });
    const scoped = await createKey(gw.gateway, consumer.id, { scopes: { routes: ['either'] } });
    expect((await call('/keyed/x', { 'x-api-key': scoped.key })).status).toBe(403);
    expect((await call('/either/x', { 'x-api-key': scoped.key })).status).toBe(200);
    const disabled = await createConsumer(gw.gateway, 'off', false);
    const offKey = await createKey(gw.gateway, disabled.id);
    const res = await call('/either/x', { 'x-api-key': offKey.key });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('refuses callers without a connection, and asks callers with several to choose', async () => {
    const consumer = await createConsumer(gw.gateway);
    const { key } = await createKey(gw.gateway, consumer.id);
    expect((await call('/keyed/x', { 'x-api-key': key })).body.error.code).toBe('CONNECTION_NOT_FOUND');
    const first = await createConnection(gw.gateway, { consumerId: consumer.id, target: 'api', strategy: 'bearer', credentials: { token: 'one' } });
    gw.gateway.services.connections.forget(first.id);
    await createConnection(gw.gateway, { consumerId: consumer.id, target: 'api', strategy: 'bearer', credentials: { token: 'two' } });
    gw.gateway.services.connections.forget(first.id);
    const ambiguous = await call('/keyed/x', { 'x-api-key': key });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.error.code).toBe('CONNECTION_AMBIGUOUS');
    const chosen = await call('/keyed/x', { 'x-api-key': key, 'x-unigate-connection': first.id });
    expect(chosen.body.headers.authorization).toBe('Bearer one');
    expect(chosen.body.headers['x-unigate-connection']).toBeUndefined();
  });
});

describe('JWT', () => {
  it('identifies the consumer named by the sub claim', async () => {
    const consumer = await createConsumer(gw.gateway, 'jwt-user');
    await createConnection(gw.gateway, { consumerId: consumer.id, target: 'api', strategy: 'bearer', credentials: { token: 'backend-jwt-user' } });
    const res = await call('/jwt/x', { authorization: `Bearer ${await token({ sub: consumer.id })}` });
    expect(res.status).toBe(200);
    expect(res.body.headers.authorization).toBe('Bearer backend-jwt-user');
    expect(jwksHits).toBeGreaterThan(0);
  });

  it('refuses expired tokens, wrong issuers and audiences, and API keys on jwt-only routes', async () => {
    const consumer = await createConsumer(gw.gateway);
    const { key } = await createKey(gw.gateway, consumer.id);
    const bad = [
      await token({ sub: consumer.id }, { expiresIn: '-5m' }),
      await token({ sub: consumer.id }, { issuer: 'https://other.test/' }),
      await token({ sub: consumer.id }, { audience: 'someone-else' }),
      key,
    ];
    for (const t of bad) {
      const res = await call('/jwt/x', { authorization: `Bearer ${t}` });
      expect(res.status).toBe(401);
    }
  });

  it('answers 403 for a valid token naming an unknown consumer', async () => {
    const res = await call('/jwt/x', { authorization: `Bearer ${await token({ sub: 'nobody' })}` });
    expect(res.status).toBe(403);
  });

  it('takes either credential on `either` routes', async () => {
    const consumer = await createConsumer(gw.gateway);
    const { key } = await createKey(gw.gateway, consumer.id);
    expect((await call('/either/x', { 'x-api-key': key })).status).toBe(200);
    expect((await call('/either/x', { authorization: `Bearer ${await token({ sub: consumer.id })}` })).status).toBe(200);
    expect((await call('/public/x')).status).toBe(200);
  });
});

describe('secrets stay in', () => {
  it('never logs keys, tokens or backend credentials', async () => {
    const consumer = await createConsumer(gw.gateway, 'leak-check');
    const { key } = await createKey(gw.gateway, consumer.id);
    await createConnection(gw.gateway, { consumerId: consumer.id, target: 'api', strategy: 'bearer', credentials: { token: 'very-secret-backend-token' } });
    const jwt = await token({ sub: consumer.id });
    await call('/keyed/x', { 'x-api-key': key });
    await call('/jwt/x', { authorization: `Bearer ${jwt}` });
    gw.gateway.flushLogs();
    const logs = gw.logs.lines.join('\n');
    for (const secret of [key, jwt, 'very-secret-backend-token', 'backend-secret-acme']) expect(logs).not.toContain(secret);
  });
});
