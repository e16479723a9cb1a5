/**
 * The master key file (`<data_dir>/master.key`, mode 0600): a small JSON document holding
 * every key with its id and which one is active, e.g.
 *
 *   {"format":"unigate-master-keys/1","active":"k3f…","keys":[{"id":"k3f…","key":"<base64>","created_at":"…"}]}
 *
 * Writes go to a temporary file (mode 0600) that is then renamed over the old one, so a
 * reader never sees half a file.
 */
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SecretsError } from './errors.js';
import { deriveKeyId, generateMasterKey, parseMasterKey, type KeySet } from './keyring.js';

export const KEY_FILE_FORMAT = 'unigate-master-keys/1';

export interface KeyFileEntry {
  readonly id: string;
  readonly key: string;
  readonly created_at: string;
}

export interface KeyFileDocument {
  readonly format: typeof KEY_FILE_FORMAT;
  readonly warning: string;
  readonly active: string;
  readonly keys: readonly KeyFileEntry[];
}

const WARNING = 'Back this file up. It encrypts every stored credential; without it they cannot be recovered.';

export function readKeyFile(path: string): KeyFileDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? 'not valid JSON';
    throw new SecretsError('MASTER_KEY_INVALID', `cannot read master key file ${path} (${why})`, { source: path });
  }
  const doc = parsed as Partial<KeyFileDocument>;
  if (doc.format !== KEY_FILE_FORMAT || !Array.isArray(doc.keys) || typeof doc.active !== 'string') {
    throw new SecretsError('MASTER_KEY_INVALID', `master key file ${path} is not in format ${KEY_FILE_FORMAT}`, {
      source: path,
    });
  }
  for (const entry of doc.keys) {
    const key = parseMasterKey(String(entry?.key ?? ''), `a key in ${path}`);
    if (deriveKeyId(key) !== entry.id) {
      throw new SecretsError('MASTER_KEY_INVALID', `master key file ${path}: key ${entry.id} does not match its id`, {
        source: path,
        keyId: String(entry.id),
      });
    }
  }
  if (!doc.keys.some((entry) => entry.id === doc.active)) {
    throw new SecretsError('MASTER_KEY_NOT_FOUND', `master key file ${path}: active key ${doc.active} is not listed`, {
      source: path,
      keyId: doc.active,
    });
  }
  return doc as KeyFileDocument;
}

export function keySetOf(doc: KeyFileDocument): KeySet {
  return { keys: doc.keys.map((entry) => Buffer.from(entry.key, 'base64')), activeKeyId: doc.active };
}

/**
 * Creates the key file with one new active key unless it already exists. Exclusive: when
 * two processes start at once, both end up with the one file that won.
 */
export function createKeyFile(path: string): { doc: KeyFileDocument; created: boolean } {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const doc = withKey(undefined, generateMasterKey(), true);
  const temp = writeTemp(path, doc);
  try {
    linkSync(temp, path);
    return { doc, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { doc: readKeyFile(path), created: false };
  } finally {
    rmSync(temp, { force: true });
  }
}

export function writeKeyFile(path: string, doc: KeyFileDocument): void {
  renameSync(writeTemp(path, doc), path);
}

/** Adds a key (the new active one when `activate`); returns the updated document. */
export function addKeyToFile(path: string, key: Buffer, activate: boolean): KeyFileDocument {
  const doc = withKey(readKeyFile(path), key, activate);
  writeKeyFile(path, doc);
  return doc;
}

export function removeKeyFromFile(path: string, keyId: string): KeyFileDocument {
  const current = readKeyFile(path);
  if (!current.keys.some((entry) => entry.id === keyId)) {
    throw new SecretsError('MASTER_KEY_NOT_FOUND', `key ${keyId} is not in ${path}`, { keyId, source: path });
  }
  if (current.active === keyId) {
    throw new SecretsError('MASTER_KEY_ACTIVE', `key ${keyId} is the active key and cannot be removed`, { keyId });
  }
  const doc = { ...current, keys: current.keys.filter((entry) => entry.id !== keyId) };
  writeKeyFile(path, doc);
  return doc;
}

/** True when group or others can read the file (it should be 0600). */
export function isKeyFileExposed(path: string): boolean {
  return (statSync(path).mode & 0o077) !== 0;
}

function withKey(doc: KeyFileDocument | undefined, key: Buffer, activate: boolean): KeyFileDocument {
  const id = deriveKeyId(key);
  const others = (doc?.keys ?? []).filter((entry) => entry.id !== id);
  const entry: KeyFileEntry = { id, key: key.toString('base64'), created_at: new Date().toISOString() };
  return {
    format: KEY_FILE_FORMAT,
    warning: WARNING,
    active: activate || doc === undefined ? id : doc.active,
    keys: [...others, entry],
  };
}

function writeTemp(path: string, doc: KeyFileDocument): string {
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(temp, 0o600); // the umask may have narrowed the mode, never widened it; make it exact
  return temp;
}
