/**
 * The long-lived services policies receive: stores, the keyring and the caches over them.
 * Opened once at start (stores cannot change on reload) and closed at shutdown.
 */
import type { Config } from '../config/load.js';
import { parseDuration } from '../config/duration.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { IdentityCache } from '../pipeline/authenticate/identity-cache.js';
import { ConnectionResolver } from '../pipeline/upstream/credentials/connection-resolver.js';
import { loadKeyring } from '../secrets/load-keyring.js';
import type { Keyring } from '../secrets/keyring.js';
import { openSharedStore } from '../store/shared/open-shared-store.js';
import type { SharedStore } from '../store/shared/types.js';
import { openStateStore } from '../store/state/open-state-store.js';
import type { Change, ChangeSubscription, StateStore } from '../store/state/types.js';

export interface Services {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly state: StateStore;
  readonly shared: SharedStore;
  readonly keyring: Keyring;
  readonly identities: IdentityCache;
  readonly connections: ConnectionResolver;
  /** Also tell `listener` about store changes (from this and every other instance). */
  onChanges(listener: (changes: readonly Change[]) => void): void;
  close(): Promise<void>;
}

export interface ServiceOptions {
  env: NodeJS.ProcessEnv;
  /** How often other instances' changes are polled for when no notification arrives. */
  changePollMs?: number;
}

export async function openServices(config: Config, logger: Logger, metrics: Metrics, options: ServiceOptions): Promise<Services> {
  const dataDir = config.server!.dataDir;
  const keyring = loadKeyring({ dataDir, env: options.env, logger });
  const state = await openStateStore(config.stores?.state, {
    dataDir,
    onError: (err) => logger.error({ err }, 'state store background error'),
  });
  let shared: SharedStore;
  try {
    shared = await openSharedStore(config.stores?.shared, { logger, registry: metrics.registry });
  } catch (err) {
    await state.close();
    throw err;
  }
  const identities = new IdentityCache(state, parseDuration(config.auth!.keyCacheTtl));
  const connections = new ConnectionResolver(state, keyring);
  let feed: ChangeSubscription | undefined;
  const listeners: ((changes: readonly Change[]) => void)[] = [];
  try {
    feed = await state.watchChanges(
      (changes) => {
        identities.onChanges(changes);
        connections.onChanges(changes);
        for (const listener of listeners) listener(changes);
      },
      { pollIntervalMs: options.changePollMs ?? 1000, onError: (err) => logger.warn({ err }, 'state change feed error') },
    );
  } catch (err) {
    await Promise.allSettled([state.close(), shared.close()]);
    throw err;
  }
  logger.info({ state: state.backend, shared: shared.backend, migrations: state.migrations.applied }, 'stores open');
  return {
    logger,
    metrics,
    state,
    shared,
    keyring,
    identities,
    connections,
    onChanges(listener) {
      listeners.push(listener);
    },
    async close() {
      await feed?.close();
      await Promise.allSettled([state.close(), shared.close()]);
    },
  };
}
