/**
 * OAuth2 client credentials (RFC 6749 §4.4): the connection's client id and secret buy an
 * access token, which is cached, shared through the store, renewed ahead of expiry and when
 * the backend answers 401 (see oauth2-tokens.ts).
 *
 *   auth_strategy: oauth2_client_credentials
 *   auth_settings: { token_url: https://auth.example/oauth/token, scope: "orders:read", refresh_before: 60s }
 *   credentials:   { client_id: …, client_secret: … }
 */
import { Type } from '@sinclair/typebox';
import { compileCommon, injectToken, OAuth2Fields, refusedToken, type OAuth2Common } from './oauth2-common.js';
import { requestToken, TokenEndpointError } from './oauth2-token-endpoint.js';
import type { TokenGrant } from './oauth2-tokens.js';
import { compiledSettings } from './settings.js';
import type { CredentialStrategy } from './strategy.js';

const Settings = Type.Object(
  {
    ...OAuth2Fields,
    scope: Type.Optional(Type.String({ minLength: 1, description: 'Space-separated scopes to request (RFC 6749 §3.3).' })),
    audience: Type.Optional(Type.String({ minLength: 1, description: 'Audience parameter some servers require (Auth0, Okta…).' })),
  },
  { additionalProperties: false },
);

interface Compiled {
  common: OAuth2Common;
  grant: TokenGrant;
}

const settings = compiledSettings(Settings, (s): Compiled => {
  const common = compileCommon(s);
  const params: Record<string, string> = { grant_type: 'client_credentials' };
  if (s.scope !== undefined) params.scope = s.scope;
  if (s.audience !== undefined) params.audience = s.audience;
  const grant: TokenGrant = {
    label: 'client credentials',
    refreshBeforeMs: common.refreshBeforeMs,
    async fetch(_stored, env) {
      const { client_id: clientId, client_secret: clientSecret } = await env.credentials();
      if (!clientId || !clientSecret) throw new TokenEndpointError('refused', 'missing_client_credentials', undefined);
      return requestToken({ url: common.tokenUrl, clientId, clientSecret, authMethod: common.authMethod, params });
    },
  };
  return { common, grant };
});

export const oauth2ClientCredentialsStrategy: CredentialStrategy = {
  name: 'oauth2_client_credentials',
  settingsSchema: Settings,
  credentialFields: () => ['client_id', 'client_secret'],
  checkSettings: (s) => settings.check(s),
  async inject(request, env) {
    const { common, grant } = settings.of(env);
    await injectToken(request, env, common, grant);
  },
  refused(status, env, sent) {
    return refusedToken(status, env, sent, settings.of(env).common);
  },
};
