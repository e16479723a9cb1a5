/**
 * The `cache` policy: a shared HTTP cache (RFC 9111) in the cache phase. onRequest looks
 * the request up and answers from a fresh entry (or a stale one within
 * stale-while-revalidate, refreshing it in the background, or within stale-if-error when
 * the upstream fails); otherwise the request goes upstream, with a conditional request
 * when a stored entry can be validated, and with concurrent misses for one key coalesced
 * into one upstream call. onResponse stores what may be stored (bodies up to
 * `max_body_bytes`; larger ones stream uncached), turns a 304 into the validated entry,
 * and invalidates on unsafe methods (§4.4). Responses carry Age and X-Cache.
 *
 *   routes:
 *     - name: products
 *       policies: { cache: { ttl: 60s, stale_while_revalidate: 30s, tags: ["connection:{connection}"] } }
 */
import type { Static } from '@sinclair/typebox';
import type { CamelCased } from '../../config/case.js';
import { parseDuration } from '../../config/duration.js';
import { UnigateError } from '../../errors/unigate-error.js';
import type { RequestContext } from '../../server/context.js';
import type { Services } from '../../server/services.js';
import type { Policy, Reply, UpstreamResponse } from '../policy.js';
import { requestConnection, requestConnectionNow } from '../request-connection.js';
import type { CredentialsConfig } from '../upstream/credentials/index.js';
import { detachedContext, fetchUpstream } from './background.js';
import { normalizeQuery } from './cache-key.js';
import { decide } from './decide.js';
import { requestDirectives } from './directives.js';
import type { StoredResponse } from './entry.js';
import { conditionalHeaders, hasConditionals, invalidatedPaths, notModifiedFor, notModifiedHeaders } from './revalidate.js';
import type { CacheSchema } from './schema.js';
import { CacheStore, type Found } from './storage.js';
import { Writer, type Outcome, type WriterSlot } from './writer.js';

export type CacheConfig = CamelCased<Static<typeof CacheSchema>>;

export interface CacheDeps {
  readonly routeName: string;
  readonly upstream: string;
  readonly credentials: CredentialsConfig | undefined;
  readonly services: Services;
}

/** The request's slot: what onRequest found and decided, for onResponse. */
interface Slot extends WriterSlot {
  /** No-store request or unsafe method: nothing is served from or written to the cache. */
  readonly bypass: boolean;
  /** Conditional headers were added for this stored response. */
  revalidating: StoredResponse | undefined;
  /** This request leads a coalesced miss; resolved when its response is stored or not. */
  settle: ((stored: boolean) => void) | undefined;
  readonly keyOf: (path: string, query: string) => string;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ERROR_STATUSES = new Set([500, 502, 503, 504]);

export function createCache(config: CacheConfig, deps: CacheDeps): Policy {
  const { services } = deps;
  const store = new CacheStore(services.shared.cache);
  const writer = new Writer(config, store, deps.routeName, services.metrics);
  const maxBody = config.maxBodyBytes;
  const coalesceWaitMs = parseDuration(config.coalesceWait);
  const queryParams = config.key!.query === undefined ? undefined : new Set(config.key!.query);
  const keyHeaders = config.key!.headers.map((h) => h.toLowerCase());
  const statusHeader = config.statusHeader.toLowerCase();
  const keyHeader = config.keyHeader.toLowerCase();
  const tagTemplates = config.tags;
  const slots = new WeakMap<RequestContext, Slot>();
  const refreshing = new Set<string>();
  const results = services.metrics.cacheRequests;
  const servedBytes = services.metrics.cacheBytes.labels({ route: deps.routeName, direction: 'served' });

  /** Whose entries the request may see: its connection's when credentials are injected, else its consumer's (or everyone's). */
  function tenantOf(ctx: RequestContext): string | Promise<string> {
    if (deps.credentials === undefined) return config.key!.sharedAcrossConsumers ? '' : `c=${ctx.consumerId ?? ''}`;
    const { connection } = deps.credentials;
    const known = requestConnectionNow(ctx, deps.upstream, connection, services.connections);
    if (known !== undefined) return `k=${known.id}`;
    return requestConnection(ctx, deps.upstream, connection, services.connections).then((c) => `k=${c.id}`);
  }

  function tagsOf(ctx: RequestContext): string[] {
    return tagTemplates.map((t) =>
      t.replace(/\{(route|upstream|consumer|connection)\}/g, (_, name: string) =>
        name === 'route' ? deps.routeName : name === 'upstream' ? deps.upstream : name === 'consumer' ? (ctx.consumerId ?? '') : (ctx.connection?.id ?? ''),
      ),
    );
  }

  const counters = new Map<Outcome, { inc(): void }>();
  function mark(ctx: RequestContext, result: Outcome): void {
    let counter = counters.get(result);
    if (counter === undefined) counters.set(result, (counter = results.labels({ route: deps.routeName, result: result.toLowerCase() })));
    counter.inc();
    if (statusHeader !== '') (ctx.responseHeaders ??= {})[statusHeader] = result;
  }

  /** An answer from a stored response: its fields as stored, Age and the cache's own headers added to the request's. */
  function reply(ctx: RequestContext, key: string, stored: StoredResponse, ageMs: number, result: Outcome): Reply {
    const { meta } = stored;
    mark(ctx, result);
    const own = (ctx.responseHeaders ??= {});
    own.age = String(Math.floor(ageMs / 1000));
    if (keyHeader !== '') own[keyHeader] = key;
    if (!hasConditionals(ctx.headers) || !notModifiedFor(ctx.headers, meta.headers)) {
      servedBytes.inc(stored.body.length);
      return { status: meta.status, headers: meta.headers, body: stored.body };
    }
    return { status: 304, headers: notModifiedHeaders(meta.headers), body: '' };
  }

  /** Waits for a concurrent miss of the same key to fill the cache; true when this request must go upstream as the leader. */
  async function coalesce(ctx: RequestContext, slot: Slot): Promise<boolean> {
    let lead!: () => void;
    const leading = new Promise<true>((resolve) => (lead = () => resolve(true)));
    const flight = services.shared.locks.singleFlight(
      `cache:${slot.key}`,
      () => {
        lead();
        return new Promise<boolean>((resolve) => {
          slot.settle = resolve;
          // Ended without storing anything (an error, say): the others go upstream themselves.
          ctx.onFinish(() => slot.settle?.(false));
        });
      },
      { ttlMs: coalesceWaitMs + 5000, waitMs: coalesceWaitMs, follow: async () => ((await store.lookup(slot.key, ctx.headers)).response !== undefined || undefined) },
    );
    return Promise.race([leading, flight.then(() => false, () => false)]);
  }

  /** Background refresh of a stale entry; one per key on this instance, and one in the cluster (a lease). */
  function refresh(ctx: RequestContext, slot: Slot, stored: StoredResponse): void {
    if (refreshing.has(slot.key)) return;
    refreshing.add(slot.key);
    const locks = services.shared.locks;
    void (async () => {
      const lease = await locks.acquire(`cache-refresh:${slot.key}`, { limit: 1, ttlMs: coalesceWaitMs + 5000 }).catch(() => undefined);
      if (lease !== undefined && !lease.acquired) return;
      try {
        await fetchAndStore(ctx, slot, stored);
      } finally {
        if (lease?.acquired) await locks.release(lease.lease).catch(() => false);
      }
    })()
      .catch(() => undefined)
      .finally(() => refreshing.delete(slot.key));
  }

  /** Fetches outside the exchange (conditional on `stored`) and stores the answer; undefined on failure. */
  async function fetchAndStore(ctx: RequestContext, slot: Slot, stored: StoredResponse | undefined): Promise<UpstreamResponse | undefined> {
    const detached = detachedContext(ctx, stored === undefined ? {} : conditionalHeaders(stored.meta.headers));
    const requestTime = Date.now();
    const fetched = await fetchUpstream(detached, maxBody);
    if (ERROR_STATUSES.has(fetched.status)) return undefined;
    if (fetched.status === 304 && stored !== undefined) return writer.freshen(slot, stored, fetched, requestTime);
    if (fetched.body === undefined) return fetched;
    await writer.store(ctx, slot, fetched, requestTime, true);
    return fetched;
  }

  /** stale-if-error: try the upstream now; the stale entry answers if it fails. */
  async function tryOrStale(ctx: RequestContext, slot: Slot, stored: StoredResponse, ageMs: number): Promise<Reply | undefined> {
    let fetched: UpstreamResponse | undefined;
    try {
      fetched = await fetchAndStore(ctx, slot, stored);
    } catch {
      fetched = undefined;
    }
    if (fetched === undefined) return reply(ctx, slot.key, stored, ageMs, 'STALE');
    // Too large to keep: let the normal path stream it.
    if (fetched.body === undefined) return undefined;
    mark(ctx, fetched.status === 304 ? 'REVALIDATED' : 'MISS');
    const headers = { ...fetched.headers };
    if (keyHeader !== '') headers[keyHeader] = slot.key;
    return { status: fetched.status, headers, body: fetched.body };
  }

  /**
   * Synchronous up to a fresh hit when the tenant is known and the cache is in process (the
   * hot path of a cache in front of a slow API); a promise wherever something must wait.
   */
  function onRequest(ctx: RequestContext): Reply | undefined | Promise<Reply | undefined> {
    const method = ctx.method;
    if (method !== 'GET' && method !== 'HEAD' && !UNSAFE.has(method)) return undefined;
    const tenant = tenantOf(ctx);
    return typeof tenant === 'string' ? lookUp(ctx, tenant) : tenant.then((t) => lookUp(ctx, t));
  }

  function lookUp(ctx: RequestContext, tenant: string): Reply | undefined | Promise<Reply | undefined> {
    const method = ctx.method;
    const safe = method === 'GET' || method === 'HEAD';
    const headerValues = keyHeaders.map((h) => ctx.header(h) ?? '');
    const keyOf = (path: string, query: string) => CacheStore.key({ route: deps.routeName, tenant, path, query: normalizeQuery(query, queryParams), headerValues });
    // The request as it goes upstream (after transforms) names the resource.
    const key = keyOf(ctx.upstreamPath, ctx.upstreamQuery);
    const url = ctx.query === '' ? ctx.path : `${ctx.path}?${ctx.query}`;
    const request = requestDirectives(ctx.header('cache-control'), ctx.header('pragma'));
    if (!safe || request.has('no-store')) {
      slots.set(ctx, { key, url, tags: [], found: {}, requestHeaders: ctx.headers, bypass: true, revalidating: undefined, settle: undefined, keyOf });
      if (safe) mark(ctx, 'BYPASS');
      return undefined;
    }
    const now = store.lookupNow(key, ctx.headers);
    if (now !== undefined) return answer(ctx, key, url, keyOf, request, now);
    return store.lookup(key, ctx.headers).then((found) => answer(ctx, key, url, keyOf, request, found));
  }

  function answer(
    ctx: RequestContext,
    key: string,
    url: string,
    keyOf: Slot['keyOf'],
    request: ReturnType<typeof requestDirectives>,
    found: Found,
  ): Reply | undefined | Promise<Reply | undefined> {
    const method = ctx.method;
    const stored = found.response;
    const decision = stored === undefined ? undefined : decide(stored.meta, request, Date.now());
    // A fresh hit ends the exchange here: nothing for onResponse, so no slot.
    if (decision?.action === 'fresh') return reply(ctx, key, stored!, decision.ageMs, 'HIT');
    const slot: Slot = { key, url, tags: tagsOf(ctx), found, requestHeaders: ctx.headers, bypass: false, revalidating: undefined, settle: undefined, keyOf };
    slots.set(ctx, slot);
    if (stored !== undefined) {
      const { action, ageMs } = decision!;
      if (action === 'stale-while-revalidate') {
        refresh(ctx, slot, stored);
        return reply(ctx, key, stored, ageMs, 'STALE');
      }
      if (action === 'stale-if-error' && method === 'GET') return tryOrStale(ctx, slot, stored, ageMs);
      if (action === 'revalidate' && method === 'GET' && !hasConditionals(ctx.headers)) {
        Object.assign(ctx.upstreamHeaders, conditionalHeaders(stored.meta.headers));
        slot.revalidating = stored;
      }
    }
    if (request.has('only-if-cached')) throw new UnigateError('NOT_CACHED', { details: { route: deps.routeName } });
    if (stored === undefined && !found.pass && method === 'GET') return afterConcurrentMiss(ctx, slot, request);
    return undefined;
  }

  /** Leads the miss, or waits for the request that does and answers from what it stored. */
  async function afterConcurrentMiss(ctx: RequestContext, slot: Slot, request: ReturnType<typeof requestDirectives>): Promise<Reply | undefined> {
    if (await coalesce(ctx, slot)) return undefined;
    // Another request of this key finished: what it stored may answer this one.
    const again = await store.lookup(slot.key, ctx.headers);
    if (again.response !== undefined) {
      const { action, ageMs } = decide(again.response.meta, request, Date.now());
      if (action === 'fresh') return reply(ctx, slot.key, again.response, ageMs, 'HIT');
    }
    return undefined;
  }

  async function onResponse(ctx: RequestContext, response: UpstreamResponse): Promise<void> {
    const slot = slots.get(ctx);
    if (slot === undefined) return;
    if (UNSAFE.has(ctx.method)) {
      // §4.4: a non-error response to an unsafe method invalidates the target URI and Location / Content-Location.
      if (response.status < 400 && ctx.target !== undefined) {
        const keys = [slot.key, ...invalidatedPaths(response.headers, ctx.target.origin, ctx.target.basePath).map((p) => {
          const q = p.indexOf('?');
          return slot.keyOf(q < 0 ? p : p.slice(0, q), q < 0 ? '' : p.slice(q + 1));
        })];
        await Promise.all(keys.map((k) => store.delete(k)));
      }
      return;
    }
    if (slot.bypass) return;
    const requestTime = Date.now() - (performance.now() - ctx.startedAt);
    if (slot.revalidating !== undefined && response.status === 304 && response.body !== undefined) {
      const fresh = await writer.freshen(slot, slot.revalidating, response, requestTime);
      Object.assign(response, { status: fresh.status, headers: fresh.headers, body: fresh.body });
      mark(ctx, 'REVALIDATED');
    } else if (ctx.method === 'GET') {
      mark(ctx, 'MISS');
      const settle = slot.settle;
      slot.settle = undefined;
      // The client need not wait for the write; concurrent misses do.
      void writer.store(ctx, slot, response, requestTime, slot.found.response === undefined).then((ok) => settle?.(ok));
    } else {
      mark(ctx, 'MISS');
    }
    if (keyHeader !== '') response.headers[keyHeader] = slot.key;
  }

  return { name: 'cache', phase: 'cache', responseBodyUpTo: maxBody, onRequest, onResponse };
}
