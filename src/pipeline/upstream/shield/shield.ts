/**
 * One upstream's shield, shared by every route to it: the lanes (budgets) an attempt
 * spends, the fair queue in front of them, and what responses teach it. Built once per
 * upstream and config; routes only hold a reference.
 */
import type { Static } from '@sinclair/typebox';
import { parseDuration } from '../../../config/duration.js';
import type { CamelCased } from '../../../config/case.js';
import { UnigateError } from '../../../errors/unigate-error.js';
import type { Metrics } from '../../../observability/metrics.js';
import type { SharedStore, GcraLimit } from '../../../store/shared/types.js';
import type { RequestContext } from '../../../server/context.js';
import { toSpec } from '../../rate-limit/limits.js';
import { Budget, type Grant, type Lane } from './budget.js';
import { FairQueue, ShedError, type Waiter } from './fair-queue.js';
import { compileSpecs, observe, PRESETS, type RateHeaderSpec } from './rate-headers.js';
import type { ShieldSchema } from './schema.js';

export type ShieldConfig = CamelCased<Static<typeof ShieldSchema>>;
type BudgetConfig = NonNullable<ShieldConfig['perUpstream']>;

interface ShieldWaiter extends Waiter {
  readonly lanes: readonly Lane[];
}

interface LaneTemplate {
  readonly limits: ReturnType<typeof toSpec>[];
  readonly concurrency: number | undefined;
  /** The token bucket that `X-Shopify-Shop-Api-Call-Limit`-style levels correct. */
  readonly bucket: GcraLimit | undefined;
}

/** With no Retry-After on a 429, wait this long before the next try. */
const DEFAULT_429_PAUSE_MS = 1000;

export class Shield {
  readonly queueTimeoutMs: number;
  readonly maxQueueTimeoutMs: number;
  readonly maxRetryAfterMs: number;
  private readonly upstreamLane: Lane;
  private readonly connection: LaneTemplate | undefined;
  private readonly upstreamBucket: GcraLimit | undefined;
  private readonly specs: RateHeaderSpec[];
  private readonly budget: Budget;
  private readonly queue: FairQueue<ShieldWaiter, Grant>;
  private readonly metric: {
    depth: { set(value: number): void };
    wait: { observe(value: number): void };
    got429: { inc(): void };
    shed(reason: string): void;
  };

  constructor(
    readonly upstream: string,
    readonly config: ShieldConfig,
    store: SharedStore,
    metrics: Metrics,
  ) {
    this.queueTimeoutMs = parseDuration(config.queue!.timeout);
    this.maxQueueTimeoutMs = parseDuration(config.queue!.maxTimeout);
    this.maxRetryAfterMs = parseDuration(config.maxRetryAfter);
    const upstreamLane = lane(config.perUpstream);
    this.upstreamLane = { key: `sh|${upstream}`, limits: upstreamLane.limits, concurrency: upstreamLane.concurrency };
    this.upstreamBucket = upstreamLane.bucket;
    this.connection = config.perConnection === undefined ? undefined : lane(config.perConnection);
    this.specs = compileSpecs([{}, ...config.learn.map((p) => PRESETS[p]), ...config.rateHeaders]);
    this.metric = {
      depth: metrics.shieldQueueDepth.labels({ upstream }),
      wait: metrics.shieldWait.labels({ upstream }),
      got429: metrics.shieldUpstream429.labels({ upstream }),
      shed: (reason: string) => metrics.shieldShed.inc({ upstream, reason }),
    };
    const failClosed = config.onStoreError === 'closed';
    this.budget = new Budget({
      rates: store.rates,
      locks: store.locks,
      leaseTtlMs: parseDuration(config.leaseTtl),
      onStoreError: () => (failClosed ? new UnigateError('SHARED_STORE_UNAVAILABLE', { headers: { 'retry-after': '1' }, details: { policy: 'shield', upstream } }) : undefined),
      onSlotFree: () => this.queue.unblock(),
    });
    this.queue = new FairQueue<ShieldWaiter, Grant>({
      maxSize: config.queue!.maxSize,
      tryAcquire: (w) => this.budget.tryAcquire(w.lanes),
      release: (grant) => this.budget.release(grant),
      onDepth: (depth) => this.metric.depth.set(depth),
    });
  }

  /** Waits for room in every budget of the request, or throws 429 UPSTREAM_RATE_LIMITED. */
  async admit(ctx: RequestContext, deadline: number): Promise<Grant> {
    const started = performance.now();
    const lanes = this.lanesOf(ctx.connection?.id);
    try {
      const grant = await this.queue.enter({ tenant: ctx.consumerId ?? `ip:${ctx.clientIp}`, deadline, lanes, cancelled: () => ctx.clientAborted });
      this.metric.wait.observe((performance.now() - started) / 1000);
      return grant;
    } catch (err) {
      if (!(err instanceof ShedError)) throw err;
      if (err.reason !== 'cancelled') this.metric.shed(err.reason);
      const retryAfter = Math.max(1, Math.ceil(err.retryAfterMs / 1000));
      throw new UnigateError('UPSTREAM_RATE_LIMITED', {
        headers: { 'retry-after': String(retryAfter) },
        details: { upstream: this.upstream, reason: err.reason, retry_after_seconds: retryAfter },
      });
    }
  }

  release(grant: Grant): void {
    this.budget.release(grant);
  }

  /**
   * Reads the backend's rate state from a response head: corrects the bucket level, and
   * pauses the budget (cluster-wide) for a Retry-After or an exhausted quota, capped by
   * `max_retry_after`. Returns the pause a 429 asked for, or undefined for other statuses.
   */
  learn(ctx: RequestContext, status: number, headers: Record<string, string | string[]>): number | undefined {
    const seen = observe(this.specs, status, headers, Date.now());
    const connectionId = ctx.connection?.id;
    const key = connectionId === undefined ? this.upstreamLane.key : `${this.upstreamLane.key}|c=${connectionId}`;
    const bucket = connectionId === undefined ? this.upstreamBucket : this.connection?.bucket;
    if (seen.level !== undefined && bucket !== undefined) {
      // Scaled, in case the configured bucket is not the backend's size (a plan change).
      this.budget.setLevel(key, bucket, (seen.level.used / seen.level.capacity) * (bucket.burst ?? bucket.rate));
    }
    if (status === 429) this.metric.got429.inc();
    let pauseMs = seen.retryAfterMs ?? seen.exhaustedForMs;
    if (pauseMs === undefined && status === 429) pauseMs = DEFAULT_429_PAUSE_MS;
    if (pauseMs !== undefined && pauseMs > 0) this.budget.pause(key, Math.min(pauseMs, this.maxRetryAfterMs));
    return status === 429 ? Math.min(pauseMs ?? 0, this.maxRetryAfterMs) : undefined;
  }

  private lanesOf(connectionId: string | undefined): Lane[] {
    if (connectionId === undefined) return [this.upstreamLane];
    const connection: Lane = {
      key: `${this.upstreamLane.key}|c=${connectionId}`,
      limits: this.connection?.limits ?? [],
      concurrency: this.connection?.concurrency,
    };
    return [connection, this.upstreamLane];
  }
}

function lane(config: BudgetConfig | undefined): LaneTemplate {
  const limits = (config?.limits ?? []).map(toSpec);
  return { limits, concurrency: config?.concurrency, bucket: limits.find((l): l is GcraLimit => l.kind === 'gcra') };
}
