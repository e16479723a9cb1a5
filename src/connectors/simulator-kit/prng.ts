/**
 * Seeded pseudo-random numbers for simulator data. `createPrng(seed)` gives one stream;
 * `derivePrng(seed, label, index)` gives an independent stream per record, so record N
 * looks the same whatever the sizes of the other collections are.
 *
 *   const rng = derivePrng(42, 'product', 7);
 *   rng.int(1, 3); rng.pick(['a', 'b']); rng.chance(0.2);
 */

export interface Prng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  /** A new array with the items in a seeded random order. */
  shuffle<T>(items: readonly T[]): T[];
}

/** FNV-1a over the text, folded to 32 bits: stable across runs and Node versions. */
export function hashSeed(...parts: Array<string | number>): number {
  let hash = 0x811c9dc5;
  const text = parts.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: small, fast and good enough for fake data (not for anything secret). */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    chance: (probability) => next() < probability,
    shuffle<T>(items: readonly T[]): T[] {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    },
  };
}

export function derivePrng(seed: number, label: string, index = 0): Prng {
  return createPrng(hashSeed(seed, label, index));
}

/** Creation time of record `index` of `count`: ascending with the index, jittered inside its slot. */
export function slotTime(rng: Prng, index: number, count: number, start: number, span: number): number {
  const slot = span / Math.max(1, count);
  return Math.floor(start + index * slot + rng.next() * slot * 0.9);
}
