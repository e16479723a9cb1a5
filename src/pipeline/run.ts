/** Runs a route's built inbound policies over a context, in phase order. */
import type { RequestContext } from '../server/context.js';
import type { Policy, Reply } from './policy.js';

/**
 * Synchronous while every policy answers synchronously (an API key already in the identity
 * cache, a rate limit counted in memory): each `await` is a trip through the microtask
 * queue that a request on the hot path need not take. The first policy that returns a
 * promise hands the rest to the asynchronous loop.
 */
export function runRequestPolicies(policies: readonly Policy[], ctx: RequestContext): Reply | undefined | Promise<Reply | undefined> {
  for (let i = 0; i < policies.length; i++) {
    const onRequest = policies[i]!.onRequest;
    if (onRequest === undefined) continue;
    const result = onRequest.call(policies[i], ctx);
    if (result instanceof Promise) return continueAsync(result, policies, i + 1, ctx);
    if (result !== undefined) return result;
  }
  return undefined;
}

async function continueAsync(pending: Promise<Reply | undefined>, policies: readonly Policy[], next: number, ctx: RequestContext): Promise<Reply | undefined> {
  const first = await pending;
  if (first !== undefined) return first;
  for (let i = next; i < policies.length; i++) {
    const policy = policies[i]!;
    if (policy.onRequest === undefined) continue;
    const reply = await policy.onRequest(ctx);
    if (reply !== undefined) return reply;
  }
  return undefined;
}
