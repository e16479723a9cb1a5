/**
 * One wrk run (bounded by -d, and killed if it overstays), pinned to the load CPU, with
 * --latency. Parses the printed summary (Requests/sec, 50% and 99%) and the exact figures
 * the Lua done() hook prints.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pinned, spawnTracked, stop } from './processes.mjs';

export const WRK = process.env.BENCH_WRK ?? '/usr/bin/wrk';
const REPORT_SCRIPT = fileURLToPath(new URL('./wrk-report.lua', import.meta.url));
/** Scripts a run may ask for by name: `report` keeps wrk's static-request fast path; `unique` varies the URL. */
const SCRIPTS = { report: REPORT_SCRIPT, unique: fileURLToPath(new URL('./wrk-unique.lua', import.meta.url)) };

export function wrkVersion() {
  try {
    return execFileSync(WRK, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0].trim();
  } catch (err) {
    return String(err.stdout ?? err.message).split('\n')[0].trim();
  }
}

/** Seconds in a wrk duration such as `10s`, `500ms`, `1m`. */
export function durationSeconds(text) {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(text).trim());
  if (!match) throw new Error(`not a duration: ${text}`);
  const n = Number(match[1]);
  return { ms: n / 1000, s: n, m: n * 60, h: n * 3600, undefined: n }[match[2]];
}

const UNIT_US = { us: 1, ms: 1000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };

function latencyUs(text) {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  return match ? Number(match[1]) * UNIT_US[match[2]] : undefined;
}

export function parseWrk(stdout) {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(stdout);
  const p50 = /^\s+50%\s+(\S+)/m.exec(stdout);
  const p99 = /^\s+99%\s+(\S+)/m.exec(stdout);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const jsonLine = /^WRK_JSON (.*)$/m.exec(stdout);
  if (!rps || !jsonLine) throw new Error(`could not parse wrk output:\n${stdout}`);
  const exact = JSON.parse(jsonLine[1]);
  return {
    rps: Number(rps[1]),
    requests: exact.requests,
    durationS: exact.duration_us / 1e6,
    bytes: exact.bytes,
    // Exact microseconds from the Lua hook; the printed (rounded) ones are kept for reference.
    latencyUs: exact.latency_us,
    printed: { p50Us: p50 ? latencyUs(p50[1]) : undefined, p99Us: p99 ? latencyUs(p99[1]) : undefined },
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: socket
      ? { connect: Number(socket[1]), read: Number(socket[2]), write: Number(socket[3]), timeout: Number(socket[4]) }
      : { connect: 0, read: 0, write: 0, timeout: 0 },
  };
}

/**
 * @param {{ url: string, duration: string, connections: number, threads: number, cpu: number | null, headers?: Record<string,string>,
 *   script?: 'report' | 'unique', scriptArgs?: string[], timeout?: string }} options
 *   timeout: wrk's per-request timeout (wrk's default is 2s; slow candidates need more)
 */
export async function runWrk({ url, duration, connections, threads, cpu, headers = {}, script = 'report', scriptArgs = [], timeout }) {
  const args = ['-t', String(threads), '-c', String(connections), '-d', duration, '--latency', '-s', SCRIPTS[script]];
  if (timeout !== undefined) args.push('--timeout', timeout);
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  if (scriptArgs.length > 0) args.push('--', ...scriptArgs);
  const [cmd, cmdArgs] = pinned(cpu, WRK, args);
  const entry = spawnTracked('wrk', cmd, cmdArgs, { stdout: 'pipe', stderr: 'pipe' });
  let stdout = '';
  let stderr = '';
  entry.child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  entry.child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const overstay = setTimeout(() => void stop(entry, 1000), (durationSeconds(duration) + 30) * 1000);
  const { code, signal } = await entry.exited;
  clearTimeout(overstay);
  if (code !== 0) throw new Error(`wrk ${url} failed (code ${code}, signal ${signal}): ${stderr || stdout}`);
  return { ...parseWrk(stdout), stdout };
}
