import { describe, expect, it } from 'vitest';
import type { Connector } from '../connectors/connector.js';
import { connectorFor } from '../connectors/registry.js';
import { capabilitiesOf } from './capabilities.js';

describe('platform capabilities', () => {
  it('list an operation the connector lacks as unsupported, and the rest as served', () => {
    const shopify = connectorFor('shopify')!;
    expect(Object.values(capabilitiesOf(shopify).operations).every((s) => s === 'native')).toBe(true);
    const { count: _count, ...customers } = shopify.connector.customers;
    const lacking = { ...shopify.connector, customers } as unknown as Connector;
    const operations = capabilitiesOf({ ...shopify, connector: lacking }).operations;
    expect(operations['customer.count']).toBe('unsupported');
    expect(operations['customer.list']).toBe('native');
    expect(operations['order.count']).toBe('native');
  });
});
