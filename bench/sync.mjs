#!/usr/bin/env node
/**
 * The catalog sync: for each platform whose connector is registered in the build, a simulator
 * with 10,000 products and the platform's limits, and a client paging through the whole
 * catalog with `GET /v1/connections/{id}/products?limit=250` and the cursor, through a Unigate
 * with default settings (the connector's shield budget). Reports zero-or-not 429s from the
 * simulator, the wall time, and beside it the least time the platform's limit allows for the
 * native calls the connector needed (counted by the simulator).
 *
 *   npm run bench -- sync            (builds first)      node bench/sync.mjs   (uses the existing build)
 *
 * Settings (environment):
 *   SYNC_PRODUCTS=10000  SYNC_LIMIT=250  SYNC_ONLY=shopify,bigcommerce (default: every registered platform)
 *   SYNC_SIMULATOR_LIMITS=modeled  modeled: platforms that publish no limit (WooCommerce, Magento) run with the
 *                                  limiter their simulator models in front (a host / CDN); default: only the
 *                                  published limits (Shopify's bucket, BigCommerce's window)
 *   SYNC_REFERENCE=1        first sync each catalog unthrottled (simulator limit off, shield budget lifted): the
 *                           same native calls without waiting, i.e. the latency floor (0: skip)
 *   SYNC_TIMEOUT=<seconds>  bound per platform sync (default: 3 × the computed minimum + 300 s, from the reference)
 *   SYNC_OVERALL_TIMEOUT=10800   bound of the whole run; every child process is stopped when it trips
 *   SYNC_REPEAT=1           syncs per platform (each with its own reference), for a feel of the spread
 *   BENCH_PROXY_CPU=1 BENCH_LOAD_CPU=0 BENCH_PIN=1 BENCH_UNIGATE_ENTRY=dist/main.js BENCH_KEEP=1   as for the bench
 * Results: .bench/sync-<time>.json and .bench/sync-latest.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { adminApi, createPlatformConnection, registeredPlatforms, startSimulator } from './lib/commerce.mjs';
import { unigate } from './lib/launchers.mjs';
import { installCleanup, sleep, stopAll } from './lib/processes.mjs';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const log = (text) => process.stderr.write(`${text}\n`);

function readSettings(env) {
  const list = (value) => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
  const settings = {
    products: Number(env.SYNC_PRODUCTS || 10_000),
    limit: Number(env.SYNC_LIMIT || 250),
    only: list(env.SYNC_ONLY),
    simulatorLimits: env.SYNC_SIMULATOR_LIMITS === 'default' ? 'default' : 'modeled',
    reference: env.SYNC_REFERENCE !== '0',
    timeoutS: env.SYNC_TIMEOUT ? Number(env.SYNC_TIMEOUT) : undefined,
    overallS: Number(env.SYNC_OVERALL_TIMEOUT || 3 * 3600),
    repeat: Number(env.SYNC_REPEAT || 1),
    proxyCpu: Number(env.BENCH_PROXY_CPU ?? 1),
    loadCpu: Number(env.BENCH_LOAD_CPU ?? 0),
    pin: env.BENCH_PIN !== '0',
    unigateEntry: resolve(REPO_ROOT, env.BENCH_UNIGATE_ENTRY || 'dist/main.js'),
    keep: env.BENCH_KEEP === '1',
  };
  for (const key of ['products', 'limit', 'repeat']) if (!Number.isInteger(settings[key]) || settings[key] < 1) throw new Error(`SYNC_${key.toUpperCase()} must be a positive integer`);
  return settings;
}

function pinning(settings) {
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  let pin = settings.pin;
  try {
    execFileSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' });
  } catch {
    pin = false;
  }
  if (Math.max(settings.proxyCpu, settings.loadCpu) >= cpus) pin = false;
  return { proxyCpu: pin ? settings.proxyCpu : null, loadCpu: pin ? settings.loadCpu : null };
}

/**
 * The least time the limit lets `calls` native calls take, in seconds, and how it was computed.
 * Published models: Shopify's leaky bucket (capacity C, leak L/s: the first C go at once, then
 * one per 1/L s), BigCommerce's fixed window (Q per W, the window opening at the first call).
 * A platform that publishes none is bound only by the connector's own shield budget (a token
 * bucket: burst b, then r per period), which is what the sync then waits for.
 */
export function minimumSeconds(rateLimit, calls) {
  if (rateLimit.model === 'leaky_bucket') {
    const s = Math.max(0, calls - rateLimit.capacity) / rateLimit.leakPerSecond;
    return { seconds: s, basis: `published leaky bucket ${rateLimit.capacity} + ${rateLimit.leakPerSecond}/s: max(0, ${calls} − ${rateLimit.capacity}) / ${rateLimit.leakPerSecond}` };
  }
  if (rateLimit.model === 'fixed_window') {
    const windows = Math.floor((calls - 1) / rateLimit.quota);
    return { seconds: (windows * rateLimit.windowMs) / 1000, basis: `published window ${rateLimit.quota} per ${rateLimit.windowMs / 1000} s: ⌊(${calls} − 1) / ${rateLimit.quota}⌋ × ${rateLimit.windowMs / 1000} s` };
  }
  const bucket = rateLimit.shield.limits.find((l) => l.rate !== undefined);
  if (bucket === undefined) return { seconds: 0, basis: 'no published limit and no token-bucket budget' };
  const perS = Number.parseFloat(String(bucket.per)) * ({ ms: 0.001, s: 1, m: 60, h: 3600 }[/[a-z]+$/.exec(String(bucket.per))?.[0] ?? 's'] ?? 1);
  const burst = bucket.burst ?? bucket.rate;
  const s = (Math.max(0, calls - burst) * perS) / bucket.rate;
  return { seconds: s, basis: `no published limit; the connector's own budget ${bucket.rate}/${bucket.per} burst ${burst}: max(0, ${calls} − ${burst}) × ${perS} s / ${bucket.rate}` };
}

/** Pages through the whole catalog; bounded by `maxPages` and `deadline`. */
async function syncCatalog({ url, headers, connectionId, limit, maxPages, deadline }) {
  const ids = new Set();
  let items = 0;
  let pages = 0;
  let cursor = null;
  const unified429 = [];
  const pageMs = [];
  const started = performance.now();
  do {
    if (pages >= maxPages) throw new Error(`stopped after ${pages} pages (bound ${maxPages}) without reaching the end`);
    if (Date.now() > deadline) throw new Error(`stopped after ${pages} pages: the time bound passed`);
    const path = `/v1/connections/${encodeURIComponent(connectionId)}/products?limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const pageStart = performance.now();
    let res;
    for (let attempt = 0; ; attempt++) {
      res = await fetch(url + path, { headers, signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now())) });
      // A client honours Unigate's own 429 (its shield queue full) and tries again; counted.
      if (res.status !== 429 || attempt >= 3) break;
      const wait = Number(res.headers.get('retry-after') ?? 1);
      unified429.push({ page: pages, wait });
      await res.arrayBuffer();
      await sleep(wait * 1000);
    }
    const text = await res.text();
    if (res.status !== 200) throw new Error(`page ${pages + 1} answered ${res.status}: ${text.slice(0, 800)}`);
    const body = JSON.parse(text);
    for (const item of body.data) ids.add(item.id);
    items += body.data.length;
    pages++;
    pageMs.push(performance.now() - pageStart);
    cursor = body.next_cursor;
  } while (cursor !== null);
  return { pages, items, uniqueIds: ids.size, wallS: (performance.now() - started) / 1000, unified429, pageMs };
}

/** Native calls by kind, from the simulator's per-endpoint counts. */
function summarizeEndpoints(endpoints) {
  return Object.entries(endpoints)
    .sort((a, b) => b[1] - a[1])
    .map(([endpoint, n]) => `${n} × ${endpoint}`)
    .join(', ');
}

async function runOne({ ctx, settings, platform, definition, gateway, api, consumerId, headers, rateLimit, deadline }) {
  const sim = await startSimulator({
    distDir: ctx.distDir,
    platform,
    products: settings.products,
    rateLimit,
    cpu: ctx.loadCpu,
    log: join(ctx.runDir, `simulator-${platform}-${rateLimit}.log`),
  });
  try {
    const connectionId = await createPlatformConnection(api, consumerId, sim.info);
    await sim.reset();
    const maxPages = Math.ceil(settings.products / settings.limit) + 10;
    const result = await syncCatalog({ url: gateway.url, headers, connectionId, limit: settings.limit, maxPages, deadline });
    const stats = await sim.stats();
    return { ...result, nativeCalls: stats.requests, statuses: stats.statuses, endpoints: stats.endpoints, simulator429: stats.statuses['429'] ?? 0 };
  } finally {
    await sim.stop();
  }
}

export async function main() {
  const settings = readSettings(process.env);
  const pins = pinning(settings);
  installCleanup(settings.overallS * 1000);
  const distDir = dirname(settings.unigateEntry);
  const platforms = (await registeredPlatforms(distDir)).filter((p) => settings.only === undefined || settings.only.includes(p.platform));
  if (platforms.length === 0) throw new Error(`no platform to sync (registered in ${relative(REPO_ROOT, distDir)}: is it built? SYNC_ONLY=${settings.only ?? ''})`);

  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const benchDir = join(REPO_ROOT, '.bench');
  const runDir = join(benchDir, `sync-${stamp}`);
  mkdirSync(runDir, { recursive: true });
  const ctx = {
    repoRoot: REPO_ROOT,
    distDir,
    runDir,
    proxyCpu: pins.proxyCpu,
    loadCpu: pins.loadCpu,
    unigateLog: 'file',
    unigateNodeArgs: [],
    unigateEntry: settings.unigateEntry,
    keep: settings.keep,
  };
  log(`sync: ${platforms.map((p) => p.platform).join(', ')}; ${settings.products} products each, limit=${settings.limit}; Unigate on CPU ${pins.proxyCpu ?? 'any'}, simulators on CPU ${pins.loadCpu ?? 'any'}; scratch in ${relative(REPO_ROOT, runDir)}`);

  // Unigate as shipped (default commerce settings, the connectors' shield budgets), and for the
  // reference the same with the budgets lifted.
  const config = () => ({ logging: { level: 'info', requests: true } });
  const shipped = await unigate({ id: 'unigate-sync', label: 'Unigate (default limits)', config }).start(ctx);
  const lifted = settings.reference
    ? await unigate({ id: 'unigate-sync-reference', label: 'Unigate (shield budgets lifted)', config, nodeArgs: ['--import', 'bench/peers/unpaced-shield.mjs'] }).start(ctx)
    : undefined;
  const identity = async (gateway) => {
    const api = adminApi(gateway.admin);
    const { consumerId, key } = await api.consumerWithKey('bench sync');
    return { api, consumerId, headers: { 'X-Api-Key': key } };
  };
  const shippedId = await identity(shipped);
  const liftedId = lifted && (await identity(lifted));

  const results = [];
  for (const { platform, definition } of platforms) for (let rep = 1; rep <= settings.repeat; rep++) {
    const published = definition.rateLimit.model !== 'unpublished';
    const simLimit = published || settings.simulatorLimits === 'default' ? 'default' : 'modeled';
    let reference;
    if (lifted !== undefined) {
      log(`sync ${platform}: reference (simulator limit off, shield budget lifted)…`);
      reference = await runOne({ ctx, settings, platform, definition, gateway: lifted, ...liftedId, rateLimit: 'off', deadline: Date.now() + 1800_000 });
      log(`sync ${platform}: reference ${reference.wallS.toFixed(1)} s, ${reference.nativeCalls} native calls (${summarizeEndpoints(reference.endpoints)})`);
    }
    const expected = reference === undefined ? undefined : minimumSeconds(definition.rateLimit, reference.nativeCalls).seconds;
    const boundS = settings.timeoutS ?? (expected === undefined ? 3600 : Math.ceil(3 * Math.max(expected, reference.wallS) + 300));
    log(`sync ${platform}: with the platform's limits (simulator: ${simLimit}) and Unigate's default shield; bounded at ${Math.round(boundS)} s…`);
    const run = await runOne({ ctx, settings, platform, definition, gateway: shipped, ...shippedId, rateLimit: simLimit, deadline: Date.now() + boundS * 1000 });
    const minimum = minimumSeconds(definition.rateLimit, run.nativeCalls);
    const floorS = reference?.wallS ?? 0;
    const minimumS = Math.max(minimum.seconds, floorS);
    const result = {
      platform,
      rep,
      label: definition.label,
      products: settings.products,
      simulatorLimit: simLimit,
      rateLimit: definition.rateLimit,
      run,
      reference,
      minimum: { rateBoundS: minimum.seconds, basis: minimum.basis, latencyFloorS: reference?.wallS, minimumS },
      ratio: run.wallS / minimumS,
      complete: run.uniqueIds === settings.products && run.items === settings.products,
      met: run.simulator429 === 0 && run.wallS <= 1.2 * minimumS,
    };
    results.push(result);
    log(
      `sync ${platform}: ${run.items} products (${run.uniqueIds} distinct) in ${run.pages} pages, ${run.wallS.toFixed(1)} s; ` +
        `${run.nativeCalls} native calls (${summarizeEndpoints(run.endpoints)}); simulator 429s: ${run.simulator429}; ` +
        `minimum ${minimumS.toFixed(1)} s (${minimum.basis} = ${minimum.seconds.toFixed(1)} s; unthrottled ${floorS.toFixed(1)} s) → ${result.ratio.toFixed(2)}×`,
    );
  }
  await shipped.stop();
  await lifted?.stop();
  await stopAll();

  const lines = ['', `Catalog sync through the unified API: ${settings.products} products, product.list?limit=${settings.limit} and the cursor to the end, Unigate's default shield budgets`, ''];
  const head = ['platform', 'products', 'pages', 'native calls', 'sim 429s', 'wall', 'rate-limit min', 'unthrottled', 'minimum', 'wall/min', 'target'];
  const widths = [settings.repeat > 1 ? 17 : 12, 9, 6, 13, 9, 9, 15, 12, 9, 9, 8];
  const row = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' ');
  lines.push(row(head));
  for (const r of results) {
    lines.push(
      row([
        settings.repeat > 1 ? `${r.platform} #${r.rep}` : r.platform,
        `${r.run.uniqueIds}${r.complete ? '' : '!'}`,
        r.run.pages,
        r.run.nativeCalls,
        r.run.simulator429,
        `${r.run.wallS.toFixed(1)} s`,
        `${r.minimum.rateBoundS.toFixed(1)} s`,
        r.reference === undefined ? '-' : `${r.reference.wallS.toFixed(1)} s`,
        `${r.minimum.minimumS.toFixed(1)} s`,
        `${r.ratio.toFixed(2)}×`,
        r.met ? 'met' : 'MISSED',
      ]),
    );
  }
  lines.push('');
  lines.push('Target: zero 429s from the simulator and wall ≤ 1.2 × minimum. minimum = max(rate-limit minimum for the native calls');
  lines.push('the connector made, unthrottled time of the same sync); the unthrottled sync (simulator limit off, shield budget lifted)');
  lines.push('is the latency floor: what the same calls take when nothing makes them wait.');
  for (const r of results.filter((x) => x.rep === 1)) {
    lines.push(`- ${r.label}: ${r.minimum.basis} = ${r.minimum.rateBoundS.toFixed(1)} s; simulator limiter: ${r.simulatorLimit}; native calls: ${summarizeEndpoints(r.run.endpoints)}` +
      (r.run.unified429.length > 0 ? `; Unigate answered 429 ${r.run.unified429.length} time(s) (retried)` : ''));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const out = { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), settings: { ...settings, unigateEntry: relative(REPO_ROOT, settings.unigateEntry) }, results };
  const file = join(benchDir, `sync-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  writeFileSync(join(benchDir, 'sync-latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`\nRaw figures: ${relative(REPO_ROOT, file)}\n`);
  if (!settings.keep) rmSync(runDir, { recursive: true, force: true });
  if (results.some((r) => !r.complete)) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch(async (err) => {
    log(`sync: ${err.stack ?? err.message}`);
    await stopAll();
    process.exit(1);
  });
}
