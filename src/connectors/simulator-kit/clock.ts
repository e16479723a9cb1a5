/**
 * Time source for simulators. Rate limits, `updated_at` bumps and "last 60 days" rules read
 * it, so tests can move time forward instead of sleeping.
 *
 *   const clock = createManualClock(Date.parse('2025-06-01T00:00:00Z'));
 *   clock.advance(1_500);
 */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export function createManualClock(start: number): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
    set(ms) {
      current = ms;
    },
  };
}

/**
 * A clock that never returns the same or an earlier millisecond twice, so two writes in a
 * row always give strictly increasing `updated_at` values.
 */
export function createMonotonicStamp(clock: Clock): () => number {
  let last = 0;
  return () => {
    const now = clock.now();
    last = now > last ? now : last + 1;
    return last;
  };
}
