/**
 * Config of the outbound shield (upstreams.<name>.shield): budgets per upstream and per
 * connection, the wait queue, and which response headers teach it the backend's state.
 *
 *   shield:
 *     per_connection: { limits: [{ rate: 2, per: 1s, burst: 40 }], concurrency: 10 }
 *     learn: [shopify]
 *     queue: { max_size: 200, timeout: 10s, max_timeout: 60s }
 *     max_retry_after: 30s
 */
import { Type } from '@sinclair/typebox';
import { Duration, Section } from '../../../config/schema-types.js';
import { LimitSchema } from '../../rate-limit/schema.js';

const HeaderName = (description: string) => Type.String({ pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$', description });

const Budget = (description: string) => Type.Object(
  {
    limits: Type.Array(LimitSchema, {
      default: [],
      description: 'Requests per interval: a token bucket `{ rate, per, burst }` is a leaky bucket (Shopify: rate 2, per 1s, burst 40); a sliding window `{ limit, window }`.',
    }),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, description: 'Most requests in flight at once, across every instance.' })),
  },
  { additionalProperties: false, description },
);

export const RateHeadersSchema = Type.Object(
  {
    call_limit: Type.Optional(HeaderName('Header carrying `used/capacity` of a leaky bucket (Shopify\'s `X-Shopify-Shop-Api-Call-Limit`).')),
    remaining: Type.Optional(HeaderName('Header carrying the requests left; at 0 the budget pauses until the reset.')),
    reset: Type.Optional(HeaderName('Header carrying when the quota refills.')),
    reset_unit: Type.Optional(
      Type.Union([Type.Literal('seconds'), Type.Literal('ms'), Type.Literal('epoch-seconds'), Type.Literal('auto')], {
        description: 'Unit of `reset`: delta seconds, delta milliseconds, a Unix time, or auto (a Unix time when it is that large, else seconds).',
        expected: 'seconds, ms, epoch-seconds or auto',
      }),
    ),
    retry_after: Type.Optional(Type.Array(HeaderName('A header with Retry-After semantics.'), { description: 'Headers read like Retry-After on 429 and 503.' })),
  },
  { additionalProperties: false, description: 'Where a backend reports its rate-limit state.' },
);

export const ShieldSchema = Type.Object(
  {
    per_connection: Type.Optional(Budget('Budget of each connection (credential) of this upstream, across every instance; needs `credentials`.')),
    per_upstream: Type.Optional(Budget('Budget of the whole upstream, every connection together, across every instance.')),
    learn: Type.Array(Type.Union([Type.Literal('shopify'), Type.Literal('bigcommerce'), Type.Literal('generic'), Type.Literal('ietf')]), {
      default: ['ietf', 'generic'],
      description: 'Header presets read from every response: shopify (X-Shopify-Shop-Api-Call-Limit), bigcommerce (X-Rate-Limit-*), generic (X-RateLimit-*), ietf (RateLimit-*). Retry-After is always read.',
      expected: 'shopify, bigcommerce, generic or ietf',
    }),
    rate_headers: Type.Array(RateHeadersSchema, { default: [], description: 'Further header layouts to learn from, as data.' }),
    queue: Section(
      Type.Object(
        {
          max_size: Type.Integer({ minimum: 0, default: 100, description: 'Requests that may wait for this upstream on one instance; past it, 429 UPSTREAM_RATE_LIMITED.' }),
          timeout: Duration('Longest a request waits for the budget before 429 UPSTREAM_RATE_LIMITED.', { default: '10s' }),
          max_timeout: Duration('Most a client may ask for with the timeout header.', { default: '60s' }),
          timeout_header: Type.String({
            default: 'x-unigate-queue-timeout',
            description: 'Request header with which a client sets its own wait (a duration or milliseconds), capped by max_timeout.',
          }),
        },
        { additionalProperties: false, description: 'The wait queue: fair between consumers (round robin), bounded, with a deadline.' },
      ),
    ),
    max_retry_after: Duration('Cap on a pause an upstream asks for (Retry-After, a reset time): a backend saying "one hour" pauses this long at most.', { default: '30s' }),
    retries_after_429: Type.Integer({ minimum: 0, maximum: 10, default: 2, description: 'Times one request is re-sent after a 429, once the pause is over and if its deadline allows.' }),
    retry_unsafe_methods: Type.Boolean({ default: false, description: 'Also re-send POST and PATCH after a 429 (the backend refused them unprocessed).' }),
    on_store_error: Type.Union([Type.Literal('open'), Type.Literal('closed')], {
      default: 'open',
      description: 'When the shared store cannot answer: send without pacing (open) or refuse with 503 (closed).',
      expected: 'open or closed',
    }),
    lease_ttl: Duration('A concurrency slot frees itself after this long even if its holder crashed.', { default: '60s' }),
  },
  { additionalProperties: false, description: 'Outbound pacing (the shield): budgets, a fair queue, and learning from the backend\'s rate headers.' },
);
