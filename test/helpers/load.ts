/**
 * Bounded concurrent load: `total` requests spread round robin over `urls`, at most
 * `concurrency` in flight, each answered or failed; nothing runs past the last one.
 *
 *   const results = await fire([gw1.url + '/a', gw2.url + '/a'], { total: 300, concurrency: 30 });
 */
import { request } from 'undici';

export interface Result {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Index of the URL it went to. */
  target: number;
}

export interface FireOptions {
  total: number;
  concurrency: number;
  headers?: (index: number) => Record<string, string>;
}

export async function fire(urls: readonly string[], options: FireOptions): Promise<Result[]> {
  const results: Result[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < options.total) {
      const index = next++;
      const target = index % urls.length;
      const res = await request(urls[target]!, { headers: options.headers?.(index) ?? {} });
      results.push({ status: res.statusCode, headers: res.headers, body: await res.body.text(), target });
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.total) }, worker));
  return results;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string | number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/** Polls `check` every 50 ms until it returns true, at most `timeoutMs`; a safety net, not an assertion. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
