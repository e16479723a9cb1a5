/**
 * The cache policy's view of the shared store: lookups that follow Vary records to the
 * right variant, writes of responses (with their Vary record), "pass" markers, and
 * deletes. The cache is an optimisation, so a store that cannot answer reads as a miss
 * and a failed write is dropped.
 */
import { randomUUID } from 'node:crypto';
import type { CacheEntry, CacheStorage } from '../../store/shared/types.js';
import { primaryKey, variantKey, type KeyParts } from './cache-key.js';
import { metaOf, toEntry, type ResponseMeta, type StoredResponse, type VaryMeta } from './entry.js';
import type { Headers } from './freshness.js';

export interface Found {
  readonly response?: StoredResponse;
  /** The Vary record at the primary key, if any. */
  readonly vary?: VaryMeta;
  /** A recent miss was not cacheable: do not wait for concurrent misses. */
  readonly pass?: boolean;
}

export interface Resource {
  readonly key: string;
  /** Client-facing path and query; purge by prefix matches it. */
  readonly url: string;
  readonly tags: readonly string[];
  /** The request's header fields, for Vary. */
  readonly requestHeaders: Headers;
}

/** A pass marker lives briefly: just long enough for the misses that were waiting. */
const PASS_TTL_MS = 5000;
/** A Vary record outlives its variants, so a fresh variant is never orphaned by it. */
const VARY_RECORD_MIN_MS = 600_000;

/** What an entry says about a request; behind a Vary record only a stored response counts. */
function found(entry: CacheEntry | undefined, meta: ReturnType<typeof metaOf>, vary: VaryMeta | undefined): Found {
  if (vary !== undefined) return meta?.kind === 'response' ? { vary, response: { meta, body: entry!.body } } : { vary };
  if (meta?.kind === 'pass') return { pass: true };
  return meta?.kind === 'response' ? { response: { meta, body: entry!.body } } : {};
}

export class CacheStore {
  constructor(private readonly cache: CacheStorage) {}

  static key(parts: KeyParts): string {
    return primaryKey(parts);
  }

  async lookup(key: string, request: Headers): Promise<Found> {
    const first = await this.get(key);
    const meta = metaOf(first);
    if (meta?.kind !== 'vary') return found(first, meta, undefined);
    const variant = await this.get(variantKey(key, meta.nonce, meta.names, request));
    return found(variant, metaOf(variant), meta);
  }

  /** lookup() without waiting, when the backend holds its entries in process; undefined when it does not. */
  lookupNow(key: string, request: Headers): Found | undefined {
    const getNow = this.cache.getNow;
    if (getNow === undefined) return undefined;
    const first = getNow.call(this.cache, key);
    const meta = metaOf(first);
    if (meta?.kind !== 'vary') return found(first, meta, undefined);
    const variant = getNow.call(this.cache, variantKey(key, meta.nonce, meta.names, request));
    return found(variant, metaOf(variant), meta);
  }

  /** Stores a response under its primary or variant key; resolves once written (or dropped). */
  async write(resource: Resource, meta: ResponseMeta, body: Buffer, ttlMs: number, vary: readonly string[] | undefined, existing: VaryMeta | undefined): Promise<void> {
    if (vary === undefined) return this.set(resource.key, toEntry(resource.url, resource.tags, meta, body), ttlMs);
    const same = existing !== undefined && existing.names.length === vary.length && existing.names.every((n, i) => n === vary[i]);
    const record: VaryMeta = same ? existing : { kind: 'vary', names: vary, nonce: randomUUID().slice(0, 8) };
    await this.set(resource.key, toEntry(resource.url, resource.tags, record), Math.max(ttlMs, VARY_RECORD_MIN_MS));
    await this.set(variantKey(resource.key, record.nonce, vary, resource.requestHeaders), toEntry(resource.url, resource.tags, meta, body), ttlMs);
  }

  async pass(resource: Resource): Promise<void> {
    await this.set(resource.key, toEntry(resource.url, resource.tags, { kind: 'pass' }), PASS_TTL_MS);
  }

  async delete(key: string): Promise<void> {
    await this.cache.delete(key).catch(() => undefined);
  }

  private async get(key: string) {
    try {
      return await this.cache.get(key);
    } catch {
      return undefined;
    }
  }

  private async set(key: string, entry: ReturnType<typeof toEntry>, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    await this.cache.set(key, entry, ttlMs).catch(() => undefined);
  }
}
