/**
 * Per-target circuit breaker over a rolling window: closed → open when the failure share
 * reaches the threshold (with enough requests), open → half-open after `openFor`, and
 * half-open → closed when every trial succeeds (→ open again on any failure).
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  enabled: boolean;
  windowMs: number;
  minRequests: number;
  failureRate: number;
  openForMs: number;
  halfOpenRequests: number;
}

const BUCKETS = 10;

export class CircuitBreaker {
  private stateValue: BreakerState = 'closed';
  private openedAt = 0;
  private trialsStarted = 0;
  private trialsSucceeded = 0;
  private readonly successes = new Uint32Array(BUCKETS);
  private readonly failures = new Uint32Array(BUCKETS);
  private bucketStart = 0;
  private bucketIndex = 0;
  private readonly bucketMs: number;

  constructor(
    private readonly options: BreakerOptions,
    private readonly onChange: (state: BreakerState) => void = () => {},
  ) {
    this.bucketMs = Math.max(1, Math.floor(options.windowMs / BUCKETS));
  }

  get state(): BreakerState {
    return this.stateValue;
  }

  /** Time at which an open breaker lets trial requests through. */
  get retryAt(): number {
    return this.openedAt + this.options.openForMs;
  }

  /** True when a request may be sent now; reserves a trial slot when half-open. */
  allows(now: number): boolean {
    if (!this.options.enabled || this.stateValue === 'closed') return true;
    if (this.stateValue === 'open') {
      if (now < this.retryAt) return false;
      this.transition('half-open');
      this.trialsStarted = 0;
      this.trialsSucceeded = 0;
    }
    return this.trialsStarted < this.options.halfOpenRequests;
  }

  /** Would `allows` say yes, without reserving anything. */
  wouldAllow(now: number): boolean {
    if (!this.options.enabled || this.stateValue === 'closed') return true;
    if (this.stateValue === 'open') return now >= this.retryAt;
    return this.trialsStarted < this.options.halfOpenRequests;
  }

  /** Called when a request is actually sent to the target. */
  onSend(): void {
    if (this.stateValue === 'half-open') this.trialsStarted++;
  }

  record(success: boolean, now: number): void {
    if (!this.options.enabled) return;
    if (this.stateValue === 'half-open') {
      if (!success) {
        this.open(now);
      } else if (++this.trialsSucceeded >= this.options.halfOpenRequests) {
        this.resetWindow(now);
        this.transition('closed');
      }
      return;
    }
    if (this.stateValue === 'open') return;
    this.rotate(now);
    if (success) this.successes[this.bucketIndex]!++;
    else this.failures[this.bucketIndex]!++;
    if (success) return;
    let ok = 0;
    let bad = 0;
    for (let i = 0; i < BUCKETS; i++) {
      ok += this.successes[i]!;
      bad += this.failures[i]!;
    }
    const total = ok + bad;
    if (total >= this.options.minRequests && bad / total >= this.options.failureRate) this.open(now);
  }

  private open(now: number): void {
    this.openedAt = now;
    this.resetWindow(now);
    this.transition('open');
  }

  private transition(state: BreakerState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.onChange(state);
  }

  private resetWindow(now: number): void {
    this.successes.fill(0);
    this.failures.fill(0);
    this.bucketStart = now;
    this.bucketIndex = 0;
  }

  private rotate(now: number): void {
    if (this.bucketStart === 0) {
      this.bucketStart = now;
      return;
    }
    let elapsed = Math.floor((now - this.bucketStart) / this.bucketMs);
    if (elapsed <= 0) return;
    if (elapsed >= BUCKETS) {
      this.resetWindow(now);
      return;
    }
    this.bucketStart += elapsed * this.bucketMs;
    while (elapsed-- > 0) {
      this.bucketIndex = (this.bucketIndex + 1) % BUCKETS;
      this.successes[this.bucketIndex] = 0;
      this.failures[this.bucketIndex] = 0;
    }
  }
}
