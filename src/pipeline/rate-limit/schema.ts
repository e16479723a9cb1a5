/**
 * Config of the `rate-limit` policy (routes[].policies.rate_limit) and the limit shape the
 * outbound shield's budgets reuse.
 *
 *   rate_limit:
 *     key: [consumer, route]
 *     limits:
 *       - { rate: 10, per: 1s, burst: 20 }
 *       - { limit: 10000, window: 1d, algorithm: sliding-window }
 *     on_store_error: open
 */
import { Type, type Static } from '@sinclair/typebox';
import { Duration as BaseDuration } from '../../config/schema-types.js';

const Duration = (description: string) => BaseDuration(description, { days: true, minimum: 1 });

export const LimitSchema = Type.Object(
  {
    algorithm: Type.Optional(
      Type.Union([Type.Literal('gcra'), Type.Literal('token-bucket'), Type.Literal('sliding-window')], {
        description: 'gcra (the same as token-bucket: `rate` per `per`, `burst` at once) or sliding-window (`limit` per `window`). Default: from the fields given.',
        expected: 'gcra, token-bucket or sliding-window',
      }),
    ),
    rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Token bucket: units that refill per `per`.' })),
    per: Type.Optional(Duration('Token bucket: the period `rate` refills over.')),
    burst: Type.Optional(Type.Integer({ minimum: 1, description: 'Token bucket: units admissible at once (bucket capacity). Default `rate`.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Sliding window: units admitted per `window`.' })),
    window: Type.Optional(Duration('Sliding window: its length.')),
  },
  { additionalProperties: false, description: 'One limit: a token bucket (rate, per, burst) or a sliding window (limit, window).' },
);

export const KeyPartSchema = Type.Union(
  [
    Type.Literal('consumer'),
    Type.Literal('api_key'),
    Type.Literal('route'),
    Type.Literal('client_ip'),
    Type.Object(
      { header: Type.String({ pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$', description: 'Request header whose value is part of the key.' }) },
      { additionalProperties: false },
    ),
  ],
  { expected: 'consumer, api_key, route, client_ip or { header: <name> }', description: 'One part of the key limits are counted under.' },
);

export const RateLimitSchema = Type.Object(
  {
    limits: Type.Array(LimitSchema, { minItems: 1, description: 'Limits that all apply; a request is admitted only when every one has room.' }),
    key: Type.Array(KeyPartSchema, {
      minItems: 1,
      default: ['consumer', 'route'],
      description: 'What the limits are counted per. Without `route`, routes with the same limits share one count (a quota across routes).',
    }),
    on_store_error: Type.Union([Type.Literal('open'), Type.Literal('closed')], {
      default: 'open',
      description: 'When the shared store cannot answer: let requests through (open) or refuse them with 503 (closed).',
      expected: 'open or closed',
    }),
    headers: Type.Boolean({ default: true, description: 'Send RateLimit-Limit, -Remaining, -Reset and -Policy on every response of the route.' }),
  },
  { additionalProperties: false, description: 'Inbound rate limits; 429 RATE_LIMITED with Retry-After past them.' },
);

export type LimitConfig = Static<typeof LimitSchema>;

/** Rules across a limit's fields; undefined when the limit is well formed. */
export function limitProblem(limit: LimitConfig): string | undefined {
  const window = limit.algorithm === 'sliding-window' || (limit.algorithm === undefined && limit.limit !== undefined);
  if (window) {
    if (limit.limit === undefined || limit.window === undefined) return 'a sliding window needs limit and window';
    if (limit.rate !== undefined || limit.per !== undefined || limit.burst !== undefined) return 'a sliding window takes limit and window, not rate, per or burst';
    return undefined;
  }
  if (limit.rate === undefined || limit.per === undefined) return 'a token bucket needs rate and per';
  if (limit.limit !== undefined || limit.window !== undefined) return 'a token bucket takes rate, per and burst, not limit or window';
  return undefined;
}
