/**
 * OAuth 1.0a "one-legged" signing as WooCommerce verifies it over plain HTTP
 * (platforms/woocommerce.md §2.3, class-wc-rest-authentication.php): consumer key and secret,
 * no token, no oauth_version, HMAC-SHA1 or HMAC-SHA256, the oauth_* parameters in the query
 * or in an `Authorization: OAuth` header. RFC 5849 §3.4, with WooCommerce's differences noted.
 */
import { createHmac } from 'node:crypto';
import { decodeComponent, queryPairs, rfc3986 } from './percent-encoding.js';
import { removeHeader, type InjectionRequest } from './strategy.js';

export interface OAuth1Options {
  readonly signatureMethod: 'HMAC-SHA1' | 'HMAC-SHA256';
  readonly placement: 'query' | 'header';
}

export interface OAuth1Credentials {
  readonly consumerKey: string;
  readonly consumerSecret: string;
}

export function signOAuth1(request: InjectionRequest, options: OAuth1Options, credentials: OAuth1Credentials, form: string | undefined, nonce: string, nowMs: number): void {
  // A client's own oauth_* parameters never reach the backend.
  const query = request.query
    .split('&')
    .filter((part) => part !== '' && !decodeComponent(part.split('=', 1)[0]!).toLowerCase().startsWith('oauth_'))
    .join('&');
  const oauth: [string, string][] = [
    ['oauth_consumer_key', credentials.consumerKey],
    ['oauth_nonce', nonce],
    ['oauth_signature_method', options.signatureMethod],
    ['oauth_timestamp', String(Math.floor(nowMs / 1000))],
  ];
  // The server signs every query and form parameter with the oauth_* ones ($_GET, $_POST, header).
  const params = [...queryPairs(query), ...queryPairs(form ?? ''), ...oauth];
  const base = [request.method.toUpperCase(), rfc3986(request.origin + request.path), rfc3986(normalizedParameters(params))].join('&');
  // WooCommerce keys with the secret as it is plus "&" (RFC 5849 §3.4.2 would percent-encode it; cs_ secrets are hex).
  const algorithm = options.signatureMethod === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  const signature = createHmac(algorithm, `${credentials.consumerSecret}&`).update(base, 'utf8').digest('base64');
  oauth.push(['oauth_signature', signature]);

  // A client's Authorization would be read too (WooCommerce merges header parameters over the query's).
  removeHeader(request.headers, 'authorization');
  if (options.placement === 'header') {
    // RFC 5849 §3.5.1.
    request.headers.authorization = `OAuth ${oauth.map(([k, v]) => `${k}="${rfc3986(v)}"`).join(', ')}`;
    request.query = query;
  } else {
    const added = oauth.map(([k, v]) => `${k}=${rfc3986(v)}`).join('&');
    request.query = query === '' ? added : `${query}&${added}`;
  }
}

/**
 * The parameter string as WooCommerce builds it from PHP's request arrays: a repeated name
 * keeps its last value, `a[]` is numbered, spaces and dots in names become `_`; names are
 * sorted bytewise (uksort/strcmp) on the top-level name, nested keys keep their order; each
 * `name=value` is RFC 3986-encoded and the pairs are joined with `&`.
 */
export function normalizedParameters(params: readonly [string, string][]): string {
  const groups = new Map<string, Map<string, string>>();
  const counters = new Map<string, number>();
  for (const [name, value] of params) {
    const nested = /^([^[]+)((?:\[[^\]]*\])+)$/.exec(name);
    const top = (nested === null ? name : nested[1]!).replace(/[ .]/g, '_');
    let path = '';
    if (nested !== null) {
      for (const [, key] of nested[2]!.matchAll(/\[([^\]]*)\]/g)) {
        let segment = key!;
        if (segment === '') {
          const at = `${top}${path}`;
          const next = counters.get(at) ?? 0;
          counters.set(at, next + 1);
          segment = String(next);
        }
        path += `[${segment}]`;
      }
    }
    let group = groups.get(top);
    if (group === undefined || path === '' || group.has('')) groups.set(top, (group = new Map()));
    group.set(path, value);
  }
  const names = [...groups.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const pairs: string[] = [];
  for (const top of names) {
    for (const [path, value] of groups.get(top)!) {
      // Nested keys go in as PHP has them, only their brackets encoded (join_with_equals_sign).
      pairs.push(`${rfc3986(top)}${path.replace(/\[/g, '%5B').replace(/\]/g, '%5D')}=${rfc3986(value)}`);
    }
  }
  return pairs.join('&');
}
