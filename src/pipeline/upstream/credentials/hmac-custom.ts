/**
 * Request signing with a configurable canonical string: a template says what is signed, an
 * HMAC (sha256, sha1 or sha512; hex or base64) signs it, and header or query-parameter
 * templates say where the signature, time and nonce go. Everything without `{signature}` is
 * placed first, so the canonical string sees the attempt exactly as it is sent.
 *
 *   canonical: "{method}\n{path}\n{query}\n{timestamp}\n{nonce}\n{body_sha256}"
 *   headers:   { X-Timestamp: "{timestamp}", X-Nonce: "{nonce}", X-Signature: "{signature}" }
 */
import { createHash, createHmac } from 'node:crypto';
import { queryPairs, rfc3986 } from './percent-encoding.js';
import { SettingsProblem } from './settings.js';
import { HEADER_NAME } from './static-strategies.js';
import { appendQueryParam, removeHeader, removeQueryParam, type InjectionRequest } from './strategy.js';

/** `{header:name}` reads an attempt header; `{signature}` only in headers and query_params. */
const NAMES = new Set(['method', 'path', 'query', 'host', 'timestamp', 'nonce', 'body_sha256', 'body_sha256_base64', 'key_id', 'signature', 'header']);
const BODY_NAMES = new Set(['body_sha256', 'body_sha256_base64']);
const HEADER = new RegExp(HEADER_NAME);

type Part = string | { readonly name: string; readonly arg: string };

export class Template {
  private constructor(private readonly parts: readonly Part[]) {}

  static compile(text: string, where: string, signed: boolean): Template {
    const parts: Part[] = [];
    let last = 0;
    for (const match of text.matchAll(/\{([^{}]*)\}/g)) {
      const [name = '', arg = ''] = match[1]!.split(/:(.*)/s, 2);
      const known = NAMES.has(name) && (name === 'header' ? HEADER.test(arg) : arg === '');
      if (!known) throw new SettingsProblem(`${where}: unknown placeholder {${match[1]}}`);
      if (name === 'signature' && signed) throw new SettingsProblem(`${where}: the signed string cannot contain {signature}`);
      if (match.index > last) parts.push(text.slice(last, match.index));
      parts.push({ name, arg: arg.toLowerCase() });
      last = match.index + match[0].length;
    }
    if (last < text.length) parts.push(text.slice(last));
    return new Template(parts);
  }

  uses(names: ReadonlySet<string> | string): boolean {
    return this.parts.some((p) => typeof p !== 'string' && (typeof names === 'string' ? p.name === names : names.has(p.name)));
  }

  render(value: (name: string, arg: string) => string): string {
    let out = '';
    for (const part of this.parts) out += typeof part === 'string' ? part : value(part.name, part.arg);
    return out;
  }
}

export interface CustomOptions {
  readonly canonical: Template;
  readonly algorithm: 'sha256' | 'sha1' | 'sha512';
  readonly encoding: 'hex' | 'base64' | 'base64url';
  readonly secretEncoding: 'utf8' | 'base64' | 'hex';
  readonly query: 'sorted' | 'raw';
  readonly timestamp: 'seconds' | 'milliseconds' | 'iso8601';
  /** Lower-case header names. */
  readonly headers: readonly [string, Template][];
  readonly queryParams: readonly [string, Template][];
  /** Some template hashes the body. */
  readonly needsBody: boolean;
}

export function compileTemplates(canonical: string, headers: Record<string, string>, queryParams: Record<string, string>) {
  const placed = (entries: Record<string, string>, where: string): [string, Template][] =>
    Object.entries(entries).map(([name, text]) => [name, Template.compile(text, `/${where}/${name}`, false)]);
  for (const name of Object.keys(headers)) if (!HEADER.test(name)) throw new SettingsProblem(`/headers/${name}: not a header name`);
  const compiled = {
    canonical: Template.compile(canonical, '/canonical', true),
    headers: placed(headers, 'headers').map(([n, t]): [string, Template] => [n.toLowerCase(), t]),
    queryParams: placed(queryParams, 'query_params'),
  };
  const all = [compiled.canonical, ...compiled.headers.map(([, t]) => t), ...compiled.queryParams.map(([, t]) => t)];
  if (!all.some((t) => t.uses('signature'))) throw new SettingsProblem('/headers: no header or query parameter carries {signature}');
  return { ...compiled, needsBody: all.some((t) => t.uses(BODY_NAMES)), usesKeyId: all.some((t) => t.uses('key_id')) };
}

export interface CustomCredentials {
  readonly secret: string;
  readonly keyId: string;
}

/** Signs the attempt; `body` is the whole body ('' when there is none). */
export function signCustom(request: InjectionRequest, options: CustomOptions, credentials: CustomCredentials, body: Buffer | undefined, nonce: string, nowMs: number): void {
  const timestamp =
    options.timestamp === 'iso8601' ? new Date(nowMs).toISOString() : options.timestamp === 'milliseconds' ? String(nowMs) : String(Math.floor(nowMs / 1000));
  let signature = '';
  const value = (name: string, arg: string): string => {
    switch (name) {
      case 'method':
        return request.method.toUpperCase();
      case 'path':
        return request.path;
      case 'query':
        return options.query === 'raw' ? request.query : sortedQuery(request.query);
      case 'host':
        return request.origin.slice(request.origin.indexOf('//') + 2);
      case 'timestamp':
        return timestamp;
      case 'nonce':
        return nonce;
      case 'key_id':
        return credentials.keyId;
      case 'body_sha256':
        return createHash('sha256').update(body ?? '').digest('hex');
      case 'body_sha256_base64':
        return createHash('sha256').update(body ?? '').digest('base64');
      case 'header': {
        const v = request.headers[arg];
        return Array.isArray(v) ? v.join(', ') : (v ?? '');
      }
      default:
        return signature;
    }
  };

  // What a client sent under the names we set never reaches the backend.
  for (const [name] of options.headers) removeHeader(request.headers, name);
  for (const [name] of options.queryParams) request.query = removeQueryParam(request.query, name);
  const place = (withSignature: boolean): void => {
    for (const [name, t] of options.headers) if (t.uses('signature') === withSignature) request.headers[name] = t.render(value);
    for (const [name, t] of options.queryParams) if (t.uses('signature') === withSignature) request.query = appendQueryParam(request.query, name, t.render(value));
  };
  place(false);
  const key = Buffer.from(credentials.secret, options.secretEncoding);
  signature = createHmac(options.algorithm, key).update(options.canonical.render(value), 'utf8').digest(options.encoding);
  place(true);
}

/** Decoded, RFC 3986-encoded again, sorted by name then value (as RFC 5849 §3.4.1.3.2 does). */
function sortedQuery(query: string): string {
  return queryPairs(query)
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}
