/**
 * Kinds of candidate. Each `start(ctx)` brings one up on the proxy CPU and returns a handle:
 *   { url, pids(), headers?, pathFor?(body), upstreamPids?(body), beforeMeasure?(body),
 *     afterMeasure?(runLabel, body, wrkResult) -> extra figures, stop() }
 * `pids()` are the processes whose CPU and RSS are charged to the candidate; `pathFor(body)`
 * is the request path for a body when it is not `body.path`; `upstreamPids(body)` the
 * upstream's processes when it is not the nginx upstream.
 * Besides `start`, a candidate may set (run.mjs reads them):
 *   bodies       names of the bodies it runs (default: the `standard` ones)
 *   check(body, { status, headers, bytes }, attempt)   throws unless an answer is right
 *                (default: 200 with exactly the upstream's bytes)
 *   uniqueUrls   a different URL on every request (wrk-unique.lua), e.g. to make a cache miss
 *   wrkTimeout   wrk's per-request timeout (default 2s)
 */
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, readSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { proxyConf, startNginx } from './nginx.mjs';
import { freePort, pinned, sleep, spawnTracked, stop, waitForPort } from './processes.mjs';

/**
 * The node flags `npm start` runs Unigate with (package.json's start script, up to the
 * script it runs): the bench runs Unigate as the quick start does.
 */
export function startScriptNodeFlags(repoRoot) {
  const { scripts } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const words = String(scripts?.start ?? '').split(/\s+/);
  if (words[0] !== 'node') throw new Error(`package.json's start script does not run node: ${scripts?.start}`);
  const flags = [];
  for (const word of words.slice(1)) {
    if (!word.startsWith('-')) break;
    flags.push(word);
  }
  return flags;
}

/** wrk straight at the upstream: the ceiling of the setup. CPU figures are the upstream's own. */
export function direct({ bodies } = {}) {
  return {
    id: 'direct',
    label: 'direct to upstream (no proxy)',
    note: 'no proxy; CPU and RSS columns are the upstream nginx itself',
    bodies,
    async start(ctx) {
      return { url: ctx.upstream.url, pids: () => ctx.upstream.pids, stop: async () => {} };
    },
  };
}

/** The nginx proxy peer; with `cache`, its proxy_cache serves every request after the first per body. */
export function nginxProxy({ id = 'nginx', label = 'nginx proxy_pass (keepalive, 1 worker)', note = 'access_log off; CPU and RSS are master + worker', cache = false } = {}) {
  return {
    id,
    label,
    note,
    check: cache
      ? (body, res, attempt) => {
          exactBody(body, res);
          if (attempt > 0 && res.headers.get('x-cache-status') !== 'HIT') throw new Error(`expected a proxy_cache HIT, got X-Cache-Status ${res.headers.get('x-cache-status')}`);
        }
      : undefined,
    async start(ctx) {
      const port = await freePort();
      const prefix = join(ctx.runDir, id);
      const nginx = await startNginx({
        name: label,
        prefix,
        conf: proxyConf({ prefix, port, upstreamPort: ctx.upstream.port, cache }),
        port,
        cpu: ctx.proxyCpu,
      });
      return { url: `http://127.0.0.1:${port}`, pids: () => nginx.pids, stop: () => stop(nginx.entry) };
    },
  };
}

/** The default answer check: 200 with exactly the bytes the upstream serves. */
export function exactBody(body, res) {
  if (res.status !== 200 || !res.bytes.equals(body.content)) {
    throw new Error(
      `answered ${res.status} with ${res.bytes.length} bytes (expected 200 with ${body.content.length} bytes)` + (res.bytes.length < 600 ? `: ${res.bytes.toString('utf8')}` : ''),
    );
  }
}

/** A Node script in bench/peers/ taking `<port> <upstream origin>`. */
export function nodePeer({ id, label, note, script }) {
  return {
    id,
    label,
    note,
    async start(ctx) {
      const port = await freePort();
      const log = join(ctx.runDir, `${id}.log`);
      const [cmd, args] = pinned(ctx.proxyCpu, process.execPath, [...ctx.peerNodeArgs, join(ctx.repoRoot, 'bench', 'peers', script), String(port), ctx.upstream.url]);
      const entry = spawnTracked(label, cmd, args, { cwd: ctx.repoRoot, stdout: log, stderr: log });
      await waitForPort(port, entry);
      return { url: `http://127.0.0.1:${port}`, pids: () => [entry.pid], stop: () => stop(entry) };
    },
  };
}

const ADMIN_TOKEN = 'bench-admin-token-0123456789';

/**
 * Unigate (`node dist/main.js start -c <generated yaml>`) with the config `config(ctx)`
 * returns; listeners and data_dir are filled in here. Request logs go to a file that is
 * emptied before each measured run and counted after it; metrics stay on.
 * `setup(ctx, admin, { url })` may prepare runtime state through the admin API and return
 * `{ headers?, pathFor?(body), upstreamPids?(body), beforeMeasure?(body), afterMeasure?(body, wrkResult)
 * -> { figures?, note? }, stop?() }`: request headers for wrk and the body check (an API key,
 * say), per-body paths and upstream processes, and hooks around each measured run (`figures`
 * are reported under the table as medians). `log` ('file' | 'devnull'), `entry` (CLI script) and `nodeArgs` (extra node
 * flags, e.g. `--import` of a preload) override the run-wide settings for this variant.
 */
export function unigate({ id, label, note, config, setup, log, entry: entryOverride, nodeArgs = [], bodies, check, uniqueUrls, wrkTimeout }) {
  return {
    id,
    label,
    note,
    bodies,
    check,
    uniqueUrls,
    wrkTimeout,
    async start(ctx) {
      const [proxyPort, adminPort] = [await freePort(), await freePort()];
      const dir = join(ctx.runDir, id);
      mkdirSync(dir, { recursive: true });
      const yaml = {
        listeners: {
          proxy: { host: '127.0.0.1', port: proxyPort },
          admin: { host: '127.0.0.1', port: adminPort, token: ADMIN_TOKEN },
        },
        server: { data_dir: join(dir, 'data') },
        ...config(ctx),
      };
      const configFile = join(dir, 'unigate.yaml');
      writeFileSync(configFile, YAML.stringify(yaml));
      const logFile = (log ?? ctx.unigateLog) === 'devnull' ? '/dev/null' : join(dir, 'requests.log');
      const script = entryOverride === undefined ? ctx.unigateEntry : resolve(ctx.repoRoot, entryOverride);
      // Unigate runs in its scratch dir: a relative profile dir is taken from the repository root.
      const absolute = (arg) => arg.replace(/^(--(?:cpu|heap)-prof-dir=)(?!\/)(.*)$/, (_, flag, dir) => flag + resolve(ctx.repoRoot, dir));
      const flags = [
        ...startScriptNodeFlags(ctx.repoRoot),
        ...nodeArgs.map((arg) => (arg.startsWith('bench/') ? pathToFileURL(join(ctx.repoRoot, arg)).href : arg)),
        ...ctx.unigateNodeArgs.map(absolute),
      ];
      const [cmd, args] = pinned(ctx.proxyCpu, process.execPath, [...flags, script, 'start', '-c', configFile]);
      const entry = spawnTracked(label, cmd, args, { cwd: dir, stdout: logFile, stderr: join(dir, 'stderr.log') });
      await waitForPort(proxyPort, entry);
      await waitForPort(adminPort, entry);
      const url = `http://127.0.0.1:${proxyPort}`;
      const admin = { url: `http://127.0.0.1:${adminPort}`, token: ADMIN_TOKEN };
      const prepared = setup ? await setup(ctx, admin, { url }) : {};
      return {
        url,
        admin,
        headers: prepared.headers ?? {},
        pathFor: prepared.pathFor,
        upstreamPids: prepared.upstreamPids,
        pids: () => [entry.pid],
        async beforeMeasure(body) {
          if (logFile !== '/dev/null') truncateSync(logFile, 0);
          await prepared.beforeMeasure?.(body);
        },
        async afterMeasure(runLabel, body, result) {
          const more = (await prepared.afterMeasure?.(body, result)) ?? {};
          if (logFile === '/dev/null') return { log: 'devnull', ...more };
          await sleep(300); // pino writes asynchronously: let the tail of the run land
          const counted = countLines(logFile);
          if (ctx.keep) copyFileSync(logFile, join(dir, `requests-${runLabel}.log`));
          truncateSync(logFile, 0);
          return { log: 'file', logLines: counted.lines, logBytes: counted.bytes, ...more };
        },
        async stop() {
          await stop(entry, 5000);
          await prepared.stop?.();
        },
      };
    },
  };
}

/** Sums of Prometheus counters on Unigate's admin /metrics: { '<name>{label="v"}': value } → by `groupBy` label. */
export async function scrapeCounter(admin, name, groupBy) {
  const res = await fetch(`${admin.url}/metrics`, { headers: { authorization: `Bearer ${admin.token}` } });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  const out = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const label = groupBy === undefined ? 'total' : (new RegExp(`${groupBy}="([^"]*)"`).exec(line)?.[1] ?? '');
    out[label] = (out[label] ?? 0) + value;
  }
  return out;
}

/** Lines and bytes in a file, read in chunks (request logs run to tens of MB per run). */
function countLines(file) {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  try {
    for (let position = 0; position < size; ) {
      const n = readSync(fd, buffer, 0, buffer.length, position);
      if (n === 0) break;
      for (let i = buffer.indexOf(10, 0); i !== -1 && i < n; i = buffer.indexOf(10, i + 1)) lines++;
      position += n;
    }
  } finally {
    closeSync(fd);
  }
  return { lines, bytes: size };
}
