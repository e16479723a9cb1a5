/**
 * Passive health (outlier ejection): consecutive failures of live traffic take a target
 * out for a cool-down; after it, exactly one probe request is let through (half-open),
 * whose outcome readmits the target or ejects it again.
 */
export interface PassiveOptions {
  consecutiveFailures: number;
  statuses: ReadonlySet<number>;
  cooldownMs: number;
}

export class PassiveHealth {
  private failures = 0;
  private ejectedUntil = 0;
  private probing = false;

  constructor(
    readonly options: PassiveOptions,
    private readonly onChange: (ejected: boolean) => void = () => {},
  ) {}

  get ejected(): boolean {
    return this.ejectedUntil !== 0;
  }

  /** True when a request may go to the target now. */
  allows(now: number): boolean {
    if (this.ejectedUntil === 0) return true;
    return now >= this.ejectedUntil && !this.probing;
  }

  /** Called when a request is sent; marks the half-open probe as taken. */
  onSend(now: number): void {
    if (this.ejectedUntil !== 0 && now >= this.ejectedUntil) this.probing = true;
  }

  isFailureStatus(status: number): boolean {
    return this.options.statuses.has(status);
  }

  record(success: boolean, now: number): void {
    if (success) {
      this.failures = 0;
      if (this.ejectedUntil !== 0) {
        this.ejectedUntil = 0;
        this.probing = false;
        this.onChange(false);
      }
      return;
    }
    this.failures++;
    if (this.probing || this.failures >= this.options.consecutiveFailures) {
      const wasEjected = this.ejectedUntil !== 0;
      this.ejectedUntil = now + this.options.cooldownMs;
      this.probing = false;
      if (!wasEjected) this.onChange(true);
    }
  }
}
