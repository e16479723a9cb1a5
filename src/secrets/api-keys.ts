/**
 * Consumer API keys: `ug_live_<lookup>_<secret>`, shown once at creation.
 *
 * - `<lookup>`: 10 random base32 characters. Not secret: stored in clear as `prefix`
 *   (`ug_live_<lookup>`) under a unique index, so authentication is one index lookup and
 *   admins can tell keys apart.
 * - `<secret>`: 32 random bytes (256 bits) in base62.
 *
 * Only a SHA-256 of the whole key is stored. A slow KDF (scrypt, argon2) exists to make
 * guessing low-entropy passwords expensive; a 256-bit random secret cannot be guessed, so one
 * SHA-256 is as strong and keeps the authentication hot path cheap. Comparison is constant-time.
 */
import { hash, randomBytes, randomInt } from 'node:crypto';
import type { ApiKey } from '../store/state/types.js';

export const API_KEY_PREFIX = 'ug_live_';
const LOOKUP_LENGTH = 10;
const LOOKUP_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const SECRET_BYTES = 32;
const SECRET_LENGTH = 43; // 62^43 > 2^256
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}([${LOOKUP_ALPHABET}]{${LOOKUP_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH}})$`);
const HASH_SCHEME = 'sha256:';

export interface GeneratedApiKey {
  /** The full key: give it to the caller once, never store or log it. */
  readonly key: string;
  /** `ug_live_<lookup>`: stored in clear, unique, used to find the record. */
  readonly prefix: string;
  /** What the store keeps instead of the key. */
  readonly hash: string;
}

export type ApiKeyStatus = 'active' | 'revoked' | 'expired';

export function generateApiKey(): GeneratedApiKey {
  let lookup = '';
  for (let i = 0; i < LOOKUP_LENGTH; i++) lookup += LOOKUP_ALPHABET[randomInt(LOOKUP_ALPHABET.length)];
  const prefix = `${API_KEY_PREFIX}${lookup}`;
  const key = `${prefix}_${base62(randomBytes(SECRET_BYTES))}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** The lookup prefix of a well-formed key, or undefined (reject without touching the store). */
export function apiKeyPrefix(presented: string): string | undefined {
  const match = KEY_PATTERN.exec(presented);
  return match === null ? undefined : `${API_KEY_PREFIX}${match[1]}`;
}

export function hashApiKey(key: string): string {
  return `${HASH_SCHEME}${hash('sha256', key, 'hex')}`;
}

/**
 * Constant-time comparison of a presented key against a stored hash. The digests are
 * compared as hex text, every character visited whatever differs: no Buffer (and no
 * off-heap ArrayBuffer) per request on the authentication hot path.
 */
export function verifyApiKey(presented: string, storedHash: string): boolean {
  if (!storedHash.startsWith(HASH_SCHEME) || storedHash.length !== HASH_SCHEME.length + 64) return false;
  const actual = hash('sha256', presented, 'hex');
  let diff = 0;
  for (let i = 0; i < 64; i++) diff |= actual.charCodeAt(i) ^ storedHash.charCodeAt(HASH_SCHEME.length + i);
  return diff === 0;
}

/** `now`: a Date or ms since the epoch. */
export function apiKeyStatus(record: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: Date | number = Date.now()): ApiKeyStatus {
  if (record.revokedAt !== null) return 'revoked';
  if (record.expiresAt !== null && record.expiresAt.getTime() <= (typeof now === 'number' ? now : now.getTime())) return 'expired';
  return 'active';
}

function base62(bytes: Buffer): string {
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  for (let i = 0; i < SECRET_LENGTH; i++) {
    out = BASE62[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out;
}
