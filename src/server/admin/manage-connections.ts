/**
 * Creating and changing connections (admin API and CLI). The strategy named in
 * `auth_strategy` checks `auth_settings` with its own schema and says which credential
 * fields it needs; credentials and OAuth tokens are sealed to the connection id here and
 * are write-only from then on.
 */
import { credentialStrategy, strategyNames } from '../../pipeline/upstream/credentials/strategies.js';
import type { CredentialStrategy } from '../../pipeline/upstream/credentials/strategy.js';
import { saveInitialTokenSet } from '../../pipeline/upstream/credentials/oauth2-refresh-token.js';
import { openCredentials, sealCredentials, type CredentialSet } from '../../secrets/connection-secrets.js';
import { newId } from '../../store/state/ids.js';
import type { Connection, ConnectionPatch as StorePatch, JsonObject } from '../../store/state/types.js';
import { notFound, type Catalog, type ManageDeps } from './manage.js';
import { ConnectionCreate, ConnectionPatch, type OAuthTokens } from './schemas.js';
import { checked, problemAt, schemaProblems, validationFailed, type Problem } from './validate.js';

export async function createConnection(deps: ManageDeps, body: unknown): Promise<Connection> {
  const input = checked<ConnectionCreate>(ConnectionCreate, body);
  const kind = input.kind ?? 'upstream';
  const settings = input.auth_settings ?? {};
  const problems: Problem[] = [];
  const strategy = strategyFor(input.auth_strategy, settings, problems);
  if (strategy !== undefined) problems.push(...missingFields(strategy, settings, input.credentials));
  problems.push(
    ...targetProblems(deps.catalog, kind, input.target, input.base_url ?? null),
    ...baseUrlProblems(input.base_url),
    ...tokenProblems(input.oauth_tokens),
  );
  if ((await deps.state.getConsumer(input.consumer_id)) === undefined) problems.push(problemAt(['consumer_id'], 'no consumer with this id'));
  if (problems.length > 0) throw validationFailed(problems);

  // The ciphertext is bound to the id, so the id is chosen before sealing.
  const id = input.id ?? newId('conn');
  const connection = await deps.state.createConnection(
    {
      id,
      consumerId: input.consumer_id,
      name: input.name ?? null,
      kind,
      target: input.target,
      baseUrl: input.base_url ?? null,
      authStrategy: input.auth_strategy,
      authSettings: settings,
      ...(input.credentials !== undefined && { credentials: sealCredentials(deps.keyring, id, input.credentials) }),
    },
    deps.actor,
  );
  return input.oauth_tokens === undefined ? connection : saveTokens(deps, id, input.oauth_tokens);
}

export async function updateConnection(deps: ManageDeps, id: string, body: unknown): Promise<Connection> {
  const input = checked<ConnectionPatch>(ConnectionPatch, body);
  const current = await deps.state.getConnection(id);
  if (current === undefined) throw notFound('connection', id);
  const problems: Problem[] = [];
  const strategyName = input.auth_strategy ?? current.authStrategy;
  const settings = input.auth_settings ?? (strategyName === current.authStrategy ? current.authSettings : {});
  const reconfigured = input.auth_strategy !== undefined || input.auth_settings !== undefined;
  const strategy = reconfigured ? strategyFor(strategyName, settings, problems) : credentialStrategy(strategyName);
  if (strategy !== undefined && input.credentials !== undefined) {
    problems.push(...missingFields(strategy, settings, input.credentials));
  } else if (strategy !== undefined && reconfigured) {
    // Without new credentials, the stored set must carry what the new settings need (checked in memory only).
    const have = await storedCredentials(deps, id);
    const missing = strategy.credentialFields(settings).filter((f) => !Object.hasOwn(have, f));
    if (missing.length > 0) problems.push(problemAt(['credentials'], `the new settings need field(s) ${missing.join(', ')}: send credentials too`));
  }
  if (current.kind === 'platform' && input.base_url === null) problems.push(problemAt(['base_url'], 'a platform connection needs a base URL'));
  problems.push(...baseUrlProblems(input.base_url), ...tokenProblems(input.oauth_tokens));
  if (problems.length > 0) throw validationFailed(problems);

  const patch: StorePatch = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.base_url !== undefined && { baseUrl: input.base_url }),
    ...(input.status !== undefined && { status: input.status }),
    ...(input.auth_strategy !== undefined && { authStrategy: input.auth_strategy }),
    ...((input.auth_settings !== undefined || strategyName !== current.authStrategy) && { authSettings: settings }),
  };
  if (Object.keys(patch).length > 0) await deps.state.updateConnection(id, patch, deps.actor);
  if (input.credentials !== undefined) await deps.state.putSecret(id, 'credentials', sealCredentials(deps.keyring, id, input.credentials), deps.actor);
  if (input.oauth_tokens !== undefined) await saveTokens(deps, id, input.oauth_tokens);
  const updated = await deps.state.getConnection(id);
  if (updated === undefined) throw notFound('connection', id);
  return updated;
}

function strategyFor(name: string, settings: JsonObject, problems: Problem[]): CredentialStrategy | undefined {
  const strategy = credentialStrategy(name);
  if (strategy === undefined) {
    problems.push(problemAt(['auth_strategy'], `must be one of: ${strategyNames().join(', ')}`));
    return undefined;
  }
  const found = schemaProblems(strategy.settingsSchema, settings, ['auth_settings']);
  const beyondSchema = found.length === 0 ? strategy.checkSettings?.(settings) : undefined;
  if (beyondSchema !== undefined) found.push(problemAt(['auth_settings'], beyondSchema));
  problems.push(...found);
  // Fields derived from settings that failed their schema would only add noise.
  return found.length === 0 ? strategy : undefined;
}

function missingFields(strategy: CredentialStrategy, settings: JsonObject, credentials: CredentialSet | undefined): Problem[] {
  const fields = strategy.credentialFields(settings);
  if (credentials === undefined) {
    return fields.length === 0 ? [] : [problemAt(['credentials'], `is required (fields: ${fields.join(', ')})`)];
  }
  return fields.filter((f) => !Object.hasOwn(credentials, f)).map((f) => problemAt(['credentials', f], 'is required'));
}

function targetProblems(catalog: Catalog, kind: string, target: string, baseUrl: string | null): Problem[] {
  if (kind === 'platform') return baseUrl === null ? [problemAt(['base_url'], 'is required for a platform connection')] : [];
  if (catalog.upstreams.has(target)) return [];
  const known = [...catalog.upstreams].join(', ');
  return [problemAt(['target'], `no upstream named "${target}" in the config${known === '' ? '' : ` (known: ${known})`}`)];
}

/** User info would be a secret stored in clear and shown on every read. */
function baseUrlProblems(baseUrl: string | null | undefined): Problem[] {
  if (baseUrl == null || !URL.canParse(baseUrl)) return [];
  const url = new URL(baseUrl);
  return url.username === '' && url.password === '' ? [] : [problemAt(['base_url'], 'must not contain user info: send it in credentials')];
}

async function storedCredentials(deps: ManageDeps, id: string): Promise<CredentialSet> {
  const stored = await deps.state.getSecret(id, 'credentials');
  return stored === undefined ? {} : openCredentials(deps.keyring, stored);
}

/** The first token set of an OAuth connection, stored as the refresh cycle expects it. */
function saveTokens(deps: ManageDeps, id: string, tokens: OAuthTokens): Promise<Connection> {
  return saveInitialTokenSet(
    { state: deps.state, keyring: deps.keyring },
    id,
    {
      ...(tokens.access_token !== undefined && { accessToken: tokens.access_token }),
      ...(tokens.refresh_token !== undefined && { refreshToken: tokens.refresh_token }),
      ...(tokens.token_type !== undefined && { tokenType: tokens.token_type }),
      ...(tokens.scope !== undefined && { scope: tokens.scope }),
      ...(tokens.expires_at !== undefined && { expiresAt: tokens.expires_at }),
      ...(tokens.expires_in !== undefined && { expiresIn: tokens.expires_in }),
    },
    deps.actor,
  );
}

function tokenProblems(tokens: OAuthTokens | undefined): Problem[] {
  if (tokens === undefined || tokens.access_token !== undefined || tokens.refresh_token !== undefined) return [];
  return [problemAt(['oauth_tokens'], 'needs access_token or refresh_token')];
}
