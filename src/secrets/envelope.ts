/**
 * The AES-256-GCM envelope every stored secret is kept in, as base64url text:
 *
 *   version (1 byte, 0x01) | key id length (1 byte) | key id (ASCII) | nonce (12) | tag (16) | ciphertext
 *
 * The associated data binds the header (so the key id cannot be swapped) and the context:
 * the record id and purpose, so a ciphertext copied to another record or slot is refused.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretsError } from './errors.js';

export const ENVELOPE_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** What a ciphertext is bound to: decrypting under any other context fails. */
export interface SecretContext {
  /** The id of the record that owns the secret (e.g. the connection id). */
  readonly recordId: string;
  /** Which secret of that record (e.g. `connection.credentials`). */
  readonly purpose: string;
}

export interface ParsedEnvelope {
  readonly version: number;
  readonly keyId: string;
  readonly header: Buffer;
  readonly nonce: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

export function isValidKeyId(keyId: string): boolean {
  return KEY_ID_PATTERN.test(keyId);
}

export function sealWithKey(key: Buffer, keyId: string, plaintext: Buffer, context: SecretContext): string {
  if (key.length !== KEY_BYTES) throw new SecretsError('MASTER_KEY_INVALID', 'master key must be 32 bytes', { keyId });
  if (!isValidKeyId(keyId)) throw new SecretsError('MASTER_KEY_INVALID', 'invalid key id', { keyId });
  const header = Buffer.concat([Buffer.from([ENVELOPE_VERSION, keyId.length]), Buffer.from(keyId, 'ascii')]);
  // Random 96-bit nonces: safe for far more than the number of secrets a gateway stores per key (NIST SP 800-38D §8.3).
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(associatedData(header, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, nonce, cipher.getAuthTag(), ciphertext]).toString('base64url');
}

export function parseEnvelope(text: string, context: SecretContext): ParsedEnvelope {
  const malformed = (why: string) =>
    new SecretsError('SECRET_MALFORMED', `stored secret ${describe(context)} is not a valid envelope: ${why}`, {
      recordId: context.recordId,
      purpose: context.purpose,
    });
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]+$/.test(text)) throw malformed('not base64url text');
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length < 2) throw malformed('truncated');
  const version = bytes[0]!;
  if (version !== ENVELOPE_VERSION) throw malformed(`unknown format version ${version}`);
  const idLength = bytes[1]!;
  const headerLength = 2 + idLength;
  if (idLength === 0 || bytes.length < headerLength + NONCE_BYTES + TAG_BYTES) throw malformed('truncated');
  const keyId = bytes.subarray(2, headerLength).toString('ascii');
  if (!isValidKeyId(keyId)) throw malformed('invalid key id');
  const nonceEnd = headerLength + NONCE_BYTES;
  return {
    version,
    keyId,
    header: bytes.subarray(0, headerLength),
    nonce: bytes.subarray(headerLength, nonceEnd),
    tag: bytes.subarray(nonceEnd, nonceEnd + TAG_BYTES),
    ciphertext: bytes.subarray(nonceEnd + TAG_BYTES),
  };
}

export function openWithKey(key: Buffer, envelope: ParsedEnvelope, context: SecretContext): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, envelope.nonce);
  decipher.setAAD(associatedData(envelope.header, context));
  decipher.setAuthTag(envelope.tag);
  try {
    return Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]);
  } catch {
    // The crypto error says nothing useful and GCM cannot tell which part was altered.
    throw new SecretsError(
      'SECRET_TAMPERED',
      `stored secret ${describe(context)} failed authentication under key ${envelope.keyId}: ` +
        'the ciphertext, its tag or its record binding was altered, so it is refused',
      { recordId: context.recordId, purpose: context.purpose, keyId: envelope.keyId },
    );
  }
}

/** Length-prefixed so that no two different (purpose, record id) pairs encode alike. */
function associatedData(header: Buffer, context: SecretContext): Buffer {
  const purpose = Buffer.from(context.purpose, 'utf8');
  const record = Buffer.from(context.recordId, 'utf8');
  const lengths = Buffer.alloc(8);
  lengths.writeUInt32BE(purpose.length, 0);
  lengths.writeUInt32BE(record.length, 4);
  return Buffer.concat([header, lengths, purpose, record]);
}

function describe(context: SecretContext): string {
  return `${context.purpose} of ${context.recordId}`;
}
