/**
 * Retry budget (as in Finagle and Envoy): over a sliding window, retries may not exceed a
 * share of requests, plus a small floor per second, so an outage cannot multiply load.
 */
const WINDOW_MS = 10_000;
const SLOTS = 10;

export class RetryBudget {
  private readonly requests = new Float64Array(SLOTS);
  private readonly retries = new Float64Array(SLOTS);
  private slotStart = 0;
  private slot = 0;

  constructor(
    private readonly ratio: number,
    private readonly minPerSecond: number,
  ) {}

  recordRequest(now: number): void {
    this.rotate(now);
    this.requests[this.slot]!++;
  }

  /** Takes one retry from the budget if there is room. */
  tryAcquire(now: number): boolean {
    this.rotate(now);
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < SLOTS; i++) {
      requests += this.requests[i]!;
      retries += this.retries[i]!;
    }
    const allowed = this.minPerSecond * (WINDOW_MS / 1000) + this.ratio * requests;
    if (retries + 1 > allowed) return false;
    this.retries[this.slot]!++;
    return true;
  }

  private rotate(now: number): void {
    const slotMs = WINDOW_MS / SLOTS;
    if (this.slotStart === 0) {
      this.slotStart = now;
      return;
    }
    let elapsed = Math.floor((now - this.slotStart) / slotMs);
    if (elapsed <= 0) return;
    if (elapsed > SLOTS) elapsed = SLOTS;
    this.slotStart = now - ((now - this.slotStart) % slotMs);
    while (elapsed-- > 0) {
      this.slot = (this.slot + 1) % SLOTS;
      this.requests[this.slot] = 0;
      this.retries[this.slot] = 0;
    }
  }
}

/** Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"). */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
