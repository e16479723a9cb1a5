/**
 * Platform → connector and its definition, for the unified API layer. Each platform
 * folder adds one line here when its connector exists.
 *
 *   const { connector, definition } = connectorFor('shopify') ?? fail();
 */
import { BIGCOMMERCE } from './bigcommerce/definition.js';
import { createBigCommerceConnector } from './bigcommerce/connector.js';
import type { ConnectorDefinition } from './common/definition.js';
import type { Connector, Platform } from './connector.js';
import { createMagento2Connector } from './magento2/connector.js';
import { MAGENTO2 } from './magento2/definition.js';
import { SHOPIFY } from './shopify/definition.js';
import { createShopifyConnector } from './shopify/connector.js';
import { createWooCommerceConnector } from './woocommerce/connector.js';
import { WOOCOMMERCE } from './woocommerce/definition.js';

export interface RegisteredConnector {
  connector: Connector;
  definition: ConnectorDefinition;
}

const CONNECTORS: Partial<Record<Platform, RegisteredConnector>> = {
  shopify: { connector: createShopifyConnector(), definition: SHOPIFY },
  bigcommerce: { connector: createBigCommerceConnector(), definition: BIGCOMMERCE },
  woocommerce: { connector: createWooCommerceConnector(), definition: WOOCOMMERCE },
  magento2: { connector: createMagento2Connector(), definition: MAGENTO2 },
};

export function connectorFor(platform: string): RegisteredConnector | undefined {
  return Object.hasOwn(CONNECTORS, platform) ? CONNECTORS[platform as Platform] : undefined;
}

export function connectedPlatforms(): Platform[] {
  return Object.keys(CONNECTORS) as Platform[];
}
