/**
 * What the cache stores per key: a response (status, header fields, body and its
 * freshness), a Vary record pointing at variant keys, or a short "pass" marker saying the
 * resource was not cacheable, so concurrent misses stop waiting for each other.
 */
import type { CacheEntry, JsonValue } from '../../store/shared/types.js';
import type { Freshness } from './freshness.js';
import type { StoredHeaders } from './revalidate.js';

export interface ResponseMeta extends Freshness {
  readonly kind: 'response';
  readonly status: number;
  readonly headers: StoredHeaders;
  /** When the response was received, ms since the epoch. */
  readonly responseTime: number;
}

export interface VaryMeta {
  readonly kind: 'vary';
  readonly names: readonly string[];
  readonly nonce: string;
}

export interface PassMeta {
  readonly kind: 'pass';
}

export type Meta = ResponseMeta | VaryMeta | PassMeta;

export interface StoredResponse {
  readonly meta: ResponseMeta;
  readonly body: Buffer;
}

export function metaOf(entry: CacheEntry | undefined): Meta | undefined {
  const kind = entry?.meta.kind;
  return kind === 'response' || kind === 'vary' || kind === 'pass' ? (entry!.meta as unknown as Meta) : undefined;
}

export function toEntry(url: string, tags: readonly string[], meta: Meta, body: Buffer = EMPTY): CacheEntry {
  return { url, tags, meta: meta as unknown as { readonly [key: string]: JsonValue }, body };
}

const EMPTY = Buffer.alloc(0);

// Fields a stored response never replays: computed per answer, or per hop.
const NOT_STORED = new Set(['age', 'set-cookie', 'x-request-id', 'via', 'connection', 'keep-alive', 'transfer-encoding']);

export function storableHeaders(headers: Record<string, string | string[]>, skip: ReadonlySet<string>): StoredHeaders {
  const out: StoredHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!NOT_STORED.has(name) && !skip.has(name)) out[name] = value;
  return out;
}
