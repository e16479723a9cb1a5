/**
 * Bodies stream through without buffering: 1 GiB up and 1 GiB down through a gateway
 * running in its own process, whose resident memory is sampled from /proc throughout.
 * The bound is generous (machines are shared and noisy); the figure is printed.
 */
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startCli, type CliProcess } from '../helpers/cli.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const GIB = 1024 * 1024 * 1024;
const CHUNK = Buffer.alloc(256 * 1024, 120);
/** Growth of the gateway's RSS over its warmed-up baseline that still counts as flat. */
const FLAT_BOUND = 200 * 1024 * 1024;

let upstream: TestUpstream;
let cli: CliProcess;
let proxyUrl: string;

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/** Samples the gateway's RSS while `work` runs; returns the peak. */
async function peakRssDuring(work: () => Promise<void>): Promise<number> {
  const pid = cli.child.pid!;
  let peak = rssOf(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 25);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, rssOf(pid));
}

function generated(total: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const n = Math.min(CHUNK.length, total - sent);
      sent += n;
      this.push(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
    },
  });
}

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    if (req.url === '/download') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(GIB) });
      generated(GIB).pipe(res);
      return;
    }
    let received = 0;
    req.on('data', (c: Buffer) => (received += c.length));
    req.on('end', () => res.end(JSON.stringify({ received })));
  });
  const dir = mkdtempSync(join(tmpdir(), 'unigate-stream-'));
  const config = join(dir, 'unigate.yaml');
  writeFileSync(
    config,
    `
listeners:
  proxy: { host: 127.0.0.1, port: 0 }
  admin: { host: 127.0.0.1, port: 0, token: stream-test-admin-token }
server: { data_dir: ${JSON.stringify(join(dir, 'data'))} }
logging: { level: warn }
upstreams: { u: { targets: [{ url: "${upstream.url}" }] } }
routes:
  - { name: r, match: { path: /* }, upstream: u, limits: { max_body_bytes: ${2 * GIB} } }
`,
  );
  cli = startCli(['start', '-c', config]);
  proxyUrl = (await cli.waitFor(/proxy on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
  // Warm up pools and JIT so the baseline is the steady state.
  for (let i = 0; i < 20; i++) await (await request(`${proxyUrl}/warm`, { method: 'POST', body: CHUNK })).body.text();
});

afterAll(async () => {
  cli.child.kill('SIGTERM');
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 10_000);
  await cli.exited;
  clearTimeout(timer);
  await upstream.close();
});

describe('streaming', () => {
  it('uploads 1 GiB with flat memory', async () => {
    const baseline = rssOf(cli.child.pid!);
    let answer = '';
    const peak = await peakRssDuring(async () => {
      const res = await request(`${proxyUrl}/upload`, { method: 'PUT', body: generated(GIB), headers: { 'content-length': String(GIB) } });
      answer = await res.body.text();
    });
    expect(JSON.parse(answer)).toEqual({ received: GIB });
    console.log(`upload 1 GiB: gateway RSS baseline ${(baseline / 2 ** 20).toFixed(0)} MiB, peak ${(peak / 2 ** 20).toFixed(0)} MiB`);
    expect(peak - baseline).toBeLessThan(FLAT_BOUND);
  }, 120_000);

  it('downloads 1 GiB with flat memory', async () => {
    const baseline = rssOf(cli.child.pid!);
    let received = 0;
    const peak = await peakRssDuring(async () => {
      const res = await request(`${proxyUrl}/download`);
      for await (const chunk of res.body) received += (chunk as Buffer).length;
    });
    expect(received).toBe(GIB);
    console.log(`download 1 GiB: gateway RSS baseline ${(baseline / 2 ** 20).toFixed(0)} MiB, peak ${(peak / 2 ** 20).toFixed(0)} MiB`);
    expect(peak - baseline).toBeLessThan(FLAT_BOUND);
  }, 120_000);
});
