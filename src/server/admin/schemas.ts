/**
 * JSON Schemas of admin API bodies and queries (snake_case, like the config). The CLI builds
 * the same bodies, so both are checked by the same schemas.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const strict = { additionalProperties: false } as const;

const Id = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'Record id: letters, digits and _ . : - (at most 64).' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 with a time zone, e.g. 2030-01-31T00:00:00Z.' });
const Metadata = Type.Object({}, { additionalProperties: true, description: 'Free-form, non-secret facts.' });

/** One ajv error ("must be string,null") instead of one per anyOf branch. */
function Nullable<T extends TSchema>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type as string, 'null'] });
}

function OneOf<const T extends string>(values: readonly T[]) {
  return Type.Unsafe<T>({ type: 'string', enum: values });
}

export const ConsumerCreate = Type.Object(
  { id: Type.Optional(Id), name: Name, metadata: Type.Optional(Metadata), enabled: Type.Optional(Type.Boolean()) },
  strict,
);
export type ConsumerCreate = Static<typeof ConsumerCreate>;

export const ConsumerPatch = Type.Object(
  { name: Type.Optional(Name), metadata: Type.Optional(Metadata), enabled: Type.Optional(Type.Boolean()) },
  { ...strict, minProperties: 1 },
);
export type ConsumerPatch = Static<typeof ConsumerPatch>;

export const ApiKeyCreate = Type.Object(
  {
    name: Type.Optional(Nullable(Name)),
    scopes: Type.Optional(
      Type.Object(
        {
          routes: Type.Optional(Type.Array(Name, { maxItems: 200, uniqueItems: true, description: 'Route names; absent or empty: all.' })),
          connections: Type.Optional(Type.Array(Id, { maxItems: 200, uniqueItems: true, description: 'Connection ids; absent or empty: all.' })),
        },
        strict,
      ),
    ),
    expires_at: Type.Optional(Nullable(Timestamp)),
  },
  strict,
);
export type ApiKeyCreate = Static<typeof ApiKeyCreate>;

/** Field name → secret value. Write-only: never returned. */
export const Credentials = Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }), Type.String({ maxLength: 16384 }), {
  maxProperties: 32,
  additionalProperties: false,
});

/** A first token set (e.g. from an authorization-code flow); at least one of the two tokens. Write-only. */
export const OAuthTokens = Type.Object(
  {
    access_token: Type.Optional(Type.String({ minLength: 1, maxLength: 16384 })),
    refresh_token: Type.Optional(Type.String({ minLength: 1, maxLength: 16384 })),
    token_type: Type.Optional(Type.String({ maxLength: 64 })),
    scope: Type.Optional(Type.String({ maxLength: 4096 })),
    expires_at: Type.Optional(Timestamp),
    expires_in: Type.Optional(Type.Integer({ minimum: 0, description: 'Seconds from now, instead of expires_at.' })),
  },
  strict,
);
export type OAuthTokens = Static<typeof OAuthTokens>;

const BaseUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 });
const AuthSettings = Type.Object({}, { additionalProperties: true, description: "The strategy's non-secret settings." });
const AuthStrategy = Type.String({ minLength: 1, maxLength: 64 });

export const ConnectionCreate = Type.Object(
  {
    id: Type.Optional(Id),
    consumer_id: Id,
    name: Type.Optional(Nullable(Name)),
    kind: Type.Optional(OneOf(['upstream', 'platform'])),
    target: Name,
    base_url: Type.Optional(Nullable(BaseUrl)),
    auth_strategy: AuthStrategy,
    auth_settings: Type.Optional(AuthSettings),
    credentials: Type.Optional(Credentials),
    oauth_tokens: Type.Optional(OAuthTokens),
  },
  strict,
);
export type ConnectionCreate = Static<typeof ConnectionCreate>;

export const ConnectionPatch = Type.Object(
  {
    name: Type.Optional(Nullable(Name)),
    base_url: Type.Optional(Nullable(BaseUrl)),
    status: Type.Optional(OneOf(['active', 'disabled'])),
    auth_strategy: Type.Optional(AuthStrategy),
    auth_settings: Type.Optional(AuthSettings),
    credentials: Type.Optional(Credentials),
    oauth_tokens: Type.Optional(OAuthTokens),
  },
  { ...strict, minProperties: 1 },
);
export type ConnectionPatch = Static<typeof ConnectionPatch>;

export const ConnectionTest = Type.Object(
  {
    path: Type.Optional(Type.String({ pattern: '^/', maxLength: 2048, description: "Path (and query) to GET; default: the upstream's health-check path, else /." })),
    method: Type.Optional(OneOf(['GET', 'HEAD'])),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: 30_000 })),
  },
  strict,
);
export type ConnectionTest = Static<typeof ConnectionTest>;

const Limit = Type.Integer({ minimum: 1, maximum: 1000 });

export const PageQuery = Type.Object({ limit: Type.Optional(Limit), after: Type.Optional(Id) }, strict);
export type PageQuery = Static<typeof PageQuery>;

export const ConnectionQuery = Type.Object({ consumer_id: Type.Optional(Id), limit: Type.Optional(Limit), after: Type.Optional(Id) }, strict);
export type ConnectionQuery = Static<typeof ConnectionQuery>;

export const AuditQuery = Type.Object(
  {
    entity_type: Type.Optional(Name),
    entity_id: Type.Optional(Name),
    consumer_id: Type.Optional(Id),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Limit),
  },
  strict,
);
export type AuditQuery = Static<typeof AuditQuery>;
