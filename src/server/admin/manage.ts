/**
 * The writes behind the admin API and the operator CLI: bodies are checked here, against the
 * schemas and the running config, so both surfaces accept and refuse the same things.
 * Connections live in manage-connections.ts.
 */
import type { Config } from '../../config/load.js';
import { UnigateError } from '../../errors/unigate-error.js';
import { generateApiKey } from '../../secrets/api-keys.js';
import type { Keyring } from '../../secrets/keyring.js';
import type { Actor, ApiKey, Consumer, StateStore } from '../../store/state/types.js';
import { ApiKeyCreate, ConsumerCreate, ConsumerPatch } from './schemas.js';
import { checked, problemAt, validationFailed, type Problem } from './validate.js';

/** Names in the config that bodies may refer to. */
export interface Catalog {
  readonly upstreams: ReadonlySet<string>;
  readonly routes: ReadonlySet<string>;
}

export interface ManageDeps {
  readonly state: StateStore;
  readonly keyring: Keyring;
  readonly catalog: Catalog;
  readonly actor: Actor;
}

export function catalogOf(config: Config): Catalog {
  return { upstreams: new Set(Object.keys(config.upstreams)), routes: new Set(config.routes.map((r) => r.name)) };
}

export function notFound(what: string, id: string): UnigateError {
  return new UnigateError('NOT_FOUND', { message: `No ${what} with this id`, details: { id } });
}

export async function createConsumer(deps: ManageDeps, body: unknown): Promise<Consumer> {
  const input = checked<ConsumerCreate>(ConsumerCreate, body);
  return deps.state.createConsumer(
    { name: input.name, ...(input.id !== undefined && { id: input.id }), metadata: input.metadata ?? {}, enabled: input.enabled ?? true },
    deps.actor,
  );
}

export async function updateConsumer(deps: ManageDeps, id: string, body: unknown): Promise<Consumer> {
  const patch = checked<ConsumerPatch>(ConsumerPatch, body);
  const updated = await deps.state.updateConsumer(id, patch, deps.actor);
  if (updated === undefined) throw notFound('consumer', id);
  return updated;
}

export async function requireConsumer(state: StateStore, id: string): Promise<Consumer> {
  const consumer = await state.getConsumer(id);
  if (consumer === undefined) throw notFound('consumer', id);
  return consumer;
}

/** A new key for the consumer; `key` is the only copy of the secret and is shown once. */
export async function createApiKey(deps: ManageDeps, consumerId: string, body: unknown): Promise<{ record: ApiKey; key: string }> {
  const input = checked<ApiKeyCreate>(ApiKeyCreate, body ?? {});
  await requireConsumer(deps.state, consumerId);
  const problems: Problem[] = [];
  input.scopes?.routes?.forEach((route, i) => {
    if (!deps.catalog.routes.has(route)) problems.push(problemAt(['scopes', 'routes', i], `no route named "${route}" in the config`));
  });
  for (const [i, connectionId] of (input.scopes?.connections ?? []).entries()) {
    const connection = await deps.state.getConnection(connectionId);
    if (connection?.consumerId !== consumerId) problems.push(problemAt(['scopes', 'connections', i], 'not a connection of this consumer'));
  }
  const expiresAt = input.expires_at == null ? null : new Date(input.expires_at);
  if (expiresAt !== null && expiresAt.getTime() <= Date.now()) problems.push(problemAt(['expires_at'], 'must be in the future'));
  if (problems.length > 0) throw validationFailed(problems);

  const generated = generateApiKey();
  const record = await deps.state.createApiKey(
    { consumerId, name: input.name ?? null, prefix: generated.prefix, hash: generated.hash, scopes: input.scopes ?? {}, expiresAt },
    deps.actor,
  );
  return { record, key: generated.key };
}

export async function revokeApiKey(deps: ManageDeps, id: string): Promise<ApiKey> {
  const revoked = await deps.state.revokeApiKey(id, deps.actor);
  if (revoked === undefined) throw notFound('API key', id);
  return revoked;
}
