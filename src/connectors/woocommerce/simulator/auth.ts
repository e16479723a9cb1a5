/**
 * WooCommerce REST authentication (woocommerce.md §2). Over HTTPS: query-string keys first,
 * then HTTP Basic. Over plain HTTP only OAuth 1.0a one-legged: parameters from the query,
 * a form body and an `Authorization: OAuth` header; the signature covers every parameter
 * but `oauth_signature`, keyed by `consumer_secret&`; ±15 minute timestamps; no nonce twice.
 * An unknown key sets no error: the request goes on anonymously and fails the capability
 * check later with a permission error.
 */
import { timingSafeEqual } from 'node:crypto';
import { oauth1Signature, parseOAuth1Header, rfc3986, type OAuth1ParamEncoding, type OAuth1SignatureMethod } from '../../simulator-kit/oauth1.js';
import type { SimRequest, SimResponse } from '../../simulator-kit/server.js';
import { wcError } from './respond.js';
import type { WooCommerceCredential, WooCommerceSimulatorState } from './state.js';

export type AuthResult = { user: Required<WooCommerceCredential> | undefined } | { error: SimResponse };

const BASIC_REALM = 'Basic realm="WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field."';
const OAUTH_REQUIRED = ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method'] as const;

function authError(message: string, code = 'woocommerce_rest_authentication_error'): { error: SimResponse } {
  return { error: wcError(401, code, message) };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function authenticate(state: WooCommerceSimulatorState, req: SimRequest): AuthResult {
  return state.settings.secure ? basic(state, req) : oauth(state, req);
}

function basic(state: WooCommerceSimulatorState, req: SimRequest): AuthResult {
  let key = req.query.get('consumer_key') ?? '';
  let secret = req.query.get('consumer_secret') ?? '';
  // Query-string keys are checked before the Authorization header (§2.2).
  if (key === '' || secret === '') {
    const header = String(req.headers.authorization ?? '');
    const m = /^Basic\s+(\S+)$/i.exec(header);
    const decoded = m ? Buffer.from(m[1] as string, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    key = colon < 0 ? '' : decoded.slice(0, colon);
    secret = colon < 0 ? '' : decoded.slice(colon + 1);
  }
  if (key === '' || secret === '') return { user: undefined };
  const user = state.credentials.get(key);
  if (!user) return { user: undefined };
  if (!sameText(user.consumerSecret, secret)) {
    const failed = authError('Consumer secret is invalid.');
    failed.error.headers = { 'WWW-Authenticate': BASIC_REALM };
    return failed;
  }
  return { user };
}

/** PHP's rawurldecode, which WooCommerce applies to the already-decoded signature. */
function rawUrlDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Query, form body and header parameters in arrival order (array_merge: later ones win). */
function oauthPairs(req: SimRequest): Array<[string, string]> {
  const pairs: Array<[string, string]> = [...req.query];
  if (String(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    pairs.push(...new URLSearchParams(req.body));
  }
  const header = String(req.headers.authorization ?? '');
  pairs.push(...Object.entries(parseOAuth1Header(header.trim())));
  return pairs;
}

/**
 * The parameters as PHP's request arrays hold them: a repeated name keeps its last value,
 * `a[]` is numbered `a[0]`, `a[1]`…, spaces and dots in names become `_`; sorted bytewise on
 * the top-level name (uksort/strcmp), nested keys in arrival order.
 */
export function phpParams(pairs: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  const groups = new Map<string, Map<string, string>>();
  const counters = new Map<string, number>();
  for (const [name, value] of pairs) {
    const nested = /^([^[]+)((?:\[[^\]]*\])+)$/.exec(name);
    const top = (nested ? (nested[1] as string) : name).replace(/[ .]/g, '_');
    let path = '';
    for (const [, key] of nested ? (nested[2] as string).matchAll(/\[([^\]]*)\]/g) : []) {
      let segment = key as string;
      if (segment === '') {
        const n = counters.get(top + path) ?? 0;
        counters.set(top + path, n + 1);
        segment = String(n);
      }
      path += `[${segment}]`;
    }
    let group = groups.get(top);
    if (!group || path === '' || group.has('')) groups.set(top, (group = new Map()));
    group.set(path, value);
  }
  const names = [...groups.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return names.flatMap((top) => [...(groups.get(top) as Map<string, string>)].map(([path, value]): [string, string] => [top + path, value]));
}

/** The signature base string over PHP-normalized parameters (§2.3), `oauth_signature` excluded. */
export function wcBaseString(method: string, url: string, pairs: ReadonlyArray<readonly [string, string]>, encoding: OAuth1ParamEncoding): string {
  const encoded = phpParams(pairs)
    .filter(([k]) => k !== 'oauth_signature')
    .map(([k, v]) => `${rfc3986(k)}${encoding === 'rfc5849' ? '=' : '%3D'}${rfc3986(v)}`);
  const joined = encoding === 'rfc5849' ? rfc3986(encoded.join('&')) : encoded.join('%26');
  return `${method.toUpperCase()}&${rfc3986(url)}&${joined}`;
}

function oauth(state: WooCommerceSimulatorState, req: SimRequest): AuthResult {
  const pairs = oauthPairs(req);
  const params = new Map(pairs);
  const missing = OAUTH_REQUIRED.filter((k) => (params.get(k) ?? '') === '');
  // No OAuth parameter at all: not an OAuth attempt, so the request is anonymous.
  if (missing.length === OAUTH_REQUIRED.length) return { user: undefined };
  if (missing.length > 0) {
    return authError(`Missing OAuth parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, 'woocommerce_rest_authentication_missing_parameter');
  }
  const user = state.credentials.get(params.get('oauth_consumer_key') as string);
  if (!user) return authError('Consumer key is invalid.');

  const method = params.get('oauth_signature_method') as string;
  if (method !== 'HMAC-SHA1' && method !== 'HMAC-SHA256') return authError('Invalid signature - signature method is invalid.');
  const given = rawUrlDecode(params.get('oauth_signature') as string);
  // The site URL plus the request path, without the query (§2.3; the host must match).
  const base = wcBaseString(req.method, `${req.origin}${req.path}`, pairs, state.settings.oauthEncoding);
  const expected = oauth1Signature(base, user.consumerSecret, '', method as OAuth1SignatureMethod);
  if (!sameText(expected, given)) return authError('Invalid signature - provided signature does not match.');

  const now = Math.floor(state.clock.now() / 1000);
  const window = state.settings.oauthWindowSeconds;
  const timestamp = Number(params.get('oauth_timestamp'));
  if (!Number.isFinite(timestamp) || timestamp < now - window || timestamp > now + window) return authError('Invalid timestamp.');
  let used = state.nonces.get(user.consumerKey);
  if (!used) state.nonces.set(user.consumerKey, (used = new Map()));
  const nonce = params.get('oauth_nonce') as string;
  if (used.has(nonce)) return authError('Invalid nonce - nonce has already been used.');
  used.set(nonce, timestamp);
  // Forget nonces older than the window, as WooCommerce does on every check.
  for (const [n, at] of used) if (at < now - window) used.delete(n);
  return { user };
}

/** The key's own read/write permission, checked before routing (§2). */
export function keyPermissionError(user: Required<WooCommerceCredential>, method: string): SimResponse | undefined {
  const reading = method === 'GET' || method === 'HEAD';
  if (reading && user.permissions === 'write') return wcError(401, 'woocommerce_rest_authentication_error', 'The API key provided does not have read permissions.');
  if (!reading && user.permissions === 'read') return wcError(401, 'woocommerce_rest_authentication_error', 'The API key provided does not have write permissions.');
  return undefined;
}
