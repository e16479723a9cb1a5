/**
 * Per-request metrics on the hot path: plain counters and histogram buckets in memory,
 * turned into Prometheus series only when /metrics is scraped. prom-client's own
 * Counter/Histogram hash their label objects on every call, which costs more than the rest
 * of a passthrough request's bookkeeping.
 */
import type { Registry } from 'prom-client';

export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

class Histogram {
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length);
  count = 0;
  sum = 0;

  observe(seconds: number): void {
    this.count++;
    this.sum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
      if (seconds <= LATENCY_BUCKETS[i]!) {
        this.buckets[i]!++;
        return;
      }
    }
  }
}

interface RequestSeries {
  labels: { route: string; upstream: string; status: string };
  latency: Histogram;
}

type Value = { value: number; labels: Record<string, string | number>; metricName?: string };

export class RequestStats {
  private readonly requests = new Map<string, RequestSeries>();
  private readonly upstreams = new Map<string, Histogram>();

  record(route: string, upstream: string, status: number, seconds: number, upstreamSeconds: number | undefined): void {
    const key = `${route}\u0000${upstream}\u0000${status}`;
    let series = this.requests.get(key);
    if (series === undefined) {
      series = { labels: { route, upstream, status: String(status) }, latency: new Histogram() };
      this.requests.set(key, series);
    }
    series.latency.observe(seconds);
    if (upstreamSeconds === undefined) return;
    let histogram = this.upstreams.get(upstream);
    if (histogram === undefined) {
      histogram = new Histogram();
      this.upstreams.set(upstream, histogram);
    }
    histogram.observe(upstreamSeconds);
  }

  /** Exposes the series through a prom-client registry (read at scrape time). */
  register(registry: Registry): void {
    const metric = (name: string, help: string, type: 'counter' | 'histogram', values: () => Value[]) => ({
      name,
      help,
      type,
      get: async () => ({ name, help, type, values: values(), aggregator: 'sum' }),
    });
    registry.registerMetric(
      metric('unigate_requests_total', 'Requests answered, by route, upstream and status.', 'counter', () =>
        [...this.requests.values()].map((s) => ({ value: s.latency.count, labels: s.labels })),
      ) as never,
    );
    registry.registerMetric(
      metric('unigate_request_duration_seconds', 'Time from request arrival to the end of the response, by route, upstream and status.', 'histogram', () =>
        [...this.requests.values()].flatMap((s) => histogramValues('unigate_request_duration_seconds', s.latency, s.labels)),
      ) as never,
    );
    registry.registerMetric(
      metric('unigate_upstream_duration_seconds', 'Time spent on the upstream per request (all attempts), by upstream.', 'histogram', () =>
        [...this.upstreams.entries()].flatMap(([upstream, h]) => histogramValues('unigate_upstream_duration_seconds', h, { upstream })),
      ) as never,
    );
  }
}

function histogramValues(name: string, histogram: Histogram, labels: Record<string, string>): Value[] {
  const out: Value[] = [];
  let cumulative = 0;
  LATENCY_BUCKETS.forEach((le, i) => {
    cumulative += histogram.buckets[i]!;
    out.push({ value: cumulative, labels: { le, ...labels }, metricName: `${name}_bucket` });
  });
  out.push({ value: histogram.count, labels: { le: '+Inf', ...labels }, metricName: `${name}_bucket` });
  out.push({ value: histogram.sum, labels, metricName: `${name}_sum` });
  out.push({ value: histogram.count, labels, metricName: `${name}_count` });
  return out;
}
