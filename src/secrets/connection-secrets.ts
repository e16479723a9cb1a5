/**
 * Sealing and opening a connection's secrets: its credential set and its OAuth token set.
 * Each ciphertext is bound to (connection id, purpose), so it cannot be replayed onto
 * another connection or swapped between the two slots. Plaintext is JSON and exists only
 * in the caller's memory; parse failures never echo it.
 */
import type { OAuthTokenSet, SealedSecret, SecretPurpose, StoredSecret } from '../store/state/types.js';
import type { SecretContext } from './envelope.js';
import { SecretsError } from './errors.js';
import type { Keyring } from './keyring.js';

/** A credential set: field name → secret value (api_key, client_secret, password…). */
export type CredentialSet = Record<string, string>;

export function secretContext(connectionId: string, purpose: SecretPurpose): SecretContext {
  return { recordId: connectionId, purpose: `connection.${purpose}` };
}

export function sealCredentials(keyring: Keyring, connectionId: string, credentials: CredentialSet): SealedSecret {
  return keyring.seal(JSON.stringify(credentials), secretContext(connectionId, 'credentials'));
}

export function sealTokenSet(keyring: Keyring, connectionId: string, tokens: OAuthTokenSet): SealedSecret {
  return keyring.seal(JSON.stringify(tokens), secretContext(connectionId, 'oauth_tokens'));
}

export function openCredentials(keyring: Keyring, stored: Pick<StoredSecret, 'connectionId' | 'purpose' | 'ciphertext'>): CredentialSet {
  return openJson(keyring, stored, 'credentials') as CredentialSet;
}

export function openTokenSet(keyring: Keyring, stored: Pick<StoredSecret, 'connectionId' | 'purpose' | 'ciphertext'>): OAuthTokenSet {
  return openJson(keyring, stored, 'oauth_tokens') as OAuthTokenSet;
}

function openJson(keyring: Keyring, stored: Pick<StoredSecret, 'connectionId' | 'purpose' | 'ciphertext'>, expected: SecretPurpose): unknown {
  // The purpose in the AAD is the one asked for, not the row's: a row in the wrong slot fails authentication.
  const context = secretContext(stored.connectionId, expected);
  const bytes = keyring.open(stored.ciphertext, context);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    // JSON.parse errors quote the input; this one must not.
    throw new SecretsError('SECRET_MALFORMED', `decrypted ${context.purpose} of ${context.recordId} is not JSON`, {
      recordId: context.recordId,
      purpose: context.purpose,
    });
  } finally {
    bytes.fill(0);
  }
}
