/**
 * `unigate consumers create|list|delete`: consumers straight in the state store.
 *
 *   unigate consumers create -c unigate.yaml --name "Acme" [--id acme]
 */
import type { Command } from 'commander';
import { createConsumer, notFound } from '../server/admin/manage.js';
import { consumerView } from '../server/admin/views.js';
import { parseJson, positiveInt, withConfigOption, withStores, type ConfigOption } from './stores.js';

export function registerConsumerCommands(program: Command): void {
  const consumers = program.command('consumers').description('Consumers: the tenants API keys and connections belong to.');

  withConfigOption(consumers.command('create'))
    .description('Create a consumer and print it.')
    .requiredOption('--name <name>', 'display name')
    .option('--id <id>', 'id to use instead of a generated cons_… id')
    .option('--metadata <json>', 'non-secret facts as a JSON object')
    .option('--disabled', 'create it disabled (its keys are refused)')
    .action((options: ConfigOption & { name: string; id?: string; metadata?: string; disabled?: boolean }) =>
      withStores(options, async ({ deps }) => {
        const body = {
          name: options.name,
          ...(options.id !== undefined && { id: options.id }),
          ...(options.metadata !== undefined && { metadata: parseJson(options.metadata, '--metadata') }),
          ...(options.disabled === true && { enabled: false }),
        };
        return consumerView(await createConsumer(deps, body));
      }),
    );

  withConfigOption(consumers.command('list'))
    .description('Print consumers (oldest first).')
    .option('--limit <n>', 'at most this many (default 100)', positiveInt)
    .option('--after <id>', 'start after this id')
    .action((options: ConfigOption & { limit?: number; after?: string }) =>
      withStores(options, async ({ state }) => {
        const page = await state.listConsumers({ limit: options.limit ?? 100, ...(options.after !== undefined && { after: options.after }) });
        return page.map(consumerView);
      }),
    );

  withConfigOption(consumers.command('delete'))
    .description('Delete a consumer with its API keys and connections.')
    .argument('<id>', 'consumer id')
    .action((id: string, options: ConfigOption) =>
      withStores(options, async ({ state, deps }) => {
        if (!(await state.deleteConsumer(id, deps.actor))) throw notFound('consumer', id);
        return { deleted: id };
      }),
    );
}
