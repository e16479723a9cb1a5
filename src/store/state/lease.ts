/**
 * Waiting for a lease and running work under it: the single-flight primitive for OAuth
 * refreshes across instances. Usage in a refresh strategy:
 *
 *   const outcome = await withLease(store, refreshLeaseName(id), { ttlMs: 30_000, waitMs: 10_000 }, async (lease) => {
 *     const current = await store.getConnection(id);        // another holder may have refreshed already
 *     if (stillFresh(current)) return current;
 *     ... refresh, then store.saveOAuthTokens(id, update, actor, lease) (fenced by the lease)
 *   });
 *
 * Within one process, coalesce concurrent callers on one promise first; the lease then
 * serializes processes. A holder that dies leaves the lease to expire after `ttlMs`.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Lease, StateStore } from './types.js';

export interface WithLeaseOptions {
  /** How long the lease lasts unless released; longer than the work takes. */
  ttlMs: number;
  /** How long to wait for another holder to finish (default 0: try once). */
  waitMs?: number;
  /** Defaults to a unique `<host>:<pid>:<uuid>`. */
  holder?: string;
}

export type LeaseOutcome<T> = { acquired: true; value: T } | { acquired: false };

export function refreshLeaseName(connectionId: string): string {
  return `oauth-refresh:${connectionId}`;
}

export function newLeaseHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`;
}

export async function withLease<T>(
  store: Pick<StateStore, 'acquireLease' | 'releaseLease'>,
  name: string,
  options: WithLeaseOptions,
  work: (lease: Lease) => Promise<T>,
): Promise<LeaseOutcome<T>> {
  const lease = await waitForLease(store, name, options);
  if (lease === undefined) return { acquired: false };
  try {
    return { acquired: true, value: await work(lease) };
  } finally {
    await store.releaseLease(lease);
  }
}

export async function waitForLease(
  store: Pick<StateStore, 'acquireLease'>,
  name: string,
  options: WithLeaseOptions,
): Promise<Lease | undefined> {
  const holder = options.holder ?? newLeaseHolder();
  const deadline = Date.now() + (options.waitMs ?? 0);
  let delay = 20;
  for (;;) {
    const lease = await store.acquireLease(name, holder, options.ttlMs);
    if (lease !== undefined) return lease;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
    delay = Math.min(delay * 2, 250);
  }
}
