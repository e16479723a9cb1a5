/**
 * OAuth 1.0a request signing (RFC 5849) for simulators that verify signed requests and for
 * tests that send them: RFC 3986 encoding, the signature base string, HMAC-SHA1/SHA256
 * signatures, and `Authorization: OAuth …` header parsing.
 *
 *   const oauth = signOAuth1({ method: 'GET', url: 'http://127.0.0.1:9103/wp-json/wc/v3/products',
 *     params: [['per_page', '10']], consumerKey: 'ck_…', consumerSecret: 'cs_…', timestamp, nonce });
 *   // → { oauth_consumer_key, oauth_nonce, oauth_signature, oauth_signature_method, oauth_timestamp }
 */
import { createHmac } from 'node:crypto';

export type OAuth1SignatureMethod = 'HMAC-SHA1' | 'HMAC-SHA256';

/**
 * How parameters enter the base string. `rfc5849`: each `name=value` pair is encoded, the
 * pairs are joined with `&`, and that whole string is encoded again (RFC 5849 §3.4.1.3.2).
 * `single`: names and values are encoded once and joined with the pre-encoded `%3D` and
 * `%26`, which differs from `rfc5849` only for values holding reserved characters.
 */
export type OAuth1ParamEncoding = 'rfc5849' | 'single';

/** RFC 3986 percent-encoding: everything but ALPHA, DIGIT, `-`, `.`, `_`, `~`. */
export function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Sorted by name, then value (byte order), as RFC 5849 §3.4.1.3.2 asks. */
function sortPairs(pairs: Array<[string, string]>): Array<[string, string]> {
  const byBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...pairs].sort((a, b) => byBytes(a[0], b[0]) || byBytes(a[1], b[1]));
}

/**
 * The signature base string: `METHOD&enc(base URL)&enc(params)`. `baseUrl` is the URL
 * without its query; `params` are all query, form and oauth_* parameters except
 * `oauth_signature`, decoded.
 */
export function oauth1BaseString(
  method: string,
  baseUrl: string,
  params: ReadonlyArray<readonly [string, string]>,
  encoding: OAuth1ParamEncoding = 'rfc5849',
): string {
  const encoded = sortPairs(params.map(([k, v]) => [rfc3986(k), rfc3986(v)]));
  const joined =
    encoding === 'rfc5849' ? rfc3986(encoded.map(([k, v]) => `${k}=${v}`).join('&')) : encoded.map(([k, v]) => `${k}%3D${v}`).join('%26');
  return `${method.toUpperCase()}&${rfc3986(baseUrl)}&${joined}`;
}

/** base64(HMAC(key = enc(consumer secret) & enc(token secret), base string)). */
export function oauth1Signature(baseString: string, consumerSecret: string, tokenSecret = '', method: OAuth1SignatureMethod = 'HMAC-SHA1'): string {
  const algorithm = method === 'HMAC-SHA256' ? 'sha256' : 'sha1';
  return createHmac(algorithm, `${rfc3986(consumerSecret)}&${rfc3986(tokenSecret)}`).update(baseString).digest('base64');
}

export interface OAuth1SignInput {
  method: string;
  /** URL without the query string. */
  url: string;
  /** Query and form parameters that travel with the request (decoded). */
  params?: ReadonlyArray<readonly [string, string]>;
  consumerKey: string;
  consumerSecret: string;
  token?: string;
  tokenSecret?: string;
  signatureMethod?: OAuth1SignatureMethod;
  /** Seconds since the epoch. */
  timestamp: number;
  nonce: string;
  /** Include `oauth_version=1.0` (some servers, e.g. WooCommerce, ask to leave it out). */
  version?: boolean;
  encoding?: OAuth1ParamEncoding;
}

/** The oauth_* parameters of a signed request, `oauth_signature` included. */
export function signOAuth1(input: OAuth1SignInput): Record<string, string> {
  const oauth: Record<string, string> = {
    oauth_consumer_key: input.consumerKey,
    oauth_nonce: input.nonce,
    oauth_signature_method: input.signatureMethod ?? 'HMAC-SHA1',
    oauth_timestamp: String(input.timestamp),
  };
  if (input.token !== undefined) oauth.oauth_token = input.token;
  if (input.version) oauth.oauth_version = '1.0';
  const all: Array<[string, string]> = [...(input.params ?? []).map(([k, v]): [string, string] => [k, v]), ...Object.entries(oauth)];
  const base = oauth1BaseString(input.method, input.url, all, input.encoding);
  oauth.oauth_signature = oauth1Signature(base, input.consumerSecret, input.tokenSecret, oauth.oauth_signature_method as OAuth1SignatureMethod);
  return oauth;
}

/** `OAuth k="v", …` for the Authorization header (RFC 5849 §3.5.1). */
export function oauth1Header(oauth: Record<string, string>): string {
  return `OAuth ${Object.entries(oauth)
    .map(([k, v]) => `${rfc3986(k)}="${rfc3986(v)}"`)
    .join(', ')}`;
}

/** The oauth_* parameters of an `Authorization: OAuth …` header, decoded; `realm` is dropped. */
export function parseOAuth1Header(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!/^OAuth\s/i.test(header)) return out;
  for (const m of header.slice(6).matchAll(/(oauth_[a-z_-]*)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) {
    const raw = m[2] ?? m[3] ?? '';
    try {
      out[m[1] as string] = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      out[m[1] as string] = raw;
    }
  }
  return out;
}
