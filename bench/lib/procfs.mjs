/**
 * What /proc says about a process and the CPUs: CPU time (utime+stime, all threads),
 * peak resident set (VmHWM), children, and per-CPU busy time.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Fields after the `(comm)` of /proc/<pid>/stat; index = field number - 3 (proc(5)). */
function statFields(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime of the whole process (every thread), in clock ticks, summed over `pids`. */
export function cpuTicks(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks;
}

/**
 * Time the main thread of each of `pids` spent runnable but waiting for a CPU (ns), from
 * /proc/<pid>/schedstat: other processes, or the candidate's own threads, held its CPU.
 */
export function runQueueWaitNs(pids) {
  let ns = 0;
  for (const pid of pids) ns += Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
  return ns;
}

/** Peak resident set size (VmHWM) in bytes, summed over `pids`. */
export function peakRssBytes(pids) {
  let bytes = 0;
  for (const pid of pids) {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match) bytes += Number(match[1]) * 1024;
  }
  return bytes;
}

export function childrenOf(ppid) {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (Number(statFields(name)[1]) === ppid) out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** Busy and total jiffies per CPU from /proc/stat (busy excludes idle and iowait). */
export function cpuSnapshot() {
  const out = {};
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const v = match[2].trim().split(/\s+/).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    out[match[1]] = { busy: total - v[3] - v[4], total };
  }
  return out;
}

/** Busy share (0..1) of each CPU between two snapshots. */
export function cpuBusy(before, after) {
  const out = {};
  for (const cpu of Object.keys(after)) {
    const total = after[cpu].total - (before[cpu]?.total ?? 0);
    out[cpu] = total > 0 ? (after[cpu].busy - (before[cpu]?.busy ?? 0)) / total : 0;
  }
  return out;
}

export function cpuModel() {
  try {
    const match = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return match?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
