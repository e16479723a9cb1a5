/**
 * `unigate secrets rotate` and key retirement.
 *
 * Rotation seals every stored secret under the active key, in batches, while the gateway
 * keeps serving: readers decrypt under either key, and each record is swapped with a
 * compare-and-set on its version, so a concurrent credential update is never overwritten.
 * With a key file, rotation first adds a new active key to it; with UNIGATE_MASTER_KEY the
 * operator puts the new key first (see load-keyring.ts) and rotation only re-encrypts.
 * A key may be retired once no record uses it.
 */
import type { Actor, SecretCursor, StateStore } from '../store/state/types.js';
import { secretContext } from './connection-secrets.js';
import { isSecretsError, SecretsError } from './errors.js';
import { addKeyToFile, removeKeyFromFile } from './key-file.js';
import { generateMasterKey, type Keyring } from './keyring.js';

type RotationStore = Pick<StateStore, 'listSecrets' | 'replaceSecretCiphertext' | 'countSecretsByKey' | 'recordAudit'>;

export interface RotateOptions {
  /** Secrets per batch (default 100). */
  batchSize?: number;
  /** Add a new active key to the keyring's key file first (default: true when keys come from a file). */
  newKey?: boolean;
  actor?: Actor;
  onBatch?: (progress: { reencrypted: number; failed: number }) => void;
}

export interface RotateResult {
  activeKeyId: string;
  reencrypted: number;
  /** Records that could not be opened (unknown key, tampered): left as they are. */
  failed: { connectionId: string; purpose: string; code: string }[];
  /** Secrets per key id afterwards; only the active key once everything moved. */
  keys: Map<string, number>;
}

export async function rotateSecrets(store: RotationStore, keyring: Keyring, options: RotateOptions = {}): Promise<RotateResult> {
  if (options.newKey ?? keyring.keyFile !== undefined) {
    if (keyring.keyFile === undefined) {
      throw new SecretsError('MASTER_KEY_FROM_ENV', 'keys come from UNIGATE_MASTER_KEY: put the new key first there, then rotate');
    }
    addKeyToFile(keyring.keyFile, generateMasterKey(), true);
    keyring.refresh();
  }
  const activeKeyId = keyring.activeKeyId;
  const batchSize = options.batchSize ?? 100;
  const failed: RotateResult['failed'] = [];
  const skip = new Set<string>();
  let reencrypted = 0;
  // Passes repeat while they make progress: a record rewritten meanwhile under an old key is picked up next pass.
  for (let progress = true; progress; ) {
    progress = false;
    let after: SecretCursor | undefined;
    for (;;) {
      const batch = await store.listSecrets({ notKeyId: activeKeyId, limit: batchSize, ...(after && { after }) });
      if (batch.length === 0) break;
      for (const secret of batch) {
        const id = `${secret.connectionId}/${secret.purpose}`;
        if (skip.has(id)) continue;
        const context = secretContext(secret.connectionId, secret.purpose);
        let plaintext: Buffer;
        try {
          plaintext = keyring.open(secret.ciphertext, context);
        } catch (err) {
          if (!isSecretsError(err)) throw err;
          failed.push({ connectionId: secret.connectionId, purpose: secret.purpose, code: err.code });
          skip.add(id);
          continue;
        }
        const sealed = keyring.seal(plaintext, context);
        plaintext.fill(0);
        if (await store.replaceSecretCiphertext(secret.connectionId, secret.purpose, secret.version, sealed)) {
          reencrypted++;
          progress = true;
        }
      }
      const last = batch[batch.length - 1]!;
      after = { connectionId: last.connectionId, purpose: last.purpose };
      options.onBatch?.({ reencrypted, failed: failed.length });
    }
  }
  const keys = await store.countSecretsByKey();
  await store.recordAudit({
    actor: options.actor ?? 'cli',
    action: 'secrets.rotate',
    entityType: 'keyring',
    entityId: activeKeyId,
    details: { reencrypted, failed: failed.length, keys: Object.fromEntries(keys) },
  });
  return { activeKeyId, reencrypted, failed, keys };
}

/**
 * Refuses to retire the active key or one any record still uses. With a key file the key is
 * removed from it; with UNIGATE_MASTER_KEY the operator removes it from the variable.
 */
export async function retireKey(store: Pick<StateStore, 'countSecretsByKey' | 'recordAudit'>, keyring: Keyring, keyId: string, actor: Actor = 'cli'): Promise<void> {
  if (!keyring.has(keyId)) throw new SecretsError('MASTER_KEY_NOT_FOUND', `key ${keyId} is not in the keyring (${keyring.source})`, { keyId });
  if (keyring.activeKeyId === keyId) {
    throw new SecretsError('MASTER_KEY_ACTIVE', `key ${keyId} is the active key; rotate to a new key before retiring it`, { keyId });
  }
  const inUse = (await store.countSecretsByKey()).get(keyId) ?? 0;
  if (inUse > 0) {
    throw new SecretsError('MASTER_KEY_IN_USE', `key ${keyId} still seals ${inUse} stored secret(s); run unigate secrets rotate first`, {
      keyId,
      inUse,
    });
  }
  if (keyring.keyFile !== undefined) {
    removeKeyFromFile(keyring.keyFile, keyId);
    keyring.refresh();
  }
  await store.recordAudit({ actor, action: 'secrets.retire_key', entityType: 'keyring', entityId: keyId });
}
