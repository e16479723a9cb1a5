/**
 * The policy shape: a factory turns validated config and services into hooks over the
 * request context. Compilation happens in the factory; the hooks only run what was built.
 */
import type { RequestContext } from '../server/context.js';
import type { Phase } from './phases.js';

/** What a request hook may answer instead of forwarding (a cache hit, say). */
export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer | string;
}

export interface Policy {
  readonly name: string;
  readonly phase: Phase;
  /** Runs once per request, in phase order; returns a Reply to answer without the upstream, or throws a UnigateError. */
  onRequest?(ctx: RequestContext): Promise<Reply | undefined> | Reply | undefined;
}

export interface BuiltPolicies {
  /** Inbound policies sorted by phase. */
  readonly request: readonly Policy[];
}
