/**
 * The OAuth 1.0a check a WooCommerce store runs on plain HTTP (platforms/woocommerce.md §2.3,
 * after class-wc-rest-authentication.php), written independently of the gateway's signer:
 * parameters from the query ($_GET), a form body ($_POST) and an `Authorization: OAuth`
 * header; base string `METHOD&enc(site URL + path)&enc(sorted k=v pairs)`; key
 * `consumer_secret&`; timestamp within 15 minutes; each nonce once per key.
 *
 *   const verify = wooCommerceVerifier({ consumerKey, consumerSecret });
 *   const up = await startUpstream(verify.handler((req, res, info) => res.end('ok')));
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';

export interface Verified {
  method: string;
  path: string;
  /** Every signed parameter, oauth_* included (PHP array semantics: last value wins). */
  params: Record<string, string>;
  nonce: string;
  signatureMethod: string;
  /** Where the oauth_* parameters came from. */
  placement: 'query' | 'header';
}

export interface WooCommerceVerifier {
  /** Accepted requests, in order. */
  verified: Verified[];
  /** Refusals: WooCommerce's messages. */
  refused: string[];
  handler(next: (req: http.IncomingMessage, res: http.ServerResponse, info: Verified) => void): (req: http.IncomingMessage, res: http.ServerResponse) => void;
}

const REQUIRED = ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method'];

/** PHP rawurlencode (RFC 3986). */
const rawurlencode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const strcmp = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export function wooCommerceVerifier(options: { consumerKey: string; consumerSecret: string }): WooCommerceVerifier {
  const nonces = new Set<string>();
  const state: WooCommerceVerifier = {
    verified: [],
    refused: [],
    handler: (next) => (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const refuse = (message: string) => {
          state.refused.push(message);
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 'woocommerce_rest_authentication_error', message, data: { status: 401 } }));
        };
        const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
        const params: Record<string, string> = {};
        for (const [k, v] of url.searchParams) params[k] = v; // $_GET
        if (/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
          for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params[k] = v; // $_POST
        }
        let placement: Verified['placement'] = 'query';
        const header = req.headers.authorization ?? '';
        if (header.startsWith('OAuth ')) {
          placement = 'header';
          for (const m of header.slice(6).matchAll(/(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))/g)) {
            params[m[1]!] = decodeURIComponent((m[3] || m[4] || '').replace(/\+/g, ' ')); // urldecode
          }
        }
        const missing = REQUIRED.filter((p) => !params[p]);
        if (missing.length > 0) return refuse(`Missing OAuth parameter(s) ${missing.join(', ')}`);
        if (params.oauth_consumer_key !== options.consumerKey) return refuse('Consumer key is invalid.');

        const given = decodeURIComponent(params.oauth_signature!.replace(/ /g, '+'));
        const signed = { ...params };
        delete signed.oauth_signature;
        const pairs = Object.keys(signed)
          .sort(strcmp)
          .map((k) => rawurlencode(`${rawurlencode(k)}=${rawurlencode(signed[k]!)}`));
        const base = `${req.method!.toUpperCase()}&${rawurlencode(`http://${req.headers.host}${url.pathname}`)}&${pairs.join('%26')}`;
        const method = params.oauth_signature_method!;
        if (method !== 'HMAC-SHA1' && method !== 'HMAC-SHA256') return refuse('Invalid signature - signature method is invalid.');
        const expected = createHmac(method === 'HMAC-SHA1' ? 'sha1' : 'sha256', `${options.consumerSecret}&`).update(base).digest('base64');
        if (expected.length !== given.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(given))) {
          return refuse('Invalid signature - provided signature does not match.');
        }
        if (Math.abs(Date.now() / 1000 - Number(params.oauth_timestamp)) > 15 * 60) return refuse('Invalid timestamp.');
        if (nonces.has(params.oauth_nonce!)) return refuse('Invalid nonce - nonce has already been used.');
        nonces.add(params.oauth_nonce!);
        const info: Verified = { method: req.method!, path: url.pathname, params, nonce: params.oauth_nonce!, signatureMethod: method, placement };
        state.verified.push(info);
        next(req, res, info);
      });
    },
  };
  return state;
}
