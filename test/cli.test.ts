/** The CLI as operators use it: validate, config schema, --help, start with signals. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { request } from 'undici';
import { parse } from 'yaml';
import { runCli, runCliAsync, startCli, type CliProcess } from './helpers/cli.js';
import { startUpstream, type TestUpstream } from './helpers/upstream.js';
import { GATEWAY_NODE_FLAGS } from '../src/cli/node-flags.js';

const dir = mkdtempSync(join(tmpdir(), 'unigate-cli-'));
const upstreams: TestUpstream[] = [];
const children: CliProcess[] = [];
afterAll(async () => {
  // A failed assertion must not leave a gateway running.
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  await Promise.all(upstreams.map((u) => u.close()));
});

/** A process's command line, from /proc. */
function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// Each case starts Node; on a loaded machine that takes seconds.
vi.setConfig({ testTimeout: 90_000 });

describe('unigate validate', () => {
  it('exits 0 on a good config', () => {
    const path = file('good.yaml', 'upstreams: { a: { targets: [{ url: "http://127.0.0.1:1" }] } }\nroutes: [{ name: r, match: { path: /x }, upstream: a }]\n');
    const run = runCli(['validate', '-c', path]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('valid (1 routes, 1 upstreams)');
  });

  it('lists every problem with path, line, value and expectation, and exits 1', () => {
    const path = file('bad.yaml', 'upstreams:\n  a:\n    targets: [{ url: "ftp://x" }]\n    balancer: random\nroutes:\n  - { name: r, match: { path: /x }, upstream: b, typo: 1 }\n');
    const run = runCli(['validate', '-c', path]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('upstreams.a.targets[0].url (line 3)');
    expect(run.stderr).toContain('— got "ftp://x"');
    expect(run.stderr).toContain('upstreams.a.balancer (line 4): expected round-robin, weighted-round-robin, least-connections or consistent-hash — got "random"');
    expect(run.stderr).toContain('routes[0].typo (line 6): unknown key "typo"');
  });

  it('says so when the file cannot be read', () => {
    const run = runCli(['validate', '-c', join(dir, 'missing.yaml')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot read the file');
  });
});

describe('unigate config schema', () => {
  it('prints a JSON Schema that validates the demo config', () => {
    const run = runCli(['config', 'schema']);
    expect(run.status).toBe(0);
    const schema = JSON.parse(run.stdout) as Record<string, unknown>;
    const ajv = new Ajv({ strict: false, allowUnionTypes: true });
    const validate = ajv.compile(schema);
    // The demo with its variables filled in, as a user's file would read.
    const demo = parse(
      readFileSync(new URL('../config/demo.yaml', import.meta.url), 'utf8')
        .replace(/\$\{UNIGATE_DEMO_[A-Z_]+\}/g, 'http://127.0.0.1:1')
        .replace(/\$\{[A-Z_]+:-(\d+)\}/g, '$1'),
    ) as unknown;
    expect(validate(demo), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ routes: [], bogus: 1 })).toBe(false);
  });
});

describe('--help', () => {
  it('is available on every command', async () => {
    const commands = [['--help'], ['start', '--help'], ['validate', '--help'], ['config', 'schema', '--help']];
    const runs = await Promise.all(commands.map((args) => runCliAsync(args)));
    runs.forEach((run, i) => {
      expect(run.status, commands[i]!.join(' ')).toBe(0);
      expect(run.stdout).toContain('Usage: unigate');
    });
  });
});

describe('unigate start', () => {
  it('serves, reloads on SIGHUP and drains on SIGTERM with exit 0', async () => {
    const a = await startUpstream((_req, res) => res.end('from-a'));
    const b = await startUpstream((_req, res) => res.end('from-b'));
    upstreams.push(a, b);
    const body = (url: string) => `
listeners:
  proxy: { host: 127.0.0.1, port: 0 }
  admin: { host: 127.0.0.1, port: 0, token: cli-test-admin-token-123 }
server: { data_dir: ${JSON.stringify(join(dir, 'data'))} }
upstreams: { u: { targets: [{ url: "${url}" }] } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`;
    const path = file('start.yaml', body(a.url));
    const cli = startCli(['start', '-c', path]);
    children.push(cli);
    const [, proxyUrl, pid] = await cli.waitFor(/proxy on (http:\/\/127\.0\.0\.1:\d+).*\(pid (\d+)\)/);
    expect(await (await request(`${proxyUrl}/x`)).body.text()).toBe('from-a');
    // Started without the gateway's V8 flags, the CLI runs the gateway as a child that has them.
    expect(Number(pid)).not.toBe(cli.child.pid);
    expect(commandLine(Number(pid))).toEqual(expect.arrayContaining(GATEWAY_NODE_FLAGS));

    writeFileSync(path, body(b.url));
    cli.child.kill('SIGHUP');
    await cli.waitFor(/config reloaded/);
    expect(await (await request(`${proxyUrl}/x`)).body.text()).toBe('from-b');

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(alive(Number(pid))).toBe(false);
  });

  it('with server.drain_delay, serves on after SIGTERM until a second SIGTERM, then exits 0', async () => {
    const a = await startUpstream((_req, res) => res.end('from-a'));
    upstreams.push(a);
    const path = file('delay.yaml', `
listeners:
  proxy: { host: 127.0.0.1, port: 0 }
  admin: { host: 127.0.0.1, port: 0, token: cli-test-admin-token-123 }
server: { data_dir: ${JSON.stringify(join(dir, 'delay-data'))}, drain_delay: 10m }
upstreams: { u: { targets: [{ url: "${a.url}" }] } }
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
    const cli = startCli(['start', '-c', path]);
    children.push(cli);
    const [, proxyUrl] = await cli.waitFor(/proxy on (http:\/\/127\.0\.0\.1:\d+)/);
    cli.child.kill('SIGTERM');
    await cli.waitFor(/draining/);
    const during = await request(`${proxyUrl}/x`);
    expect(during.headers.connection).toBe('close');
    expect(await during.body.text()).toBe('from-a');
    expect((await request(`${proxyUrl}/readyz`)).statusCode).toBe(503);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('says which listener cannot bind its port, without a stack trace, and exits 1', async () => {
    const holder = await startUpstream((_req, res) => res.end());
    upstreams.push(holder);
    const taken = Number(new URL(holder.url).port);
    for (const [listener, ports] of [
      ['proxy', `proxy: { host: 127.0.0.1, port: ${taken} }\n  admin: { host: 127.0.0.1, port: 0, token: cli-test-admin-token-123 }`],
      ['admin', `proxy: { host: 127.0.0.1, port: 0 }\n  admin: { host: 127.0.0.1, port: ${taken}, token: cli-test-admin-token-123 }`],
    ] as const) {
      const path = file(`taken-${listener}.yaml`, `
listeners:
  ${ports}
server: { data_dir: ${JSON.stringify(join(dir, `taken-${listener}`))} }
upstreams: {}
routes: []
`);
      const { status, stderr } = await runCliAsync(['start', '-c', path]);
      expect(status, stderr).toBe(1);
      expect(stderr).toContain(`listeners.${listener}.port: cannot listen: 127.0.0.1:${taken} is in use`);
      expect(stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('stops the gateway it started when it dies itself, and runs in place with UNIGATE_NODE_FLAGS=off', async () => {
    const config = file('orphan.yaml', `
listeners:
  proxy: { host: 127.0.0.1, port: 0 }
  admin: { host: 127.0.0.1, port: 0, token: cli-test-admin-token-123 }
server: { data_dir: ${JSON.stringify(join(dir, 'orphan-data'))} }
upstreams: {}
routes: []
`);
    const cli = startCli(['start', '-c', config]);
    children.push(cli);
    const [, pid] = await cli.waitFor(/proxy on .*\(pid (\d+)\)/);
    cli.child.kill('SIGKILL');
    await cli.exited;
    for (let i = 0; i < 150 && alive(Number(pid)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(Number(pid))).toBe(false);

    const inPlace = startCli(['start', '-c', config], { UNIGATE_NODE_FLAGS: 'off' });
    children.push(inPlace);
    const [, samePid] = await inPlace.waitFor(/proxy on .*\(pid (\d+)\)/);
    expect(Number(samePid)).toBe(inPlace.child.pid);
    inPlace.child.kill('SIGTERM');
    expect(await inPlace.exited).toBe(0);
  });

  it('gives npm start the same V8 flags, so the demo runs in one process', () => {
    const scripts = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const flag of GATEWAY_NODE_FLAGS) expect(scripts.start).toContain(flag);
  });

  it('exits 1 with the problems when the config is bad', async () => {
    const path = file('broken.yaml', 'routes: [{ name: r }]\n');
    const cli = startCli(['start', '-c', path]);
    children.push(cli);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain('routes[0].match');
  });
});

describe('npm start (the demo)', () => {
  it('starts simulated stores behind the unified API and prints a working key and curl lines', async () => {
    const cli = startCli(['start'], { UNIGATE_PORT: '0', UNIGATE_ADMIN_PORT: '0', UNIGATE_DATA_DIR: join(dir, 'demo-data') });
    children.push(cli);
    const [, proxyUrl] = await cli.waitFor(/proxy {2}(http:\/\/127\.0\.0\.1:\d+)/);
    const [, key] = await cli.waitFor(/API key \(new each start, shown once\): (ug_live_\S+)/);
    await cli.waitFor(/Stop with Ctrl-C/);
    const lines = cli.output().split('\n').filter((l) => l.includes('/v1/product.list?connection=demo-'));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      const url = /'(http:[^']+)'/.exec(line)![1]!;
      const res = await request(url, { headers: { 'x-api-key': key! } });
      expect(res.statusCode, url).toBe(200);
      expect(((await res.body.json()) as { data: unknown[] }).data).toHaveLength(2);
    }
    expect(proxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});

describe('unigate simulate', () => {
  it('runs a platform simulator on loopback that serves its seeded store', async () => {
    const cli = startCli(['simulate', 'shopify', '--port', '0', '--products', '3']);
    children.push(cli);
    const [, url] = await cli.waitFor(/Shopify simulator on (http:\/\/127\.0\.0\.1:\d+)/);
    const [, token] = await cli.waitFor(/X-Shopify-Access-Token: (\S+)/);
    const res = await request(`${url}/admin/api/2024-04/products.json`, { headers: { 'x-shopify-access-token': token! } });
    expect(res.statusCode).toBe(200);
    expect(((await res.body.json()) as { products: unknown[] }).products).toHaveLength(3);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('names the platforms it knows when given another', async () => {
    const run = await runCliAsync(['simulate', 'prestashop']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('shopify, bigcommerce, woocommerce, magento2');
  });
});
