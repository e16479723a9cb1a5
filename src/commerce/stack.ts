/**
 * The unified eCommerce API as the gateway runs it, built from the `commerce` config
 * section: the connections' routes, the service and its executor (mapping threads),
 * idempotent writes and the API itself; and what a reload changes in them. Every setting
 * but `enabled` reloads:
 *   - platform call settings (timeouts, retries, connections per store, largest answer, the
 *     raw passthrough's cache): each connection's route is rebuilt on its next call;
 *   - fan-out concurrency and idempotency durations: calls from then on;
 *   - mapping threads: new threads take the next calls, the old ones finish theirs and stop;
 *   - authenticate and rate_limit: read from the current config by each call (see the gateway).
 */
import { parseDuration } from '../config/duration.js';
import type { Config } from '../config/load.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { JwtVerifier } from '../pipeline/authenticate/jwt-verifier.js';
import type { InboundLimiter } from '../pipeline/rate-limit/index.js';
import type { ForwardObserver } from '../pipeline/upstream/forward.js';
import type { TargetEvents } from '../pipeline/upstream/target.js';
import type { Services } from '../server/services.js';
import { ConnectionRoutes, type PlatformRouteSettings } from './connection-routes.js';
import { createExecutor, type Executor } from './executor/index.js';
import { IdempotentWrites } from './idempotency.js';
import { createPassthrough } from './passthrough.js';
import { CommerceService } from './service.js';
import { UnifiedApi } from './unified-api.js';

export type CommerceConfig = NonNullable<Config['commerce']>;

/** What the stack is built with; the three getters read the config now serving, on each call. */
export interface CommerceStackDeps {
  services: Services;
  targetEvents: TargetEvents;
  observer: ForwardObserver;
  logger: Logger;
  metrics: Metrics;
  authMode: () => 'key' | 'jwt' | 'either';
  rateLimit: () => InboundLimiter | undefined;
  jwt: () => JwtVerifier | undefined;
}

/** The section's settings, as the parts take them. */
interface CommerceSettings {
  routes: PlatformRouteSettings;
  fanOutConcurrency: number;
  idempotency: { ttlMs: number; pendingMs: number };
  mappingThreads: { count: number; youngGenerationMb: number };
}

function settingsOf(commerce: CommerceConfig): CommerceSettings {
  const timeouts = commerce.timeouts!;
  const totalMs = parseDuration(timeouts.total);
  return {
    routes: {
      timeouts: {
        connectMs: parseDuration(timeouts.connect),
        responseHeadersMs: parseDuration(timeouts.responseHeaders),
        bodyIdleMs: parseDuration(timeouts.bodyIdle),
        totalMs,
      },
      retries: commerce.retries,
      connectionsPerStore: commerce.connectionsPerStore,
      maxResponseBytes: commerce.maxResponseBytes,
      rawCache: commerce.rawCache,
    },
    fanOutConcurrency: commerce.fanOutConcurrency,
    // A first write holds its key for as long as one platform call may take, retries included.
    idempotency: { ttlMs: parseDuration(commerce.idempotencyTtl), pendingMs: totalMs + 10_000 },
    mappingThreads: { count: commerce.mappingThreads!.count, youngGenerationMb: commerce.mappingThreads!.youngGenerationMb },
  };
}

export class CommerceStack {
  readonly api: UnifiedApi;
  private readonly routes: ConnectionRoutes;
  private readonly service: CommerceService;
  private readonly idempotency: IdempotentWrites;
  private settings: CommerceSettings;
  /** Executors replaced by a reload, finishing their calls. */
  private readonly retiring = new Map<Executor, Promise<void>>();

  constructor(
    commerce: CommerceConfig,
    private readonly deps: CommerceStackDeps,
  ) {
    const settings = (this.settings = settingsOf(commerce));
    const { services, logger, metrics } = deps;
    this.routes = new ConnectionRoutes(services, deps.targetEvents, settings.routes, deps.observer);
    this.service = new CommerceService({
      identities: services.identities,
      connections: services.connections,
      routes: this.routes,
      executor: this.executor(settings),
      fanOutConcurrency: settings.fanOutConcurrency,
    });
    services.onChanges((changes) => {
      for (const change of changes) if (change.entityType === 'connection') this.routes.forget(change.entityId);
    });
    this.idempotency = new IdempotentWrites({
      locks: services.shared.locks,
      answers: services.state,
      ...settings.idempotency,
      onStoreError: (err, what) =>
        logger.error({ err }, what === 'keep' ? 'idempotent answer not kept: a retry of this write would apply it again' : 'sweep of expired idempotent answers failed'),
      onOutcome: (outcome) => metrics.idempotentWrites.inc({ outcome }),
    });
    this.api = new UnifiedApi({
      service: this.service,
      authMode: deps.authMode,
      rateLimit: deps.rateLimit,
      jwt: deps.jwt,
      passthrough: createPassthrough(this.service, this.routes, () => deps.observer),
      idempotency: this.idempotency,
      logger,
    });
  }

  /** Applies a reloaded section; `enabled` is the one setting that waits for a restart. */
  reconfigure(commerce: CommerceConfig): void {
    const next = settingsOf(commerce);
    const previous = this.settings;
    this.settings = next;
    if (!same(next.routes, previous.routes)) this.routes.configure(next.routes);
    this.idempotency.configure(next.idempotency);
    const executor = same(next.mappingThreads, previous.mappingThreads) ? undefined : this.executor(next);
    const replaced = this.service.configure({ fanOutConcurrency: next.fanOutConcurrency, executor });
    if (replaced !== undefined) this.retire(replaced, next.routes.timeouts.totalMs);
  }

  /** After the drain: calls still running in replaced threads are not waited for. */
  async close(): Promise<void> {
    await this.api.close();
    await Promise.all([...this.retiring.keys()].map((executor) => executor.close(0)));
    await Promise.all(this.retiring.values());
    await this.routes.close();
  }

  private executor(settings: CommerceSettings): Executor {
    const { count, youngGenerationMb } = settings.mappingThreads;
    return createExecutor({ threads: count, youngGenerationMb, logger: this.deps.logger, metrics: this.deps.metrics });
  }

  /** The calls a replaced executor runs may take as long as a platform call may (plus mapping). */
  private retire(executor: Executor, totalMs: number): void {
    const done = executor
      .close(totalMs + 10_000)
      .catch((err: unknown) => this.deps.logger.error({ err }, 'closing the previous mapping threads failed'))
      .finally(() => this.retiring.delete(executor));
    this.retiring.set(executor, done);
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
