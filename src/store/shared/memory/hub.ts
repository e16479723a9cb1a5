/**
 * The state behind in-process stores. Every store opened on one hub sees the same state,
 * like instances on one Redis; by default each store gets a hub of its own.
 */
import { EventEmitter } from 'node:events';
import { ByteLru } from './lru.js';

export interface MemoryHubOptions {
  /** Ms since the epoch; injectable so tests can move time. */
  clock?: () => number;
  /** Bound of the in-memory cache, body bytes plus overhead (default 64 MiB). */
  cacheMaxBytes?: number;
}

export class MemoryHub {
  readonly clock: () => number;
  /** Limit states and counters, each with the time it can be forgotten. */
  readonly values = new ExpiringMap();
  /** Pauses (until when a key admits nothing), apart: most checks then need not look one up. */
  readonly pauses = new ExpiringMap();
  /** key → lease id → expiry. */
  readonly leases = new Map<string, Map<string, number>>();
  readonly cache: ByteLru;
  /** 'release:<key>' when a lease is released; 'message:<channel>' for pub/sub. */
  readonly events = new EventEmitter();

  constructor(options: MemoryHubOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.cache = new ByteLru(options.cacheMaxBytes ?? 64 * 1024 * 1024, this.clock);
    this.events.setMaxListeners(0);
  }
}

export class ExpiringMap {
  private readonly map = new Map<string, { value: unknown; expiresAt: number }>();
  private sweptAtSize = 1024;

  get size(): number {
    return this.map.size;
  }

  get<T>(key: string, now: number): T | undefined {
    const slot = this.map.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= now) {
      this.map.delete(key);
      return undefined;
    }
    return slot.value as T;
  }

  set(key: string, value: unknown, expiresAt: number, now: number): void {
    // A key written again (a limit's state on every call) is updated in place: no new slot per call.
    const slot = this.map.get(key);
    if (slot !== undefined) {
      slot.value = value;
      slot.expiresAt = expiresAt;
      return;
    }
    this.map.set(key, { value, expiresAt });
    // Sweeping whenever the map has doubled keeps the cost per write constant on average.
    if (this.map.size >= this.sweptAtSize * 2) {
      for (const [k, slot] of this.map) if (slot.expiresAt <= now) this.map.delete(k);
      this.sweptAtSize = Math.max(1024, this.map.size);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}
