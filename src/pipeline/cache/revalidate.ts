/**
 * Validation (RFC 9111 §4.3): the conditional headers a cache sends for a stored response,
 * updating its stored header fields from a 304 (§3.2, §4.3.4), answering a client's own
 * conditional request from a fresh entry (§4.3.2, RFC 9110 §13.1.1–13.1.3), and which URIs
 * an unsafe request invalidates (§4.4).
 */
import { header, type Headers } from './freshness.js';

export type StoredHeaders = Record<string, string | string[]>;

/** If-None-Match from the ETag, If-Modified-Since from Last-Modified; empty when neither. */
export function conditionalHeaders(stored: StoredHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  const etag = header(stored, 'etag');
  const lastModified = header(stored, 'last-modified');
  if (etag !== undefined) out['if-none-match'] = etag;
  if (lastModified !== undefined) out['if-modified-since'] = lastModified;
  return out;
}

export function hasConditionals(request: Headers): boolean {
  return request['if-none-match'] !== undefined || request['if-modified-since'] !== undefined || request['if-match'] !== undefined || request['if-unmodified-since'] !== undefined || request['if-range'] !== undefined;
}

// §3.2: fields a 304 must not replace, the stored body depends on them.
const KEEP_ON_UPDATE = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'content-range']);

/** The stored fields, each one the 304 carries replaced by its value (§3.2). */
export function freshenHeaders(stored: StoredHeaders, notModified: Headers): StoredHeaders {
  const out: StoredHeaders = { ...stored };
  for (const [name, value] of Object.entries(notModified)) {
    if (value === undefined || KEEP_ON_UPDATE.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** §4.3.4: a 304 with a strong ETag that differs from the stored one validated some other response. */
export function validates(stored: StoredHeaders, notModified: Headers): boolean {
  const etag = header(notModified, 'etag');
  if (etag === undefined || etag.startsWith('W/')) return true;
  return header(stored, 'etag') === etag;
}

/**
 * A client's conditional GET against a stored response: true when a 304 answers it.
 * If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); weak comparison (§8.8.3.2).
 */
export function notModifiedFor(request: Headers, stored: StoredHeaders): boolean {
  const ifNoneMatch = header(request, 'if-none-match');
  if (ifNoneMatch !== undefined) {
    const etag = header(stored, 'etag');
    if (ifNoneMatch.trim() === '*') return true;
    if (etag === undefined) return false;
    const opaque = weak(etag);
    return ifNoneMatch.split(',').some((candidate) => weak(candidate.trim()) === opaque);
  }
  const since = Date.parse(header(request, 'if-modified-since') ?? '');
  const modified = Date.parse(header(stored, 'last-modified') ?? '');
  return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
}

/** Fields of a stored response a 304 carries (RFC 9110 §15.4.5). */
export function notModifiedHeaders(stored: StoredHeaders): StoredHeaders {
  const out: StoredHeaders = {};
  for (const name of ['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary', 'last-modified']) {
    const value = stored[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * §4.4: besides the target URI, Location and Content-Location of the response when they
 * are on the same origin; returned as paths (with query) relative to `basePath`.
 */
export function invalidatedPaths(response: Headers, origin: string, basePath: string): string[] {
  const out: string[] = [];
  for (const name of ['location', 'content-location']) {
    const value = header(response, name);
    if (value === undefined) continue;
    let url: URL;
    try {
      url = new URL(value, `${origin}${basePath}/`);
    } catch {
      continue;
    }
    if (url.origin !== origin) continue;
    const path = basePath !== '' && url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
    out.push(path + url.search);
  }
  return out;
}

function weak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
