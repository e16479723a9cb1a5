/**
 * A platform connection (one store) as a route the engine can run: an upstream whose one
 * target is the store's base URL, the platform's shield budget (per connection, so each
 * store is paced within its own limits, cluster-wide) and credential injection from the
 * vault. Built on first use and rebuilt when the connection's base URL or strategy changes.
 */
import { Value } from '@sinclair/typebox/value';
import type { BuiltRoute } from '../config/compile.js';
import { camelizeBySchema } from '../config/case.js';
import type { ConnectorDefinition } from '../connectors/common/definition.js';
import { UnigateError } from '../errors/unigate-error.js';
import { assemblePolicies } from '../pipeline/build-policies.js';
import { createCache, type CacheConfig } from '../pipeline/cache/index.js';
import { createCredentialInjection } from '../pipeline/upstream/credentials/index.js';
import { createShield, type ShieldConfig } from '../pipeline/upstream/shield/index.js';
import { ShieldSchema } from '../pipeline/upstream/shield/schema.js';
import type { TargetEvents } from '../pipeline/upstream/target.js';
import { Upstream } from '../pipeline/upstream/upstream.js';
import type { Services } from '../server/services.js';
import type { Connection } from '../store/state/types.js';
import type { ForwardObserver } from '../pipeline/upstream/forward.js';
import { EnginePlatformClient } from './platform-client.js';

export interface PlatformRouteSettings {
  timeouts: { connectMs: number; responseHeadersMs: number; bodyIdleMs: number; totalMs: number };
  retries: number;
  connectionsPerStore: number;
  maxResponseBytes: number;
  /** commerce.raw_cache: the cache policy of the raw passthrough. */
  rawCache?: CacheConfig;
}

/** Route name of the raw passthrough's cache (metrics and purge tags). */
const RAW_ROUTE = 'unified-api-raw';

interface Entry {
  fingerprint: string;
  route: BuiltRoute;
  /** The route the raw passthrough runs: the same upstream, plus the raw cache when configured. */
  rawRoute: BuiltRoute;
  client: EnginePlatformClient;
}

export class ConnectionRoutes {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by configure(): routes built under older settings are rebuilt on their next use. */
  private settingsGeneration = 0;

  constructor(
    private readonly services: Services,
    private readonly events: TargetEvents,
    private settings: PlatformRouteSettings,
    private readonly observer: ForwardObserver,
  ) {}

  /**
   * New settings (a reload). Each connection's route is rebuilt on its next call; calls
   * already running finish on the route they started with, whose pools then close.
   */
  configure(settings: PlatformRouteSettings): void {
    this.settings = settings;
    this.settingsGeneration++;
  }

  /** The connector client for a connection (one per connection, kept while it is unchanged). */
  clientFor(connection: Connection, definition: ConnectorDefinition): EnginePlatformClient {
    return this.entryFor(connection, definition).client;
  }

  /** The route of the raw passthrough to the connection's platform API. */
  rawRouteFor(connection: Connection, definition: ConnectorDefinition): BuiltRoute {
    return this.entryFor(connection, definition).rawRoute;
  }

  private entryFor(connection: Connection, definition: ConnectorDefinition): Entry {
    if (connection.baseUrl === null) {
      throw new UnigateError('CONNECTOR_AUTH_FAILED', { message: 'The connection has no base URL', details: { connection: connection.id } });
    }
    const fingerprint = `${this.settingsGeneration}|${connection.baseUrl}|${connection.authStrategy}|${JSON.stringify(connection.authSettings)}`;
    const existing = this.entries.get(connection.id);
    if (existing !== undefined && existing.fingerprint === fingerprint) return existing;
    if (existing !== undefined) void existing.route.upstream.close();
    const { route, rawRoute } = this.build(connection, definition);
    const entry = { fingerprint, route, rawRoute, client: new EnginePlatformClient(route, definition, this.observer) };
    this.entries.set(connection.id, entry);
    return entry;
  }

  /** Drops a connection's route (deleted or changed store). */
  forget(connectionId: string): void {
    const entry = this.entries.get(connectionId);
    if (entry === undefined) return;
    this.entries.delete(connectionId);
    void entry.route.upstream.close();
  }

  async close(): Promise<void> {
    const routes = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(routes.map((e) => e.route.upstream.close()));
  }

  private build(connection: Connection, definition: ConnectorDefinition): { route: BuiltRoute; rawRoute: BuiltRoute } {
    const s = this.settings;
    const name = `${definition.platform}:${connection.id}`;
    const upstream = new Upstream(
      {
        name,
        targets: [
          {
            upstream: name,
            url: connection.baseUrl!,
            weight: 1,
            connections: s.connectionsPerStore,
            keepAliveTimeoutMs: 4000,
            connectTimeoutMs: s.timeouts.connectMs,
            breaker: { enabled: true, windowMs: 10_000, minRequests: 20, failureRate: 0.5, openForMs: 15_000, halfOpenRequests: 3 },
          },
        ],
        balancer: 'round-robin',
        timeouts: { responseHeadersMs: s.timeouts.responseHeadersMs, bodyIdleMs: s.timeouts.bodyIdleMs, totalMs: s.timeouts.totalMs },
        retries: {
          count: s.retries,
          onConnectError: true,
          onReset: true,
          onTimeout: false,
          onStatuses: new Set([502, 503, 504]),
          backoffBaseMs: 50,
          backoffMaxMs: 2000,
        },
        retryBudget: { ratio: 0.2, minPerSecond: 5 },
        required: false,
      },
      this.events,
    );
    const credentials = { connection: connection.id };
    const engine = [createShield(definition.platform, shieldConfigOf(definition), credentials, this.services), createCredentialInjection(connection.target, credentials, this.services)];
    const policies = assemblePolicies(engine);
    const route: BuiltRoute = {
      name: `platform:${definition.platform}`,
      upstream,
      stripSegments: 0,
      addPrefix: '',
      preserveHost: false,
      retryNonIdempotent: false,
      websocket: false,
      timeouts: upstream.timeouts,
      retries: upstream.retries,
      limits: { maxBodyBytes: 10 * 1024 * 1024, maxResponseBytes: s.maxResponseBytes, maxHeaderBytes: 16 * 1024, maxUrlBytes: 8 * 1024 },
      policies,
    };
    if (s.rawCache === undefined) return { route, rawRoute: route };
    // The key carries the connection (credentials are injected), so one store's answers never reach another's caller.
    const cache = createCache(s.rawCache, { routeName: RAW_ROUTE, upstream: connection.target, credentials, services: this.services });
    return { route, rawRoute: { ...route, policies: assemblePolicies([cache, ...engine]) } };
  }
}

const shieldConfigs = new Map<string, ShieldConfig>();

/** The platform's published limits as a shield config, with the shield schema's defaults. */
function shieldConfigOf(definition: ConnectorDefinition): ShieldConfig {
  const cached = shieldConfigs.get(definition.platform);
  if (cached !== undefined) return cached;
  const hint = definition.rateLimit.shield;
  const raw = { [hint.scope]: { limits: hint.limits, ...(hint.concurrency ? { concurrency: hint.concurrency } : {}) }, learn: hint.learn };
  const withDefaults = Value.Default(ShieldSchema, structuredClone(raw));
  const config = camelizeBySchema(withDefaults, ShieldSchema) as ShieldConfig;
  shieldConfigs.set(definition.platform, config);
  return config;
}
