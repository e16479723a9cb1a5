/**
 * The demo's stores: one simulator per platform on loopback, and the consumer, API key and
 * connections that reach them through the unified API. Connections keep fixed ids
 * (`demo-shopify` …) so a restart updates them rather than adding more.
 */
import { connectorFor } from '../connectors/registry.js';
import type { Platform } from '../connectors/connector.js';
import { startBigCommerceSimulator } from '../connectors/bigcommerce/simulator/index.js';
import { startMagento2Simulator } from '../connectors/magento2/simulator/index.js';
import { startShopifySimulator } from '../connectors/shopify/simulator/index.js';
import { startWooCommerceSimulator } from '../connectors/woocommerce/simulator/index.js';
import { generateApiKey } from '../secrets/api-keys.js';
import { sealCredentials } from '../secrets/connection-secrets.js';
import type { Gateway } from '../server/gateway.js';

export interface DemoStore {
  platform: Platform;
  /** Base URL of the store's API as its connector expects it. */
  baseUrl: string;
  /** Credential values by the names the platform's connector asks for. */
  credentials: Record<string, string>;
}

export interface DemoStores {
  stores: DemoStore[];
  close(): Promise<void>;
}

export interface DemoIdentity {
  key: string;
  connections: { id: string; platform: Platform }[];
}

const SIZES = { products: 120, categories: 8, customers: 40, orders: 60 };
const DEMO_CONSUMER = 'demo';
const ACTOR = 'demo';

export async function startDemoStores(): Promise<DemoStores> {
  const [shopify, bigcommerce, woocommerce, magento2] = await Promise.all([
    startShopifySimulator({ port: 0, seed: 1, sizes: SIZES }),
    startBigCommerceSimulator({ port: 0, seed: 2, sizes: SIZES }),
    startWooCommerceSimulator({ port: 0, seed: 3, sizes: SIZES }),
    startMagento2Simulator({ port: 0, seed: 4, sizes: SIZES }),
  ]);
  const stores: DemoStore[] = [
    { platform: 'shopify', baseUrl: shopify.url, credentials: { access_token: shopify.token } },
    { platform: 'bigcommerce', baseUrl: `${bigcommerce.url}/stores/${bigcommerce.storeHash}`, credentials: { access_token: bigcommerce.token } },
    { platform: 'woocommerce', baseUrl: woocommerce.url, credentials: { consumer_key: woocommerce.consumerKey, consumer_secret: woocommerce.consumerSecret } },
    { platform: 'magento2', baseUrl: magento2.url, credentials: { token: magento2.token, access_token: magento2.token } },
  ];
  return {
    // Only platforms whose connector is registered take part.
    stores: stores.filter((s) => connectorFor(s.platform) !== undefined),
    close: async () => {
      await Promise.all([shopify, bigcommerce, woocommerce, magento2].map((s) => s.close()));
    },
  };
}

/** The demo consumer, a fresh API key (shown once, like any key) and one connection per store. */
export async function seedDemoIdentity(gateway: Gateway, stores: DemoStore[]): Promise<DemoIdentity> {
  const { state, keyring, connections: resolver } = gateway.services;
  if ((await state.getConsumer(DEMO_CONSUMER)) === undefined) {
    await state.createConsumer({ id: DEMO_CONSUMER, name: 'Demo merchant app' }, ACTOR);
  }
  const generated = generateApiKey();
  await state.createApiKey({ consumerId: DEMO_CONSUMER, name: 'demo', prefix: generated.prefix, hash: generated.hash }, ACTOR);
  const connections: DemoIdentity['connections'] = [];
  for (const store of stores) {
    const { definition } = connectorFor(store.platform)!;
    const id = `demo-${store.platform}`;
    const credentials = Object.fromEntries(definition.auth.credentialFields.map((field) => [field, store.credentials[field] ?? '']));
    const sealed = sealCredentials(keyring, id, credentials);
    if ((await state.getConnection(id)) === undefined) {
      await state.createConnection(
        {
          id,
          consumerId: DEMO_CONSUMER,
          name: `Demo ${definition.label} store`,
          kind: 'platform',
          target: store.platform,
          baseUrl: store.baseUrl,
          authStrategy: definition.auth.strategy,
          authSettings: definition.auth.settings,
          credentials: sealed,
        },
        ACTOR,
      );
    } else {
      // The simulators listen on new ports each start.
      await state.updateConnection(id, { baseUrl: store.baseUrl, authStrategy: definition.auth.strategy, authSettings: definition.auth.settings, status: 'active' }, ACTOR);
      await state.putSecret(id, 'credentials', sealed, ACTOR);
    }
    resolver.forget(id);
    connections.push({ id, platform: store.platform });
  }
  return { key: generated.key, connections };
}
