/**
 * Cache keys. The primary key names a resource for one tenant: route, the upstream path,
 * the query parameters that matter (sorted), configured request headers, and the tenant
 * (connection and consumer), so one tenant's entry can never answer another. A response
 * with Vary (RFC 9111 §4.1) is stored under a variant key: the primary key, a nonce of the
 * primary's Vary record, and the request's values of the listed headers.
 */
import { hash } from 'node:crypto';
import type { Headers } from './freshness.js';
import { header } from './freshness.js';

export interface KeyParts {
  readonly route: string;
  /** `connection|consumer`, or '' for a cache shared by every caller. */
  readonly tenant: string;
  readonly path: string;
  readonly query: string;
  /** Values of the configured key headers, in configured order. */
  readonly headerValues: readonly string[];
}

/** Keeps the listed parameters (all when `only` is undefined), sorted by name, stable within a name. */
export function normalizeQuery(query: string, only: ReadonlySet<string> | undefined): string {
  if (query === '') return '';
  const pairs = query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair, index) => {
      const eq = pair.indexOf('=');
      return { name: decodeName(eq < 0 ? pair : pair.slice(0, eq)), pair, index };
    })
    .filter((p) => only === undefined || only.has(p.name));
  pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.index - b.index));
  return pairs.map((p) => p.pair).join('&');
}

export function primaryKey(parts: KeyParts): string {
  const text = JSON.stringify([parts.route, parts.tenant, parts.path, parts.query, parts.headerValues]);
  return `${parts.route}:${digest(text)}`;
}

/** Header names a response varies on (lower case), or undefined when it does not vary. */
export function varyNames(headers: Headers): string[] | undefined {
  const vary = header(headers, 'vary');
  if (vary === undefined) return undefined;
  const names = vary.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  return names.length === 0 ? undefined : [...new Set(names)].sort();
}

/** §4.1: the selecting header values, normalised (whitespace collapsed, absent ≠ empty). */
export function variantKey(primary: string, nonce: string, names: readonly string[], request: Headers): string {
  const values = names.map((name) => {
    const value = header(request, name);
    return value === undefined ? null : value.replace(/\s+/g, ' ').trim();
  });
  return `${primary}~${nonce}~${digest(JSON.stringify(values))}`;
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

function digest(text: string): string {
  return hash('sha256', text, 'base64url').slice(0, 32);
}
