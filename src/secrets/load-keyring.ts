/**
 * Where the master keys come from at start:
 *
 * - `UNIGATE_MASTER_KEY`: base64 of 32 bytes, or a comma-separated list of them; the first
 *   is active, the others only decrypt. Use this with several instances (same value on each).
 *   Rotation without downtime across instances: deploy `old,new` (everyone can read `new`),
 *   then `new,old` and run `unigate secrets rotate`, then `new` once retiring `old` is allowed.
 * - otherwise `<data_dir>/master.key`, created on first start (mode 0600) with a loud warning
 *   to back it up. `unigate secrets rotate` adds a new active key to it; running servers
 *   notice the change on their next seal or on the first ciphertext under an unknown key.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SecretsError } from './errors.js';
import { createKeyFile, isKeyFileExposed, keySetOf, readKeyFile } from './key-file.js';
import { deriveKeyId, Keyring, parseMasterKey, type KeySet } from './keyring.js';

export const MASTER_KEY_ENV = 'UNIGATE_MASTER_KEY';
export const KEY_FILE_NAME = 'master.key';

/** The pino call shape, so the gateway's logger can be passed in directly. */
export interface WarnLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface LoadKeyringOptions {
  readonly dataDir: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Receives the first-start and permission warnings; stderr when absent. */
  readonly logger?: WarnLogger;
}

export function keyFilePath(dataDir: string): string {
  return join(dataDir, KEY_FILE_NAME);
}

export function loadKeyring(options: LoadKeyringOptions): Keyring {
  const env = options.env ?? process.env;
  const logger = options.logger ?? stderrLogger;
  const fromEnv = env[MASTER_KEY_ENV];
  const path = keyFilePath(options.dataDir);
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const keyring = new Keyring(keySetFromEnv(fromEnv), { source: MASTER_KEY_ENV });
    if (existsSync(path)) {
      // Secrets sealed under the file's keys stay unreadable unless those keys are listed in the variable too.
      logger.warn({ file: path }, `${MASTER_KEY_ENV} is set, so the master key file ${path} is ignored; list its keys in ${MASTER_KEY_ENV} if secrets use them`);
    }
    return keyring;
  }

  const { doc, created } = existsSync(path) ? { doc: readKeyFile(path), created: false } : createKeyFile(path);
  if (created) {
    logger.warn(
      { file: path, keyId: doc.active },
      `GENERATED A NEW MASTER KEY in ${path}. BACK THIS FILE UP NOW: every stored credential is encrypted ` +
        `with it and cannot be recovered without it. With several instances, set ${MASTER_KEY_ENV} to the same key on each instead.`,
    );
  } else if (isKeyFileExposed(path)) {
    logger.warn({ file: path }, `master key file ${path} is readable by other users: run chmod 600 on it`);
  }
  return new Keyring(keySetOf(doc), { keyFile: path, refresh: keyFileWatcher(path) });
}

export function keySetFromEnv(value: string): KeySet {
  const parts = value.split(',').map((part) => part.trim()).filter((part) => part !== '');
  const keys = parts.map((part, i) => parseMasterKey(part, parts.length === 1 ? MASTER_KEY_ENV : `${MASTER_KEY_ENV} entry ${i + 1}`));
  if (keys.length === 0) throw new SecretsError('MASTER_KEY_INVALID', `${MASTER_KEY_ENV} is empty`);
  return { keys, activeKeyId: deriveKeyId(keys[0]!) };
}

/** Re-reads the file only when its identity, size or mtime changed since the last read. */
function keyFileWatcher(path: string): () => KeySet | undefined {
  let seen = fingerprint(path);
  return () => {
    const now = fingerprint(path);
    if (now === seen) return undefined;
    const set = keySetOf(readKeyFile(path));
    seen = now;
    return set;
  };
}

function fingerprint(path: string): string {
  const s = statSync(path, { bigint: true });
  return `${s.ino}:${s.size}:${s.mtimeNs}`;
}

const stderrLogger: WarnLogger = {
  warn(fields, message) {
    process.stderr.write(`unigate: WARNING: ${message} ${JSON.stringify(fields)}\n`);
  },
};
