/**
 * The operator commands as operators run them (a child process on a temp SQLite store):
 * consumers, keys shown once, connections whose secret comes on stdin and never in argv or
 * output, rotation and retirement of the master key, and use next to a running gateway.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { request } from 'undici';
import { openCredentials } from '../src/secrets/connection-secrets.js';
import { loadKeyring } from '../src/secrets/load-keyring.js';
import { SqliteStateStore } from '../src/store/state/sqlite/sqlite-store.js';
import { startGateway, type TestGateway } from './helpers/gateway.js';
import { startUpstream, type TestUpstream } from './helpers/upstream.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'unigate-cli-admin-'));
const dataDir = join(dir, 'data');
const config = join(dir, 'unigate.yaml');
writeFileSync(
  config,
  `server: { data_dir: ${JSON.stringify(dataDir)} }
upstreams: { pay: { targets: [{ url: "http://127.0.0.1:1" }], credentials: { connection: per-consumer } } }
routes: [{ name: r, match: { path: /x }, upstream: pay }]
`,
);

const SECRET = 'cli-canary-secret-4b1d9e';
const PASSWORD = 'cli-canary-password-a07c3f';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

// Each run starts Node and opens the stores; on a loaded machine that takes seconds.
vi.setConfig({ testTimeout: 120_000 });

/** Runs the CLI with `input` on stdin (never a TTY here) and no master key in the environment. */
function cli(args: string[], input = ''): Promise<{ status: number | null; stdout: string; stderr: string; json: any }> {
  const child = spawn(process.execPath, ['dist/main.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, UNIGATE_MASTER_KEY: '', UNIGATE_CONFIG: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      let json: any;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ status, stdout, stderr, json });
    }),
  );
}

async function withStore<T>(fn: (store: SqliteStateStore) => Promise<T>): Promise<T> {
  const store = await SqliteStateStore.open({ path: join(dataDir, 'unigate.db') });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function storedCredentials(connectionId: string): Promise<Record<string, string>> {
  return withStore(async (store) => openCredentials(loadKeyring({ dataDir, env: {} }), (await store.getSecret(connectionId, 'credentials'))!));
}

const connectionIds: string[] = [];

describe('unigate consumers / keys / connections', () => {
  it('creates and lists consumers', async () => {
    const created = await cli(['consumers', 'create', '-c', config, '--name', 'Acme', '--id', 'acme', '--metadata', '{"plan":"gold"}']);
    expect(created.status, created.stderr).toBe(0);
    expect(created.json).toMatchObject({ id: 'acme', name: 'Acme', metadata: { plan: 'gold' }, enabled: true });
    const listed = await cli(['consumers', 'list', '-c', config]);
    expect(listed.json.map((c: { id: string }) => c.id)).toContain('acme');
  });

  it('prints a new key once, then only its prefix', async () => {
    const created = await cli(['keys', 'create', '-c', config, '--consumer', 'acme', '--name', 'ci', '--scope-routes', 'r', '--expires', '30d']);
    expect(created.status, created.stderr).toBe(0);
    expect(created.json.key).toMatch(/^ug_live_/);
    expect(created.json).toMatchObject({ consumer_id: 'acme', name: 'ci', scopes: { routes: ['r'] }, status: 'active' });
    expect(Date.parse(created.json.expires_at) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(created.stderr).toContain('not shown again');

    const listed = await cli(['keys', 'list', '-c', config, '--consumer', 'acme']);
    expect(listed.stdout).not.toContain(created.json.key);
    expect(listed.json).toEqual([expect.objectContaining({ id: created.json.id, prefix: created.json.prefix })]);

    const revoked = await cli(['keys', 'revoke', '-c', config, created.json.id]);
    expect(revoked.json).toMatchObject({ id: created.json.id, status: 'revoked' });
  });

  it('adds connections with secrets from stdin, never from argv, and never prints them', async () => {
    const args = ['connections', 'add', '-c', config, '--consumer', 'acme', '--target', 'pay', '--strategy', 'header', '--setting', 'name=X-Api-Key'];
    const header = await cli(args, JSON.stringify({ api_key: SECRET }));
    expect(header.status, header.stderr).toBe(0);
    expect(args.join(' ')).not.toContain(SECRET);
    expect(header.stdout + header.stderr).not.toContain(SECRET);
    expect(header.json).toMatchObject({ consumer_id: 'acme', target: 'pay', auth_strategy: 'header', auth_settings: { name: 'X-Api-Key' }, credential_fields: ['api_key'] });
    connectionIds.push(header.json.id);
    expect(await storedCredentials(header.json.id)).toEqual({ api_key: SECRET });

    const basicArgs = ['connections', 'add', '-c', config, '--consumer', 'acme', '--target', 'pay', '--strategy', 'basic', '--credential-field', 'username', '--credential-field', 'password'];
    const basic = await cli(basicArgs, `svc\n${PASSWORD}\n`);
    expect(basic.status, basic.stderr).toBe(0);
    expect(basic.stdout + basic.stderr).not.toContain(PASSWORD);
    connectionIds.push(basic.json.id);
    expect(await storedCredentials(basic.json.id)).toEqual({ username: 'svc', password: PASSWORD });

    const listed = await cli(['connections', 'list', '-c', config, '--consumer', 'acme']);
    expect(listed.json.map((c: { id: string }) => c.id)).toEqual(connectionIds);
    expect(listed.stdout).not.toMatch(new RegExp(`${SECRET}|${PASSWORD}`));

    const replaced = await cli(['connections', 'set-credentials', '-c', config, header.json.id, '--credential-field', 'api_key'], 'replaced-secret\n');
    expect(replaced.status, replaced.stderr).toBe(0);
    expect(replaced.stdout).not.toContain('replaced-secret');
    expect(await storedCredentials(header.json.id)).toEqual({ api_key: 'replaced-secret' });
  });

  it('reports every problem on stderr and exits 1', async () => {
    const [bad, notJson, noConfig, unknown] = await Promise.all([
      cli(['connections', 'add', '-c', config, '--consumer', 'nobody', '--target', 'nope', '--strategy', 'header'], `{"token": "${SECRET}"}`),
      cli(['connections', 'add', '-c', config, '--consumer', 'acme', '--target', 'pay', '--strategy', 'bearer'], `token=${SECRET}`),
      cli(['consumers', 'list']),
      cli(['keys', 'revoke', '-c', config, 'key_nobody']),
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('VALIDATION_FAILED');
    for (const path of ['auth_settings.name', 'consumer_id', 'target']) expect(bad.stderr).toContain(`  - ${path}:`);
    expect(bad.stderr).not.toContain(SECRET);

    expect(notJson.status).toBe(1);
    expect(notJson.stderr).toContain('stdin is not a JSON object');
    expect(notJson.stderr).not.toContain(SECRET);

    expect(noConfig.status).toBe(1);
    expect(noConfig.stderr).toContain('give the config file with -c');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('NOT_FOUND');
  });
});

describe('unigate secrets', () => {
  it('rotates every secret to a new key, then retires the old one', async () => {
    const oldKey = loadKeyring({ dataDir, env: {} }).activeKeyId;
    const rotated = await cli(['secrets', 'rotate', '-c', config, '--batch-size', '1']);
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(rotated.json.active_key_id).not.toBe(oldKey);
    expect(rotated.json).toMatchObject({ reencrypted: connectionIds.length, failed: [], secrets_by_key: { [rotated.json.active_key_id]: connectionIds.length } });
    expect(await storedCredentials(connectionIds[1]!)).toEqual({ username: 'svc', password: PASSWORD });

    const active = await cli(['secrets', 'retire', '-c', config, rotated.json.active_key_id]);
    expect(active.status).toBe(1);
    expect(active.stderr).toContain('MASTER_KEY_ACTIVE');
    const retired = await cli(['secrets', 'retire', '-c', config, oldKey]);
    expect(retired.status, retired.stderr).toBe(0);
    expect(readFileSync(join(dataDir, 'master.key'), 'utf8')).not.toContain(oldKey);

    const events = await withStore((store) => store.listAuditEvents({ entityType: 'keyring' }));
    expect(events.map((e) => e.action)).toEqual(['secrets.retire_key', 'secrets.rotate']);
    expect(events[0]!.actor).toMatch(/^cli/);
  });

  it('refuses to make a new master key when stored secrets need the missing one', async () => {
    const keyFile = join(dataDir, 'master.key');
    renameSync(keyFile, `${keyFile}.away`);
    try {
      const run = await cli(['connections', 'add', '-c', config, '--consumer', 'acme', '--target', 'pay', '--strategy', 'bearer'], '{"token":"t"}');
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('no master key');
    } finally {
      renameSync(`${keyFile}.away`, keyFile);
    }
  });
});

describe('next to a running gateway', () => {
  it('creates what the gateway serves and revokes what it refuses, within the change feed bound', async () => {
    const upstream: TestUpstream = await startUpstream((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ headers: req.headers }));
    });
    const gw: TestGateway = await startGateway(`
upstreams: { api: { targets: [{ url: "${upstream.url}" }], credentials: { connection: per-consumer } } }
routes:
  - { name: keyed, match: { path: /keyed/* }, upstream: api, strip_prefix: true, policies: { authenticate: { mode: key } } }
`);
    cleanups.push(() => gw.close(), () => upstream.close());
    const c = ['-c', gw.configPath];
    expect((await cli(['consumers', 'create', ...c, '--name', 'live', '--id', 'live'])).status).toBe(0);
    const key = (await cli(['keys', 'create', ...c, '--consumer', 'live'])).json;
    const conn = await cli(['connections', 'add', ...c, '--consumer', 'live', '--target', 'api', '--strategy', 'bearer'], JSON.stringify({ token: SECRET }));
    expect(conn.status, conn.stderr).toBe(0);

    const call = async () => {
      const res = await request(`${gw.url}/keyed/x`, { headers: { 'x-api-key': key.key } });
      return { status: res.statusCode, body: (await res.body.json()) as any };
    };
    await vi.waitFor(async () => expect((await call()).body.headers.authorization).toBe(`Bearer ${SECRET}`), { timeout: 10_000, interval: 100 });
    expect((await cli(['keys', 'revoke', ...c, key.id])).status).toBe(0);
    await vi.waitFor(async () => expect((await call()).status).toBe(401), { timeout: 10_000, interval: 100 });
  });
});

describe('--help', () => {
  it('is available on every operator command', async () => {
    const commands = [['consumers', 'create'], ['keys', 'create'], ['connections', 'add'], ['connections', 'set-credentials'], ['secrets', 'rotate'], ['secrets', 'retire']];
    const runs = await Promise.all(commands.map((args) => cli([...args, '--help'])));
    runs.forEach((run, i) => {
      expect(run.status, commands[i]!.join(' ')).toBe(0);
      expect(run.stdout).toContain(`Usage: unigate ${commands[i]!.join(' ')}`);
    });
  });
});
