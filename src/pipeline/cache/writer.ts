/**
 * Turns upstream responses into stored entries: checks storability (RFC 9111 §3), computes
 * freshness and how long to keep the entry (fresh time, plus stale-while-revalidate,
 * stale-if-error, or time to revalidate when it has validators), and updates a stored
 * entry from a 304 (§4.3.4).
 */
import { parseDuration } from '../../config/duration.js';
import type { Metrics } from '../../observability/metrics.js';
import type { RequestContext } from '../../server/context.js';
import type { UpstreamResponse } from '../policy.js';
import { varyNames } from './cache-key.js';
import { parseCacheControl, requestDirectives } from './directives.js';
import { storableHeaders, type ResponseMeta, type StoredResponse } from './entry.js';
import { freshness, notStorable, type FreshnessOptions } from './freshness.js';
import { freshenHeaders, validates, type StoredHeaders } from './revalidate.js';
import type { CacheStore, Found } from './storage.js';

export type Outcome = 'HIT' | 'MISS' | 'STALE' | 'REVALIDATED' | 'BYPASS';

export interface WriterSlot {
  readonly key: string;
  readonly url: string;
  readonly tags: readonly string[];
  readonly found: Found;
  /** The request's header fields, for the Vary variant key. */
  readonly requestHeaders: Record<string, string | string[] | undefined>;
}

export interface WriterConfig {
  ttl: string | number;
  heuristic: boolean;
  statuses: number[];
  staleWhileRevalidate: string | number;
  staleIfError: string | number;
  keepForRevalidation: string | number;
  statusHeader: string;
  keyHeader: string;
}

export class Writer {
  private readonly options: FreshnessOptions;
  private readonly keepMs: number;
  /** Our own response headers never go into an entry. */
  private readonly skip: ReadonlySet<string>;
  private readonly storedBytes: { inc(value: number): void };

  constructor(config: WriterConfig, private readonly storage: CacheStore, route: string, metrics: Metrics) {
    this.options = {
      statuses: new Set(config.statuses),
      defaultTtlMs: parseDuration(config.ttl),
      heuristic: config.heuristic,
      staleWhileRevalidateMs: parseDuration(config.staleWhileRevalidate),
      staleIfErrorMs: parseDuration(config.staleIfError),
    };
    this.keepMs = parseDuration(config.keepForRevalidation);
    this.skip = new Set([config.statusHeader.toLowerCase(), config.keyHeader.toLowerCase()]);
    this.storedBytes = metrics.cacheBytes.labels({ route, direction: 'stored' });
  }

  /**
   * Stores the response if it may be stored; resolves true once written. When it may not
   * and `mayPass`, leaves a short pass marker so concurrent misses stop waiting.
   */
  async store(ctx: RequestContext, slot: WriterSlot, response: UpstreamResponse, requestTime: number, mayPass: boolean): Promise<boolean> {
    const responseTime = Date.now();
    const resource = { key: slot.key, url: slot.url, tags: slot.tags, requestHeaders: slot.requestHeaders };
    const directives = parseCacheControl(response.headers['cache-control']);
    const request = requestDirectives(ctx.header('cache-control'), ctx.header('pragma'));
    const refused =
      response.body === undefined
        ? 'size'
        : notStorable(response.status, directives, request, response.headers, ctx.upstreamHeaders.authorization !== undefined, this.options);
    const headers = storableHeaders(response.headers, this.skip);
    const meta = refused === undefined ? this.meta(response.status, headers, requestTime, responseTime) : undefined;
    const ttl = meta === undefined ? 0 : this.ttl(meta);
    if (meta === undefined || ttl <= 0) {
      if (mayPass) await this.storage.pass(resource);
      return false;
    }
    await this.storage.write(resource, meta, response.body!, ttl, varyNames(headers), slot.found.vary);
    this.storedBytes.inc(response.body!.length);
    return true;
  }

  /** A 304 validated `stored`: its fields are updated and it is kept anew; returns the full response. */
  async freshen(slot: WriterSlot, stored: StoredResponse, notModified: UpstreamResponse, requestTime: number): Promise<UpstreamResponse & { body: Buffer }> {
    const valid = validates(stored.meta.headers, notModified.headers);
    const headers = valid ? freshenHeaders(stored.meta.headers, storableHeaders(notModified.headers, this.skip)) : stored.meta.headers;
    if (valid) {
      const meta = this.meta(stored.meta.status, headers, requestTime, Date.now());
      const resource = { key: slot.key, url: slot.url, tags: slot.tags, requestHeaders: slot.requestHeaders };
      await this.storage.write(resource, meta, stored.body, this.ttl(meta), varyNames(headers), slot.found.vary);
    }
    return { status: stored.meta.status, headers: { ...headers }, body: stored.body };
  }

  private meta(status: number, headers: StoredHeaders, requestTime: number, responseTime: number): ResponseMeta {
    const f = freshness(status, parseCacheControl(headers['cache-control']), headers, requestTime, responseTime, this.options);
    return { kind: 'response', status, headers, responseTime, ...f };
  }

  /** Fresh time left, plus the longest it may still be useful stale. */
  private ttl(meta: ResponseMeta): number {
    const validators = meta.headers.etag !== undefined || meta.headers['last-modified'] !== undefined;
    const extra = Math.max(meta.staleWhileRevalidateMs, meta.staleIfErrorMs, validators ? this.keepMs : 0);
    return Math.max(0, meta.lifetimeMs - meta.initialAgeMs) + extra;
  }

}
