/**
 * Preloaded into Unigate (`node --import bench/peers/unpaced-shield.mjs dist/main.js start …`)
 * for the unified-API THROUGHPUT runs only: raises every platform's shield budget (taken from
 * its connector definition, e.g. Shopify's 2 requests/s with bursts of 40) to a rate no run
 * can reach, before the first connection is built. The shield still runs on every native
 * call (its budget check, its bookkeeping): only its pacing never bites. Without this, a
 * throughput run would measure the platform's published rate (2 requests/s), not the cost
 * of mapping. The catalog sync (bench/sync.mjs) never uses it.
 */
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

// Mapping threads load it too (they inherit node's flags); the shield runs on the main thread only.
if (isMainThread) {
  // argv[1] is the Unigate CLI script: dist/main.js (or the copy BENCH_UNIGATE_ENTRY names).
  const registry = await import(pathToFileURL(join(dirname(process.argv[1]), 'connectors', 'registry.js')).href);
  for (const platform of registry.connectedPlatforms()) {
    const { definition } = registry.connectorFor(platform);
    const shield = definition.rateLimit.shield;
    shield.limits = shield.limits.map(() => ({ rate: 1_000_000, per: '1s', burst: 1_000_000 }));
  }
}
