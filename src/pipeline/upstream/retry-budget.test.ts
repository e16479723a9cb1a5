import { describe, expect, it } from 'vitest';
import { RetryBudget, backoffDelay } from './retry-budget.js';

describe('retry budget', () => {
  it('allows retries up to the ratio of recent requests plus the floor', () => {
    const budget = new RetryBudget(0.2, 0);
    for (let i = 0; i < 100; i++) budget.recordRequest(1000);
    let granted = 0;
    for (let i = 0; i < 50; i++) if (budget.tryAcquire(1000)) granted++;
    expect(granted).toBe(20);
  });

  it('always allows the per-second floor', () => {
    const budget = new RetryBudget(0, 2);
    let granted = 0;
    for (let i = 0; i < 50; i++) if (budget.tryAcquire(1000)) granted++;
    expect(granted).toBe(20); // 2/s over the 10 s window
  });

  it('recovers once the window has passed', () => {
    const budget = new RetryBudget(0.1, 0);
    for (let i = 0; i < 10; i++) budget.recordRequest(1000);
    expect(budget.tryAcquire(1000)).toBe(true);
    expect(budget.tryAcquire(1000)).toBe(false);
    for (let i = 0; i < 10; i++) budget.recordRequest(30_000);
    expect(budget.tryAcquire(30_000)).toBe(true);
  });
});

describe('backoff', () => {
  it('grows exponentially within the ceiling, with full jitter', () => {
    expect(backoffDelay(1, 100, 10_000, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, 10_000, () => 0.999)).toBe(399);
    expect(backoffDelay(10, 100, 1000, () => 0.999)).toBe(999);
    expect(backoffDelay(5, 100, 10_000, () => 0)).toBe(0);
  });
});
