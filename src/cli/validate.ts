/** `unigate validate -c FILE`: exit 0 when the config would start, else every problem and exit 1. */
import { compileConfig } from '../config/compile.js';
import { ConfigError, loadConfigFile } from '../config/load.js';

export function validateCommand(options: { config: string }): void {
  try {
    const config = loadConfigFile(options.config);
    const compiled = compileConfig(config, options.config);
    process.stdout.write(`${options.config}: valid (${compiled.routes.length} routes, ${compiled.upstreams.size} upstreams)\n`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  }
}
