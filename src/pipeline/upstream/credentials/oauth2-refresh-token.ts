/**
 * OAuth2 refresh tokens (RFC 6749 §6): an administrator stores the connection's first token
 * set (saveInitialTokenSet, e.g. after an authorization-code flow); its refresh token then
 * renews the access token ahead of expiry and when the backend answers 401, keeping a
 * rotated refresh token when the server issues one. A refused refresh marks the connection
 * `needs_reauth` (see oauth2-tokens.ts).
 *
 *   auth_strategy: oauth2_refresh_token
 *   auth_settings: { token_url: https://auth.example/oauth/token, auth_method: client_secret_post }
 *   credentials:   { client_id: …, client_secret: … }   (no secret for public clients)
 */
import { Type } from '@sinclair/typebox';
import { UnigateError } from '../../../errors/unigate-error.js';
import type { Keyring } from '../../../secrets/keyring.js';
import { sealTokenSet } from '../../../secrets/connection-secrets.js';
import type { Actor, Connection, OAuthTokenSet, StateStore } from '../../../store/state/types.js';
import { compileCommon, injectToken, OAuth2Fields, refusedToken, type OAuth2Common } from './oauth2-common.js';
import { requestToken, TokenEndpointError } from './oauth2-token-endpoint.js';
import type { TokenGrant } from './oauth2-tokens.js';
import { compiledSettings } from './settings.js';
import type { CredentialStrategy } from './strategy.js';

const Settings = Type.Object({ ...OAuth2Fields }, { additionalProperties: false });

interface Compiled {
  common: OAuth2Common;
  grant: TokenGrant;
}

const settings = compiledSettings(Settings, (s): Compiled => {
  const common = compileCommon(s);
  const grant: TokenGrant = {
    label: 'refresh token',
    refreshBeforeMs: common.refreshBeforeMs,
    async fetch(stored, env) {
      const refreshToken = stored?.refreshToken;
      if (refreshToken === undefined || refreshToken === '') throw new TokenEndpointError('refused', 'no_refresh_token', undefined);
      const { client_id: clientId, client_secret: clientSecret } = await env.credentials();
      if (!clientId) throw new TokenEndpointError('refused', 'missing_client_id', undefined);
      const issued = await requestToken({
        url: common.tokenUrl,
        clientId,
        clientSecret: clientSecret || undefined,
        authMethod: common.authMethod,
        params: { grant_type: 'refresh_token', refresh_token: refreshToken },
      });
      // §6: a new refresh token replaces the old one (rotation); without one, the old one stays.
      return { ...issued, refreshToken: issued.refreshToken ?? refreshToken };
    },
  };
  return { common, grant };
});

export const oauth2RefreshTokenStrategy: CredentialStrategy = {
  name: 'oauth2_refresh_token',
  settingsSchema: Settings,
  credentialFields: () => ['client_id'],
  checkSettings: (s) => settings.check(s),
  async inject(request, env) {
    const { common, grant } = settings.of(env);
    await injectToken(request, env, common, grant);
  },
  refused(status, env, sent) {
    return refusedToken(status, env, sent, settings.of(env).common);
  },
};

/** A token set as an administrator hands it over. */
export interface InitialTokenSet {
  accessToken?: string;
  refreshToken?: string;
  /** Absolute expiry of the access token; or `expiresIn` seconds from now. */
  expiresAt?: Date | string;
  expiresIn?: number;
  tokenType?: string;
  scope?: string;
}

export interface TokenSetServices {
  readonly state: StateStore;
  readonly keyring: Keyring;
  /** This instance's connection cache, dropped at once (others follow the change feed). */
  readonly connections?: { forget(connectionId: string): void };
}

/**
 * Seals and stores a connection's token set from outside the refresh cycle (the admin API):
 * a `needs_reauth` connection becomes active again. Without an access token the first
 * request refreshes.
 */
export async function saveInitialTokenSet(services: TokenSetServices, connectionId: string, input: InitialTokenSet, actor: Actor): Promise<Connection> {
  const accessToken = input.accessToken ?? '';
  if (accessToken === '' && !input.refreshToken) {
    throw new UnigateError('VALIDATION_FAILED', { message: 'A token set needs an access token or a refresh token' });
  }
  let expiresAt: Date | undefined;
  if (input.expiresAt !== undefined) expiresAt = new Date(input.expiresAt);
  else if (input.expiresIn !== undefined) expiresAt = new Date(Date.now() + input.expiresIn * 1000);
  if (expiresAt !== undefined && Number.isNaN(expiresAt.getTime())) {
    throw new UnigateError('VALIDATION_FAILED', { message: 'The token set\'s expiry is not a valid time' });
  }
  const tokens: OAuthTokenSet = { accessToken };
  if (input.refreshToken) tokens.refreshToken = input.refreshToken;
  if (input.tokenType !== undefined) tokens.tokenType = input.tokenType;
  if (input.scope !== undefined) tokens.scope = input.scope;
  if (expiresAt !== undefined) tokens.expiresAt = expiresAt.toISOString();
  const sealed = sealTokenSet(services.keyring, connectionId, tokens);
  const saved = await services.state.saveOAuthTokens(connectionId, { sealed, expiresAt: expiresAt ?? null }, actor);
  services.connections?.forget(connectionId);
  return saved;
}
