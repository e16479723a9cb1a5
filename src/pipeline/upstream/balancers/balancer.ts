/**
 * A balancer picks one usable target. `exclude` is the target a retry just failed on,
 * avoided when another is usable.
 */
import type { Target } from '../target.js';

export interface Balancer {
  pick(now: number, exclude: Target | undefined, hashKey: string | undefined): Target | undefined;
}

/** Shared fallback: the first usable target other than `exclude`, else `exclude` if usable. */
export function firstUsable(targets: readonly Target[], start: number, now: number, exclude: Target | undefined): Target | undefined {
  const n = targets.length;
  for (let i = 0; i < n; i++) {
    const t = targets[(start + i) % n]!;
    if (t !== exclude && t.usable(now)) return t;
  }
  return exclude !== undefined && exclude.usable(now) ? exclude : undefined;
}
