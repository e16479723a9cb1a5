/**
 * Cache entries in memory, least recently used evicted first, bounded by bytes. Serves as
 * the whole cache of the in-process backend and as the per-instance layer in front of Redis.
 */
import type { CacheEntry } from '../types.js';

interface Slot {
  entry: CacheEntry;
  expiresAt: number;
  size: number;
}

export class ByteLru {
  // A Map iterates in insertion order; re-inserting on access keeps the oldest first.
  private readonly slots = new Map<string, Slot>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly clock: () => number,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  get(key: string): { entry: CacheEntry; ttlMs: number } | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    const ttlMs = slot.expiresAt - this.clock();
    if (ttlMs <= 0) {
      this.remove(key, slot);
      return undefined;
    }
    this.slots.delete(key);
    this.slots.set(key, slot);
    return { entry: slot.entry, ttlMs };
  }

  /** Stores the entry unless it alone exceeds the bound; evicts expired, then least recent. */
  set(key: string, entry: CacheEntry, ttlMs: number): boolean {
    const previous = this.slots.get(key);
    if (previous !== undefined) this.remove(key, previous);
    const size = entrySize(key, entry);
    if (size > this.maxBytes || ttlMs <= 0) return false;
    while (this.bytes + size > this.maxBytes) {
      const oldest = this.slots.entries().next().value;
      if (oldest === undefined) break;
      this.remove(oldest[0], oldest[1]);
    }
    this.slots.set(key, { entry, expiresAt: this.clock() + ttlMs, size });
    this.bytes += size;
    return true;
  }

  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    this.remove(key, slot);
    return true;
  }

  /** Removes every entry the predicate selects (expired ones too) and returns how many live ones went. */
  deleteWhere(predicate: (entry: CacheEntry) => boolean): number {
    const now = this.clock();
    let removed = 0;
    for (const [key, slot] of this.slots) {
      if (predicate(slot.entry)) {
        if (slot.expiresAt > now) removed++;
        this.remove(key, slot);
      }
    }
    return removed;
  }

  clear(): void {
    this.slots.clear();
    this.bytes = 0;
  }

  private remove(key: string, slot: Slot): void {
    this.slots.delete(key);
    this.bytes -= slot.size;
  }
}

/** Body bytes plus a rough cost of key, URL, tags and metadata. */
function entrySize(key: string, entry: CacheEntry): number {
  let size = entry.body.length + key.length * 2 + entry.url.length * 2 + 64;
  for (const tag of entry.tags) size += tag.length * 2;
  return size + JSON.stringify(entry.meta).length * 2;
}
