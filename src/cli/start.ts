/**
 * `unigate start [-c unigate.yaml]`: runs the gateway until SIGTERM/SIGINT; SIGHUP reloads.
 * Without a config it runs the bundled demo and prints how to try it.
 */
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfigFile } from '../config/load.js';
import { startSampleUpstreams, type SampleUpstreams } from '../demo/sample-upstreams.js';
import { seedDemoIdentity, startDemoStores, type DemoIdentity, type DemoStores } from '../demo/commerce-stores.js';
import { Gateway } from '../server/gateway.js';
import { missingNodeFlags, onParentGone, relaunchWith } from './node-flags.js';

export const DEMO_CONFIG = fileURLToPath(new URL('../../config/demo.yaml', import.meta.url));

export async function startCommand(options: { config?: string }): Promise<void> {
  const missing = missingNodeFlags();
  if (missing.length > 0) {
    relaunchWith(missing);
    return;
  }
  const configPath = options.config ?? process.env.UNIGATE_CONFIG;
  let demo: SampleUpstreams | undefined;
  let stores: DemoStores | undefined;
  let gateway: Gateway;
  let announce: () => void;
  try {
    if (configPath === undefined) {
      demo = await startSampleUpstreams();
      stores = await startDemoStores();
      const env = {
        ...process.env,
        UNIGATE_DEMO_ECHO_URL: demo.echoUrl,
        UNIGATE_DEMO_CATALOG_URL_A: demo.catalogUrls[0],
        UNIGATE_DEMO_CATALOG_URL_B: demo.catalogUrls[1],
      };
      gateway = await Gateway.start({ configPath: DEMO_CONFIG, config: loadConfigFile(DEMO_CONFIG, env), env });
      const identity = await seedDemoIdentity(gateway, stores.stores);
      announce = () => printDemoBanner(gateway, identity);
    } else {
      gateway = await Gateway.start({ configPath });
      announce = () => process.stderr.write(`unigate: proxy on ${gateway.proxyUrl}, admin on ${gateway.adminUrl} (pid ${process.pid})\n`);
    }
  } catch (err) {
    await demo?.close();
    await stores?.close();
    if (err instanceof ConfigError) {
      const hint = configPath === undefined ? 'The demo takes other ports from UNIGATE_PORT and UNIGATE_ADMIN_PORT.\n' : '';
      process.stderr.write(`${err.message}\n${hint}`);
      process.exit(1);
    }
    throw err;
  }

  process.on('SIGHUP', () => void gateway.reload());
  let stopping = false;
  // SIGTERM drains after server.drain_delay; SIGINT (an operator's Ctrl-C), a second signal, or
  // the parent going away drains at once.
  const stop = async (delay: boolean) => {
    if (stopping) {
      void gateway.shutdown({ delay: false });
      return;
    }
    stopping = true;
    await gateway.shutdown({ delay });
    await demo?.close();
    await stores?.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop(true));
  process.on('SIGINT', () => void stop(false));
  onParentGone(() => void stop(false));
  // Said once the signals are handled: whoever waits for this line may send them at once.
  announce();
}

function printDemoBanner(gateway: Gateway, identity: DemoIdentity): void {
  const p = gateway.proxyUrl;
  const a = gateway.adminUrl;
  const k = identity.key;
  const first = identity.connections[0]?.id ?? 'demo-shopify';
  const lines = [
    '',
    'Unigate demo is running (no config given: config/demo.yaml, simulated stores, embedded SQLite in ./data).',
    `  proxy  ${p}      admin  ${a}`,
    `  API key (new each start, shown once): ${k}`,
    `  admin token: ${gateway.token}`,
    `  stores: ${identity.connections.map((c) => `${c.id} (${c.platform})`).join(', ')}`,
    '',
    'The same product.list from every platform:',
    ...identity.connections.map((c) => `  curl -s -H 'X-Api-Key: ${k}' '${p}/v1/product.list?connection=${c.id}&limit=2'`),
    '',
    'Every store at once (fan-out), only some fields:',
    `  curl -s -H 'X-Api-Key: ${k}' '${p}/v1/product.list?connection=all&limit=3&fields=id,name,price,quantity'`,
    '',
    'Orders with a normalized status, and a count:',
    `  curl -s -H 'X-Api-Key: ${k}' '${p}/v1/connections/${first}/orders?limit=2&fields=id,number,status,totals'`,
    `  curl -s -H 'X-Api-Key: ${k}' '${p}/v1/connections/${first}/products/count'`,
    '',
    'Update stock and price (take an id from product.list):',
    `  curl -s -X PATCH -H 'X-Api-Key: ${k}' -H 'Content-Type: application/json' -d '{"quantity": 5, "price": "19.90"}' '${p}/v1/connections/${first}/products/<id>'`,
    '',
    'The platform\'s own API through the same credentials and limits, and the plain proxy:',
    `  curl -s -H 'X-Api-Key: ${k}' '${p}/v1/connections/demo-shopify/raw/admin/api/2024-04/shop.json'`,
    `  curl -s ${p}/catalog/products`,
    '',
    `API reference: ${p}/docs     health: ${p}/readyz     metrics: curl -s -H 'Authorization: Bearer ${gateway.token}' ${a}/metrics`,
    'Stop with Ctrl-C. Write your own unigate.yaml and run: npx unigate start -c unigate.yaml',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}
