/**
 * Config of the `cache` policy (routes[].policies.cache). Responses follow their own
 * Cache-Control; these settings cover APIs that send none, and shape the key.
 *
 *   cache:
 *     ttl: 60s
 *     key: { query: [page, limit], headers: [accept-language] }
 *     stale_while_revalidate: 30s
 *     tags: ["connection:{connection}"]
 */
import { Type } from '@sinclair/typebox';
import { Duration, Section } from '../../config/schema-types.js';

const HeaderName = Type.String({ pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$' });

/** Statuses cacheable by default (RFC 9110 §15.1), less 206: ranges are not cached. */
export const DEFAULT_STATUSES = [200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501];

export const CacheSchema = Type.Object(
  {
    ttl: Duration('Freshness for responses that carry none (no max-age, s-maxage or Expires); 0 leaves them uncached.', { default: '0s', days: true }),
    heuristic: Type.Boolean({
      default: false,
      description: 'Without explicit freshness or ttl, use 10% of the time since Last-Modified (RFC 9111 §4.2.2).',
    }),
    statuses: Type.Array(Type.Integer({ minimum: 200, maximum: 599 }), {
      default: DEFAULT_STATUSES,
      description: 'Response statuses that may be stored.',
    }),
    key: Section(
      Type.Object(
        {
          query: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Query parameters that form the key (sorted); all when absent.' })),
          headers: Type.Array(HeaderName, { default: [], description: 'Request headers whose values form the key (besides the response\'s Vary).' }),
          shared_across_consumers: Type.Boolean({
            default: false,
            description: 'Let consumers share entries on a route that injects no credentials (the connection is always part of the key when it does).',
          }),
        },
        { additionalProperties: false, description: 'What the cache key is made of, besides the route and path.' },
      ),
    ),
    stale_while_revalidate: Duration('Serve a stale entry this long past its freshness while one background request refreshes it, unless the response sets its own (RFC 5861).', { default: '0s', days: true }),
    stale_if_error: Duration('Serve a stale entry this long past its freshness when the upstream fails, unless the response sets its own (RFC 5861).', { default: '0s', days: true }),
    keep_for_revalidation: Duration('Keep an expired entry with an ETag or Last-Modified this long, to revalidate it with a conditional request.', { default: '5m', days: true }),
    max_body_bytes: Type.Integer({ minimum: 1, default: 1048576, description: 'Larger responses stream to the client and are not cached.' }),
    coalesce_wait: Duration('How long concurrent misses for one key wait for the first one\'s response before going upstream themselves.', { default: '10s', days: true }),
    tags: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Tags for purging; `{route}`, `{upstream}`, `{consumer}` and `{connection}` are replaced, e.g. `connection:{connection}`.',
    }),
    status_header: Type.String({ default: 'x-cache', description: 'Response header telling HIT, MISS, STALE, REVALIDATED or BYPASS.' }),
    key_header: Type.String({ default: 'x-cache-key', description: 'Response header with the entry\'s key (for the purge API); empty to leave it out.' }),
  },
  { additionalProperties: false, description: 'Shared HTTP cache (RFC 9111) with coalescing of concurrent misses.' },
);
