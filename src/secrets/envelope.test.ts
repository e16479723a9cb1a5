import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ENVELOPE_VERSION, parseEnvelope } from './envelope.js';
import { deriveKeyId, generateMasterKey, Keyring } from './keyring.js';

const SECRET = 'client_secret=VERY-SECRET-VALUE-123';
const context = { recordId: 'conn_1', purpose: 'connection.credentials' };

function keyringOf(...keys: Buffer[]): Keyring {
  return new Keyring({ keys, activeKeyId: deriveKeyId(keys[0]!) });
}

/** Flips one bit at `offset` (negative counts from the end) of a base64url envelope. */
function flip(ciphertext: string, offset: number): string {
  const bytes = Buffer.from(ciphertext, 'base64url');
  const i = offset < 0 ? bytes.length + offset : offset;
  bytes[i] = bytes[i]! ^ 0x01;
  return bytes.toString('base64url');
}

function caught(fn: () => unknown): Error & { code?: string; details?: object } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

/** Nothing secret anywhere in the error: message, details, stack, inspect output. */
function expectNoSecret(err: Error, ...secrets: string[]): void {
  const everything = [err.message, String(err.stack), JSON.stringify(err), inspect(err, { depth: 5 })].join('\n');
  for (const s of secrets) expect(everything).not.toContain(s);
}

describe('envelope', () => {
  const key = generateMasterKey();
  const keyring = keyringOf(key);

  it('round-trips text and binary, with a fresh nonce every time', () => {
    const a = keyring.seal(SECRET, context);
    const b = keyring.seal(SECRET, context);
    expect(a.keyId).toBe(keyring.activeKeyId);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.ciphertext).not.toContain(SECRET);
    expect(keyring.openString(a.ciphertext, context)).toBe(SECRET);
    const binary = Buffer.from([0, 1, 2, 255]);
    expect(keyring.open(keyring.seal(binary, context).ciphertext, context)).toEqual(binary);
    expect(keyring.openString(keyring.seal('', context).ciphertext, context)).toBe('');
  });

  it('writes a versioned header carrying the key id', () => {
    const { ciphertext } = keyring.seal(SECRET, context);
    const parsed = parseEnvelope(ciphertext, context);
    expect(parsed.version).toBe(ENVELOPE_VERSION);
    expect(parsed.keyId).toBe(keyring.activeKeyId);
    expect(parsed.nonce).toHaveLength(12);
    expect(parsed.tag).toHaveLength(16);
    expect(parsed.ciphertext).toHaveLength(Buffer.byteLength(SECRET));
    expect(keyring.keyIdOf(ciphertext, context)).toBe(keyring.activeKeyId);
  });

  it('refuses a ciphertext sealed under a key id the keyring does not hold', () => {
    const other = keyringOf(generateMasterKey());
    const { ciphertext, keyId } = keyring.seal(SECRET, context);
    const err = caught(() => other.open(ciphertext, context));
    expect(err).toMatchObject({ name: 'SecretsError', code: 'SECRET_KEY_UNKNOWN', details: { keyId, recordId: 'conn_1' } });
    expect(err.message).toContain(keyId);
    expectNoSecret(err, SECRET, key.toString('base64'));
  });

  it.each([
    ['the ciphertext', -1],
    ['the tag', -(Buffer.byteLength(SECRET) + 1)],
    ['the nonce', 2 + deriveKeyId(key).length],
  ])('refuses a tampered envelope: %s', (_what, offset) => {
    const { ciphertext } = keyring.seal(SECRET, context);
    const err = caught(() => keyring.open(flip(ciphertext, offset), context));
    expect(err).toMatchObject({ code: 'SECRET_TAMPERED' });
    expect(err.message).toMatch(/failed authentication.*refused/);
    expectNoSecret(err, SECRET, key.toString('base64'), ciphertext);
  });

  it('refuses a ciphertext moved to another record or purpose (associated data)', () => {
    const { ciphertext } = keyring.seal(SECRET, context);
    for (const moved of [
      { ...context, recordId: 'conn_2' },
      { ...context, purpose: 'connection.oauth_tokens' },
      // Length prefixes: shifting a character between the two fields changes the AAD too.
      { recordId: 'onn_1', purpose: 'connection.credentialsc' },
    ]) {
      const err = caught(() => keyring.open(ciphertext, moved));
      expect(err).toMatchObject({ code: 'SECRET_TAMPERED' });
      expectNoSecret(err, SECRET);
    }
  });

  it('refuses a header whose key id was swapped for another known key', () => {
    const second = generateMasterKey();
    const both = keyringOf(key, second);
    const { ciphertext } = both.seal(SECRET, context);
    const bytes = Buffer.from(ciphertext, 'base64url');
    bytes.write(deriveKeyId(second), 2, 'ascii'); // same length: ids are fixed-size
    const err = caught(() => both.open(bytes.toString('base64url'), context));
    expect(err).toMatchObject({ code: 'SECRET_TAMPERED' });
  });

  it('refuses malformed envelopes with a clear error', () => {
    const { ciphertext } = keyring.seal(SECRET, context);
    const v2 = Buffer.from(ciphertext, 'base64url');
    v2[0] = 2;
    for (const [bad, why] of [
      ['not base64 !', /not base64url/],
      ['', /not base64url/],
      [ciphertext.slice(0, 30), /truncated/],
      [v2.toString('base64url'), /unknown format version 2/],
    ] as const) {
      const err = caught(() => keyring.open(bad, context));
      expect(err).toMatchObject({ code: 'SECRET_MALFORMED' });
      expect(err.message).toMatch(why);
      expectNoSecret(err, SECRET);
    }
  });
});
