/**
 * An OAuth2 authorization server on 127.0.0.1 (port 0) for credential tests: the
 * client-credentials and refresh-token grants (RFC 6749 §4.4, §6) with short-lived access
 * tokens and rotated refresh tokens. It counts every call, can revoke tokens, fail with any
 * status or answer slowly, and `protect()` turns it into the resource server's check: an
 * upstream that accepts only live tokens it issued (401 otherwise, RFC 6750 §3.1).
 *
 *   const auth = await startTokenServer({ clientId: 'app', clientSecret: 's3cret' });
 *   const api = await startUpstream(auth.protect());
 *   auth.calls.length; auth.revokeRefreshTokens(); auth.failStatus = 503;
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface TokenCall {
  grantType: string;
  form: URLSearchParams;
  authorization: string | undefined;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
}

export interface TokenServerOptions {
  clientId: string;
  /** Undefined for a public client. */
  clientSecret?: string;
  /** Lifetime of new access tokens in seconds (default 60). */
  expiresIn?: number;
}

export interface TokenServer {
  url: string;
  tokenUrl: string;
  calls: TokenCall[];
  /** Lifetime of the next access tokens, seconds. */
  expiresIn: number;
  /** When set, every call gets this status. */
  failStatus: number | undefined;
  /** Wait before answering, ms. */
  delayMs: number;
  /** Mints a token set without a call (what an admin got from the authorization-code flow). */
  issue(expiresIn?: number): IssuedTokens;
  revokeRefreshTokens(): void;
  revokeAccessToken(token: string): void;
  /** 1, 2, … in order of issue; 0 for tokens it never issued. */
  serialOf(accessToken: string): number;
  /** Every token and secret it handed out or knows, for leak checks. */
  secrets(): string[];
  protect(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
  close(): Promise<void>;
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const access = new Map<string, { expiresAt: number; serial: number }>();
  const refresh = new Set<string>();
  const everIssued: string[] = [];
  let serial = 0;

  const issue = (expiresIn: number): IssuedTokens => {
    const tokens = {
      accessToken: `at_${++serial}_${randomBytes(12).toString('hex')}`,
      refreshToken: `rt_${serial}_${randomBytes(12).toString('hex')}`,
      expiresIn,
    };
    access.set(tokens.accessToken, { expiresAt: Date.now() + expiresIn * 1000, serial });
    refresh.add(tokens.refreshToken);
    everIssued.push(tokens.accessToken, tokens.refreshToken);
    return tokens;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const call: TokenCall = { grantType: form.get('grant_type') ?? '', form, authorization: req.headers.authorization };
      state.calls.push(call);
      setTimeout(() => answer(req, res, call), state.delayMs);
    });
  });

  const json = (res: http.ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const answer = (req: http.IncomingMessage, res: http.ServerResponse, call: TokenCall): void => {
    if (state.failStatus !== undefined) return json(res, state.failStatus, { error: 'temporarily_unavailable' });
    if (req.method !== 'POST' || req.url !== '/token' || !/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
      return json(res, 400, { error: 'invalid_request' });
    }
    if (!clientAuthenticated(call)) return json(res, 401, { error: 'invalid_client', error_description: 'bad client credentials' });
    if (call.grantType === 'client_credentials') {
      const t = issue(state.expiresIn);
      return json(res, 200, { access_token: t.accessToken, token_type: 'Bearer', expires_in: t.expiresIn, scope: call.form.get('scope') ?? undefined });
    }
    if (call.grantType === 'refresh_token') {
      const old = call.form.get('refresh_token') ?? '';
      // The description quotes the token, as some servers do: it must never reach logs or clients.
      if (!refresh.has(old)) return json(res, 400, { error: 'invalid_grant', error_description: `refresh token ${old} is revoked` });
      refresh.delete(old); // rotation: a refresh token works once
      const t = issue(state.expiresIn);
      return json(res, 200, { access_token: t.accessToken, token_type: 'Bearer', expires_in: t.expiresIn, refresh_token: t.refreshToken });
    }
    return json(res, 400, { error: 'unsupported_grant_type' });
  };

  // RFC 6749 §2.3.1: Basic with form-encoded id and secret, or both in the body; public clients send client_id only.
  const clientAuthenticated = (call: TokenCall): boolean => {
    let id = call.form.get('client_id');
    let secret = call.form.get('client_secret');
    if (call.authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(call.authorization.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const form = new URLSearchParams(`i=${decoded.slice(0, colon)}&s=${decoded.slice(colon + 1)}`);
      id = form.get('i');
      secret = form.get('s');
    }
    return id === options.clientId && (options.clientSecret === undefined ? secret === null : secret === options.clientSecret);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: TokenServer = {
    url,
    tokenUrl: `${url}/token`,
    calls: [],
    expiresIn: options.expiresIn ?? 60,
    failStatus: undefined,
    delayMs: 0,
    issue: (expiresIn) => issue(expiresIn ?? state.expiresIn),
    revokeRefreshTokens: () => refresh.clear(),
    revokeAccessToken: (token) => void access.delete(token),
    serialOf: (token) => access.get(token)?.serial ?? 0,
    secrets: () => [...everIssued, ...(options.clientSecret === undefined ? [] : [options.clientSecret])],
    protect: () => (req, res) => {
      req.resume();
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      const known = access.get(token);
      if (known === undefined || Date.now() >= known.expiresAt) {
        res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"', 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_token' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, token_serial: known.serial }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}
