import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';

const options = { enabled: true, windowMs: 10_000, minRequests: 10, failureRate: 0.5, openForMs: 5000, halfOpenRequests: 2 };

describe('circuit breaker', () => {
  it('stays closed below the minimum request count, then opens at the failure rate', () => {
    const changes: BreakerState[] = [];
    const b = new CircuitBreaker(options, (s) => changes.push(s));
    for (let i = 0; i < 9; i++) b.record(false, 1000);
    expect(b.state).toBe('closed');
    b.record(false, 1000);
    expect(b.state).toBe('open');
    expect(b.allows(1000)).toBe(false);
    expect(b.retryAt).toBe(6000);
    expect(changes).toEqual(['open']);
  });

  it('does not open while failures stay under the rate', () => {
    const b = new CircuitBreaker(options);
    for (let i = 0; i < 100; i++) b.record(i % 3 !== 0, 1000 + i);
    expect(b.state).toBe('closed');
  });

  it('forgets failures older than the window', () => {
    const b = new CircuitBreaker(options);
    for (let i = 0; i < 9; i++) b.record(false, 1000);
    for (let i = 0; i < 9; i++) b.record(true, 12_000);
    b.record(false, 12_000);
    expect(b.state).toBe('closed');
  });

  it('half-opens after open_for, admits only the trial requests, and closes when they all succeed', () => {
    const changes: BreakerState[] = [];
    const b = new CircuitBreaker(options, (s) => changes.push(s));
    for (let i = 0; i < 10; i++) b.record(false, 0);
    expect(b.allows(4999)).toBe(false);
    expect(b.allows(5000)).toBe(true);
    b.onSend();
    expect(b.allows(5000)).toBe(true);
    b.onSend();
    expect(b.allows(5000)).toBe(false); // both trial slots taken
    b.record(true, 5001);
    expect(b.state).toBe('half-open');
    b.record(true, 5002);
    expect(b.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('re-opens on a failed trial', () => {
    const b = new CircuitBreaker(options);
    for (let i = 0; i < 10; i++) b.record(false, 0);
    expect(b.allows(5000)).toBe(true);
    b.onSend();
    b.record(false, 5001);
    expect(b.state).toBe('open');
    expect(b.retryAt).toBe(10_001);
  });

  it('never refuses when disabled', () => {
    const b = new CircuitBreaker({ ...options, enabled: false });
    for (let i = 0; i < 100; i++) b.record(false, 0);
    expect(b.allows(0)).toBe(true);
  });
});
