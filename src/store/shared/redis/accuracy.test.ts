/**
 * Accuracy across instances: three stores (three connections, as three instances would
 * have) hammer one limit of N on the Redis at 127.0.0.1:6379, with Redis TIME. The cluster
 * must admit N ± 1%. Loops are bounded by attempts, and the period is long enough that
 * refilling during the run stays well under 1%.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitSpec, SharedStore } from '../types.js';
import { createRedisSharedStore, type RedisTarget } from './index.js';
import { deleteKeys, uniquePrefix } from './test-support/redis-server.js';

const target: RedisTarget = { cluster: false, tls: false, nodes: [{ host: '127.0.0.1', port: 6379 }] };
const N = 1000;
const INSTANCES = 3;
const WORKERS_PER_INSTANCE = 20;
const ATTEMPTS_PER_WORKER = 60;

describe('rate limit accuracy across instances', () => {
  const prefix = uniquePrefix('accuracy');
  let instances: SharedStore[];

  beforeAll(async () => {
    instances = await Promise.all(Array.from({ length: INSTANCES }, () => createRedisSharedStore(target, { prefix })));
  });
  afterAll(async () => {
    await Promise.all(instances.map((s) => s.close()));
    await deleteKeys([6379], prefix);
  });

  async function hammer(key: string, limits: readonly RateLimitSpec[]): Promise<{ admitted: number; attempts: number; ms: number }> {
    let admitted = 0;
    let attempts = 0;
    const started = performance.now();
    const worker = async (store: SharedStore): Promise<void> => {
      for (let i = 0; i < ATTEMPTS_PER_WORKER; i++) {
        attempts++;
        if ((await store.rates.check(key, limits)).allowed) admitted++;
      }
    };
    await Promise.all(instances.flatMap((store) => Array.from({ length: WORKERS_PER_INSTANCE }, () => worker(store))));
    const result = { admitted, attempts, ms: Math.round(performance.now() - started) };
    console.info(`accuracy ${key}: admitted ${admitted} of ${attempts} attempts for N=${N} in ${result.ms} ms`);
    return result;
  }

  it('GCRA: N per hour with burst N admits N ± 1%', async () => {
    const { admitted, attempts } = await hammer('gcra', [{ kind: 'gcra', rate: N, periodMs: 3_600_000 }]);
    expect(attempts).toBe(INSTANCES * WORKERS_PER_INSTANCE * ATTEMPTS_PER_WORKER);
    expect(Math.abs(admitted - N)).toBeLessThanOrEqual(N * 0.01);
  });

  it('sliding window: N per hour admits N ± 1%', async () => {
    const { admitted } = await hammer('window', [{ kind: 'window', limit: N, windowMs: 3_600_000 }]);
    expect(Math.abs(admitted - N)).toBeLessThanOrEqual(N * 0.01);
  });

  it('two limits in one call (50/s burst 2000, and N per day) admit N ± 1%', async () => {
    const { admitted } = await hammer('multi', [
      { kind: 'gcra', rate: 50, periodMs: 1000, burst: 2000 },
      { kind: 'window', limit: N, windowMs: 86_400_000 },
    ]);
    expect(Math.abs(admitted - N)).toBeLessThanOrEqual(N * 0.01);
  });
});
