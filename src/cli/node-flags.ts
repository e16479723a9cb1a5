/**
 * `unigate start` runs Node with the V8 flags `npm start` gives it (see the README's Tuning):
 * Node takes them only on its own command line, not from NODE_OPTIONS and not at run time, so
 * a process started without them starts the gateway again as a child that has them, forwards
 * it the signals operators send (SIGHUP reloads, SIGTERM and SIGINT drain) and exits as it
 * exits. The child stops (draining) if this process dies. `UNIGATE_NODE_FLAGS=off` keeps the
 * gateway in the process as started.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** What the gateway's V8 needs under load: a first old generation large enough to stay out of back-to-back full collections. */
export const GATEWAY_NODE_FLAGS = ['--initial-old-space-size=128'];

/** Set in the child, so that it never starts another. */
const RELAUNCHED = 'UNIGATE_RELAUNCHED';

/** The gateway flags this process lacks (none when re-running is off or already done). */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv, env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.UNIGATE_NODE_FLAGS === 'off' || env[RELAUNCHED] === '1') return [];
  const given = execArgv.map((arg) => arg.split('=')[0]!.replace(/_/g, '-'));
  return GATEWAY_NODE_FLAGS.filter((flag) => !given.includes(flag.split('=')[0]!));
}

/** Runs this command again with `flags` added; this process then only relays signals and the exit. */
export function relaunchWith(flags: readonly string[]): void {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [RELAUNCHED]: '1' },
  });
  for (const signal of ['SIGHUP', 'SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
}

/** In a relaunched gateway: calls `stop` when the process that started it is gone. */
export function onParentGone(stop: () => void): void {
  if (process.env[RELAUNCHED] !== '1' || process.channel === undefined) return;
  process.on('disconnect', stop);
  // The channel only watches the parent: it must not keep the gateway alive by itself.
  process.channel.unref();
}
