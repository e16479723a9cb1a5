import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openCredentials, openTokenSet, sealCredentials, sealTokenSet, secretContext } from './connection-secrets.js';
import { deriveKeyId, generateMasterKey, Keyring } from './keyring.js';

const key = generateMasterKey();
const keyring = new Keyring({ keys: [key], activeKeyId: deriveKeyId(key) });

describe('connection secrets', () => {
  it('round-trips a credential set and a token set bound to their connection', () => {
    const creds = sealCredentials(keyring, 'conn_1', { api_key: 'k-123', password: 'p' });
    expect(openCredentials(keyring, { connectionId: 'conn_1', purpose: 'credentials', ...creds })).toEqual({ api_key: 'k-123', password: 'p' });
    const tokens = sealTokenSet(keyring, 'conn_1', { accessToken: 'at', refreshToken: 'rt', expiresAt: '2030-01-01T00:00:00.000Z' });
    expect(openTokenSet(keyring, { connectionId: 'conn_1', purpose: 'oauth_tokens', ...tokens })).toMatchObject({ accessToken: 'at', refreshToken: 'rt' });
  });

  it('refuses a credential copied to another connection or into the token slot', () => {
    const creds = sealCredentials(keyring, 'conn_1', { api_key: 'k-123' });
    expect(() => openCredentials(keyring, { connectionId: 'conn_2', purpose: 'credentials', ...creds })).toThrow(
      expect.objectContaining({ code: 'SECRET_TAMPERED' }),
    );
    expect(() => openTokenSet(keyring, { connectionId: 'conn_1', purpose: 'oauth_tokens', ...creds })).toThrow(
      expect.objectContaining({ code: 'SECRET_TAMPERED' }),
    );
  });

  it('does not quote the plaintext when it is not JSON', () => {
    const sealed = keyring.seal('not-json SECRET-VALUE', secretContext('conn_1', 'credentials'));
    let err: Error = new Error('none');
    try {
      openCredentials(keyring, { connectionId: 'conn_1', purpose: 'credentials', ...sealed });
    } catch (e) {
      err = e as Error;
    }
    expect(err).toMatchObject({ code: 'SECRET_MALFORMED' });
    expect([err.message, inspect(err)].join()).not.toContain('SECRET-VALUE');
  });
});
