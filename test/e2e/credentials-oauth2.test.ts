/**
 * OAuth2 credential injection end to end: a real gateway, a token server and a protected
 * upstream on loopback, no fakes. The token server counts its calls, which proves single
 * flight (100 concurrent requests in one gateway; two gateways sharing PostgreSQL), renewal
 * ahead of expiry and on 401 (once, never a loop), re-authorization after a revoked refresh
 * token, and transient token endpoint failures that leave the connection active.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { openTokenSet } from '../../src/secrets/connection-secrets.js';
import { saveInitialTokenSet } from '../../src/pipeline/upstream/credentials/oauth2-refresh-token.js';
import type { JsonObject } from '../../src/store/state/types.js';
import { createConnection } from '../helpers/connections.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { startTokenServer, type TokenServer } from '../helpers/oauth2-server.js';
import { closePostgresAdmin, freshDatabase } from '../helpers/postgres.js';
import { closedPort, startUpstream, type Handler, type TestUpstream } from '../helpers/upstream.js';

const CLIENT_ID = 'unigate-client';
const CLIENT_SECRET = `cs_${randomBytes(10).toString('hex')}`;
const CONN = 'conn_api';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});
afterAll(closePostgresAdmin);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): { ok?: boolean; token_serial?: number; error?: { code: string; message: string; details?: Record<string, unknown> } };
}

interface Setup {
  auth: TokenServer;
  api: TestUpstream;
  gateways: TestGateway[];
  gw: TestGateway;
  get(gw?: TestGateway): Promise<Answer>;
  refreshCalls(): number;
  /** No token or secret in any log line or response body seen so far. */
  expectNoLeaks(): void;
}

interface SetupOptions {
  strategy?: 'oauth2_refresh_token' | 'oauth2_client_credentials';
  settings?: JsonObject;
  /** The connection's first token set, from the token server; none when absent. */
  tokens?: (auth: TokenServer) => Parameters<typeof saveInitialTokenSet>[2] | undefined;
  /** The secret the token server expects, and the one the connection holds (default CLIENT_SECRET). */
  serverSecret?: string;
  clientSecret?: string;
  apiHandler?: (auth: TokenServer) => Handler;
  /** Extra top-level YAML (stores) and environment, and how many gateways. */
  yaml?: string;
  env?: NodeJS.ProcessEnv;
  instances?: number;
}

async function setup(options: SetupOptions = {}): Promise<Setup> {
  const clientSecret = options.clientSecret ?? CLIENT_SECRET;
  const auth = await startTokenServer({ clientId: CLIENT_ID, clientSecret: options.serverSecret ?? clientSecret });
  cleanups.push(() => auth.close());
  const api = await startUpstream(options.apiHandler?.(auth) ?? auth.protect());
  cleanups.push(() => api.close());
  const yaml = `${options.yaml ?? ''}
upstreams:
  api:
    targets: [{ url: "${api.url}" }]
    credentials: { connection: ${CONN} }
    circuit_breaker: { enabled: false }
routes: [{ name: r, match: { path: /* }, upstream: api }]
`;
  const gateways: TestGateway[] = [];
  for (let i = 0; i < (options.instances ?? 1); i++) {
    const gw = await startGateway(yaml, options.env);
    cleanups.push(() => gw.close());
    gateways.push(gw);
  }
  const gw = gateways[0]!;
  await createConnection(gw, {
    id: CONN,
    target: 'api',
    authStrategy: options.strategy ?? 'oauth2_refresh_token',
    authSettings: { token_url: auth.tokenUrl, ...options.settings },
    credentials: { client_id: CLIENT_ID, client_secret: clientSecret },
    tokens: options.tokens?.(auth),
  });
  const bodies: string[] = [];
  return {
    auth,
    api,
    gateways,
    gw,
    async get(target = gw) {
      const res = await request(`${target.url}/orders?limit=5`);
      const text = await res.body.text();
      bodies.push(text);
      return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
    },
    refreshCalls: () => auth.calls.length,
    expectNoLeaks() {
      const secrets = [...auth.secrets(), clientSecret];
      for (const g of gateways) g.gateway.flushLogs();
      const seen = [...gateways.flatMap((g) => g.logs.lines), ...bodies];
      for (const secret of secrets) for (const text of seen) expect(text).not.toContain(secret);
    },
  };
}

/** A token set whose access token has expired in the gateway's eyes. */
const expired = (auth: TokenServer) => {
  const t = auth.issue();
  auth.revokeAccessToken(t.accessToken);
  return { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: new Date(Date.now() - 60_000) };
};
const live = (auth: TokenServer, lifetime?: number) => {
  const t = auth.issue(lifetime);
  return { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresIn: t.expiresIn };
};

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('oauth2_refresh_token', () => {
  it('refreshes an expired token once for 100 concurrent requests, and stores the rotated set', async () => {
    const s = await setup({ tokens: expired });
    s.auth.delayMs = 100; // the refresh is still running while the requests pile up
    const answers = await Promise.all(Array.from({ length: 100 }, () => s.get()));
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
    expect(s.refreshCalls()).toBe(1);
    expect(s.auth.calls[0]!.grantType).toBe('refresh_token');
    expect(new Set(answers.map((a) => a.json().token_serial))).toEqual(new Set([2]));

    const { state, keyring } = s.gw.gateway.services;
    const stored = openTokenSet(keyring, (await state.getSecret(CONN, 'oauth_tokens'))!);
    expect(s.auth.serialOf(stored.accessToken)).toBe(2);
    expect(stored.refreshToken).toMatch(/^rt_2_/); // the rotated refresh token replaced the used one
    const connection = (await state.getConnection(CONN))!;
    expect(connection.status).toBe('active');
    expect(connection.tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    s.expectNoLeaks();
  });

  it('renews in the background before expiry, while the current token keeps working', async () => {
    const s = await setup({ tokens: (auth) => live(auth, 4), settings: { refresh_before: '3s' } });
    // Lifetime 4 s: renewal is due after half of it (refresh_before is capped at half), expiry at 4 s.
    expect((await s.get()).json().token_serial).toBe(1);
    expect(s.refreshCalls()).toBe(0);
    await sleep(2_300);
    const during = await s.get();
    expect(during.status).toBe(200);
    expect(during.json().token_serial).toBe(1); // not kept waiting: the old token is still good
    await waitFor(() => s.refreshCalls() === 1);
    await sleep(50);
    const after = await s.get();
    expect(after.json().token_serial).toBe(2);
    expect(s.refreshCalls()).toBe(1);
    expect(s.api.requests).toHaveLength(3); // never a 401 and a re-send
    s.expectNoLeaks();
  });

  it('on a 401 refreshes once and re-sends the attempt with the new token', async () => {
    const s = await setup({ tokens: (auth) => live(auth) });
    const first = await s.get();
    expect(first.json().token_serial).toBe(1);
    const old = s.api.requests[0]!.headers.authorization;
    s.auth.revokeAccessToken(old!.slice('Bearer '.length));

    const res = await s.get();
    expect(res.status).toBe(200);
    expect(res.json().token_serial).toBe(2);
    expect(s.refreshCalls()).toBe(1);
    expect(s.api.requests.map((r) => r.headers.authorization)).toEqual([old, old, expect.stringMatching(/^Bearer at_2_/)]);
    s.expectNoLeaks();
  });

  it('passes a second 401 through: one refresh and one re-send per request, never a loop', async () => {
    const s = await setup({
      tokens: (auth) => live(auth),
      apiHandler: () => (req, res) => {
        req.resume();
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' }).end('{"error":"invalid_token"}');
      },
    });
    const res = await s.get();
    expect(res.status).toBe(401);
    expect(res.text).toBe('{"error":"invalid_token"}');
    expect(s.api.requests).toHaveLength(2);
    expect(s.refreshCalls()).toBe(1);
    expect(s.api.requests[1]!.headers.authorization).not.toBe(s.api.requests[0]!.headers.authorization);

    expect((await s.get()).status).toBe(401);
    expect(s.api.requests).toHaveLength(4);
    expect(s.refreshCalls()).toBe(2);
    s.expectNoLeaks();
  });

  it('marks the connection needs_reauth on a revoked refresh token, answers 502, and stops calling the token endpoint', async () => {
    const s = await setup({ tokens: expired });
    s.auth.revokeRefreshTokens();
    s.auth.delayMs = 50;
    const answers = await Promise.all(Array.from({ length: 20 }, () => s.get()));
    for (const a of answers) {
      expect(a.status).toBe(502);
      expect(a.json().error!.code).toBe('CONNECTOR_AUTH_FAILED');
    }
    expect(s.refreshCalls()).toBe(1);
    expect(s.api.requests).toHaveLength(0);

    const { state } = s.gw.gateway.services;
    const connection = (await state.getConnection(CONN))!;
    expect(connection.status).toBe('needs_reauth');
    expect(connection.statusReason).toContain('invalid_grant');
    expect(connection.statusReason).not.toContain('revoked'); // the endpoint's description stays out
    const events = await state.listAuditEvents({ entityId: CONN });
    expect(events.find((e) => e.action === 'connection.needs_reauth')?.actor).toBe('system:oauth-refresh');

    const next = await s.get();
    expect(next.status).toBe(502);
    expect(next.json().error!.code).toBe('CONNECTOR_AUTH_FAILED');
    expect(s.refreshCalls()).toBe(1);

    // An administrator re-authorizes: the connection is active again at once.
    await saveInitialTokenSet(s.gw.gateway.services, CONN, live(s.auth), 'admin');
    const healed = await s.get();
    expect(healed.status).toBe(200);
    expect(healed.json().token_serial).toBe(2);
    expect((await state.getConnection(CONN))!.status).toBe('active');
    s.expectNoLeaks();
  });

  it('answers 502 on a transient token endpoint failure but keeps the connection active', async () => {
    const s = await setup({ tokens: expired });
    s.auth.failStatus = 503;
    const res = await s.get();
    expect(res.status).toBe(502);
    expect(res.json().error!.code).toBe('CONNECTOR_AUTH_FAILED');
    expect(res.json().error!.details).toMatchObject({ reason: 'token_endpoint_unavailable' });
    expect(res.headers['retry-after']).toBe('1');
    expect(s.refreshCalls()).toBe(1);
    // Right after a failure, requests fail fast instead of hammering the endpoint.
    expect((await s.get()).status).toBe(502);
    expect(s.refreshCalls()).toBe(1);
    const { state } = s.gw.gateway.services;
    expect((await state.getConnection(CONN))!.status).toBe('active');

    s.auth.failStatus = undefined;
    await sleep(1_100);
    const recovered = await s.get();
    expect(recovered.status).toBe(200);
    expect(s.refreshCalls()).toBe(2);
    expect(s.api.requests).toHaveLength(1);
    s.expectNoLeaks();
  });

  it('treats an unreachable token endpoint as transient', async () => {
    const port = await closedPort();
    const s = await setup({ tokens: expired, settings: { token_url: `http://127.0.0.1:${port}/token` } });
    const res = await s.get();
    expect(res.status).toBe(502);
    expect(res.json().error!.details).toMatchObject({ reason: 'token_endpoint_unavailable' });
    expect((await s.gw.gateway.services.state.getConnection(CONN))!.status).toBe('active');
  });

  it('refreshes once across two gateways that share one PostgreSQL state store', async () => {
    const db = await freshDatabase();
    cleanups.push(() => db.drop());
    const s = await setup({
      tokens: expired,
      instances: 2,
      yaml: `stores: { state: "${db.url}" }`,
      env: { UNIGATE_MASTER_KEY: randomBytes(32).toString('base64') },
    });
    s.auth.delayMs = 200;
    const [a, b] = s.gateways as [TestGateway, TestGateway];
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => s.get(i % 2 === 0 ? a : b)));
    expect(answers.map((x) => x.status)).toEqual(Array(100).fill(200));
    expect(s.refreshCalls()).toBe(1);
    expect(new Set(answers.map((x) => x.json().token_serial))).toEqual(new Set([2]));
    s.expectNoLeaks();
  });
});

describe('oauth2_client_credentials', () => {
  it('gets one token for concurrent requests, posts the client credentials, and renews on 401', async () => {
    const s = await setup({
      strategy: 'oauth2_client_credentials',
      settings: { auth_method: 'client_secret_post', scope: 'orders:read', audience: 'https://api.example' },
    });
    s.auth.delayMs = 50;
    const answers = await Promise.all(Array.from({ length: 20 }, () => s.get()));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(s.refreshCalls()).toBe(1);
    const call = s.auth.calls[0]!;
    expect(call.authorization).toBeUndefined();
    expect(Object.fromEntries(call.form)).toEqual({
      grant_type: 'client_credentials',
      scope: 'orders:read',
      audience: 'https://api.example',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });

    const { state, keyring } = s.gw.gateway.services;
    const stored = openTokenSet(keyring, (await state.getSecret(CONN, 'oauth_tokens'))!);
    expect(s.auth.serialOf(stored.accessToken)).toBe(1);

    s.auth.revokeAccessToken(stored.accessToken);
    const res = await s.get();
    expect(res.json().token_serial).toBe(2);
    expect(s.refreshCalls()).toBe(2);
    s.expectNoLeaks();
  });

  it('authenticates with HTTP Basic by default, form-encoding id and secret (RFC 6749 §2.3.1)', async () => {
    const secret = 'se cret+/&:ü';
    const s = await setup({ strategy: 'oauth2_client_credentials', clientSecret: secret });
    expect((await s.get()).status).toBe(200);
    const call = s.auth.calls[0]!;
    expect(call.authorization).toMatch(/^Basic /);
    expect(call.form.has('client_secret')).toBe(false);
  });

  it('marks the connection needs_reauth when the client is refused', async () => {
    const s = await setup({ strategy: 'oauth2_client_credentials', serverSecret: 'the-right-secret' });
    const res = await s.get();
    expect(res.status).toBe(502);
    expect(res.json().error!.details).toMatchObject({ upstream: { error: 'invalid_client' } });
    const connection = (await s.gw.gateway.services.state.getConnection(CONN))!;
    expect(connection.status).toBe('needs_reauth');
    expect(connection.statusReason).toContain('invalid_client');
    expect((await s.get()).status).toBe(502);
    expect(s.refreshCalls()).toBe(1);
    s.expectNoLeaks();
  });
});
