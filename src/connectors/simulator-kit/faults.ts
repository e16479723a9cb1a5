/**
 * Injected faults for resilience tests: added latency, a rate of 5xx answers, a rate of
 * connection resets, and a queue of one-off faults for the next requests. Decisions come
 * from a seeded stream, so a given seed and config fail the same requests every run.
 * Settings can change while the server runs.
 *
 *   const faults = createFaultInjector({ errorRate: 0.1, seed: 7 });
 *   faults.enqueue({ kind: 'reset' }, { kind: 'error', status: 503 });
 */
import { createPrng, hashSeed, type Prng } from './prng.js';

export interface FaultConfig {
  /** Added delay per request: a fixed number of ms, or [min, max]. */
  latencyMs?: number | [number, number];
  /** Share of requests (0..1) answered with a 5xx. */
  errorRate?: number;
  /** Status used for `errorRate` answers (default 500). */
  errorStatus?: number;
  /** Share of requests (0..1) whose connection is destroyed without an answer. */
  resetRate?: number;
  /** Only requests whose path matches are affected (default: all). */
  pathPattern?: RegExp;
}

export type OneOffFault = { kind: 'error'; status?: number } | { kind: 'reset' } | { kind: 'latency'; ms: number };

export type FaultDecision =
  | { kind: 'none'; delayMs: number }
  | { kind: 'error'; status: number; delayMs: number }
  | { kind: 'reset'; delayMs: number };

export interface FaultInjector {
  decide(path: string): FaultDecision;
  /** Replace the settings (merging is the caller's business). */
  set(config: FaultConfig): void;
  get(): FaultConfig;
  /** Faults applied to the next matching requests, one each, before the rates. */
  enqueue(...faults: OneOffFault[]): void;
  clear(): void;
  /** How many faults of each kind were injected so far. */
  readonly stats: { errors: number; resets: number; delayed: number };
}

export function createFaultInjector(config: FaultConfig = {}, seed = 0): FaultInjector {
  let current: FaultConfig = { ...config };
  const queue: OneOffFault[] = [];
  const rng: Prng = createPrng(hashSeed(seed, 'faults'));
  const stats = { errors: 0, resets: 0, delayed: 0 };

  function latency(): number {
    const l = current.latencyMs;
    if (l === undefined) return 0;
    if (typeof l === 'number') return l;
    return rng.int(l[0], l[1]);
  }

  return {
    stats,
    decide(path) {
      if (current.pathPattern && !current.pathPattern.test(path)) return { kind: 'none', delayMs: 0 };
      const one = queue.shift();
      let delayMs = latency();
      if (one?.kind === 'latency') delayMs += one.ms;
      if (delayMs > 0) stats.delayed++;
      if (one?.kind === 'error') {
        stats.errors++;
        return { kind: 'error', status: one.status ?? current.errorStatus ?? 500, delayMs };
      }
      if (one?.kind === 'reset') {
        stats.resets++;
        return { kind: 'reset', delayMs };
      }
      // Always draw both numbers so one rate does not shift the other's sequence.
      const resetDraw = rng.next();
      const errorDraw = rng.next();
      if (resetDraw < (current.resetRate ?? 0)) {
        stats.resets++;
        return { kind: 'reset', delayMs };
      }
      if (errorDraw < (current.errorRate ?? 0)) {
        stats.errors++;
        return { kind: 'error', status: current.errorStatus ?? 500, delayMs };
      }
      return { kind: 'none', delayMs };
    },
    set(next) {
      current = { ...next };
    },
    get: () => ({ ...current }),
    enqueue(...faults) {
      queue.push(...faults);
    },
    clear() {
      current = {};
      queue.length = 0;
    },
  };
}
