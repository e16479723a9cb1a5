/**
 * `unigate secrets rotate|retire`: re-encrypt every stored secret under the active master
 * key (with a key file, a new key is added first) while gateways keep serving, then retire
 * an old key once nothing uses it.
 */
import type { Command } from 'commander';
import { retireKey, rotateSecrets } from '../secrets/rotate.js';
import { positiveInt, withConfigOption, withStores, type ConfigOption } from './stores.js';

export function registerSecretCommands(program: Command): void {
  const secrets = program.command('secrets').description('Master keys and the secrets they encrypt.');

  withConfigOption(secrets.command('rotate'))
    .description('Re-encrypt every stored secret under the active key (adds a new key to the key file first).')
    .option('--batch-size <n>', 'secrets per batch (default 100)', positiveInt)
    .option('--no-new-key', 'only re-encrypt under the current active key')
    .action((options: ConfigOption & { batchSize?: number; newKey: boolean }) =>
      withStores(options, async ({ state, keyring, deps }) => {
        const result = await rotateSecrets(state, keyring, {
          actor: deps.actor,
          ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
          // Without --no-new-key, the default applies: a new key only when keys come from a file.
          ...(!options.newKey && { newKey: false }),
        });
        return {
          active_key_id: result.activeKeyId,
          reencrypted: result.reencrypted,
          failed: result.failed.map((f) => ({ connection_id: f.connectionId, purpose: f.purpose, code: f.code })),
          secrets_by_key: Object.fromEntries(result.keys),
        };
      }),
    );

  withConfigOption(secrets.command('retire'))
    .description('Remove an old master key once no stored secret uses it.')
    .argument('<key-id>', 'key id (k…), as printed by rotate')
    .action((keyId: string, options: ConfigOption) =>
      withStores(options, async ({ state, keyring, deps }) => {
        await retireKey(state, keyring, keyId, deps.actor);
        return { retired: keyId, active_key_id: keyring.activeKeyId };
      }),
    );
}
