/**
 * Child processes of the bench: spawned (optionally pinned to a CPU with taskset), tracked,
 * and always stopped — on normal exit, on an error, on Ctrl-C or when the time bound trips.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';

/** @type {Set<Tracked>} */
const tracked = new Set();

/**
 * @typedef {object} Tracked
 * @property {string} name
 * @property {import('node:child_process').ChildProcess} child
 * @property {number} pid
 * @property {Promise<{ code: number | null, signal: string | null }>} exited
 * @property {boolean} alive
 * @property {number[]} extraPids pids the child forked that must die with it (nginx workers)
 * @property {string | undefined} stderrFile
 */

/** The command line that runs `cmd args` on `cpu` (null: unpinned). taskset execs, so the pid is the command's. */
export function pinned(cpu, cmd, args) {
  return cpu === null ? [cmd, args] : ['taskset', ['-c', String(cpu), cmd, ...args]];
}

/**
 * Spawns a tracked child. `stdout`/`stderr`: a file path (appended to), 'pipe', or 'ignore'.
 * @returns {Tracked}
 */
export function spawnTracked(name, cmd, args, { cwd, env, stdout = 'ignore', stderr = 'ignore' } = {}) {
  const fds = [];
  const target = (where) => {
    if (where === 'pipe' || where === 'ignore') return where;
    const fd = openSync(where, 'a');
    fds.push(fd);
    return fd;
  };
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', target(stdout), target(stderr)] });
  for (const fd of fds) closeSync(fd);
  const entry = {
    name,
    child,
    pid: child.pid ?? -1,
    alive: true,
    extraPids: [],
    stderrFile: stderr !== 'pipe' && stderr !== 'ignore' ? stderr : undefined,
    exited: undefined,
  };
  entry.exited = new Promise((resolve) => {
    child.once('error', (err) => {
      entry.alive = false;
      tracked.delete(entry);
      resolve({ code: null, signal: null, error: err });
    });
    // 'close' (not 'exit'): piped output is fully read by then.
    child.once('close', (code, signal) => {
      entry.alive = false;
      tracked.delete(entry);
      resolve({ code, signal });
    });
  });
  tracked.add(entry);
  return entry;
}

/** Stops one child: SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(entry, graceMs = 3000) {
  if (!entry.alive) return;
  try {
    entry.child.kill('SIGTERM');
  } catch {
    // already gone
  }
  const timer = setTimeout(() => killHard(entry), graceMs);
  await entry.exited;
  clearTimeout(timer);
  for (const pid of entry.extraPids) killPid(pid, 'SIGKILL');
}

function killHard(entry) {
  try {
    entry.child.kill('SIGKILL');
  } catch {
    // already gone
  }
  for (const pid of entry.extraPids) killPid(pid, 'SIGKILL');
}

function killPid(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export async function stopAll() {
  await Promise.all([...tracked].map((entry) => stop(entry)));
}

/** Last resort from a synchronous 'exit' handler: no waiting possible, so SIGKILL everything. */
export function killAllSync() {
  for (const entry of tracked) killHard(entry);
}

/**
 * Stops every child on Ctrl-C, SIGTERM, an uncaught error, or when `boundMs` elapses.
 * Returns a function that disarms the time bound.
 */
let stopping = false;
const afterStop = [];

/** Runs `fn` after the children are stopped when the bench bails out (signal, error, time bound). */
export function onBail(fn) {
  afterStop.push(fn);
}

/** True once a signal, an uncaught error or the time bound has started tearing everything down. */
export function isStopping() {
  return stopping;
}

export function installCleanup(boundMs) {
  const bail = async (reason, code) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\nbench: ${reason}; stopping child processes\n`);
    await stopAll();
    for (const fn of afterStop) {
      try {
        fn();
      } catch {
        // best effort
      }
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void bail('interrupted', 130));
  process.on('SIGTERM', () => void bail('terminated', 143));
  process.on('uncaughtException', (err) => void bail(`error: ${err?.stack ?? err}`, 1));
  process.on('unhandledRejection', (err) => void bail(`error: ${err?.stack ?? err}`, 1));
  process.on('exit', killAllSync);
  const timer = setTimeout(() => void bail(`overall time bound of ${Math.round(boundMs / 1000)}s reached`, 124), boundMs);
  timer.unref();
  return () => clearTimeout(timer);
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once 127.0.0.1:port accepts connections; throws if the child dies first or time runs out. */
export async function waitForPort(port, entry, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (entry && !entry.alive) throw new Error(`${entry.name} exited during start-up${stderrTail(entry)}`);
    if (await canConnect(port)) return;
    await sleep(50);
  }
  throw new Error(`${entry?.name ?? 'process'} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms${entry ? stderrTail(entry) : ''}`);
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stderrTail(entry) {
  if (entry.stderrFile === undefined) return '';
  try {
    const text = readFileSync(entry.stderrFile, 'utf8').trim();
    return text === '' ? '' : `:\n${text.split('\n').slice(-15).join('\n')}`;
  } catch {
    return '';
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
