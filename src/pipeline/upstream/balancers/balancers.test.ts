import { afterAll, describe, expect, it } from 'vitest';
import { Target, type TargetOptions } from '../target.js';
import { ConsistentHashBalancer } from './consistent-hash.js';
import { LeastConnectionsBalancer } from './least-connections.js';
import { RoundRobinBalancer } from './round-robin.js';
import { WeightedRoundRobinBalancer } from './weighted-round-robin.js';

const created: Target[] = [];
afterAll(async () => {
  await Promise.all(created.map((t) => t.close()));
});

const noEvents = { onHealthChange() {}, onBreakerChange() {} };

function target(port: number, weight = 1): Target {
  const options: TargetOptions = {
    upstream: 'u',
    url: `http://127.0.0.1:${port}`,
    weight,
    connections: 1,
    keepAliveTimeoutMs: 1000,
    connectTimeoutMs: 1000,
    breaker: { enabled: false, windowMs: 1000, minRequests: 1, failureRate: 1, openForMs: 1000, halfOpenRequests: 1 },
  };
  const t = new Target(options, noEvents);
  created.push(t);
  return t;
}

function tally(pick: () => Target | undefined, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const t = pick();
    if (t) counts.set(t.url, (counts.get(t.url) ?? 0) + 1);
  }
  return counts;
}

describe('round-robin', () => {
  it('spreads evenly and skips unusable targets', () => {
    const targets = [target(1), target(2), target(3)];
    const rr = new RoundRobinBalancer(targets);
    expect([...tally(() => rr.pick(0, undefined), 300).values()]).toEqual([100, 100, 100]);
    targets[1]!.activeHealthy = false;
    const counts = tally(() => rr.pick(0, undefined), 300);
    expect(counts.get(targets[1]!.url)).toBeUndefined();
    expect(counts.get(targets[0]!.url)! + counts.get(targets[2]!.url)!).toBe(300);
  });

  it('avoids the excluded target when another is usable, and falls back to it when not', () => {
    const [a, b] = [target(1), target(2)];
    const rr = new RoundRobinBalancer([a, b]);
    for (let i = 0; i < 4; i++) expect(rr.pick(0, a)).toBe(b);
    b.activeHealthy = false;
    expect(rr.pick(0, a)).toBe(a);
  });
});

describe('weighted round-robin', () => {
  it('gives each target its weight share, interleaved', () => {
    const targets = [target(1, 5), target(2, 1), target(3, 1)];
    const wrr = new WeightedRoundRobinBalancer(targets);
    const sequence = Array.from({ length: 7 }, () => wrr.pick(0, undefined)!.url.slice(-1));
    expect(sequence.filter((s) => s === '1')).toHaveLength(5);
    // Smooth: the heavy target never runs 5 in a row.
    expect(sequence.join('')).not.toContain('11111');
    const counts = tally(() => wrr.pick(0, undefined), 7000);
    expect([...counts.values()]).toEqual([5000, 1000, 1000]);
  });
});

describe('least connections', () => {
  it('picks the target with the fewest in-flight requests per weight', () => {
    const [a, b, c] = [target(1), target(2), target(3, 2)];
    const lc = new LeastConnectionsBalancer([a, b, c]);
    a.inflight = 3;
    b.inflight = 1;
    c.inflight = 3; // 1.5 per weight unit
    expect(lc.pick(0, undefined)).toBe(b);
    b.inflight = 5;
    expect(lc.pick(0, undefined)).toBe(c);
  });

  it('rotates among equally loaded targets', () => {
    const targets = [target(1), target(2)];
    const lc = new LeastConnectionsBalancer(targets);
    expect([...tally(() => lc.pick(0, undefined), 100).values()]).toEqual([50, 50]);
  });
});

describe('consistent hash', () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

  function assignment(balancer: ConsistentHashBalancer): Map<string, string> {
    return new Map(keys.map((k) => [k, balancer.pick(0, undefined, k)!.url]));
  }

  it('always sends a key to the same target and spreads keys by weight', () => {
    const targets = [target(1), target(2), target(3), target(4, 2)];
    const ch = new ConsistentHashBalancer(targets);
    const first = assignment(ch);
    expect(assignment(ch)).toEqual(first);
    const share = (url: string) => [...first.values()].filter((u) => u === url).length / keys.length;
    for (const t of targets.slice(0, 3)) expect(share(t.url)).toBeGreaterThan(0.15), expect(share(t.url)).toBeLessThan(0.25);
    expect(share(targets[3]!.url)).toBeGreaterThan(0.35);
    expect(share(targets[3]!.url)).toBeLessThan(0.45);
  });

  it('moves only the added target\'s share of keys when a target is added', () => {
    const base = [target(1), target(2), target(3), target(4)];
    const before = assignment(new ConsistentHashBalancer(base));
    const added = target(5);
    const after = assignment(new ConsistentHashBalancer([...base, added]));
    let moved = 0;
    for (const k of keys) {
      if (before.get(k) !== after.get(k)) {
        moved++;
        expect(after.get(k)).toBe(added.url); // keys only ever move to the new target
      }
    }
    expect(moved / keys.length).toBeGreaterThan(0.15);
    expect(moved / keys.length).toBeLessThan(0.25); // its share, 1/5
  });

  it('moves only the removed target\'s keys when a target is removed, whatever the order', () => {
    const base = [target(1), target(2), target(3), target(4)];
    const before = assignment(new ConsistentHashBalancer(base));
    const after = assignment(new ConsistentHashBalancer([base[3]!, base[0]!, base[2]!]));
    for (const k of keys) {
      if (before.get(k) !== base[1]!.url) expect(after.get(k)).toBe(before.get(k));
    }
  });

  it('sends keys of an unhealthy target to their second choice, and back when it recovers', () => {
    const targets = [target(1), target(2), target(3)];
    const ch = new ConsistentHashBalancer(targets);
    const before = assignment(ch);
    targets[0]!.activeHealthy = false;
    const during = assignment(ch);
    for (const k of keys) {
      if (before.get(k) !== targets[0]!.url) expect(during.get(k)).toBe(before.get(k));
      else expect(during.get(k)).not.toBe(targets[0]!.url);
    }
    targets[0]!.activeHealthy = true;
    expect(assignment(ch)).toEqual(before);
  });

  it('falls back to round-robin when the request has no hash key', () => {
    const targets = [target(1), target(2)];
    const ch = new ConsistentHashBalancer(targets);
    expect([...tally(() => ch.pick(0, undefined, undefined), 10).values()]).toEqual([5, 5]);
  });
});
