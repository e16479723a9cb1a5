/**
 * Prometheus metrics. One registry per gateway (several gateways can share a process in
 * tests). Label values are route, upstream and target names and status codes, never
 * anything a client controls.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestStats } from './request-stats.js';


export class Metrics {
  readonly registry = new Registry();
  /** Requests and latencies, kept cheaply per request and exported at scrape time. */
  readonly requests = new RequestStats();
  readonly retries = new Counter({
    name: 'unigate_upstream_retries_total',
    help: 'Retries sent, by upstream and reason.',
    labelNames: ['upstream', 'reason'] as const,
    registers: [this.registry],
  });
  readonly upstreamFailures = new Counter({
    name: 'unigate_upstream_failures_total',
    help: 'Failed upstream attempts, by upstream, target and kind.',
    labelNames: ['upstream', 'target', 'kind'] as const,
    registers: [this.registry],
  });
  readonly targetHealthy = new Gauge({
    name: 'unigate_upstream_target_healthy',
    help: '1 when the target is healthy (active and passive checks), else 0.',
    labelNames: ['upstream', 'target'] as const,
    registers: [this.registry],
  });
  readonly breakerState = new Gauge({
    name: 'unigate_circuit_breaker_state',
    help: 'Circuit breaker per target: 0 closed, 1 half-open, 2 open.',
    labelNames: ['upstream', 'target'] as const,
    registers: [this.registry],
  });
  readonly poolConnections = new Gauge({
    name: 'unigate_upstream_pool_connections',
    help: 'Pooled upstream connections per target, by state (connected, free, busy) and queued requests (pending).',
    labelNames: ['upstream', 'target', 'state'] as const,
    registers: [this.registry],
  });
  /** Requests being served now: a plain count on the hot path, read into the gauge when scraped. */
  readonly inflight = { count: 0, inc(): void { this.count++; }, dec(): void { this.count--; } };
  private readonly inflightGauge: Gauge = new Gauge({
    name: 'unigate_requests_in_flight',
    help: 'Requests being served now.',
    registers: [this.registry],
    collect: (): void => this.inflightGauge.set(this.inflight.count),
  });
  readonly configReloads = new Counter({
    name: 'unigate_config_reloads_total',
    help: 'Config reloads, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'unigate_rate_limited_total',
    help: 'Requests refused by an inbound rate limit (429 RATE_LIMITED), by route.',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });
  readonly rateLimitStoreErrors = new Counter({
    name: 'unigate_rate_limit_store_errors_total',
    help: 'Rate-limit checks the shared store could not answer, by route and outcome (open: let through, closed: refused).',
    labelNames: ['route', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly shieldQueueDepth = new Gauge({
    name: 'unigate_shield_queue_depth',
    help: 'Requests waiting in the outbound shield queue of this instance, by upstream.',
    labelNames: ['upstream'] as const,
    registers: [this.registry],
  });
  readonly shieldWait = new Histogram({
    name: 'unigate_shield_wait_seconds',
    help: 'Time an attempt waited for the upstream budget before it was sent, by upstream.',
    labelNames: ['upstream'] as const,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly shieldUpstream429 = new Counter({
    name: 'unigate_shield_upstream_429_total',
    help: '429 responses received from upstreams (zero in a well-paced steady state), by upstream.',
    labelNames: ['upstream'] as const,
    registers: [this.registry],
  });
  readonly shieldShed = new Counter({
    name: 'unigate_shield_shed_total',
    help: 'Requests the shield refused with 429 UPSTREAM_RATE_LIMITED, by upstream and reason (queue_full, deadline).',
    labelNames: ['upstream', 'reason'] as const,
    registers: [this.registry],
  });
  readonly cacheRequests = new Counter({
    name: 'unigate_cache_requests_total',
    help: 'Cacheable requests by route and result (hit, stale, revalidated, miss, bypass); hit ratio = (hit + stale + revalidated) / all.',
    labelNames: ['route', 'result'] as const,
    registers: [this.registry],
  });
  readonly cacheBytes = new Counter({
    name: 'unigate_cache_bytes_total',
    help: 'Body bytes served from the cache (served) and written to it (stored), by route.',
    labelNames: ['route', 'direction'] as const,
    registers: [this.registry],
  });
  /** Unified calls in mapping threads now: kept by the thread pool, read when scraped. */
  readonly mappingCalls = { count: 0, threads: 0 };
  private readonly mappingGauge: Gauge = new Gauge({
    name: 'unigate_mapping_thread_calls',
    help: 'Unified API calls running in mapping threads now (threads: how many threads are running).',
    labelNames: ['state'] as const,
    registers: [this.registry],
    collect: (): void => {
      this.mappingGauge.set({ state: 'calls' }, this.mappingCalls.count);
      this.mappingGauge.set({ state: 'threads' }, this.mappingCalls.threads);
    },
  });
  readonly idempotentWrites = new Counter({
    name: 'unigate_idempotent_writes_total',
    help: 'Unified writes sent with an Idempotency-Key, by outcome: applied (first request), replayed, in_use (409), reused (422).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly mappingThreadExits = new Counter({
    name: 'unigate_mapping_thread_exits_total',
    help: 'Mapping threads that stopped unexpectedly (their calls failed with INTERNAL_ERROR; the next call starts a new thread).',
    registers: [this.registry],
  });
  readonly responseValidationFailures = new Counter({
    name: 'unigate_response_validation_failures_total',
    help: 'Upstream responses that did not match the route\'s response schema (validate, report-only), by route.',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  constructor() {
    this.requests.register(this.registry);
    collectDefaultMetrics({ register: this.registry, prefix: 'unigate_process_' });
  }
}
