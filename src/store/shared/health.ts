/**
 * Connected / unavailable state of a shared store. A change is logged and counted once,
 * however many calls fail meanwhile; /readyz reads `snapshot()`. Calls that cannot reach
 * the backend reject with SharedStoreUnavailableError, and each policy picks fail-open or
 * fail-closed by its `code`.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { HealthSnapshot, SharedStoreBackend, SharedStoreState, StoreHealth } from './types.js';

export const SHARED_STORE_UNAVAILABLE = 'SHARED_STORE_UNAVAILABLE';

export class SharedStoreUnavailableError extends Error {
  readonly code = SHARED_STORE_UNAVAILABLE;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SharedStoreUnavailableError';
  }
}

export function isSharedStoreUnavailable(err: unknown): err is SharedStoreUnavailableError {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === SHARED_STORE_UNAVAILABLE;
}

export interface HealthTrackerOptions {
  backend: SharedStoreBackend;
  target: string;
  initial: SharedStoreState;
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** Registers `unigate_shared_store_up` and `unigate_shared_store_state_changes_total` here. */
  registry?: Registry;
}

export class HealthTracker implements StoreHealth {
  private current: SharedStoreState;
  private since = Date.now();
  private lastError: string | undefined;
  private closed = false;
  private readonly listeners = new Set<(snapshot: HealthSnapshot) => void>();
  private readonly up: Gauge<'backend'> | undefined;
  private readonly changes: Counter<'backend' | 'state'> | undefined;

  constructor(private readonly options: HealthTrackerOptions) {
    this.current = options.initial;
    if (options.registry) {
      this.up = metric(options.registry, 'unigate_shared_store_up', () => new Gauge({
        name: 'unigate_shared_store_up',
        help: '1 while the shared store answers, 0 while it is unavailable.',
        labelNames: ['backend'] as const,
        registers: [options.registry as Registry],
      }));
      this.changes = metric(options.registry, 'unigate_shared_store_state_changes_total', () => new Counter({
        name: 'unigate_shared_store_state_changes_total',
        help: 'Shared store state changes, by the state entered.',
        labelNames: ['backend', 'state'] as const,
        registers: [options.registry as Registry],
      }));
      this.up.set({ backend: options.backend }, this.current === 'connected' ? 1 : 0);
    }
  }

  get state(): SharedStoreState {
    return this.current;
  }

  snapshot(): HealthSnapshot {
    const base = { backend: this.options.backend, target: this.options.target, state: this.current, since: this.since };
    return this.lastError !== undefined && this.current === 'unavailable' ? { ...base, error: this.lastError } : base;
  }

  onChange(listener: (snapshot: HealthSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops reporting: closing the store is not an outage. */
  close(): void {
    this.closed = true;
  }

  markUp(): void {
    if (this.closed || this.current === 'connected') return;
    this.transition('connected');
    this.options.logger?.info({ sharedStore: this.snapshot() }, 'shared store connected');
  }

  markDown(err: unknown): void {
    if (this.closed || this.current === 'unavailable') return;
    this.lastError = err instanceof Error ? err.message : String(err);
    this.transition('unavailable');
    this.options.logger?.warn({ sharedStore: this.snapshot() }, 'shared store unavailable');
  }

  private transition(state: SharedStoreState): void {
    this.current = state;
    this.since = Date.now();
    this.up?.set({ backend: this.options.backend }, state === 'connected' ? 1 : 0);
    this.changes?.inc({ backend: this.options.backend, state });
    const snapshot = this.snapshot();
    for (const listener of this.listeners) listener(snapshot);
  }
}

// Several stores may share one registry (tests, reloads); prom-client refuses duplicate names.
function metric<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
