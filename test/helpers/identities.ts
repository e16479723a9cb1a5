/**
 * Creates consumers, API keys and connections straight in a running gateway's stores, for
 * tests of the proxy path (the admin API has its own tests).
 */
import { generateApiKey } from '../../src/secrets/api-keys.js';
import { sealCredentials, type CredentialSet } from '../../src/secrets/connection-secrets.js';
import type { Gateway } from '../../src/server/gateway.js';
import type { ApiKeyScopes, Connection, Consumer } from '../../src/store/state/types.js';

export async function createConsumer(gateway: Gateway, name = 'acme', enabled = true): Promise<Consumer> {
  return gateway.services.state.createConsumer({ name, enabled }, 'test');
}

export async function createKey(gateway: Gateway, consumerId: string, options: { scopes?: ApiKeyScopes; expiresAt?: Date } = {}): Promise<{ key: string; id: string }> {
  const generated = generateApiKey();
  const record = await gateway.services.state.createApiKey(
    { consumerId, prefix: generated.prefix, hash: generated.hash, scopes: options.scopes ?? {}, expiresAt: options.expiresAt ?? null },
    'test',
  );
  return { key: generated.key, id: record.id };
}

/** A consumer and one API key of its own: the caller of most proxy and unified API tests. */
export async function consumerWithKey(gateway: Gateway, name = 'acme'): Promise<{ consumer: Consumer; key: string }> {
  const consumer = await createConsumer(gateway, name);
  return { consumer, key: (await createKey(gateway, consumer.id)).key };
}

export async function createConnection(
  gateway: Gateway,
  input: { consumerId: string; target: string; strategy: string; settings?: Record<string, unknown>; credentials: CredentialSet; id?: string },
): Promise<Connection> {
  const { state, keyring } = gateway.services;
  const id = input.id ?? `conn_test_${Math.random().toString(36).slice(2, 10)}`;
  return state.createConnection(
    {
      id,
      consumerId: input.consumerId,
      kind: 'upstream',
      target: input.target,
      authStrategy: input.strategy,
      authSettings: input.settings ?? {},
      credentials: sealCredentials(keyring, id, input.credentials),
    },
    'test',
  );
}
