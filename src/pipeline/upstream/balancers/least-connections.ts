/**
 * Least connections: the usable target with the fewest in-flight requests per unit of
 * weight; ties rotate so equal targets share the load.
 */
import type { Target } from '../target.js';
import type { Balancer } from './balancer.js';

export class LeastConnectionsBalancer implements Balancer {
  private rotation = 0;

  constructor(private readonly targets: readonly Target[]) {}

  pick(now: number, exclude: Target | undefined): Target | undefined {
    const n = this.targets.length;
    const start = this.rotation;
    this.rotation = (start + 1) % n;
    let best: Target | undefined;
    let bestLoad = Infinity;
    for (let i = 0; i < n; i++) {
      const t = this.targets[(start + i) % n]!;
      if (t === exclude || !t.usable(now)) continue;
      const load = t.inflight / t.weight;
      if (load < bestLoad) {
        best = t;
        bestLoad = load;
      }
    }
    return best ?? (exclude !== undefined && exclude.usable(now) ? exclude : undefined);
  }
}
