/**
 * Opens the state store named by `stores.state`:
 *
 *   (absent)                     SQLite file <data_dir>/unigate.db, created on first start
 *   sqlite:./var/unigate.db      SQLite file at that path (relative to the working directory)
 *   sqlite::memory:              SQLite in memory (tests; one process, gone on exit)
 *   postgres://user@host/db      PostgreSQL (also postgresql://), for several instances
 *
 * Migrations run before this returns.
 */
import { join, resolve } from 'node:path';
import { SqliteStateStore } from './sqlite/sqlite-store.js';
import type { StateStore } from './types.js';

export const DEFAULT_SQLITE_FILE = 'unigate.db';

export interface OpenStateStoreOptions {
  /** `server.data_dir`: where the default SQLite file lives. */
  dataDir: string;
  /** Background errors of the PostgreSQL pool and LISTEN connection. */
  onError?: (err: unknown) => void;
}

export type StateStoreLocation = { backend: 'sqlite'; path: string } | { backend: 'postgres'; url: string };

export function parseStateStoreLocation(spec: string | undefined, dataDir: string): StateStoreLocation {
  const value = spec?.trim() ?? '';
  if (value === '') return { backend: 'sqlite', path: join(dataDir, DEFAULT_SQLITE_FILE) };
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (path === '') throw new Error('stores.state: "sqlite:" needs a path, e.g. sqlite:./data/unigate.db');
    return { backend: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  if (/^postgres(ql)?:\/\//.test(value)) return { backend: 'postgres', url: value };
  // The value may be a URL with a password: name the accepted forms, not the value.
  throw new Error('stores.state must be absent, sqlite:<path>, or a postgres:// / postgresql:// URL');
}

export async function openStateStore(spec: string | undefined, options: OpenStateStoreOptions): Promise<StateStore> {
  const location = parseStateStoreLocation(spec, options.dataDir);
  if (location.backend === 'sqlite') return SqliteStateStore.open({ path: location.path });
  // Loaded only when named: an instance on the embedded default carries no PostgreSQL client.
  const { PostgresStateStore } = await import('./postgres/postgres-store.js');
  return PostgresStateStore.open({ url: location.url, ...(options.onError && { onError: options.onError }) });
}

/** For logs: the location without a password. */
export function describeStateStore(location: StateStoreLocation): string {
  if (location.backend === 'sqlite') return `sqlite:${location.path}`;
  try {
    const url = new URL(location.url);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'postgres (unparseable URL)';
  }
}
