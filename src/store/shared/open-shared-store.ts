/**
 * Opens the shared store named by `stores.shared`:
 *   (absent) | memory                          in-process (one instance)
 *   redis://[user:pass@]host[:port][/db]       Redis; rediss:// for TLS
 *   redis+cluster://host:port,host:port        Redis Cluster (seed nodes); rediss+cluster:// for TLS
 * A `?prefix=` query parameter sets the key prefix. An unreachable Redis does not stop
 * the start: the store opens 'unavailable' and connects when Redis comes back.
 */
import { createMemorySharedStore, type MemoryStoreOptions } from './memory/index.js';
import type { RedisNode, RedisStoreOptions, RedisTarget } from './redis/index.js';
import type { SharedStore } from './types.js';

export type SharedStoreTarget = { readonly kind: 'memory' } | ({ readonly kind: 'redis'; readonly prefix?: string } & RedisTarget);

export interface OpenSharedStoreOptions extends RedisStoreOptions {
  memory?: MemoryStoreOptions;
}

const REDIS_URL = /^(rediss?)(\+cluster)?:\/\/(?:([^@/?]*)@)?([^/?]+)(\/[^?]*)?(\?.*)?$/;

/** Parses a `stores.shared` value; throws an Error that says what is wrong with it. */
export function parseSharedStoreUrl(spec: string | undefined): SharedStoreTarget {
  const value = spec?.trim() ?? '';
  if (value === '' || value === 'memory' || value === 'memory://') return { kind: 'memory' };
  const match = REDIS_URL.exec(value);
  if (match === null) throw new Error(`stores.shared must be "memory", redis://…, rediss://…, or redis+cluster://host:port,…`);
  const [, scheme, cluster, auth, hosts, path, query] = match;
  const nodes = (hosts ?? '').split(',').map(parseNode);
  if (cluster === undefined && nodes.length > 1) throw new Error('stores.shared: several hosts need redis+cluster://');
  let db: number | undefined;
  if (path !== undefined && path !== '/' && path !== '') {
    if (cluster !== undefined) throw new Error('stores.shared: Redis Cluster has no database number');
    db = Number(path.slice(1));
    if (!Number.isInteger(db) || db < 0) throw new Error(`stores.shared: database "${path.slice(1)}" is not a number`);
  }
  let username: string | undefined;
  let password: string | undefined;
  if (auth !== undefined && auth !== '') {
    const colon = auth.indexOf(':');
    username = decodeURIComponent(colon < 0 ? auth : auth.slice(0, colon)) || undefined;
    password = colon < 0 ? undefined : decodeURIComponent(auth.slice(colon + 1));
  }
  const prefix = query === undefined ? undefined : new URLSearchParams(query.slice(1)).get('prefix') ?? undefined;
  return { kind: 'redis', cluster: cluster !== undefined, tls: scheme === 'rediss', nodes, username, password, db, prefix };
}

export async function openSharedStore(spec: string | undefined, options: OpenSharedStoreOptions = {}): Promise<SharedStore> {
  const target = parseSharedStoreUrl(spec);
  if (target.kind === 'memory') return createMemorySharedStore(options.memory);
  // Loaded only when named: an instance on the in-process default carries no Redis client.
  const { createRedisSharedStore } = await import('./redis/index.js');
  return createRedisSharedStore(target, { ...options, prefix: target.prefix ?? options.prefix });
}

function parseNode(text: string): RedisNode {
  // IPv6 literals come bracketed: [::1]:6379.
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(text);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3] ?? 6379);
  if (host === undefined || !(port > 0 && port < 65536)) throw new Error(`stores.shared: "${text}" is not host:port`);
  return { host, port };
}
