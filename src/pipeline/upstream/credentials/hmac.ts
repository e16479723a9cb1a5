/**
 * HMAC request signing, once per attempt (a retry gets a fresh timestamp, nonce and
 * signature), over the attempt exactly as it is sent. Two schemes:
 *
 *   # OAuth 1.0a one-legged, as WooCommerce verifies it over plain HTTP (hmac-oauth1.ts)
 *   auth_settings: { scheme: oauth1, signature_method: HMAC-SHA256, placement: query }
 *   credentials:   { consumer_key: ck_…, consumer_secret: cs_… }
 *
 *   # a canonical string of your own (hmac-custom.ts)
 *   auth_settings: { scheme: custom, canonical: "{method}\n{path}\n{timestamp}", headers: { X-Signature: "{signature}" } }
 *   credentials:   { secret: …, key_id: … }
 *
 * Templates that hash the body need the whole body: set `read_body: true` on the upstream's
 * `credentials` (or have another policy read it). Without it every request fails with 500
 * INTERNAL_ERROR: it is the gateway's configuration that is wrong, not the client's request
 * (400) or the connection's credentials (502 CONNECTOR_AUTH_FAILED, which sends admins to
 * re-authorize).
 */
import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { UnigateError } from '../../../errors/unigate-error.js';
import { compileTemplates, signCustom, type CustomOptions } from './hmac-custom.js';
import { signOAuth1, type OAuth1Options } from './hmac-oauth1.js';
import { compiledSettings } from './settings.js';
import type { CredentialStrategy, InjectionRequest, StrategyEnv } from './strategy.js';

const OAuth1Settings = Type.Object(
  {
    scheme: Type.Literal('oauth1', { description: 'OAuth 1.0a one-legged (RFC 5849 as WooCommerce checks it).' }),
    signature_method: Type.Union([Type.Literal('HMAC-SHA256'), Type.Literal('HMAC-SHA1')], { default: 'HMAC-SHA256', description: 'oauth_signature_method.' }),
    placement: Type.Union([Type.Literal('query'), Type.Literal('header')], {
      default: 'query',
      description: 'Where the oauth_* parameters go: the query string, or an `Authorization: OAuth` header.',
    }),
  },
  { additionalProperties: false },
);

const CustomSettings = Type.Object(
  {
    scheme: Type.Literal('custom', { description: 'A canonical string of your own.' }),
    canonical: Type.String({
      minLength: 1,
      description:
        'What is signed, with placeholders {method} {path} {query} {host} {timestamp} {nonce} {body_sha256} {body_sha256_base64} {key_id} {header:name}.',
    }),
    algorithm: Type.Union([Type.Literal('sha256'), Type.Literal('sha1'), Type.Literal('sha512')], { default: 'sha256', description: 'HMAC hash.' }),
    encoding: Type.Union([Type.Literal('hex'), Type.Literal('base64'), Type.Literal('base64url')], { default: 'hex', description: 'How the signature is written.' }),
    secret_encoding: Type.Union([Type.Literal('utf8'), Type.Literal('base64'), Type.Literal('hex')], {
      default: 'utf8',
      description: 'How the `secret` credential encodes the HMAC key.',
    }),
    query: Type.Union([Type.Literal('sorted'), Type.Literal('raw')], {
      default: 'sorted',
      description: '{query}: parameters re-encoded (RFC 3986) and sorted by name then value, or the query exactly as sent.',
    }),
    timestamp: Type.Union([Type.Literal('seconds'), Type.Literal('milliseconds'), Type.Literal('iso8601')], {
      default: 'seconds',
      description: '{timestamp}: Unix seconds, Unix milliseconds or ISO 8601 UTC.',
    }),
    // No schema defaults on records: TypeBox would merge them into what the admin wrote.
    headers: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Headers to set, name → template; the same placeholders plus {signature}. Default `{ X-Signature: "{signature}" }`.',
      }),
    ),
    query_params: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Query parameters to add, name → template; the same placeholders plus {signature}.' }),
    ),
  },
  { additionalProperties: false },
);

const oauth1 = compiledSettings(OAuth1Settings, (s): OAuth1Options => ({ signatureMethod: s.signature_method, placement: s.placement }));

const custom = compiledSettings(CustomSettings, (s): CustomOptions & { usesKeyId: boolean } => ({
  ...compileTemplates(s.canonical, s.headers ?? { 'X-Signature': '{signature}' }, s.query_params ?? {}),
  algorithm: s.algorithm,
  encoding: s.encoding,
  secretEncoding: s.secret_encoding,
  query: s.query,
  timestamp: s.timestamp,
}));

const isCustom = (settings: Record<string, unknown>): boolean => settings.scheme === 'custom';

export const hmacStrategy: CredentialStrategy = {
  name: 'hmac',
  settingsSchema: Type.Union([OAuth1Settings, CustomSettings]),
  credentialFields(settings) {
    if (!isCustom(settings)) return ['consumer_key', 'consumer_secret'];
    return custom.check(settings) === undefined && custom.get(settings).usesKeyId ? ['secret', 'key_id'] : ['secret'];
  },
  checkSettings: (settings) => (isCustom(settings) ? custom : oauth1).check(settings),
  async inject(request, env) {
    const nonce = randomBytes(16).toString('hex');
    const credentials = await env.credentials();
    if (isCustom(env.settings)) {
      const options = custom.of(env);
      const secret = required(env, credentials.secret, 'secret');
      const body = options.needsBody ? wholeBody(request, env) : undefined;
      signCustom(request, options, { secret, keyId: credentials.key_id ?? '' }, body, nonce, Date.now());
    } else {
      const options = oauth1.of(env);
      const consumerKey = required(env, credentials.consumer_key, 'consumer_key');
      const consumerSecret = required(env, credentials.consumer_secret, 'consumer_secret');
      signOAuth1(request, options, { consumerKey, consumerSecret }, formBody(request, env), nonce, Date.now());
    }
  },
};

function required(env: StrategyEnv, value: string | undefined, field: string): string {
  if (value !== undefined && value !== '') return value;
  throw new UnigateError('CONNECTOR_AUTH_FAILED', {
    message: 'The connection lacks a credential its strategy needs',
    details: { connection: env.connection.id, missing: field },
  });
}

/** The body to sign; an empty one when the route read bodies and there was none. */
function wholeBody(request: InjectionRequest, env: StrategyEnv): Buffer {
  if (request.body !== undefined) return request.body;
  if (request.bodyRead) return Buffer.alloc(0);
  env.services.logger.error({ connection: env.connection.id }, 'hmac signing needs the request body: set read_body: true on the upstream\'s credentials');
  throw new UnigateError('INTERNAL_ERROR', {
    message: 'This route cannot sign requests: its upstream credentials must read request bodies (read_body: true)',
    details: { connection: env.connection.id },
  });
}

/** OAuth 1.0a signs form parameters too ($_POST on WooCommerce); other bodies are not signed. */
function formBody(request: InjectionRequest, env: StrategyEnv): string | undefined {
  const type = request.headers['content-type'];
  if (typeof type !== 'string' || !/^application\/x-www-form-urlencoded\b/i.test(type)) return undefined;
  return wholeBody(request, env).toString('utf8');
}
