/**
 * What the two OAuth2 strategies share: settings for the token endpoint, client
 * authentication, renewal and the header the token goes in, and the inject/refused pair
 * over the token cache in oauth2-tokens.ts.
 */
import { Duration } from '../../../config/schema-types.js';
import { Type } from '@sinclair/typebox';
import { parseDuration } from '../../../config/duration.js';
import { SettingsProblem } from './settings.js';
import { accessToken, tokenRefused, type TokenGrant } from './oauth2-tokens.js';
import type { ClientAuthMethod } from './oauth2-token-endpoint.js';
import { HEADER_NAME } from './static-strategies.js';
import { removeHeader, type InjectionRequest, type SentAttempt, type StrategyEnv } from './strategy.js';

export const OAuth2Fields = {
  token_url: Type.String({ pattern: '^https?://\\S+$', description: 'Token endpoint (RFC 6749 §3.2), http or https.' }),
  auth_method: Type.Union([Type.Literal('client_secret_basic'), Type.Literal('client_secret_post')], {
    default: 'client_secret_basic',
    description: 'How the client authenticates to the token endpoint (RFC 6749 §2.3.1): HTTP Basic, or client_id and client_secret in the form body.',
  }),
  refresh_before: Duration('Renew the access token this long before it expires (at most half its lifetime), in the background.', { default: '60s' }),
  header: Type.String({ pattern: HEADER_NAME, default: 'Authorization', description: 'Header that carries the access token.' }),
  template: Type.String({
    pattern: '\\{access_token\\}',
    default: 'Bearer {access_token}',
    description: 'Value of the header; `{access_token}` is replaced by the token (RFC 6750 §2.1 by default).',
  }),
};

export interface OAuth2Common {
  readonly tokenUrl: string;
  readonly authMethod: ClientAuthMethod;
  readonly refreshBeforeMs: number;
  /** Lower case. */
  readonly header: string;
  render(token: string): string;
}

export function compileCommon(settings: {
  token_url: string;
  auth_method: ClientAuthMethod;
  refresh_before: string | number;
  header: string;
  template: string;
}): OAuth2Common {
  try {
    new URL(settings.token_url);
  } catch {
    throw new SettingsProblem('/token_url: not a valid URL');
  }
  const parts = settings.template.split('{access_token}');
  return {
    tokenUrl: settings.token_url,
    authMethod: settings.auth_method,
    refreshBeforeMs: parseDuration(settings.refresh_before),
    header: settings.header.toLowerCase(),
    render: (token) => parts.join(token),
  };
}

export async function injectToken(request: InjectionRequest, env: StrategyEnv, common: OAuth2Common, grant: TokenGrant): Promise<void> {
  const token = await accessToken(env, grant);
  removeHeader(request.headers, common.header);
  request.headers[common.header] = common.render(token);
}

/** RFC 6750 §3.1: an expired or revoked token gets 401; 403 (insufficient_scope) is not cured by a new token. */
export function refusedToken(status: number, env: StrategyEnv, sent: SentAttempt, common: OAuth2Common): boolean {
  if (status !== 401) return false;
  const value = sent.headers[common.header];
  return tokenRefused(env, typeof value === 'string' ? value : undefined, common.render);
}
