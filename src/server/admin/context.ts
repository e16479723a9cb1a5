/**
 * What admin routes share: the services, the running config, who is acting, and `write`,
 * which applies a store write's changes to this instance's caches before answering (so a
 * revoked key is refused by the very next request here; other instances hear it from the
 * change feed).
 */
import type { FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import type { Services } from '../services.js';
import { catalogOf, type ManageDeps } from './manage.js';
import { problemAt, validationFailed } from './validate.js';

export const ACTOR_HEADER = 'x-unigate-actor';
const ACTOR_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
const FEED_PAGE = 500;

export interface AdminContext {
  readonly services: Services;
  runtime(): Runtime;
  /** Store, keyring, the running config's names and the audit actor of this request. */
  deps(req: FastifyRequest): ManageDeps;
  write<T>(fn: () => Promise<T>): Promise<T>;
}

export function createAdminContext(services: Services, runtime: () => Runtime): AdminContext {
  const { state, keyring, logger } = services;

  async function applyChangesSince(seq: number): Promise<void> {
    for (let from = seq; ; ) {
      const changes = await state.changesSince(from, FEED_PAGE);
      if (changes.length === 0) return;
      services.identities.onChanges(changes);
      services.connections.onChanges(changes);
      from = changes[changes.length - 1]!.seq;
      if (changes.length < FEED_PAGE) return;
    }
  }

  return {
    services,
    runtime,
    deps: (req) => ({ state, keyring, catalog: catalogOf(runtime().config), actor: actorOf(req) }),
    async write(fn) {
      const from = await state.latestChangeSeq();
      try {
        return await fn();
      } finally {
        await applyChangesSince(from).catch((err: unknown) => logger.warn({ err }, 'admin write: cache update failed; the change feed will apply it'));
      }
    },
  };
}

/** `admin`, or `admin:<name>` from X-Unigate-Actor (self-declared: the token is what authorizes). */
export function actorOf(req: FastifyRequest): string {
  const header = req.headers[ACTOR_HEADER];
  if (header === undefined) return 'admin';
  if (typeof header !== 'string' || !ACTOR_NAME.test(header)) {
    throw validationFailed([problemAt(['headers', ACTOR_HEADER], 'must be 1-64 characters [A-Za-z0-9_.@-], starting with a letter or digit')]);
  }
  return `admin:${header}`;
}
