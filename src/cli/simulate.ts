/**
 * `unigate simulate <platform>`: runs one platform's API simulator on 127.0.0.1, with seeded
 * data, until Ctrl-C. The same simulators back the tests and the demo.
 */
import type { Command } from 'commander';
import { bigCommerceSimulatorCommand } from '../connectors/bigcommerce/simulator/index.js';
import { magento2SimulatorCommand } from '../connectors/magento2/simulator/index.js';
import { shopifySimulatorCommand } from '../connectors/shopify/simulator/index.js';
import { SIMULATOR_FLAGS, parseSimulatorFlags, type SimulatorCommandSpec, type SimulatorFlagValues } from '../connectors/simulator-kit/cli.js';
import { wooCommerceSimulatorCommand } from '../connectors/woocommerce/simulator/index.js';

// Each spec's banner takes its own simulator type; they are only ever called in pairs.
const SIMULATORS: Record<string, SimulatorCommandSpec<any>> = {
  shopify: shopifySimulatorCommand,
  bigcommerce: bigCommerceSimulatorCommand,
  woocommerce: wooCommerceSimulatorCommand,
  magento2: magento2SimulatorCommand,
};

export function registerSimulateCommand(program: Command): void {
  const command = program
    .command('simulate')
    .argument('<platform>', `one of ${Object.keys(SIMULATORS).join(', ')}`)
    .description('Run a platform API simulator on 127.0.0.1 (seeded data, rate limits, optional faults).');
  for (const flag of SIMULATOR_FLAGS) command.option(flag.flags, flag.description);
  command.action(async (platform: string, flags: SimulatorFlagValues) => {
    const spec = SIMULATORS[platform];
    if (spec === undefined) {
      process.stderr.write(`unknown platform "${platform}" (${Object.keys(SIMULATORS).join(', ')})\n`);
      process.exitCode = 1;
      return;
    }
    let options;
    try {
      options = parseSimulatorFlags(flags);
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = 1;
      return;
    }
    const simulator = await spec.start(options);
    process.stdout.write(`${spec.banner(simulator).join('\n')}\n`);
    const stop = () => void simulator.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
