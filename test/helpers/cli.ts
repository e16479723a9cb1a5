/** Runs the built `unigate` CLI as a child process (real signals, real stdout); test/global-setup.ts builds it. */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARGS = ['dist/main.js'];

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...ARGS, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
}

export function runCliAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, env);
  let stdout = '';
  let stderr = '';
  cli.child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  cli.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return cli.exited.then((status) => ({ status, stdout, stderr }));
}

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first stdout/stderr text matching the pattern (bounded wait). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [...ARGS, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const waiters: (() => void)[] = [];
  const onData = (d: Buffer) => {
    text += d.toString();
    for (const w of waiters.splice(0)) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`)), timeoutMs);
        const check = () => {
          const m = text.match(pattern);
          if (m) {
            clearTimeout(deadline);
            resolve(m);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}
