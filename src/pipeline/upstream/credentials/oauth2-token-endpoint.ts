/**
 * One call to an OAuth2 token endpoint (RFC 6749 §3.2): a form-encoded POST with client
 * authentication (§2.3.1), answered by a token (§5.1) or an error (§5.2). Failures are
 * sorted into refusals (the grant or client is no good: re-authorization needed) and
 * transient ones (try again later). Neither carries the endpoint's body or any token.
 */
import { request } from 'undici';
import type { OAuthTokenSet } from '../../../store/state/types.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

export interface TokenRequest {
  readonly url: string;
  readonly clientId: string;
  /** Absent for public clients, which send only `client_id` (RFC 6749 §3.2.1). */
  readonly clientSecret: string | undefined;
  readonly authMethod: ClientAuthMethod;
  /** `grant_type` and its parameters. */
  readonly params: Record<string, string>;
}

export class TokenEndpointError extends Error {
  constructor(
    /** `refused`: 400/401 from the endpoint; `transient`: anything else (5xx, timeout, bad JSON). */
    readonly kind: 'refused' | 'transient',
    /** The OAuth `error` code when the endpoint sent a well-formed one, else a code of ours. */
    readonly reason: string,
    readonly status: number | undefined,
  ) {
    super(`token endpoint ${kind}: ${reason}${status === undefined ? '' : ` (HTTP ${status})`}`);
    this.name = 'TokenEndpointError';
  }
}

const TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 64 * 1024;
// RFC 6749 §5.2 limits `error` to printable ASCII; we keep only plain codes so nothing else leaks.
const ERROR_CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export async function requestToken(call: TokenRequest): Promise<OAuthTokenSet> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  };
  const form = new URLSearchParams(call.params);
  if (call.clientSecret !== undefined && call.authMethod === 'client_secret_basic') {
    // §2.3.1: id and secret are form-encoded before Basic encoding.
    const pair = `${formEncode(call.clientId)}:${formEncode(call.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  } else {
    form.set('client_id', call.clientId);
    if (call.clientSecret !== undefined) form.set('client_secret', call.clientSecret);
  }

  let status: number;
  let body: string;
  try {
    const res = await request(call.url, {
      method: 'POST',
      headers,
      body: form.toString(),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    status = res.statusCode;
    body = await readCapped(res.body);
  } catch (err) {
    const { code, name } = err as { code?: unknown; name?: unknown };
    const reason = [code, name].find((c): c is string => typeof c === 'string' && ERROR_CODE.test(c)) ?? 'request_failed';
    throw new TokenEndpointError('transient', reason, undefined);
  }

  if (status >= 200 && status < 300) return parseToken(body, status);
  if (status === 400 || status === 401) {
    const error = parseJson(body)?.error;
    throw new TokenEndpointError('refused', typeof error === 'string' && ERROR_CODE.test(error) ? error : `http_${status}`, status);
  }
  throw new TokenEndpointError('transient', `http_${status}`, status);
}

/** §5.1: access_token and token_type required, expires_in and refresh_token optional. */
function parseToken(body: string, status: number): OAuthTokenSet {
  const json = parseJson(body);
  const accessToken = json?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') throw new TokenEndpointError('transient', 'malformed_token_response', status);
  const tokens: OAuthTokenSet = { accessToken };
  if (typeof json!.token_type === 'string') tokens.tokenType = json!.token_type;
  if (typeof json!.refresh_token === 'string' && json!.refresh_token !== '') tokens.refreshToken = json!.refresh_token;
  if (typeof json!.scope === 'string') tokens.scope = json!.scope;
  // Some servers send expires_in as a string.
  const expiresIn = Number(json!.expires_in);
  if (json!.expires_in !== undefined && json!.expires_in !== null && Number.isFinite(expiresIn) && expiresIn >= 0) {
    tokens.expiresAt = new Date(Date.now() + expiresIn * 1000).toISOString();
  }
  return tokens;
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      throw Object.assign(new Error('token response too large'), { code: 'response_too_large' });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
