#!/usr/bin/env node
/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof) of the main thread: self time by package or
 * module and by function, and inclusive time by function, as shares of busy time.
 *
 *   BENCH_ONLY=unigate BENCH_BODIES=small BENCH_ROUNDS=1 \
 *     BENCH_UNIGATE_NODE_ARGS="--cpu-prof --cpu-prof-dir=.bench/prof" node bench/run.mjs
 *   node bench/tools/profile-summary.mjs .bench/prof/CPU.*.cpuprofile [top=30]
 */
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-summary.mjs <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
// Shares are of busy time: (idle) samples are reported apart, since the process idles while other candidates run.
let idleUs = 0;
for (const [id, us] of selfUs) {
  if (byId.get(id).callFrame.functionName === '(idle)') {
    idleUs += us;
    selfUs.delete(id);
  }
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

/** Where a frame comes from: our code, a package, a Node internal module, or V8/native. */
function origin(frame) {
  const url = frame.url ?? '';
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const internal = /^node:(?:internal\/)?(.*)$/.exec(url);
  if (internal) return `node:${internal[1].split('/').slice(0, 2).join('/')}`;
  const own = /\/(dist|src|bench)\/(.*)$/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
}

const label = (frame) => `${frame.functionName || '(anonymous)'} ${origin(frame)}:${frame.lineNumber + 1}`;
const pct = (us) => `${((100 * us) / total).toFixed(1)}%`.padStart(6);

const selfByFunction = new Map();
const selfByOrigin = new Map();
const inclusive = new Map();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  selfByFunction.set(label(node.callFrame), (selfByFunction.get(label(node.callFrame)) ?? 0) + us);
  selfByOrigin.set(origin(node.callFrame), (selfByOrigin.get(origin(node.callFrame)) ?? 0) + us);
  // Inclusive: charge every distinct function on the stack once.
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const key = label(byId.get(cur).callFrame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}

const print = (title, map, n) => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) process.stdout.write(`${pct(us)}  ${key}\n`);
};

process.stdout.write(`${file}: ${(total / 1e6).toFixed(2)} s busy sampled (${(idleUs / 1e6).toFixed(2)} s idle left out); shares are of busy time\n`);
print('Self time by origin (package, Node module, our file):', selfByOrigin, top);
print('Self time by function:', selfByFunction, top);
print('Inclusive time by function:', inclusive, top);
