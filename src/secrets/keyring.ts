/**
 * The keyring: every master key this process knows, by id, with one active key for
 * encryption. Older keys stay for decryption so readers keep working while
 * `unigate secrets rotate` moves records to the new key.
 *
 * Key ids are derived from the key material (a truncated SHA-256), so the same key has the
 * same id whether it comes from UNIGATE_MASTER_KEY or the key file, and ids reveal nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import type { SealedSecret } from '../store/state/types.js';
import { openWithKey, parseEnvelope, sealWithKey, type SecretContext } from './envelope.js';
import { SecretsError } from './errors.js';

export const MASTER_KEY_BYTES = 32;

export interface KeySet {
  /** Key material, 32 bytes each. */
  readonly keys: readonly Buffer[];
  /** Id of the key new secrets are sealed with; must be one of `keys`. */
  readonly activeKeyId: string;
}

export interface KeyringOptions {
  /**
   * Re-reads the key source; returns a new set when it changed. Called before sealing and
   * when a ciphertext names an unknown key, so a running server picks up a key that
   * `unigate secrets rotate` added to the key file without a restart.
   */
  readonly refresh?: () => KeySet | undefined;
  /** Where the keys came from, for messages: `UNIGATE_MASTER_KEY` or the key file path. */
  readonly source?: string;
  /** The key file, when keys come from one: rotation adds its new key there. */
  readonly keyFile?: string;
}

export class Keyring {
  #keys = new Map<string, Buffer>();
  #activeKeyId = '';
  readonly #refresh: (() => KeySet | undefined) | undefined;
  readonly source: string;
  readonly keyFile: string | undefined;

  constructor(set: KeySet, options: KeyringOptions = {}) {
    this.#refresh = options.refresh;
    this.source = options.source ?? options.keyFile ?? 'memory';
    this.keyFile = options.keyFile;
    this.#replace(set);
  }

  get activeKeyId(): string {
    return this.#activeKeyId;
  }

  keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  seal(plaintext: string | Uint8Array, context: SecretContext): SealedSecret {
    this.#tryRefresh();
    const key = this.#keys.get(this.#activeKeyId)!;
    const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : Buffer.from(plaintext);
    return { keyId: this.#activeKeyId, ciphertext: sealWithKey(key, this.#activeKeyId, bytes, context) };
  }

  /** Decrypts and authenticates; throws a SecretsError (no secret in it) on any mismatch. */
  open(ciphertext: string, context: SecretContext): Buffer {
    const envelope = parseEnvelope(ciphertext, context);
    let key = this.#keys.get(envelope.keyId);
    if (key === undefined) {
      this.#tryRefresh();
      key = this.#keys.get(envelope.keyId);
    }
    if (key === undefined) {
      throw new SecretsError(
        'SECRET_KEY_UNKNOWN',
        `stored secret ${context.purpose} of ${context.recordId} is sealed under key ${envelope.keyId}, ` +
          `which is not in the keyring (${this.source}); add that key back to decrypt it`,
        { recordId: context.recordId, purpose: context.purpose, keyId: envelope.keyId },
      );
    }
    return openWithKey(key, envelope, context);
  }

  openString(ciphertext: string, context: SecretContext): string {
    return this.open(ciphertext, context).toString('utf8');
  }

  /** The key id recorded in an envelope, without decrypting it. */
  keyIdOf(ciphertext: string, context: SecretContext): string {
    return parseEnvelope(ciphertext, context).keyId;
  }

  /** Re-reads the key source now (see KeyringOptions.refresh). */
  refresh(): void {
    this.#tryRefresh();
  }

  // Key material must never reach logs through console.log, pino or JSON.stringify.
  toJSON(): { source: string; activeKeyId: string; keyIds: string[] } {
    return { source: this.source, activeKeyId: this.#activeKeyId, keyIds: this.keyIds() };
  }

  [inspect.custom](): string {
    return `Keyring ${JSON.stringify(this.toJSON())}`;
  }

  #tryRefresh(): void {
    if (this.#refresh === undefined) return;
    // A key file caught mid-edit keeps the keys already loaded; the next call retries.
    let next: KeySet | undefined;
    try {
      next = this.#refresh();
    } catch {
      return;
    }
    if (next !== undefined) this.#replace(next);
  }

  #replace(set: KeySet): void {
    const keys = new Map<string, Buffer>();
    for (const key of set.keys) {
      if (key.length !== MASTER_KEY_BYTES) {
        throw new SecretsError('MASTER_KEY_INVALID', `every master key must be ${MASTER_KEY_BYTES} bytes`);
      }
      keys.set(deriveKeyId(key), Buffer.from(key));
    }
    if (!keys.has(set.activeKeyId)) {
      throw new SecretsError('MASTER_KEY_NOT_FOUND', `active key ${set.activeKeyId} is not among the keys`, {
        keyId: set.activeKeyId,
      });
    }
    this.#keys = keys;
    this.#activeKeyId = set.activeKeyId;
  }
}

/** A stable, non-secret id for a key: `k` and 16 hex digits of a domain-separated SHA-256. */
export function deriveKeyId(key: Buffer): string {
  const digest = createHash('sha256').update('unigate master key id\0').update(key).digest('hex');
  return `k${digest.slice(0, 16)}`;
}

export function generateMasterKey(): Buffer {
  return randomBytes(MASTER_KEY_BYTES);
}

/** Decodes base64 (standard or url-safe) of exactly 32 bytes; the message never echoes the value. */
export function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const decoded = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
  if (decoded === undefined || decoded.length !== MASTER_KEY_BYTES) {
    const got = decoded === undefined ? 'not base64' : `decodes to ${decoded.length} bytes`;
    throw new SecretsError(
      'MASTER_KEY_INVALID',
      `${source} must be base64 of exactly ${MASTER_KEY_BYTES} random bytes (${got}); ` +
        'generate one with: openssl rand -base64 32',
      { source },
    );
  }
  return decoded;
}
