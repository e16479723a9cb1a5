/**
 * OAuth2 access tokens of connections, for the OAuth2 strategies: held in memory, stored
 * sealed in the state store so every instance shares them, renewed in the background ahead
 * of expiry, and on demand when missing, expired or refused by the backend.
 *
 * Single flight: within a process, callers for one connection share one renewal promise;
 * across instances the renewal runs under the connection's lease and reads the store again
 * once it holds it, since another instance may have renewed meanwhile (and a rotated refresh
 * token must be used only once). A refusal from the token endpoint marks the connection
 * `needs_reauth`; later calls fail fast until the connection changes. A transient failure
 * fails the waiting requests and pauses renewals briefly.
 */
import { UnigateError } from '../../../errors/unigate-error.js';
import { openTokenSet, sealTokenSet } from '../../../secrets/connection-secrets.js';
import { refreshLeaseName, withLease } from '../../../store/state/lease.js';
import type { Connection, OAuthTokenSet, StateStore } from '../../../store/state/types.js';
import { TokenEndpointError } from './oauth2-token-endpoint.js';
import type { StrategyEnv } from './strategy.js';

/** How a strategy gets a new token set from its token endpoint. */
export interface TokenGrant {
  /** For admins, e.g. `refresh token`. */
  readonly label: string;
  /** `stored` is the store's current token set, read under the lease. */
  fetch(stored: OAuthTokenSet | undefined, env: StrategyEnv): Promise<OAuthTokenSet>;
  /** Renew this long before expiry (at most half the token's lifetime). */
  readonly refreshBeforeMs: number;
}

interface Held {
  readonly accessToken: string;
  readonly expiresAt: number | undefined;
  readonly renewAt: number | undefined;
  /** When the stored copy was written (the connection's oauthTokensUpdatedAt); 0 if it was not. */
  readonly version: number;
}

interface Entry {
  held: Held | undefined;
  /** An access token the backend refused: never injected again. */
  rejected: string | undefined;
  flight: Promise<Held> | undefined;
  /** After a refusal: fail fast until the connection changes. */
  refusal: { error: UnigateError; at: number } | undefined;
  /** After a transient failure: no new renewal before `until`. */
  pause: { error: UnigateError; until: number } | undefined;
}

const ACTOR = 'system:oauth-refresh';
/** Longer than a token request may take (10 s) plus the store writes. */
const LEASE_TTL_MS = 30_000;
const LEASE_WAIT_MS = 15_000;
/** A token this close to expiry is not sent (clock skew, time in transit). */
const EXPIRY_MARGIN_MS = 1_000;
const PAUSE_AFTER_FAILURE_MS = 1_000;

/** Per state store, i.e. per gateway: tests run several gateways in one process. */
const registries = new WeakMap<StateStore, Map<string, Entry>>();

function entryOf(env: StrategyEnv, create: true): Entry;
function entryOf(env: StrategyEnv, create: false): Entry | undefined;
function entryOf(env: StrategyEnv, create: boolean): Entry | undefined {
  let entries = registries.get(env.services.state);
  if (entries === undefined) registries.set(env.services.state, (entries = new Map()));
  let entry = entries.get(env.connection.id);
  if (entry === undefined && create) {
    entry = { held: undefined, rejected: undefined, flight: undefined, refusal: undefined, pause: undefined };
    entries.set(env.connection.id, entry);
  }
  return entry;
}

/** The access token to inject now, renewing it first when it cannot be sent. */
export async function accessToken(env: StrategyEnv, grant: TokenGrant): Promise<string> {
  const entry = entryOf(env, true);
  const now = Date.now();
  if (entry.refusal !== undefined) {
    if (changedAt(env.connection) <= entry.refusal.at) throw entry.refusal.error;
    entry.refusal = undefined;
  }
  let held = entry.held;
  // Another writer (an instance, the admin) stored newer tokens than the ones held here.
  if (held !== undefined && (env.connection.oauthTokensUpdatedAt?.getTime() ?? 0) > held.version) held = undefined;
  const paused = entry.pause !== undefined && now < entry.pause.until;
  if (held !== undefined && held.accessToken !== entry.rejected && !expired(held, now)) {
    if (due(held, now) && entry.flight === undefined && !paused) {
      renew(entry, env, grant).catch((err: unknown) => {
        // Refusals and pauses were logged where they happened; anything else (the store) is logged here.
        if (err !== entry.refusal?.error && err !== entry.pause?.error) env.services.logger.error({ connection: env.connection.id, err }, 'OAuth token renewal failed');
      });
    }
    return held.accessToken;
  }
  if (entry.flight === undefined && paused) throw entry.pause!.error;
  return (await renew(entry, env, grant)).accessToken;
}

/**
 * The backend refused an attempt that carried `sentValue` in the token's header. Marks the
 * held token refused if it is the one sent; true when a re-sent attempt may carry a new one.
 */
export function tokenRefused(env: StrategyEnv, sentValue: string | undefined, render: (token: string) => string): boolean {
  const entry = entryOf(env, false);
  if (entry === undefined) return false;
  if (entry.held !== undefined && sentValue === render(entry.held.accessToken)) entry.rejected = entry.held.accessToken;
  return true;
}

function renew(entry: Entry, env: StrategyEnv, grant: TokenGrant): Promise<Held> {
  entry.flight ??= obtain(entry, env, grant)
    .then((held) => {
      entry.held = held;
      entry.pause = undefined;
      if (held.accessToken !== entry.rejected) entry.rejected = undefined;
      return held;
    })
    .finally(() => {
      entry.flight = undefined;
    });
  return entry.flight;
}

async function obtain(entry: Entry, env: StrategyEnv, grant: TokenGrant): Promise<Held> {
  const { state, keyring } = env.services;
  const id = env.connection.id;
  const usable = (held: Held | undefined): held is Held => held !== undefined && held.accessToken !== entry.rejected && !due(held, Date.now());

  const first = await readStored(env, grant);
  if (usable(first?.held)) return first.held;

  const outcome = await withLease(state, refreshLeaseName(id), { ttlMs: LEASE_TTL_MS, waitMs: LEASE_WAIT_MS }, async (lease) => {
    const connection = await state.getConnection(id);
    if (connection === undefined) throw new UnigateError('CONNECTION_NOT_FOUND', { details: { connection: id } });
    if (connection.status === 'needs_reauth') throw refuse(entry, env, connection, undefined);
    const stored = await readStored(env, grant);
    if (usable(stored?.held)) return stored.held;

    let tokens: OAuthTokenSet;
    try {
      tokens = await grant.fetch(stored?.tokens, env);
    } catch (err) {
      if (!(err instanceof TokenEndpointError)) throw err;
      if (err.kind === 'transient') throw pause(entry, env, err.reason, err.status);
      const status = err.status === undefined ? '' : `, HTTP ${err.status}`;
      const reason = `OAuth token refresh failed: the token endpoint refused the ${grant.label} (${err.reason}${status}); re-authorize the connection`;
      const marked = await state.markNeedsReauth(id, reason, ACTOR, lease);
      env.services.forget(id);
      throw refuse(entry, env, marked ?? connection, err.reason);
    }

    const expiresAt = tokens.expiresAt === undefined ? null : new Date(tokens.expiresAt);
    let version = 0;
    try {
      const saved = await state.saveOAuthTokens(id, { sealed: sealTokenSet(keyring, id, tokens), expiresAt }, ACTOR, lease);
      version = saved.oauthTokensUpdatedAt?.getTime() ?? 0;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'LEASE_LOST') throw err;
      // Held too long: a newer holder owns the stored copy. Use this token here only.
      env.services.logger.warn({ connection: id }, 'OAuth token refresh outlived its lease; new token not stored');
    }
    env.services.forget(id);
    return toHeld(tokens, version, Date.now(), grant.refreshBeforeMs);
  });
  if (outcome.acquired) return outcome.value;

  // Another holder is still renewing: take what it stored by now, or fail this request.
  const latest = await readStored(env, grant);
  if (latest !== undefined && latest.held.accessToken !== entry.rejected && !expired(latest.held, Date.now())) return latest.held;
  throw pause(entry, env, 'refresh_lease_busy', undefined);
}

async function readStored(env: StrategyEnv, grant: TokenGrant): Promise<{ tokens: OAuthTokenSet; held: Held } | undefined> {
  const secret = await env.services.state.getSecret(env.connection.id, 'oauth_tokens');
  if (secret === undefined) return undefined;
  const tokens = openTokenSet(env.services.keyring, secret);
  const written = secret.updatedAt.getTime();
  return { tokens, held: toHeld(tokens, written, written, grant.refreshBeforeMs) };
}

function toHeld(tokens: OAuthTokenSet, version: number, obtainedAt: number, refreshBeforeMs: number): Held {
  let expiresAt = tokens.expiresAt === undefined ? undefined : Date.parse(tokens.expiresAt);
  if (Number.isNaN(expiresAt) || tokens.accessToken === '') expiresAt = 0;
  const renewAt = expiresAt === undefined ? undefined : expiresAt - Math.min(refreshBeforeMs, Math.max(0, (expiresAt - obtainedAt) / 2));
  return { accessToken: tokens.accessToken, expiresAt, renewAt, version };
}

function expired(held: Held, now: number): boolean {
  return held.expiresAt !== undefined && now >= held.expiresAt - EXPIRY_MARGIN_MS;
}

function due(held: Held, now: number): boolean {
  return expired(held, now) || (held.renewAt !== undefined && now >= held.renewAt);
}

/** The latest change an admin or instance made to the connection. */
function changedAt(connection: Connection): number {
  return Math.max(connection.updatedAt.getTime(), connection.credentialsUpdatedAt?.getTime() ?? 0, connection.oauthTokensUpdatedAt?.getTime() ?? 0);
}

function refuse(entry: Entry, env: StrategyEnv, connection: Connection, oauthError: string | undefined): UnigateError {
  const details: Record<string, unknown> = { connection: connection.id };
  if (oauthError !== undefined) details.upstream = { error: oauthError };
  const error = new UnigateError('CONNECTOR_AUTH_FAILED', { message: 'The connection needs to be re-authorized by an administrator', details });
  entry.refusal = { error, at: changedAt(connection) };
  entry.held = undefined;
  if (oauthError !== undefined) env.services.logger.warn({ connection: connection.id, reason: oauthError }, 'OAuth token refresh refused; connection needs re-authorization');
  return error;
}

function pause(entry: Entry, env: StrategyEnv, reason: string, status: number | undefined): UnigateError {
  const error = new UnigateError('CONNECTOR_AUTH_FAILED', {
    message: 'The upstream\'s token endpoint is unavailable; try again shortly',
    details: { connection: env.connection.id, reason: 'token_endpoint_unavailable' },
    headers: { 'retry-after': String(Math.ceil(PAUSE_AFTER_FAILURE_MS / 1000)) },
  });
  entry.pause = { error, until: Date.now() + PAUSE_AFTER_FAILURE_MS };
  env.services.logger.warn({ connection: env.connection.id, reason, status }, 'OAuth token refresh failed');
  return error;
}
