/**
 * `unigate connections add|list|set-credentials|remove`: a consumer's credentials for an
 * upstream. Secret values come from stdin or a prompt (see read-secret.ts), never argv.
 *
 *   echo '{"api_key":"…"}' | unigate connections add -c unigate.yaml --consumer acme \
 *     --target payments --strategy header --setting name=X-Api-Key
 */
import type { Command } from 'commander';
import { credentialStrategy } from '../pipeline/upstream/credentials/strategies.js';
import { notFound } from '../server/admin/manage.js';
import { createConnection, updateConnection } from '../server/admin/manage-connections.js';
import { connectionView } from '../server/admin/views.js';
import type { JsonObject } from '../store/state/types.js';
import { readCredentials } from './read-secret.js';
import { CliError, collect, parseJson, withConfigOption, withStores, type ConfigOption } from './stores.js';

interface AddOptions extends ConfigOption {
  consumer: string;
  target: string;
  strategy: string;
  kind: string;
  name?: string;
  id?: string;
  baseUrl?: string;
  setting: string[];
  settingsJson?: string;
  credentialField?: string[];
}

const FIELD_HELP = 'read this credential field (repeatable): one value per stdin line, or a prompt';

export function registerConnectionCommands(program: Command): void {
  const connections = program.command('connections').description("Connections: a consumer's credentials for an upstream or platform.");

  withConfigOption(connections.command('add'))
    .description('Add a connection; credentials are read from stdin (a JSON object) or prompted for.')
    .requiredOption('--consumer <id>', 'consumer that owns it')
    .requiredOption('--target <name>', 'upstream name (or platform name with --kind platform)')
    .requiredOption('--strategy <name>', 'credential strategy, e.g. header, query, basic, bearer')
    .option('--kind <kind>', 'upstream or platform', 'upstream')
    .option('--name <name>', 'label')
    .option('--id <id>', 'id to use instead of a generated conn_… id')
    .option('--base-url <url>', 'base URL (platforms)')
    .option('--setting <name=value>', 'a non-secret auth setting, e.g. name=X-Api-Key (repeatable)', collect, [])
    .option('--settings-json <json>', 'auth settings as a JSON object (merged under --setting)')
    .option('--credential-field <field>', FIELD_HELP, collect)
    .action((options: AddOptions) =>
      withStores(options, async ({ deps }) => {
        const settings = authSettings(options);
        const credentials = await readCredentials(options.credentialField, neededFields(options.strategy, settings));
        const body = {
          consumer_id: options.consumer,
          target: options.target,
          kind: options.kind,
          auth_strategy: options.strategy,
          auth_settings: settings,
          ...(options.name !== undefined && { name: options.name }),
          ...(options.id !== undefined && { id: options.id }),
          ...(options.baseUrl !== undefined && { base_url: options.baseUrl }),
          ...(Object.keys(credentials).length > 0 && { credentials }),
        };
        return connectionView(await createConnection(deps, body));
      }),
    );

  withConfigOption(connections.command('list'))
    .description('Print connections (metadata only, never secrets).')
    .option('--consumer <id>', 'only this consumer’s')
    .action((options: ConfigOption & { consumer?: string }) =>
      withStores(options, async ({ state }) => {
        const page = await state.listConnections({ limit: 1000, ...(options.consumer !== undefined && { consumerId: options.consumer }) });
        return page.map(connectionView);
      }),
    );

  withConfigOption(connections.command('set-credentials'))
    .description("Replace a connection's credentials, read from stdin or prompted for.")
    .argument('<id>', 'connection id')
    .option('--credential-field <field>', FIELD_HELP, collect)
    .action((id: string, options: ConfigOption & { credentialField?: string[] }) =>
      withStores(options, async ({ state, deps }) => {
        const current = await state.getConnection(id);
        if (current === undefined) throw notFound('connection', id);
        const credentials = await readCredentials(options.credentialField, neededFields(current.authStrategy, current.authSettings));
        return connectionView(await updateConnection(deps, id, { credentials }));
      }),
    );

  withConfigOption(connections.command('remove'))
    .description('Delete a connection and its secrets.')
    .argument('<id>', 'connection id')
    .action((id: string, options: ConfigOption) =>
      withStores(options, async ({ state, deps }) => {
        if (!(await state.deleteConnection(id, deps.actor))) throw notFound('connection', id);
        return { deleted: id };
      }),
    );
}

function authSettings(options: AddOptions): JsonObject {
  const settings: JsonObject = {};
  if (options.settingsJson !== undefined) {
    const parsed = parseJson(options.settingsJson, '--settings-json');
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CliError('--settings-json must be a JSON object');
    Object.assign(settings, parsed);
  }
  for (const pair of options.setting) {
    const at = pair.indexOf('=');
    if (at < 1) throw new CliError(`--setting takes name=value, got "${pair}"`);
    settings[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return settings;
}

/** What to prompt for on a terminal; unknown strategies and bad settings are reported by the create itself. */
function neededFields(strategy: string, settings: JsonObject): readonly string[] {
  try {
    return credentialStrategy(strategy)?.credentialFields(settings) ?? [];
  } catch {
    return [];
  }
}
