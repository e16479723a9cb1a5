/**
 * One immutable snapshot of the running config: routes, router and upstream objects.
 * A reload builds a new runtime (adopting unchanged targets with their pools and health)
 * and retires the old one once its in-flight requests are done, so every request
 * finishes on the config it started with.
 */
import { buildRouter, type BuiltRoute, type CompiledConfig, type RouteSpec } from '../config/compile.js';
import type { Router } from '../routing/router.js';
import type { Target, TargetEvents } from '../pipeline/upstream/target.js';
import { Upstream } from '../pipeline/upstream/upstream.js';
import { buildPolicies, createJwtVerifier } from '../pipeline/build-policies.js';
import type { JwtVerifier } from '../pipeline/authenticate/jwt-verifier.js';
import { createInboundLimiter, type InboundLimiter } from '../pipeline/rate-limit/index.js';
import { UNIFIED_ROUTE } from '../commerce/unified-api.js';
import type { Services } from './services.js';

export class Runtime {
  readonly routes: readonly BuiltRoute[];
  readonly router: Router<BuiltRoute & { match: RouteSpec['match'] }>;
  readonly upstreams: ReadonlyMap<string, Upstream>;
  /** JWT verification for this config's issuers (routes and the unified API). */
  readonly jwt: JwtVerifier | undefined;
  /** commerce.rate_limit of this config: the unified API's inbound limit. */
  readonly unifiedLimit: InboundLimiter | undefined;
  /** Requests that started on this runtime and are not finished. */
  inflight = 0;
  private retired = false;
  private onIdle: (() => void) | undefined;

  constructor(
    readonly compiled: CompiledConfig,
    events: TargetEvents,
    services: Services,
    previous?: Runtime,
  ) {
    const upstreams = new Map<string, Upstream>();
    for (const [name, options] of compiled.upstreams) {
      upstreams.set(name, new Upstream(options, events, previous?.upstreams.get(name)?.targets));
    }
    this.upstreams = upstreams;
    const jwt = createJwtVerifier(compiled.config);
    this.jwt = jwt;
    const commerce = compiled.config.commerce;
    this.unifiedLimit =
      commerce?.enabled && commerce.rateLimit !== undefined
        ? createInboundLimiter(commerce.rateLimit, { routeName: UNIFIED_ROUTE, rates: services.shared.rates, metrics: services.metrics })
        : undefined;
    this.routes = compiled.routes.map((spec) => ({
      ...spec,
      upstream: upstreams.get(spec.upstreamName)!,
      policies: buildPolicies({ route: spec, config: compiled.config, services, jwt }),
    }));
    this.router = buildRouter(this.routes as (BuiltRoute & { match: RouteSpec['match'] })[]);
  }

  get config(): CompiledConfig['config'] {
    return this.compiled.config;
  }

  startHealthChecks(): void {
    for (const upstream of this.upstreams.values()) upstream.startHealthChecks();
  }

  enter(): void {
    this.inflight++;
  }

  leave(): void {
    if (--this.inflight === 0 && this.onIdle) this.onIdle();
  }

  /**
   * Stops this runtime's health checks now and closes its pools once its last request
   * finished; targets the successor adopted stay open.
   */
  async retire(successor: Runtime | undefined): Promise<void> {
    if (this.retired) return;
    this.retired = true;
    for (const upstream of this.upstreams.values()) upstream.stopHealthChecks();
    if (this.inflight > 0) await new Promise<void>((resolve) => (this.onIdle = resolve));
    const keep = new Set<Target>();
    for (const upstream of successor?.upstreams.values() ?? []) for (const t of upstream.targets) keep.add(t);
    await Promise.all([...this.upstreams.values()].map((u) => u.close(keep)));
  }
}
