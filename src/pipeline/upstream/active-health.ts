/**
 * Active health checks: probes every target on an interval and flips its verdict after
 * `healthyThreshold` good or `unhealthyThreshold` bad probes in a row.
 */
import type { Target } from './target.js';

export interface ActiveHealthOptions {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  expectedStatuses: ReadonlySet<number>;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

export class ActiveHealthChecker {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly streaks = new Map<Target, number>();
  private stopped = false;

  constructor(
    private readonly targets: readonly Target[],
    private readonly options: ActiveHealthOptions,
    private readonly onChange: (target: Target, healthy: boolean, reason: string) => void,
  ) {}

  start(): void {
    for (const target of this.targets) {
      const timer = setInterval(() => void this.probe(target), this.options.intervalMs);
      timer.unref();
      this.timers.push(timer);
      void this.probe(target);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }

  /** One probe; exposed for tests that do not want to wait for the interval. */
  async probe(target: Target): Promise<void> {
    let ok = false;
    let reason: string;
    try {
      const res = await target.pool.request({
        method: 'GET',
        path: target.basePath + this.options.path,
        headers: { 'user-agent': 'unigate-health-check' },
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.body.dump();
      ok = this.options.expectedStatuses.has(res.statusCode);
      reason = `probe answered ${res.statusCode}`;
    } catch (err) {
      reason = `probe failed: ${(err as Error).message}`;
    }
    if (this.stopped) return;
    this.observe(target, ok, reason);
  }

  private observe(target: Target, ok: boolean, reason: string): void {
    // Positive streak counts good probes, negative streak counts bad ones.
    const previous = this.streaks.get(target) ?? 0;
    const streak = ok ? Math.max(previous, 0) + 1 : Math.min(previous, 0) - 1;
    this.streaks.set(target, streak);
    if (!target.activeHealthy && streak >= this.options.healthyThreshold) {
      target.activeHealthy = true;
      this.onChange(target, true, reason);
    } else if (target.activeHealthy && -streak >= this.options.unhealthyThreshold) {
      target.activeHealthy = false;
      this.onChange(target, false, reason);
    }
  }
}
