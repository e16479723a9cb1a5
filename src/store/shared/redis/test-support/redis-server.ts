/**
 * Test support: Redis servers the tests own (never the machine's shared one on 6379), on
 * free loopback ports, without persistence; and a harness that runs the contract suite on
 * a Redis with a unique key prefix and removes its keys afterwards.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { CONTRACT_T0, type SharedStoreHarness } from '../../contract.js';
import type { SharedStore } from '../../types.js';
import { createRedisSharedStore, type RedisStoreOptions, type RedisTarget } from '../index.js';

const run = promisify(execFile);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export class RedisServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly extraArgs: string[],
  ) {}

  static async start(port?: number, extraArgs: string[] = []): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()), extraArgs);
    await server.restart();
    return server;
  }

  get target(): RedisTarget {
    return { cluster: false, tls: false, nodes: [{ host: '127.0.0.1', port: this.port }] };
  }

  /** Starts the process (again) on the same port and resolves once it accepts connections. */
  async restart(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${output}`));
      });
    });
    child.stdout?.resume();
  }

  /** SIGKILL: the server vanishes without closing anything politely. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Freezes the process: connections stay open but nothing answers. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.resume();
    await this.signal('SIGKILL');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}

/** Three masters, no replicas, slots spread by redis-cli. */
export class RedisCluster {
  private constructor(
    readonly servers: RedisServer[],
    private readonly dir: string,
  ) {}

  static async start(size = 3): Promise<RedisCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'unigate-redis-cluster-'));
    const servers: RedisServer[] = [];
    for (let i = 0; i < size; i++) {
      const port = await freePort();
      servers.push(await RedisServer.start(port, ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir]));
    }
    const addresses = servers.map((s) => `127.0.0.1:${s.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    for (const server of servers) {
      const client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
      try {
        await client.connect();
        for (let i = 0; i < 200 && !String(await client.cluster('INFO')).includes('cluster_state:ok'); i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        client.disconnect();
      }
    }
    return new RedisCluster(servers, dir);
  }

  get target(): RedisTarget {
    return { cluster: true, tls: false, nodes: this.servers.map((s) => ({ host: '127.0.0.1', port: s.port })) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
    await rm(this.dir, { recursive: true, force: true });
  }
}

export function uniquePrefix(label: string): string {
  return `unigate-test:${label}:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`;
}

/** Deletes every key containing the prefix (plain or inside a hash tag) on the given nodes. */
export async function deleteKeys(ports: readonly number[], prefix: string): Promise<void> {
  for (const port of ports) {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
    try {
      await client.connect();
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
        cursor = next;
        // One key per DEL: on a cluster node the keys of one batch may sit in different slots.
        await Promise.all(keys.map((k) => client.del(k)));
      } while (cursor !== '0');
    } finally {
      client.disconnect();
    }
  }
}

/** A contract harness on a Redis (or cluster): unique prefix, a movable clock in place of TIME. */
export function redisHarness(target: RedisTarget, label: string, options: RedisStoreOptions = {}): () => Promise<SharedStoreHarness> {
  return async () => {
    let now = CONTRACT_T0;
    const prefix = uniquePrefix(label);
    const stores: SharedStore[] = [];
    return {
      async open() {
        const store = await createRedisSharedStore(target, { ...options, prefix, now: () => now });
        stores.push(store);
        return store;
      },
      advance(ms: number) {
        now += ms;
      },
      async cleanup() {
        await Promise.all(stores.map((s) => s.close()));
        await deleteKeys(target.nodes.map((n) => n.port), prefix);
      },
    };
  };
}
