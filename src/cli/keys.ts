/**
 * `unigate keys create|list|revoke`: consumer API keys. `create` prints the key once; only
 * its hash is stored.
 *
 *   unigate keys create -c unigate.yaml --consumer acme --scope-routes orders,products --expires 90d
 */
import type { Command } from 'commander';
import { createApiKey, requireConsumer, revokeApiKey } from '../server/admin/manage.js';
import { apiKeyView } from '../server/admin/views.js';
import { CliError, list, withConfigOption, withStores, type ConfigOption } from './stores.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

interface CreateOptions extends ConfigOption {
  consumer: string;
  name?: string;
  scopeRoutes?: string[];
  scopeConnections?: string[];
  expires?: string;
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('API keys of consumers.');

  withConfigOption(keys.command('create'))
    .description('Create an API key and print it: the only time the key is shown.')
    .requiredOption('--consumer <id>', 'consumer the key identifies')
    .option('--name <name>', 'label to tell keys apart')
    .option('--scope-routes <names>', 'comma-separated route names the key may call (default: all)', list)
    .option('--scope-connections <ids>', 'comma-separated connection ids the key may use (default: all)', list)
    .option('--expires <when>', 'ISO 8601 time, or a lifetime such as 90d, 12h or 30m')
    .action((options: CreateOptions) =>
      withStores(options, async ({ deps }) => {
        const scopes = {
          ...(options.scopeRoutes !== undefined && { routes: options.scopeRoutes }),
          ...(options.scopeConnections !== undefined && { connections: options.scopeConnections }),
        };
        const body = {
          ...(options.name !== undefined && { name: options.name }),
          ...(Object.keys(scopes).length > 0 && { scopes }),
          ...(options.expires !== undefined && { expires_at: expiresAt(options.expires) }),
        };
        const { record, key } = await createApiKey(deps, options.consumer, body);
        process.stderr.write('unigate: store this key now: it is not shown again\n');
        return { key, ...apiKeyView(record) };
      }),
    );

  withConfigOption(keys.command('list'))
    .description("Print a consumer's keys (prefix and metadata, never the key).")
    .requiredOption('--consumer <id>', 'consumer id')
    .action((options: ConfigOption & { consumer: string }) =>
      withStores(options, async ({ state }) => {
        await requireConsumer(state, options.consumer);
        return (await state.listApiKeys(options.consumer)).map((k) => apiKeyView(k));
      }),
    );

  withConfigOption(keys.command('revoke'))
    .description('Revoke a key; running gateways refuse it within the change feed interval (about a second).')
    .argument('<id>', 'key id (key_…)')
    .action((id: string, options: ConfigOption) => withStores(options, async ({ deps }) => apiKeyView(await revokeApiKey(deps, id))));
}

function expiresAt(value: string): string {
  const lifetime = /^(\d+)([mhd])$/.exec(value);
  if (lifetime !== null) return new Date(Date.now() + Number(lifetime[1]) * UNIT_MS[lifetime[2] as keyof typeof UNIT_MS]).toISOString();
  const at = new Date(value);
  if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new CliError('--expires takes an ISO 8601 time or a lifetime such as 90d, 12h or 30m');
  return at.toISOString();
}
