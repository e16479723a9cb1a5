/**
 * Framing checks a careful proxy makes before routing (RFC 9112 §3.2, §6.3; request
 * smuggling defences). Node's parser already refuses Content-Length with
 * Transfer-Encoding, conflicting Content-Lengths and bad header bytes (→ clientError);
 * what it lets through is checked here.
 */
import type { IncomingMessage } from 'node:http';
import { UnigateError } from '../errors/unigate-error.js';

export interface RequestTarget {
  /** Path as sent, without query. */
  path: string;
  /** Query without '?', '' when none. */
  query: string;
  /** Host from the Host header (or the absolute-form authority), lower case, without port. */
  host: string;
}

export function checkRequest(req: IncomingMessage): RequestTarget {
  const raw = req.rawHeaders;
  let hosts = 0;
  let contentLengths = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') hosts++;
    else if (name.length === 14 && name.toLowerCase() === 'content-length') contentLengths++;
  }
  if (hosts > 1) throw bad('more than one Host header');
  if (contentLengths > 1) throw bad('more than one Content-Length header');
  if (req.headers['transfer-encoding'] !== undefined && req.headers['content-length'] !== undefined) {
    throw bad('Content-Length together with Transfer-Encoding');
  }

  let url = req.url ?? '/';
  let host = hostName(req.headers.host ?? '');
  if (url.charCodeAt(0) !== 47 /* '/' */) {
    // absolute-form (RFC 9112 §3.2.2): only as another name for this request's own Host.
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw bad('unsupported request target form');
    }
    if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.username !== '' || parsed.password !== '') {
      throw bad('unsupported absolute-form request target');
    }
    if (parsed.hostname.toLowerCase() !== host) throw bad('absolute-form target names a host other than the Host header');
    url = parsed.pathname + parsed.search;
    host = parsed.hostname.toLowerCase();
  }
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  if (hasDotSegment(path)) throw bad('dot segments (/./ or /../) are not allowed in the path');
  return { path, query, host };
}

function bad(reason: string): UnigateError {
  return new UnigateError('BAD_REQUEST', { message: `The request is malformed: ${reason}`, details: { reason } });
}

/** Host header value → host name: lower case, port and IPv6 brackets kept apart. */
export function hostName(value: string): string {
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return (end === -1 ? value : value.slice(0, end + 1)).toLowerCase();
  }
  const colon = value.indexOf(':');
  return (colon === -1 ? value : value.slice(0, colon)).toLowerCase();
}

/** `.` or `..` segments, percent-encoded or not: an upstream may resolve them past the route prefix. */
function hasDotSegment(path: string): boolean {
  if (path.indexOf('.') === -1 && path.indexOf('%') === -1) return false;
  for (const segment of path.split('/')) {
    const s = segment.length <= 6 ? segment.toLowerCase().replace(/%2e/g, '.') : segment;
    if (s === '.' || s === '..') return true;
  }
  return false;
}
