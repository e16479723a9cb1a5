import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../store/state/sqlite/sqlite-store.js';
import type { StateStore } from '../store/state/types.js';
import { openCredentials, openTokenSet, sealCredentials, sealTokenSet } from './connection-secrets.js';
import { readKeyFile } from './key-file.js';
import { deriveKeyId, generateMasterKey, Keyring } from './keyring.js';
import { keyFilePath, loadKeyring, MASTER_KEY_ENV } from './load-keyring.js';
import { retireKey, rotateSecrets } from './rotate.js';

const quiet = { warn: () => {} };

describe('secrets rotation', () => {
  let dir: string;
  let store: SqliteStateStore;
  let cli: Keyring;
  const expected = new Map<string, string>();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'unigate-rotate-'));
    store = await SqliteStateStore.open({ path: join(dir, 'data', 'unigate.db') });
    cli = loadKeyring({ dataDir: join(dir, 'data'), env: {}, logger: quiet });
    expected.clear();
    const consumer = await store.createConsumer({ name: 'Acme' }, 'admin');
    for (let i = 0; i < 23; i++) {
      const id = `conn_${String(i).padStart(2, '0')}`;
      const value = `secret-${i}`;
      await store.createConnection(
        { id, consumerId: consumer.id, kind: 'upstream', target: 't', authStrategy: 'header', credentials: sealCredentials(cli, id, { api_key: value }) },
        'admin',
      );
      expected.set(`${id}/credentials`, value);
      if (i % 3 === 0) {
        await store.saveOAuthTokens(id, { sealed: sealTokenSet(cli, id, { accessToken: `token-${i}` }), expiresAt: null }, 'system');
        expected.set(`${id}/oauth_tokens`, `token-${i}`);
      }
    }
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function readAll(keyring: Keyring, from: StateStore = store): Promise<Map<string, string>> {
    const seen = new Map<string, string>();
    for (const secret of await from.listSecrets({ limit: 1000 })) {
      const value =
        secret.purpose === 'credentials' ? openCredentials(keyring, secret).api_key! : openTokenSet(keyring, secret).accessToken;
      seen.set(`${secret.connectionId}/${secret.purpose}`, value);
    }
    return seen;
  }

  it('re-encrypts every secret under a new key in batches while readers keep decrypting', async () => {
    const oldKey = cli.activeKeyId;
    // The running server: its own keyring, loaded before the rotation, never told about it.
    const server = loadKeyring({ dataDir: join(dir, 'data'), env: {}, logger: quiet });
    let reads = 0;
    let readerErrors = 0;
    let rotating = true;
    const reader = (async () => {
      while (rotating) {
        try {
          expect(await readAll(server)).toEqual(expected);
          reads++;
        } catch {
          readerErrors++;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    const batches: number[] = [];
    const result = await rotateSecrets(store, cli, { batchSize: 5, onBatch: (p) => void batches.push(p.reencrypted) });
    rotating = false;
    await reader;

    expect(result.activeKeyId).not.toBe(oldKey);
    expect(result.reencrypted).toBe(expected.size);
    expect(result.failed).toEqual([]);
    expect(Object.fromEntries(result.keys)).toEqual({ [result.activeKeyId]: expected.size });
    expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(expected.size / 5));
    expect(readerErrors).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(await readAll(cli)).toEqual(expected);
    expect(await readAll(server)).toEqual(expected);
    expect(server.activeKeyId).toBe(result.activeKeyId);
    expect(readKeyFile(keyFilePath(join(dir, 'data'))).keys.map((k) => k.id)).toEqual([oldKey, result.activeKeyId]);
    const [event] = await store.listAuditEvents({ entityType: 'keyring' });
    expect(event).toMatchObject({ action: 'secrets.rotate', entityId: result.activeKeyId, details: { reencrypted: expected.size, failed: 0 } });
  });

  it('refuses to retire a key still in use or active, and retires it once nothing uses it', async () => {
    const oldKey = cli.activeKeyId;
    await expect(retireKey(store, cli, oldKey)).rejects.toMatchObject({ code: 'MASTER_KEY_ACTIVE' });
    await rotateSecrets(store, cli, { batchSize: 100, newKey: true });
    const newKey = cli.activeKeyId;
    // Simulate a record written under the old key by an instance that had not noticed the rotation.
    const stale = new Keyring({ keys: [readKeyOf(oldKey)], activeKeyId: oldKey });
    await store.putSecret('conn_05', 'credentials', sealCredentials(stale, 'conn_05', { api_key: 'secret-5' }), 'admin');
    await expect(retireKey(store, cli, oldKey)).rejects.toMatchObject({ code: 'MASTER_KEY_IN_USE', details: { inUse: 1 } });

    const again = await rotateSecrets(store, cli, { newKey: false });
    expect(again).toMatchObject({ activeKeyId: newKey, reencrypted: 1 });
    await retireKey(store, cli, oldKey);
    expect(cli.has(oldKey)).toBe(false);
    expect(readKeyFile(keyFilePath(join(dir, 'data'))).keys.map((k) => k.id)).toEqual([newKey]);
    expect(await readAll(cli)).toEqual(expected);
    await expect(retireKey(store, cli, oldKey)).rejects.toMatchObject({ code: 'MASTER_KEY_NOT_FOUND' });
  });

  it('never overwrites a credential updated concurrently; a later pass moves it', async () => {
    // A store seam: right before the first swap, an instance on the old key writes that record.
    const oldKeyring = new Keyring({ keys: [readKeyOf(cli.activeKeyId)], activeKeyId: cli.activeKeyId });
    let raced = false;
    const racing: Parameters<typeof rotateSecrets>[0] = {
      listSecrets: (query) => store.listSecrets(query),
      countSecretsByKey: () => store.countSecretsByKey(),
      recordAudit: (event) => store.recordAudit(event),
      async replaceSecretCiphertext(connectionId, purpose, version, sealed) {
        if (!raced) {
          raced = true;
          await store.putSecret(connectionId, 'credentials', sealCredentials(oldKeyring, connectionId, { api_key: 'updated' }), 'admin');
          expected.set(`${connectionId}/credentials`, 'updated');
        }
        return store.replaceSecretCiphertext(connectionId, purpose, version, sealed);
      },
    };
    const result = await rotateSecrets(racing, cli, { batchSize: 4 });
    expect(raced).toBe(true);
    expect(Object.fromEntries(result.keys)).toEqual({ [result.activeKeyId]: expected.size });
    expect(await readAll(cli)).toEqual(expected);
  });

  it('reports records it cannot open and leaves them as they are', async () => {
    const secret = (await store.getSecret('conn_07', 'credentials'))!;
    const tampered = Buffer.from(secret.ciphertext, 'base64url');
    tampered[tampered.length - 1]! ^= 1;
    await store.putSecret('conn_07', 'credentials', { keyId: secret.keyId, ciphertext: tampered.toString('base64url') }, 'admin');
    const oldKey = cli.activeKeyId;
    const result = await rotateSecrets(store, cli);
    expect(result.failed).toEqual([{ connectionId: 'conn_07', purpose: 'credentials', code: 'SECRET_TAMPERED' }]);
    expect(result.reencrypted).toBe(expected.size - 1);
    expect(result.keys.get(oldKey)).toBe(1);
    await expect(retireKey(store, cli, oldKey)).rejects.toMatchObject({ code: 'MASTER_KEY_IN_USE' });
  });

  it('with UNIGATE_MASTER_KEY, re-encrypts under the first listed key and never edits a file', async () => {
    const oldKey = readKeyOf(cli.activeKeyId);
    const newKey = generateMasterKey();
    const fromEnv = loadKeyring({ dataDir: join(dir, 'other'), env: { [MASTER_KEY_ENV]: `${newKey.toString('base64')},${oldKey.toString('base64')}` } });
    await expect(rotateSecrets(store, fromEnv, { newKey: true })).rejects.toMatchObject({ code: 'MASTER_KEY_FROM_ENV' });
    const result = await rotateSecrets(store, fromEnv);
    expect(result.activeKeyId).toBe(deriveKeyId(newKey));
    expect(Object.fromEntries(result.keys)).toEqual({ [deriveKeyId(newKey)]: expected.size });
    await retireKey(store, fromEnv, deriveKeyId(oldKey)); // allowed; the operator then drops it from the variable
  });

  function readKeyOf(keyId: string): Buffer {
    const entry = readKeyFile(keyFilePath(join(dir, 'data'))).keys.find((k) => k.id === keyId)!;
    return Buffer.from(entry.key, 'base64');
  }
});
