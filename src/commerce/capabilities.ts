/**
 * What each platform can do through the unified API, as data a client can discover:
 * `GET /v1/platforms` (every registered platform) and `GET /v1/connections/{id}/capabilities`
 * (the connection's). Built from the connectors' own capability tables and definitions, the
 * same tables their filter checks read, so what is listed `unsupported` is exactly what
 * answers 501 NOT_SUPPORTED_BY_PLATFORM.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Capabilities } from '../connectors/connector.js';
import { connectedPlatforms, connectorFor, type RegisteredConnector } from '../connectors/registry.js';
import { serves } from './executor/execute.js';
import { OPERATIONS } from './operations.js';

const Support = Type.Union([Type.Literal('native'), Type.Literal('emulated'), Type.Literal('unsupported')], {
  description: 'native: the platform filters; emulated: Unigate filters and sorts what the platform returns; unsupported: 501 NOT_SUPPORTED_BY_PLATFORM.',
});

const ResourceCapabilities = Type.Object({
  filters: Type.Object({ modified_since: Support, created_since: Support, ids: Support, status: Support, sku: Support }),
  native_page_size: Type.Integer({ description: 'Records per native page; a unified page of up to 250 reads several.' }),
});

const UPDATABLE = ['price', 'sale_price', 'quantity'] as const;

export const PlatformCapabilities = Type.Object(
  {
    platform: Type.String(),
    label: Type.String(),
    api_version: Type.String({ description: 'The platform API version the connector speaks.' }),
    operations: Type.Record(Type.String(), Support, { description: 'Unified operation → whether this platform serves it.' }),
    resources: Type.Record(Type.String(), ResourceCapabilities),
    writable: Type.Object(
      {
        product: Type.Array(Type.String()),
        variants: Type.Array(Type.String()),
      },
      { description: 'Fields product.update writes, on the product and on its variants (a platform may still refuse one record, e.g. stock it does not track).' },
    ),
    setup: Type.Object(
      {
        base_url: Type.String({ description: 'Template of the connection base URL.' }),
        base_url_example: Type.String(),
        auth_strategy: Type.String(),
        fields: Type.Array(Type.Object({ name: Type.String(), description: Type.String(), secret: Type.Boolean() })),
      },
      { description: 'What a connection to this platform needs.' },
    ),
  },
  { additionalProperties: false },
);

export type PlatformCapabilities = Static<typeof PlatformCapabilities>;

const RESOURCES = ['products', 'orders', 'customers', 'categories'] as const;

export function capabilitiesOf({ connector, definition }: RegisteredConnector): PlatformCapabilities {
  const resources: PlatformCapabilities['resources'] = {};
  for (const resource of RESOURCES) resources[resource] = resourceCapabilities(connector.capabilities[resource]);
  const operations: PlatformCapabilities['operations'] = {};
  for (const op of OPERATIONS) operations[op.name] = serves(connector, op) ? 'native' : 'unsupported';
  return {
    platform: definition.platform,
    label: definition.label,
    api_version: definition.apiVersion,
    operations,
    resources,
    writable: { product: [...UPDATABLE], variants: [...UPDATABLE] },
    setup: {
      base_url: definition.baseUrl.template,
      base_url_example: definition.baseUrl.example,
      auth_strategy: definition.auth.strategy,
      fields: definition.connection.map((f) => ({ name: f.name, description: f.description, secret: f.secret })),
    },
  };
}

export function allPlatformCapabilities(): PlatformCapabilities[] {
  return connectedPlatforms().map((platform) => capabilitiesOf(connectorFor(platform)!));
}

function resourceCapabilities(c: Capabilities): Static<typeof ResourceCapabilities> {
  return {
    filters: { modified_since: c.modified_since, created_since: c.created_since, ids: c.ids, status: c.status, sku: c.sku },
    native_page_size: c.native_page_size,
  };
}
