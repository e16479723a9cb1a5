/**
 * Consistent hashing by weighted rendezvous (highest random weight) hashing: each key goes
 * to the target with the highest score for it. Adding or removing a target moves only the
 * keys that target gains or held, its share and no more, and needs no ring to rebuild.
 * Unusable targets are skipped in score order, so a key falls back to the same second choice.
 */
import type { Target } from '../target.js';
import type { Balancer } from './balancer.js';
import { RoundRobinBalancer } from './round-robin.js';

export class ConsistentHashBalancer implements Balancer {
  private readonly seeds: Uint32Array;
  private readonly fallback: RoundRobinBalancer;

  constructor(private readonly targets: readonly Target[]) {
    // Seeds depend only on the target URL, so scores survive reloads and reordering.
    this.seeds = Uint32Array.from(targets.map((t) => fnv1a(t.url)));
    this.fallback = new RoundRobinBalancer(targets);
  }

  pick(now: number, exclude: Target | undefined, hashKey: string | undefined): Target | undefined {
    if (hashKey === undefined) return this.fallback.pick(now, exclude);
    const keyHash = fnv1a(hashKey);
    let best: Target | undefined;
    let bestScore = -Infinity;
    for (let i = 0; i < this.targets.length; i++) {
      const t = this.targets[i]!;
      if (t === exclude || !t.usable(now)) continue;
      const score = rendezvousScore(keyHash, this.seeds[i]!, t.weight);
      if (score > bestScore) {
        best = t;
        bestScore = score;
      }
    }
    return best ?? (exclude !== undefined && exclude.usable(now) ? exclude : undefined);
  }
}

/** Weighted rendezvous score: -weight / ln(u), u uniform in (0, 1) from the mixed hashes. */
export function rendezvousScore(keyHash: number, targetSeed: number, weight: number): number {
  const mixed = mix32(keyHash ^ Math.imul(targetSeed, 0x9e3779b1));
  const u = (mixed + 0.5) / 4294967296;
  return -weight / Math.log(u);
}

/** FNV-1a, 32 bits, over UTF-16 code units. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finalizer: spreads every input bit over the output. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
