/**
 * The one error type of the secrets layer. Messages and details name key ids, record ids
 * and purposes only: never plaintext, key material or ciphertext, so they are safe to log.
 */
export type SecretsErrorCode =
  /** Not an envelope this version understands (bad encoding, truncated, unknown version). */
  | 'SECRET_MALFORMED'
  /** Sealed under a key id the keyring does not hold. */
  | 'SECRET_KEY_UNKNOWN'
  /** GCM authentication failed: ciphertext, tag or associated data altered, or moved to another record. */
  | 'SECRET_TAMPERED'
  /** A master key (env or key file) is not base64 of 32 bytes, or the key file is unreadable. */
  | 'MASTER_KEY_INVALID'
  /** Retiring the key that encrypts new secrets. */
  | 'MASTER_KEY_ACTIVE'
  /** Retiring a key that stored records still use. */
  | 'MASTER_KEY_IN_USE'
  /** The key id is not in the keyring or key file. */
  | 'MASTER_KEY_NOT_FOUND'
  /** The operation edits the key file, but keys come from UNIGATE_MASTER_KEY. */
  | 'MASTER_KEY_FROM_ENV';

export class SecretsError extends Error {
  readonly code: SecretsErrorCode;
  readonly details: Readonly<Record<string, string | number>>;

  constructor(code: SecretsErrorCode, message: string, details: Record<string, string | number> = {}) {
    super(message);
    this.name = 'SecretsError';
    this.code = code;
    this.details = details;
  }
}

export function isSecretsError(err: unknown): err is SecretsError {
  return err instanceof Error && err.name === 'SecretsError' && 'code' in err;
}
