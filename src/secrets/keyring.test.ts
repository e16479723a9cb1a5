import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { addKeyToFile, readKeyFile } from './key-file.js';
import { deriveKeyId, generateMasterKey, Keyring } from './keyring.js';
import { keyFilePath, loadKeyring, MASTER_KEY_ENV, type WarnLogger } from './load-keyring.js';

const context = { recordId: 'conn_1', purpose: 'connection.credentials' };

function recorder(): WarnLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (_fields, message) => void lines.push(message) };
}

describe('keyring', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'unigate-keys-'));
    dirs.push(dir);
    return join(dir, 'data');
  };

  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the key file on first start with mode 0600 and a loud warning, then reuses it quietly', () => {
    const dir = dataDir();
    const logger = recorder();
    const first = loadKeyring({ dataDir: dir, env: {}, logger });
    const file = keyFilePath(dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/GENERATED A NEW MASTER KEY.*BACK THIS FILE UP/);
    expect(first.keyFile).toBe(file);
    expect(readKeyFile(file).active).toBe(first.activeKeyId);

    const again = loadKeyring({ dataDir: dir, env: {}, logger });
    expect(again.activeKeyId).toBe(first.activeKeyId);
    expect(logger.lines).toHaveLength(1);
    const sealed = first.seal('x', context);
    expect(again.openString(sealed.ciphertext, context)).toBe('x');
  });

  it('warns when the key file is readable by others', () => {
    const dir = dataDir();
    loadKeyring({ dataDir: dir, env: {}, logger: recorder() });
    chmodSync(keyFilePath(dir), 0o644);
    const logger = recorder();
    loadKeyring({ dataDir: dir, env: {}, logger });
    expect(logger.lines[0]).toMatch(/readable by other users.*chmod 600/);
  });

  it('reads UNIGATE_MASTER_KEY: one key, or a list whose first key is active', () => {
    const [a, b] = [generateMasterKey(), generateMasterKey()];
    const dir = dataDir();
    const single = loadKeyring({ dataDir: dir, env: { [MASTER_KEY_ENV]: a.toString('base64') } });
    expect(single.activeKeyId).toBe(deriveKeyId(a));
    expect(single.source).toBe(MASTER_KEY_ENV);
    expect(single.keyFile).toBeUndefined();
    expect(() => statSync(keyFilePath(dir))).toThrow(); // no key file when the env provides keys

    const list = loadKeyring({ dataDir: dir, env: { [MASTER_KEY_ENV]: `${b.toString('base64url')}, ${a.toString('base64')}` } });
    expect(list.activeKeyId).toBe(deriveKeyId(b));
    expect(list.keyIds().sort()).toEqual([deriveKeyId(a), deriveKeyId(b)].sort());
    expect(list.openString(single.seal('old', context).ciphertext, context)).toBe('old');
  });

  it('warns that the key file is ignored when UNIGATE_MASTER_KEY is set', () => {
    const dir = dataDir();
    loadKeyring({ dataDir: dir, env: {}, logger: recorder() });
    const logger = recorder();
    loadKeyring({ dataDir: dir, env: { [MASTER_KEY_ENV]: generateMasterKey().toString('base64') }, logger });
    expect(logger.lines[0]).toMatch(/key file .* is ignored/);
  });

  it('refuses a master key that is not base64 of 32 bytes, without echoing it', () => {
    const short = Buffer.from('sixteen-byte-key').toString('base64');
    for (const value of [short, 'not base64 at all!', `${generateMasterKey().toString('base64')},${short}`]) {
      let err: Error & { code?: string } = new Error('none');
      try {
        loadKeyring({ dataDir: dataDir(), env: { [MASTER_KEY_ENV]: value } });
      } catch (e) {
        err = e as Error;
      }
      expect(err.code).toBe('MASTER_KEY_INVALID');
      expect(err.message).toMatch(/base64 of exactly 32 random bytes/);
      expect(err.message).not.toContain(short);
    }
  });

  it('derives the same non-secret id for a key wherever it comes from', () => {
    const key = generateMasterKey();
    const id = deriveKeyId(key);
    expect(id).toMatch(/^k[0-9a-f]{16}$/);
    expect(id).not.toContain(key.toString('hex').slice(0, 16));
    const dir = dataDir();
    const fromFile = loadKeyring({ dataDir: dir, env: {}, logger: recorder() });
    addKeyToFile(keyFilePath(dir), key, true);
    fromFile.refresh();
    expect(fromFile.activeKeyId).toBe(id);
  });

  it('picks up a key another process added to the key file, on first use of that key', () => {
    const dir = dataDir();
    const server = loadKeyring({ dataDir: dir, env: {}, logger: recorder() });
    const cli = loadKeyring({ dataDir: dir, env: {}, logger: recorder() });
    addKeyToFile(keyFilePath(dir), generateMasterKey(), true);
    cli.refresh();
    const sealed = cli.seal('rotated', context);
    expect(server.has(sealed.keyId)).toBe(false);
    expect(server.openString(sealed.ciphertext, context)).toBe('rotated');
    expect(server.activeKeyId).toBe(sealed.keyId);
  });

  it('never shows key material in logs, JSON or inspect', () => {
    const key = generateMasterKey();
    const keyring = new Keyring({ keys: [key], activeKeyId: deriveKeyId(key) });
    const shown = [JSON.stringify(keyring), inspect(keyring, { depth: 10, showHidden: true }), String(keyring)].join('\n');
    for (const encoding of ['base64', 'hex', 'base64url'] as const) expect(shown).not.toContain(key.toString(encoding));
    expect(JSON.parse(JSON.stringify(keyring))).toEqual({ source: 'memory', activeKeyId: deriveKeyId(key), keyIds: [deriveKeyId(key)] });
  });

  it('keeps the key file readable: JSON with the active id and every key', () => {
    const dir = dataDir();
    const keyring = loadKeyring({ dataDir: dir, env: {}, logger: recorder() });
    const doc = JSON.parse(readFileSync(keyFilePath(dir), 'utf8'));
    expect(doc).toMatchObject({ format: 'unigate-master-keys/1', active: keyring.activeKeyId });
    expect(doc.keys).toHaveLength(1);
    expect(Buffer.from(doc.keys[0].key, 'base64')).toHaveLength(32);
  });
});
