#!/usr/bin/env node
/** CLI entry: parse the command line and hand over to a command; nothing else. */
import { Command } from 'commander';
import { configJsonSchema } from './config/load.js';
import { registerConnectionCommands } from './cli/connections.js';
import { registerConsumerCommands } from './cli/consumers.js';
import { registerKeyCommands } from './cli/keys.js';
import { registerSecretCommands } from './cli/secrets.js';
import { registerSimulateCommand } from './cli/simulate.js';
import { startCommand } from './cli/start.js';
import { validateCommand } from './cli/validate.js';

const program = new Command()
  .name('unigate')
  .description('Self-hosted API proxy for integration developers.')
  .showHelpAfterError();

program
  .command('start')
  .description('Start the gateway (without -c: the bundled demo with sample upstreams).')
  .option('-c, --config <file>', 'config file (also UNIGATE_CONFIG)')
  .action((options: { config?: string }) => startCommand(options));

program
  .command('validate')
  .description('Check a config file: exit 0, or list every problem with its path and line.')
  .requiredOption('-c, --config <file>', 'config file')
  .action((options: { config: string }) => validateCommand(options));

const config = program.command('config').description('Config helpers.');
config
  .command('schema')
  .description('Print the JSON Schema of unigate.yaml (point your editor at it).')
  .action(() => {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  });

registerConsumerCommands(program);
registerKeyCommands(program);
registerConnectionCommands(program);
registerSecretCommands(program);
registerSimulateCommand(program);

await program.parseAsync(process.argv);
