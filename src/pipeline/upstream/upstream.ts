/**
 * A named upstream: its targets, the balancer that picks among them, health checking,
 * and the resolved timeout and retry policies every route to it uses by default.
 */
import { UnigateError } from '../../errors/unigate-error.js';
import { ActiveHealthChecker, type ActiveHealthOptions } from './active-health.js';
import type { Balancer } from './balancers/balancer.js';
import { ConsistentHashBalancer } from './balancers/consistent-hash.js';
import { LeastConnectionsBalancer } from './balancers/least-connections.js';
import { RoundRobinBalancer } from './balancers/round-robin.js';
import { WeightedRoundRobinBalancer } from './balancers/weighted-round-robin.js';
import { RetryBudget } from './retry-budget.js';
import { Target, type TargetEvents, type TargetOptions } from './target.js';

export type BalancerKind = 'round-robin' | 'weighted-round-robin' | 'least-connections' | 'consistent-hash';

export interface HashOn {
  header?: string;
  consumer?: boolean;
  clientIp?: boolean;
}

/** What the balancer may hash on, read from the request. */
export interface HashSource {
  header(name: string): string | undefined;
  readonly consumerId: string | undefined;
  readonly clientIp: string;
}

export interface UpstreamTimeouts {
  responseHeadersMs: number;
  bodyIdleMs: number;
  /** 0 = no total budget. */
  totalMs: number;
}

export interface RetryPolicy {
  count: number;
  onConnectError: boolean;
  onReset: boolean;
  onTimeout: boolean;
  onStatuses: ReadonlySet<number>;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export interface UpstreamOptions {
  name: string;
  targets: TargetOptions[];
  balancer: BalancerKind;
  hashOn?: HashOn;
  active?: ActiveHealthOptions;
  timeouts: UpstreamTimeouts;
  retries: RetryPolicy;
  retryBudget: { ratio: number; minPerSecond: number };
  required: boolean;
}

export class Upstream {
  readonly name: string;
  readonly targets: readonly Target[];
  readonly timeouts: UpstreamTimeouts;
  readonly retries: RetryPolicy;
  readonly retryBudget: RetryBudget;
  readonly required: boolean;
  private readonly balancer: Balancer;
  private readonly checker: ActiveHealthChecker | undefined;

  /**
   * @param reuse targets of the previous config's upstream of the same name; those whose
   *   settings did not change are adopted with their pools and health state.
   */
  constructor(
    readonly options: UpstreamOptions,
    events: TargetEvents,
    reuse: readonly Target[] = [],
  ) {
    this.name = options.name;
    this.targets = options.targets.map((t) => {
      const fingerprint = JSON.stringify(t);
      return reuse.find((old) => old.fingerprint === fingerprint) ?? new Target(t, events);
    });
    this.timeouts = options.timeouts;
    this.retries = options.retries;
    this.retryBudget = new RetryBudget(options.retryBudget.ratio, options.retryBudget.minPerSecond);
    this.required = options.required;
    this.balancer = createBalancer(options.balancer, this.targets);
    this.checker = options.active
      ? new ActiveHealthChecker(this.targets, options.active, (target, healthy, reason) => events.onHealthChange(target, healthy, reason))
      : undefined;
  }

  get healthyTargets(): number {
    return this.targets.filter((t) => t.healthy).length;
  }

  startHealthChecks(): void {
    this.checker?.start();
  }

  stopHealthChecks(): void {
    this.checker?.stop();
  }

  /** Runs one round of active probes now (tests and readiness). */
  async probeAll(): Promise<void> {
    if (this.checker) await Promise.all(this.targets.map((t) => this.checker!.probe(t)));
  }

  /**
   * Picks and reserves a target. Throws NO_HEALTHY_UPSTREAM, or CIRCUIT_OPEN when open
   * breakers are what keeps every otherwise healthy target out.
   */
  acquire(source: HashSource, exclude: Target | undefined, now: number): Target {
    const key = this.options.hashOn ? hashKey(this.options.hashOn, source) : undefined;
    for (let tries = 0; tries < this.targets.length + 1; tries++) {
      const target = this.balancer.pick(now, exclude, key);
      if (target === undefined) break;
      if (target.acquire(now)) return target;
      exclude = target; // a half-open breaker filled up between pick and acquire
    }
    throw this.unavailableError(now);
  }

  private unavailableError(now: number): UnigateError {
    const blockedByBreaker = this.targets.filter((t) => t.healthy && !t.breaker.wouldAllow(now));
    if (blockedByBreaker.length > 0) {
      const retryAt = Math.min(...blockedByBreaker.map((t) => t.breaker.retryAt));
      const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
      return new UnigateError('CIRCUIT_OPEN', {
        details: { upstream: this.name },
        headers: { 'retry-after': String(seconds) },
      });
    }
    return new UnigateError('NO_HEALTHY_UPSTREAM', { details: { upstream: this.name } });
  }

  async close(keep: ReadonlySet<Target> = new Set()): Promise<void> {
    this.stopHealthChecks();
    await Promise.all(this.targets.filter((t) => !keep.has(t)).map((t) => t.close()));
  }
}

function hashKey(on: HashOn, source: HashSource): string | undefined {
  if (on.header !== undefined) {
    const value = source.header(on.header);
    if (value !== undefined) return value;
  }
  if (on.consumer && source.consumerId !== undefined) return source.consumerId;
  if (on.clientIp) return source.clientIp;
  return undefined;
}

function createBalancer(kind: BalancerKind, targets: readonly Target[]): Balancer {
  switch (kind) {
    case 'round-robin':
      return new RoundRobinBalancer(targets);
    case 'weighted-round-robin':
      return new WeightedRoundRobinBalancer(targets);
    case 'least-connections':
      return new LeastConnectionsBalancer(targets);
    case 'consistent-hash':
      return new ConsistentHashBalancer(targets);
  }
}
