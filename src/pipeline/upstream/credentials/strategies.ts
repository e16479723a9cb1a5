/** Every credential strategy by the name a connection's `auth_strategy` uses. */
import { hmacStrategy } from './hmac.js';
import { oauth2ClientCredentialsStrategy } from './oauth2-client-credentials.js';
import { oauth2RefreshTokenStrategy } from './oauth2-refresh-token.js';
import { basicStrategy, bearerStrategy, headerStrategy, queryStrategy } from './static-strategies.js';
import type { CredentialStrategy } from './strategy.js';

const STRATEGIES: ReadonlyMap<string, CredentialStrategy> = new Map(
  [headerStrategy, queryStrategy, basicStrategy, bearerStrategy, oauth2ClientCredentialsStrategy, oauth2RefreshTokenStrategy, hmacStrategy].map(
    (s) => [s.name, s],
  ),
);

export function credentialStrategy(name: string): CredentialStrategy | undefined {
  return STRATEGIES.get(name);
}

export function strategyNames(): string[] {
  return [...STRATEGIES.keys()];
}
