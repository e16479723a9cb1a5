/**
 * The machine's Redis for the bench's Redis variants: reachability (checked before a variant
 * starts, so a missing Redis fails the run loudly instead of Unigate quietly running with its
 * store "unavailable"), the server's pid (its CPU is reported per request), and removal of the
 * variant's keys (a unique prefix per run) when it stops.
 */
import { Redis } from 'ioredis';

export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

function client() {
  return new Redis(BENCH_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 2000, retryStrategy: () => null });
}

/** PINGs Redis and returns the server's pid; throws a clear error when it does not answer. */
export async function redisServerPid() {
  const redis = client();
  redis.on('error', () => {});
  try {
    await redis.connect();
    const pong = await redis.ping();
    if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
    const info = await redis.info('server');
    const pid = /^process_id:(\d+)/m.exec(info)?.[1];
    return pid === undefined ? undefined : Number(pid);
  } catch (err) {
    throw new Error(`Redis at ${BENCH_REDIS_URL} is unreachable (${err.message}): the Redis variants need it (start redis-server, set BENCH_REDIS_URL, or leave them out with BENCH_ONLY)`);
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix` (SCAN, bounded); returns how many. */
export async function deleteKeysWithPrefix(prefix) {
  const redis = client();
  redis.on('error', () => {});
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    for (let i = 0; i < 10_000; i++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) deleted += await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}
