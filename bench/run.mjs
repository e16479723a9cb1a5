#!/usr/bin/env node
/**
 * `npm run bench`: starts a fast upstream (nginx, static JSON and XML) and every candidate in
 * bench/candidates.mjs, checks each returns the right bodies, then measures them with wrk,
 * interleaved (each round runs every candidate once per body it takes), and prints medians
 * and in-round ratios. Proxies are pinned to one CPU, wrk and the upstream to another.
 *
 *   BENCH_DURATION=2s BENCH_ROUNDS=1 npm run bench     # smoke run
 *   npm run bench -- sync                              # the catalog sync instead (bench/sync.mjs)
 *
 * Settings (environment):
 *   BENCH_DURATION=10s  BENCH_ROUNDS=3  BENCH_CONNECTIONS=50  BENCH_THREADS=2  BENCH_WARMUP=2s (0: none)
 *   BENCH_FIRST_WARMUP=10s      the warm-up of each candidate and body in the first round: a fresh
 *                               process is still tiering up its code and sizing its heap (0: BENCH_WARMUP)
 *   BENCH_ONLY=id,id            candidates to run (ids from candidates.mjs)
 *   BENCH_BODIES=small,64KiB    bodies to run (names from candidates.mjs BODIES: small, 64KiB, products, xml, commerce:<platform>)
 *   BENCH_PROXY_CPU=1  BENCH_LOAD_CPU=0  BENCH_PIN=1 (0: no taskset)
 *   BENCH_UNIGATE_LOG=file      Unigate's request log: file (counted, emptied per run) or devnull
 *   BENCH_UNIGATE_NODE_ARGS, BENCH_PEER_NODE_ARGS   extra node flags (--cpu-prof, --import a probe)
 *   BENCH_UNIGATE_ENTRY=dist/main.js   the Unigate CLI script (point it at a copy to compare builds)
 *   BENCH_CANDIDATES=<module>   another module shaped like candidates.mjs (one-off A/B variants)
 *   BENCH_TIMEOUT=<seconds>     overall bound (default: 1.5 × the plan + 60 s)
 *   BENCH_KEEP=1                keep the scratch dir and a copy of each run's Unigate request log
 *   BENCH_RESTART=1             start every candidate afresh before each round (each warmed up for
 *                               BENCH_FIRST_WARMUP): medians over processes, since two processes of one
 *                               build can differ by 8-15% in CPU per request for as long as they run
 *   BENCH_REDIS_URL=redis://127.0.0.1:6379   the Redis of the Redis variants (they fail the run when it is down)
 * Scratch files and results go to .bench/ (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NGINX, nginxVersion, startNginx, upstreamConf } from './lib/nginx.mjs';
import { freePort, installCleanup, isStopping, onBail, sleep, stop, stopAll } from './lib/processes.mjs';
import { CLK_TCK, cpuBusy, cpuModel, cpuSnapshot, cpuTicks, peakRssBytes, runQueueWaitNs } from './lib/procfs.mjs';
import { checkTargets, formatTables, formatTargets, summarize } from './lib/report.mjs';
import { WRK, durationSeconds, runWrk, wrkVersion } from './lib/wrk.mjs';
import { exactBody, startScriptNodeFlags } from './lib/launchers.mjs';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const log = (text) => process.stderr.write(`${text}\n`);

function readSettings(env) {
  const list = (value) => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
  const settings = {
    duration: env.BENCH_DURATION || '10s',
    rounds: Number(env.BENCH_ROUNDS || 3),
    connections: Number(env.BENCH_CONNECTIONS || 50),
    threads: Number(env.BENCH_THREADS || 2),
    warmup: env.BENCH_WARMUP || '2s',
    firstWarmup: env.BENCH_FIRST_WARMUP || '10s',
    only: list(env.BENCH_ONLY),
    bodies: list(env.BENCH_BODIES),
    proxyCpu: Number(env.BENCH_PROXY_CPU ?? 1),
    loadCpu: Number(env.BENCH_LOAD_CPU ?? 0),
    pin: env.BENCH_PIN !== '0',
    unigateLog: env.BENCH_UNIGATE_LOG === 'devnull' ? 'devnull' : 'file',
    unigateNodeArgs: (env.BENCH_UNIGATE_NODE_ARGS || '').split(/\s+/).filter(Boolean),
    peerNodeArgs: (env.BENCH_PEER_NODE_ARGS || '').split(/\s+/).filter(Boolean),
    unigateEntry: resolve(REPO_ROOT, env.BENCH_UNIGATE_ENTRY || 'dist/main.js'),
    timeoutS: env.BENCH_TIMEOUT ? Number(env.BENCH_TIMEOUT) : undefined,
    keep: env.BENCH_KEEP === '1',
    restart: env.BENCH_RESTART === '1',
  };
  durationSeconds(settings.duration);
  if (settings.warmup !== '0') durationSeconds(settings.warmup);
  if (settings.firstWarmup === '0') settings.firstWarmup = settings.warmup;
  else durationSeconds(settings.firstWarmup);
  for (const key of ['rounds', 'connections', 'threads']) {
    if (!Number.isInteger(settings[key]) || settings[key] < 1) throw new Error(`BENCH_${key.toUpperCase()} must be a positive integer`);
  }
  if (settings.threads > settings.connections) throw new Error('BENCH_THREADS must not exceed BENCH_CONNECTIONS');
  return settings;
}

function which(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function git(args) {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function preflight(settings) {
  for (const [name, path] of [['nginx', NGINX], ['wrk', WRK]]) {
    if (!existsSync(path)) throw new Error(`${name} not found at ${path} (set BENCH_${name.toUpperCase()})`);
  }
  if (!existsSync(settings.unigateEntry)) throw new Error(`${relative(REPO_ROOT, settings.unigateEntry)} is missing: run \`npm run build\` (npm run bench does it)`);
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  let pinning = settings.pin;
  if (pinning && !which('taskset')) {
    log('bench: WARNING taskset not found: processes run unpinned');
    pinning = false;
  }
  if (pinning && Math.max(settings.proxyCpu, settings.loadCpu) >= cpus) {
    log(`bench: WARNING only ${cpus} CPU(s): processes run unpinned, figures are not comparable to pinned runs`);
    pinning = false;
  }
  if (pinning) {
    // Keep this orchestrator off the proxy CPU too (children re-pin themselves with taskset).
    try {
      execFileSync('taskset', ['-a', '-p', '-c', String(settings.loadCpu), String(process.pid)], { stdio: 'ignore' });
    } catch {
      // not fatal: it is idle while wrk runs
    }
  }
  return { cpus, proxyCpu: pinning ? settings.proxyCpu : null, loadCpu: pinning ? settings.loadCpu : null };
}

/** Busy share of each CPU over one second, before anything of ours runs. */
async function idleCheck() {
  const before = cpuSnapshot();
  await sleep(1000);
  return cpuBusy(before, cpuSnapshot());
}

function formatShares(shares) {
  return Object.entries(shares)
    .map(([cpu, share]) => `cpu${cpu} ${Math.round(share * 100)}%`)
    .join(', ');
}

/** Whether `candidate` runs `body`: the bodies it lists, or the standard ones. */
function takes(candidate, body) {
  return candidate.bodies === undefined ? body.standard === true : candidate.bodies.includes(body.name);
}

/** Fetches each body through the candidate a few times; throws unless every answer passes its check. */
async function checkBodies(label, handle, check, bodies) {
  for (const body of bodies) {
    const path = handle.pathFor?.(body) ?? body.path;
    for (let attempt = 0; attempt < 3; attempt++) {
      let res;
      try {
        res = await fetch(handle.url + path, { headers: handle.headers ?? {} });
      } catch (err) {
        throw new Error(`body check failed: ${label} GET ${path}: ${err.cause?.message ?? err.message}`);
      }
      const answer = { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
      try {
        if (check !== undefined) await check(body, answer, attempt);
        else if (body.content !== undefined) exactBody(body, answer);
        else if (answer.status !== 200) throw new Error(`answered ${answer.status}: ${answer.bytes.toString('utf8').slice(0, 600)}`);
      } catch (err) {
        throw new Error(`body check failed: ${label} GET ${path} (attempt ${attempt + 1}): ${err.message}`);
      }
    }
  }
}

async function main() {
  const settings = readSettings(process.env);
  const defaults = await import('./candidates.mjs');
  const chosen = process.env.BENCH_CANDIDATES ? await import(pathToFileURL(resolve(process.env.BENCH_CANDIDATES)).href) : defaults;
  const CANDIDATES = chosen.CANDIDATES;
  const BODIES = chosen.BODIES ?? defaults.BODIES;
  const REFERENCES = chosen.REFERENCES ?? defaults.REFERENCES;
  const TARGETS = chosen.TARGETS ?? defaults.TARGETS;
  const pinning = preflight(settings);
  const wantedBodies = BODIES.filter((b) => settings.bodies === undefined || settings.bodies.includes(b.name));
  const candidates = CANDIDATES.filter((c) => (settings.only === undefined || settings.only.includes(c.id)) && wantedBodies.some((b) => takes(c, b)));
  const bodies = wantedBodies.filter((b) => candidates.some((c) => takes(c, b)));
  if (candidates.length === 0 || bodies.length === 0) throw new Error('nothing to measure: check BENCH_ONLY and BENCH_BODIES');

  const seconds = (text) => (text === '0' ? 0 : durationSeconds(text));
  const warmupS = seconds(settings.warmup);
  const firstWarmupS = seconds(settings.firstWarmup);
  const pairs = bodies.reduce((n, b) => n + candidates.filter((c) => takes(c, b)).length, 0);
  const runs = settings.rounds * pairs;
  const freshRounds = settings.restart ? settings.rounds : 1;
  const planS = runs * (warmupS + durationSeconds(settings.duration) + 1.5) + freshRounds * (pairs * (firstWarmupS - warmupS) + 5 * candidates.length) + 10;
  const boundS = settings.timeoutS ?? Math.ceil(planS * 1.5 + 60);
  installCleanup(boundS * 1000);

  const idle = await idleCheck();
  if (Object.values(idle).some((share) => share > 0.1)) {
    log(`bench: WARNING the machine is not idle (CPU busy over 1s before start: ${formatShares(idle)}): expect noisy req/s; CPU µs/req holds up best`);
  }

  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const benchDir = join(REPO_ROOT, '.bench');
  const runDir = join(benchDir, `run-${stamp}`);
  mkdirSync(runDir, { recursive: true });
  if (!settings.keep) onBail(() => rmSync(runDir, { recursive: true, force: true }));
  log(`bench: ${pairs} candidate×body pairs (${candidates.length} candidates, ${bodies.length} bodies) × ${settings.rounds} rounds of ${settings.duration} (+${settings.warmup} warm-up, ${settings.firstWarmup} ${settings.restart ? 'after each restart' : 'in the first round'}), ` +
    `${settings.connections} connections; about ${Math.round(planS / 60)} min, bounded at ${Math.round(boundS / 60)} min`);
  log(`bench: proxies on CPU ${pinning.proxyCpu ?? 'any'}, wrk and upstream on CPU ${pinning.loadCpu ?? 'any'}; scratch in ${relative(REPO_ROOT, runDir)}`);
  log(`bench: Unigate runs with npm start's node flags: ${startScriptNodeFlags(REPO_ROOT).join(' ') || '(none)'}`);

  // The upstream: static files, one worker, on the load CPU. /secured/<path> serves the same
  // files only with the credential the injection variants must add.
  const www = join(runDir, 'www');
  mkdirSync(www, { recursive: true });
  const served = BODIES.filter((b) => b.file !== undefined);
  for (const body of served) writeFileSync(join(www, body.file), body.content);
  const securedKey = randomBytes(16).toString('hex');
  const upstreamPort = await freePort();
  const upstreamPrefix = join(runDir, 'nginx-upstream');
  const upstream = await startNginx({
    name: 'nginx upstream',
    prefix: upstreamPrefix,
    conf: upstreamConf({ prefix: upstreamPrefix, port: upstreamPort, root: www, securedKey }),
    port: upstreamPort,
    cpu: pinning.loadCpu,
  });
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  const upstreamHandle = { url: upstreamUrl, headers: {} };
  await checkBodies('upstream', upstreamHandle, undefined, served);
  await checkBodies('upstream /secured', { url: `${upstreamUrl}/secured`, headers: { 'x-upstream-key': securedKey } }, undefined, served);

  const ctx = {
    repoRoot: REPO_ROOT,
    distDir: dirname(settings.unigateEntry),
    runDir,
    loadCpu: pinning.loadCpu,
    upstream: { url: upstreamUrl, port: upstreamPort, pids: upstream.pids, securedKey },
    proxyCpu: pinning.proxyCpu,
    unigateLog: settings.unigateLog,
    unigateNodeArgs: settings.unigateNodeArgs,
    unigateEntry: settings.unigateEntry,
    peerNodeArgs: settings.peerNodeArgs,
    keep: settings.keep,
  };
  const handles = new Map();
  const startAll = async () => {
    for (const candidate of candidates) {
      log(`bench: starting ${candidate.label}`);
      const handle = await candidate.start(ctx);
      handles.set(candidate.id, handle);
      await checkBodies(candidate.label, handle, candidate.check, bodies.filter((b) => takes(candidate, b)));
    }
    log('bench: every candidate answers each of its bodies correctly');
  };
  await startAll();

  const records = [];
  let failures = 0;
  for (let round = 1; round <= settings.rounds; round++) {
    const fresh = round === 1 || settings.restart;
    if (round > 1 && settings.restart) {
      log(`bench: round ${round}: restarting every candidate (BENCH_RESTART=1)`);
      for (const handle of handles.values()) await handle.stop();
      handles.clear();
      await startAll();
    }
    // Rotate the order each round so no candidate always runs first (or right after another).
    const order = candidates.map((_, i) => candidates[(i + round - 1) % candidates.length]);
    for (const body of bodies) {
      for (const candidate of order) {
        if (!takes(candidate, body)) continue;
        const handle = handles.get(candidate.id);
        const connections = body.connections ?? settings.connections;
        const wrkOptions = {
          url: handle.url + (handle.pathFor?.(body) ?? body.path),
          connections,
          threads: Math.min(settings.threads, connections),
          cpu: pinning.loadCpu,
          headers: handle.headers ?? {},
          timeout: candidate.wrkTimeout ?? body.wrkTimeout,
          script: candidate.uniqueUrls ? 'unique' : 'report',
        };
        const nonce = () => (candidate.uniqueUrls ? [randomBytes(6).toString('hex')] : []);
        // Steady state is what is measured: a long-running proxy, not one still warming up.
        const warmup = fresh ? settings.firstWarmup : settings.warmup;
        if (seconds(warmup) > 0) await runWrk({ ...wrkOptions, duration: warmup, scriptArgs: nonce() });
        await sleep(200);
        await handle.beforeMeasure?.(body);
        const pids = handle.pids();
        // The upstream of this body: nginx, or what the candidate names (a platform simulator).
        const upstreamPids = handle.upstreamPids?.(body) ?? upstream.pids;
        const ticksBefore = cpuTicks(pids);
        const waitBefore = runQueueWaitNs(pids);
        const upstreamWaitBefore = runQueueWaitNs(upstreamPids);
        const upstreamBefore = cpuTicks(upstreamPids);
        const cpusBefore = cpuSnapshot();
        const startedAtMs = Date.now();
        const wallStart = performance.now();
        const result = await runWrk({ ...wrkOptions, duration: settings.duration, scriptArgs: nonce() });
        const wallS = (performance.now() - wallStart) / 1000;
        const ticks = cpuTicks(pids) - ticksBefore;
        const waitS = (runQueueWaitNs(pids) - waitBefore) / 1e9;
        const upstreamWaitS = (runQueueWaitNs(upstreamPids) - upstreamWaitBefore) / 1e9;
        const upstreamTicks = cpuTicks(upstreamPids) - upstreamBefore;
        const busy = cpuBusy(cpusBefore, cpuSnapshot());
        const extra = (await handle.afterMeasure?.(`r${round}-${body.name}`, body, result)) ?? undefined;
        const errorCount = result.non2xx + Object.values(result.socketErrors).reduce((a, b) => a + b, 0);
        const record = {
          round,
          body: body.name,
          candidate: candidate.id,
          connections,
          startedAtMs,
          rps: result.rps,
          requests: result.requests,
          durationS: result.durationS,
          bytesRead: result.bytes,
          latencyUs: result.latencyUs,
          printedLatencyUs: result.printed,
          cpuTicks: ticks,
          cpuUsPerRequest: ((ticks / CLK_TCK) * 1e6) / result.requests,
          processCpuShare: ticks / CLK_TCK / wallS,
          upstreamCpuUsPerRequest: ((upstreamTicks / CLK_TCK) * 1e6) / result.requests,
          // Whole-CPU busy shares; on the proxy CPU, what the candidate did not use is others' work
          // (plus loopback softirq): a noise gauge for this run.
          cpuBusy: {
            proxy: pinning.proxyCpu === null ? undefined : busy[pinning.proxyCpu],
            load: pinning.loadCpu === null ? undefined : busy[pinning.loadCpu],
          },
          // Share of the run the candidate's main thread (nginx: master + worker) was runnable but
          // kept off its CPU: the most direct gauge of interference, and a cause of latency tails.
          runQueueWaitShare: waitS / wallS,
          upstreamRunQueueWaitShare: upstreamWaitS / wallS,
          otherOnProxyCpu:
            pinning.proxyCpu === null || candidate.id === 'direct' ? undefined : Math.max(0, busy[pinning.proxyCpu] - ticks / CLK_TCK / wallS),
          peakRssBytes: peakRssBytes(pids),
          non2xx: result.non2xx,
          socketErrors: result.socketErrors,
          errorCount,
          extra,
        };
        records.push(record);
        const logNote = (extra?.logLines === undefined ? '' : `, ${extra.logLines} log lines`) + (extra?.note === undefined ? '' : `, ${extra.note}`);
        log(
          `[round ${round}/${settings.rounds} ${body.name}] ${candidate.label}: ${Math.round(record.rps)} req/s, ` +
            `p50 ${(record.latencyUs.p50 / 1000).toFixed(2)} ms, p99 ${(record.latencyUs.p99 / 1000).toFixed(2)} ms, ` +
            `${record.cpuUsPerRequest.toFixed(1)} µs CPU/req${logNote}`,
        );
        if (errorCount > 0) {
          failures++;
          log(`bench: ERROR ${candidate.label} on ${body.name}: ${result.non2xx} non-2xx answers, socket errors ${JSON.stringify(result.socketErrors)}`);
        }
      }
    }
  }

  log('bench: stopping');
  for (const handle of handles.values()) await handle.stop();
  await stop(upstream.entry);
  await stopAll();

  const summary = summarize(records, candidates, bodies, REFERENCES, TARGETS);
  const targets = checkTargets(summary, TARGETS);
  const labels = Object.fromEntries(candidates.map((c) => [c.id, c.label]));
  const tables = formatTables({ summary, candidates, bodies, references: REFERENCES, settings });
  process.stdout.write(`${tables}\n${formatTargets(targets, labels)}\n`);

  const results = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: {
      ...settings,
      unigateEntry: relative(REPO_ROOT, settings.unigateEntry),
      timeoutS: boundS,
      proxyCpu: pinning.proxyCpu,
      loadCpu: pinning.loadCpu,
    },
    environment: {
      node: process.version,
      nginx: nginxVersion(),
      wrk: wrkVersion(),
      cpuModel: cpuModel(),
      cpus: pinning.cpus,
      kernel: os.release(),
      clkTck: CLK_TCK,
      cpuBusyBeforeStart: idle,
      git: { commit: git(['rev-parse', 'HEAD']), dirty: (git(['status', '--porcelain']) ?? '') !== '' },
    },
    bodies: bodies.map((b) => ({ name: b.name, label: b.label, path: b.path, bytes: b.content?.length, connections: b.connections, describe: b.describe })),
    candidates: candidates.map((c) => ({ id: c.id, label: c.label, note: c.note })),
    references: REFERENCES,
    runs: records,
    summary,
    targets,
  };
  const resultsFile = join(benchDir, `results-${stamp}.json`);
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(benchDir, 'results-latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nRaw figures: ${relative(REPO_ROOT, resultsFile)}\n`);
  if (!settings.keep) rmSync(runDir, { recursive: true, force: true });
  if (failures > 0) {
    log(`bench: ${failures} run(s) had errors (non-2xx answers or socket errors): their figures are not valid`);
    process.exitCode = 1;
  }
}

const entry = process.argv[2] === 'sync' ? import('./sync.mjs').then((m) => m.main()) : main();
entry.catch(async (err) => {
  if (isStopping()) return; // a child died because we are stopping: already reported
  log(`bench: ${err.stack ?? err.message}`);
  await stopAll();
  process.exit(1); // the scratch dir stays for a look at the logs
});
