/**
 * Prometheus metrics. One registry per gateway (several gateways can share a process in
 * tests). Label values are route, upstream and target names and status codes, never
 * anything a client controls.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'unigate_requests_total',
    help: 'Requests answered, by route, upstream and status.',
    labelNames: ['route', 'upstream', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'unigate_request_duration_seconds',
    help: 'Time from request arrival to the end of the response, by route, upstream and status.',
    labelNames: ['route', 'upstream', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly upstreamDuration = new Histogram({
    name: 'unigate_upstream_duration_seconds',
    help: 'Time spent on the upstream per request (all attempts), by upstream.',
    labelNames: ['upstream'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
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
  readonly inflight = new Gauge({
    name: 'unigate_requests_in_flight',
    help: 'Requests being served now.',
    registers: [this.registry],
  });
  readonly configReloads = new Counter({
    name: 'unigate_config_reloads_total',
    help: 'Config reloads, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'unigate_process_' });
  }
}
