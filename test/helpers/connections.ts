/**
 * Consumers and connections written straight into a test gateway's state store, with sealed
 * credentials and (for OAuth2 refresh tokens) an initial token set, as the admin API would.
 *
 *   await createConnection(gw, { id: 'conn_api', target: 'api', authStrategy: 'bearer', credentials: { token: 't' } });
 */
import { sealCredentials, type CredentialSet } from '../../src/secrets/connection-secrets.js';
import { saveInitialTokenSet, type InitialTokenSet } from '../../src/pipeline/upstream/credentials/oauth2-refresh-token.js';
import type { ConnectorDefinition } from '../../src/connectors/common/definition.js';
import type { Connection, JsonObject } from '../../src/store/state/types.js';
import type { TestGateway } from './gateway.js';

export interface TestConnection {
  id: string;
  /** Upstream name. */
  target: string;
  authStrategy: string;
  authSettings?: JsonObject;
  credentials: CredentialSet;
  tokens?: InitialTokenSet;
}

export async function createConnection(gw: TestGateway, input: TestConnection): Promise<Connection> {
  const services = gw.gateway.services;
  const consumer = await services.state.createConsumer({ name: `owner of ${input.id}` }, 'test');
  let connection = await services.state.createConnection(
    {
      id: input.id,
      consumerId: consumer.id,
      kind: 'upstream',
      target: input.target,
      authStrategy: input.authStrategy,
      authSettings: input.authSettings ?? {},
      credentials: sealCredentials(services.keyring, input.id, input.credentials),
    },
    'test',
  );
  if (input.tokens !== undefined) connection = await saveInitialTokenSet(services, input.id, input.tokens, 'test');
  return connection;
}

/** A store connection of `consumerId`'s, with the strategy and settings its platform's definition names. */
export async function createPlatformConnection(
  gw: TestGateway,
  input: { id: string; consumerId: string; definition: ConnectorDefinition; baseUrl: string; credentials: CredentialSet },
): Promise<Connection> {
  const { state, keyring } = gw.gateway.services;
  return state.createConnection(
    {
      id: input.id,
      consumerId: input.consumerId,
      kind: 'platform',
      target: input.definition.platform,
      baseUrl: input.baseUrl,
      authStrategy: input.definition.auth.strategy,
      authSettings: input.definition.auth.settings,
      credentials: sealCredentials(keyring, input.id, input.credentials),
    },
    'test',
  );
}
