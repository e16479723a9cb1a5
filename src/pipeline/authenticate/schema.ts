/** Config of the `authenticate` policy (routes[].policies.authenticate). */
import { Type } from '@sinclair/typebox';
import { Duration } from '../../config/schema-types.js';

export const AuthenticateSchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('key'), Type.Literal('jwt'), Type.Literal('either')], {
      default: 'key',
      description: 'What a caller must present: an API key, a JWT from a configured issuer, or either.',
      expected: 'key, jwt or either',
    }),
  },
  { additionalProperties: false, description: 'Identify the consumer; 401 without valid credentials, 403 when out of scope.' },
);

export const JwtIssuerSchema = Type.Object(
  {
    issuer: Type.String({ minLength: 1, description: 'Expected `iss` claim.' }),
    audience: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Accepted `aud` values (one must match).' })),
    jwks_url: Type.Optional(Type.String({ pattern: '^https?://', description: 'JWKS endpoint; keys are cached and re-fetched on an unknown `kid` (rotation).' })),
    keys: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Static public keys: PEM (SPKI) or JWK JSON strings.' }),
    ),
    algorithms: Type.Array(Type.String({ pattern: '^(RS|PS|ES)(256|384|512)$|^EdDSA$' }), {
      default: ['RS256', 'ES256'],
      description: 'Accepted signature algorithms (asymmetric only).',
    }),
    consumer_claim: Type.String({ default: 'sub', description: 'Claim whose value is the consumer id.' }),
    clock_skew: Duration('Tolerance for `exp` and `nbf`.', { default: '30s' }),
  },
  { additionalProperties: false, description: 'A trusted JWT issuer.' },
);

export const AuthSchema = Type.Object(
  {
    jwt: Type.Optional(
      Type.Object(
        { issuers: Type.Array(JwtIssuerSchema, { minItems: 1, description: 'Issuers whose tokens identify consumers.' }) },
        { additionalProperties: false, description: 'JWT verification.' },
      ),
    ),
    key_cache_ttl: Duration('Longest an API key lookup is reused without asking the store (changes are also pushed).', { default: '60s' }),
  },
  { additionalProperties: false, description: 'How callers authenticate to Unigate.' },
);
