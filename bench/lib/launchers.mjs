/**
 * Kinds of candidate. Each `start(ctx)` brings one up on the proxy CPU and returns a handle:
 *   { url, pids(), headers?, beforeMeasure?(), afterMeasure?(runLabel) -> extra figures, stop() }
 * `pids()` are the processes whose CPU and RSS are charged to the candidate.
 */
import { closeSync, copyFileSync, mkdirSync, openSync, readSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { proxyConf, startNginx } from './nginx.mjs';
import { freePort, pinned, sleep, spawnTracked, stop, waitForPort } from './processes.mjs';

/**
 * @typedef {object} LaunchContext
 * @property {string} repoRoot
 * @property {string} runDir         scratch directory of this run (git-ignored)
 * @property {{ url: string, port: number, pids: number[] }} upstream
 * @property {number | null} proxyCpu
 * @property {'file' | 'devnull'} unigateLog
 * @property {string[]} unigateNodeArgs extra node flags for Unigate (profiling)
 * @property {string[]} peerNodeArgs    extra node flags for the Node peers (profiling)
 * @property {string} unigateEntry    the Unigate CLI script (dist/main.js unless overridden)
 * @property {boolean} keep           keep scratch files, and a copy of each measured run's request log
 */

/** wrk straight at the upstream: the ceiling of the setup. CPU figures are the upstream's own. */
export function direct() {
  return {
    id: 'direct',
    label: 'direct to upstream (no proxy)',
    note: 'no proxy; CPU and RSS columns are the upstream nginx itself',
    async start(ctx) {
      return { url: ctx.upstream.url, pids: () => ctx.upstream.pids, stop: async () => {} };
    },
  };
}

export function nginxProxy() {
  return {
    id: 'nginx',
    label: 'nginx proxy_pass (keepalive, 1 worker)',
    note: 'access_log off; CPU and RSS are master + worker',
    async start(ctx) {
      const port = await freePort();
      const prefix = join(ctx.runDir, 'nginx-proxy');
      const nginx = await startNginx({
        name: 'nginx proxy',
        prefix,
        conf: proxyConf({ prefix, port, upstreamPort: ctx.upstream.port }),
        port,
        cpu: ctx.proxyCpu,
      });
      return { url: `http://127.0.0.1:${port}`, pids: () => nginx.pids, stop: () => stop(nginx.entry) };
    },
  };
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
 * `setup(ctx, admin)` may prepare runtime state through the admin API and return request
 * headers for wrk and the body check (an API key, say). `log` ('file' | 'devnull') and
 * `entry` (CLI script) override the run-wide settings for this variant (A/B experiments).
 */
export function unigate({ id, label, note, config, setup, log, entry: entryOverride }) {
  return {
    id,
    label,
    note,
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
      const [cmd, args] = pinned(ctx.proxyCpu, process.execPath, [...ctx.unigateNodeArgs, script, 'start', '-c', configFile]);
      const entry = spawnTracked(label, cmd, args, { cwd: dir, stdout: logFile, stderr: join(dir, 'stderr.log') });
      await waitForPort(proxyPort, entry);
      await waitForPort(adminPort, entry);
      const url = `http://127.0.0.1:${proxyPort}`;
      const admin = { url: `http://127.0.0.1:${adminPort}`, token: ADMIN_TOKEN };
      const prepared = setup ? await setup(ctx, admin) : {};
      return {
        url,
        headers: prepared.headers ?? {},
        pids: () => [entry.pid],
        beforeMeasure() {
          if (logFile !== '/dev/null') truncateSync(logFile, 0);
        },
        async afterMeasure(runLabel) {
          if (logFile === '/dev/null') return { log: 'devnull' };
          await sleep(300); // pino writes asynchronously: let the tail of the run land
          const counted = countLines(logFile);
          if (ctx.keep) copyFileSync(logFile, join(dir, `requests-${runLabel}.log`));
          truncateSync(logFile, 0);
          return { log: 'file', logLines: counted.lines, logBytes: counted.bytes };
        },
        stop: () => stop(entry, 5000),
      };
    },
  };
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
