/**
 * Smooth weighted round-robin (nginx's algorithm): over any window of sum(weights) picks,
 * each target gets its weight's share, interleaved rather than in bursts.
 */
import type { Target } from '../target.js';
import type { Balancer } from './balancer.js';

export class WeightedRoundRobinBalancer implements Balancer {
  private readonly current: number[];

  constructor(private readonly targets: readonly Target[]) {
    this.current = targets.map(() => 0);
  }

  pick(now: number, exclude: Target | undefined): Target | undefined {
    const chosen = this.choose(now, exclude);
    return chosen ?? (exclude !== undefined && exclude.usable(now) ? exclude : undefined);
  }

  private choose(now: number, exclude: Target | undefined): Target | undefined {
    let total = 0;
    let best = -1;
    for (let i = 0; i < this.targets.length; i++) {
      const t = this.targets[i]!;
      if (t === exclude || !t.usable(now)) continue;
      this.current[i]! += t.weight;
      total += t.weight;
      if (best === -1 || this.current[i]! > this.current[best]!) best = i;
    }
    if (best === -1) return undefined;
    this.current[best]! -= total;
    return this.targets[best];
  }
}
