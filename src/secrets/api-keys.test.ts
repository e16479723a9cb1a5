import { describe, expect, it } from 'vitest';
import { API_KEY_PREFIX, apiKeyPrefix, apiKeyStatus, generateApiKey, hashApiKey, verifyApiKey } from './api-keys.js';

describe('API keys', () => {
  it('generates ug_live_<lookup>_<secret> keys with a 256-bit secret and a clear lookup prefix', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(/^ug_live_[0-9a-hjkmnp-tv-z]{10}_[0-9A-Za-z]{43}$/);
    expect(key.startsWith(`${prefix}_`)).toBe(true);
    expect(prefix.startsWith(API_KEY_PREFIX)).toBe(true);
    // 43 base62 characters carry log2(62) × 43 ≈ 256 bits; the lookup part is not counted.
    expect(43 * Math.log2(62)).toBeGreaterThan(255);
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hash).not.toContain(key.slice(prefix.length + 1));
  });

  it('makes every key and lookup prefix different', () => {
    const keys = Array.from({ length: 500 }, generateApiKey);
    expect(new Set(keys.map((k) => k.key)).size).toBe(500);
    expect(new Set(keys.map((k) => k.prefix)).size).toBe(500);
  });

  it('finds the lookup prefix of well-formed keys only', () => {
    const { key, prefix } = generateApiKey();
    expect(apiKeyPrefix(key)).toBe(prefix);
    for (const bad of ['', 'ug_live_', `${key}x`, key.slice(0, -1), key.replace('ug_live_', 'ug_test_'), `Bearer ${key}`]) {
      expect(apiKeyPrefix(bad)).toBeUndefined();
    }
  });

  it('verifies the presented key against the stored hash only', () => {
    const { key, hash } = generateApiKey();
    expect(verifyApiKey(key, hash)).toBe(true);
    expect(verifyApiKey(generateApiKey().key, hash)).toBe(false);
    expect(verifyApiKey(key, hash.slice(0, -1))).toBe(false);
    // Same length, one digit off (first and last), another scheme, trailing text.
    const flip = (c: string) => (c === '0' ? '1' : '0');
    expect(verifyApiKey(key, hash.slice(0, -1) + flip(hash.at(-1)!))).toBe(false);
    expect(verifyApiKey(key, `sha256:${flip(hash[7]!)}${hash.slice(8)}`)).toBe(false);
    expect(verifyApiKey(key, hash.replace('sha256:', 'sha512:'))).toBe(false);
    expect(verifyApiKey(key, `${hash}0`)).toBe(false);
    expect(hashApiKey(key)).toBe(hash);
  });

  it('tells active, revoked and expired keys apart', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: null }, now)).toBe('active');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: new Date('2025-01-02T00:00:00Z') }, now)).toBe('active');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: now }, now)).toBe('expired');
    expect(apiKeyStatus({ revokedAt: new Date('2024-12-31T00:00:00Z'), expiresAt: null }, now)).toBe('revoked');
  });
});
