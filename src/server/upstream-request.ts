/**
 * What goes to the upstream: the path after strip/add prefix, and the client's headers
 * minus hop-by-hop ones, plus X-Forwarded-*, Via and X-Request-Id (RFC 9110 §7.6).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { BuiltRoute } from '../config/compile.js';
import { connectionTokens, isHopByHop } from './hop-by-hop.js';
import type { OutgoingHeaders } from './context.js';

const VIA = '1.1 unigate';

/**
 * The path after strip_prefix and add_prefix, to be appended to the target's base path.
 * '' when the request named exactly the stripped prefix: the upstream then gets its base path.
 */
export function upstreamPath(route: BuiltRoute, path: string): string {
  let out = path;
  if (route.stripSegments > 0) {
    let index = 0;
    for (let n = 0; n < route.stripSegments && index !== -1; n++) index = path.indexOf('/', index + 1);
    out = index === -1 ? '' : path.slice(index);
  }
  if (route.addPrefix === '') return out;
  if (out === '') return route.addPrefix;
  return route.addPrefix.endsWith('/') ? route.addPrefix + out.slice(1) : route.addPrefix + out;
}

/** Target base path + route path + query, as the request line's target. */
export function requestTarget(basePath: string, path: string, query: string): string {
  const full = basePath + path;
  return (full === '' ? '/' : full) + (query === '' ? '' : `?${query}`);
}

export interface ForwardedInfo {
  clientIp: string;
  proto: 'http' | 'https';
  requestId: string;
  preserveHost: boolean;
  /** Keep the client's X-Forwarded-Proto/Host (behind a trusted load balancer). */
  trustForwarded: boolean;
}

/**
 * The same headers less one (lower-case) name, as a new object: `delete` would turn the
 * object into a slow dictionary that every later copy and undici's header walk pay for.
 */
export function withoutHeader(headers: OutgoingHeaders, name: string): OutgoingHeaders {
  if (headers[name] === undefined) return headers;
  const out: OutgoingHeaders = {};
  for (const key in headers) if (key !== name) out[key] = headers[key]!;
  return out;
}

/** `withheld`: one more client header (lower case) not to forward. */
export function upstreamHeaders(headers: IncomingHttpHeaders, info: ForwardedInfo, withheld?: string): OutgoingHeaders {
  const out: OutgoingHeaders = {};
  const listed = connectionTokens(headers.connection);
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || isHopByHop(name) || name === 'host' || name === 'expect' || name === withheld || listed?.has(name)) continue;
    out[name] = value;
  }
  if (info.preserveHost && headers.host !== undefined) out.host = headers.host;
  const xff = headers['x-forwarded-for'];
  out['x-forwarded-for'] = xff === undefined ? info.clientIp : `${Array.isArray(xff) ? xff.join(', ') : xff}, ${info.clientIp}`;
  if (!info.trustForwarded || out['x-forwarded-proto'] === undefined) out['x-forwarded-proto'] = info.proto;
  if ((!info.trustForwarded || out['x-forwarded-host'] === undefined) && headers.host !== undefined) out['x-forwarded-host'] = headers.host;
  const via = headers.via;
  out.via = via === undefined ? VIA : `${Array.isArray(via) ? via.join(', ') : via}, ${VIA}`;
  out['x-request-id'] = info.requestId;
  return out;
}
