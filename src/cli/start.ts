/**
 * `unigate start [-c unigate.yaml]`: runs the gateway until SIGTERM/SIGINT; SIGHUP reloads.
 * Without a config it runs the bundled demo and prints how to try it.
 */
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfigFile } from '../config/load.js';
import { startSampleUpstreams, type SampleUpstreams } from '../demo/sample-upstreams.js';
import { Gateway } from '../server/gateway.js';

export const DEMO_CONFIG = fileURLToPath(new URL('../../config/demo.yaml', import.meta.url));

export async function startCommand(options: { config?: string }): Promise<void> {
  const configPath = options.config ?? process.env.UNIGATE_CONFIG;
  let demo: SampleUpstreams | undefined;
  let gateway: Gateway;
  try {
    if (configPath === undefined) {
      demo = await startSampleUpstreams();
      const env = {
        ...process.env,
        UNIGATE_DEMO_ECHO_URL: demo.echoUrl,
        UNIGATE_DEMO_CATALOG_URL_A: demo.catalogUrls[0],
        UNIGATE_DEMO_CATALOG_URL_B: demo.catalogUrls[1],
      };
      gateway = await Gateway.start({ configPath: DEMO_CONFIG, config: loadConfigFile(DEMO_CONFIG, env), env });
      printDemoBanner(gateway);
    } else {
      gateway = await Gateway.start({ configPath });
      process.stderr.write(`unigate: proxy on ${gateway.proxyUrl}, admin on ${gateway.adminUrl}\n`);
    }
  } catch (err) {
    await demo?.close();
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  process.on('SIGHUP', () => void gateway.reload());
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await gateway.shutdown();
    await demo?.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

function printDemoBanner(gateway: Gateway): void {
  const p = gateway.proxyUrl;
  const a = gateway.adminUrl;
  const lines = [
    '',
    'Unigate demo is running (no config given: using config/demo.yaml with two sample upstreams).',
    `  proxy  ${p}`,
    `  admin  ${a}   (token: ${gateway.token})`,
    '',
    'Try:',
    `  curl -s ${p}/catalog/products`,
    `  curl -s ${p}/catalog/products/2`,
    `  curl -s -X POST -d 'hello' ${p}/echo/anything?x=1`,
    `  curl -s ${p}/nowhere                      # the error envelope`,
    `  curl -s ${p}/readyz`,
    `  curl -s -H 'Authorization: Bearer ${gateway.token}' ${a}/admin/upstreams`,
    `  curl -s -H 'Authorization: Bearer ${gateway.token}' ${a}/metrics | grep unigate_requests_total`,
    '',
    'Stop with Ctrl-C. Write your own unigate.yaml and run: npx unigate start -c unigate.yaml',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}
