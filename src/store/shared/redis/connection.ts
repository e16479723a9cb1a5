/**
 * ioredis clients (standalone or Cluster) set up so that no call can hang: no offline
 * queue (a call while disconnected fails at once), a command timeout, no resending after
 * a reconnect (a rate-limit decision must not be applied twice), and a hard bound on each
 * operation on top. Reconnection is automatic with capped backoff; connection events and
 * call outcomes drive the HealthTracker.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { SharedStoreUnavailableError, isSharedStoreUnavailable, type HealthTracker } from '../health.js';
import { SCRIPTS, type ScriptName } from './scripts.js';

export type RedisClient = Redis | Cluster;

export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

export interface RedisTarget {
  readonly cluster: boolean;
  readonly nodes: readonly RedisNode[];
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
  readonly db?: number;
}

export interface ConnectionTimeouts {
  /** Per command (ioredis `commandTimeout`). */
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  /** Cap of the reconnect backoff. */
  reconnectMaxDelayMs: number;
}

// Replies that mean our call or our data is wrong (a failing script, a key of the wrong
// type) rather than that Redis cannot serve us (LOADING, OOM, NOAUTH, CLUSTERDOWN, …).
const BUG_REPLY = /^WRONGTYPE\b|script/i;

export function createRedisClient(target: RedisTarget, timeouts: ConnectionTimeouts, withScripts: boolean): RedisClient {
  const backoff = (times: number): number => Math.min(50 * 2 ** Math.min(times, 10), timeouts.reconnectMaxDelayMs);
  const common = {
    username: target.username,
    password: target.password,
    commandTimeout: timeouts.commandTimeoutMs,
    connectTimeout: timeouts.connectTimeoutMs,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectionName: 'unigate',
  } satisfies RedisOptions;
  const scripts = withScripts ? SCRIPTS : undefined;
  if (target.cluster) {
    const options: ClusterOptions = {
      enableOfflineQueue: false,
      // Auto-pipelining on a cluster batched calls of different slots together and failed them.
      enableAutoPipelining: false,
      clusterRetryStrategy: backoff,
      scripts,
      redisOptions: { ...common, tls: target.tls ? {} : undefined },
      // With TLS, connect to the names given so certificates match (ioredis README, "Special note: AWS ElastiCache Clusters with TLS").
      dnsLookup: target.tls ? (address, callback) => callback(null, address) : undefined,
    };
    return new Cluster(target.nodes.map((n) => ({ host: n.host, port: n.port })), options);
  }
  const node = target.nodes[0] as RedisNode;
  return new Redis({
    ...common,
    host: node.host,
    port: node.port,
    db: target.db ?? 0,
    tls: target.tls ? { servername: node.host } : undefined,
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    retryStrategy: backoff,
    scripts,
  });
}

/** Feeds a client's connection events into the tracker. */
export function watchConnection(client: RedisClient, health: HealthTracker): void {
  let lastError: Error | undefined;
  client.on('error', (err: Error) => {
    lastError = err;
  });
  client.on('ready', () => health.markUp());
  const down = (): void => health.markDown(lastError ?? new Error('connection closed'));
  client.on('close', down);
  client.on('end', down);
}

/** Resolves once the client is ready, its first attempt failed, or the connect timeout passed. */
export function firstAttempt(client: RedisClient, connectTimeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve) => {
    const settle = (): void => {
      clearTimeout(timer);
      client.off('ready', settle);
      client.off('error', settle);
      resolve();
    };
    const timer = setTimeout(settle, connectTimeoutMs);
    client.once('ready', settle);
    client.once('error', settle);
  });
}

/** Turns a failure into SharedStoreUnavailableError, unless it is a bug of ours (rethrown as is). */
export function classify(err: unknown): Error {
  if (isSharedStoreUnavailable(err)) return err;
  const error = err instanceof Error ? err : new Error(String(err));
  if (error.name === 'ReplyError' && BUG_REPLY.test(error.message)) return error;
  return new SharedStoreUnavailableError(`shared store unavailable: ${error.message}`, { cause: error });
}

export type ScriptArg = string | number | Buffer;

export function callScript(client: RedisClient, name: ScriptName, keys: readonly string[], args: readonly ScriptArg[], buffers = false): Promise<unknown> {
  // ioredis adds one method per entry of `scripts`, plus a `…Buffer` variant that keeps bulk replies binary.
  const fn = (client as unknown as Record<string, (...a: ScriptArg[]) => Promise<unknown>>)[buffers ? `${name}Buffer` : name];
  if (fn === undefined) throw new Error(`script ${name} is not defined on this client`);
  return fn.call(client, keys.length, ...keys, ...args);
}
