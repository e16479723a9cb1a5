/** Round-robin: each usable target in turn. */
import type { Target } from '../target.js';
import { firstUsable, type Balancer } from './balancer.js';

export class RoundRobinBalancer implements Balancer {
  private next = 0;

  constructor(private readonly targets: readonly Target[]) {}

  pick(now: number, exclude: Target | undefined): Target | undefined {
    const start = this.next;
    this.next = (start + 1) % this.targets.length;
    return firstUsable(this.targets, start, now, exclude);
  }
}
