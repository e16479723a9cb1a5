/** Runs a route's built inbound policies over a context, in phase order. */
import type { RequestContext } from '../server/context.js';
import type { Policy, Reply } from './policy.js';

export async function runRequestPolicies(policies: readonly Policy[], ctx: RequestContext): Promise<Reply | undefined> {
  for (const policy of policies) {
    if (policy.onRequest === undefined) continue;
    const reply = await policy.onRequest(ctx);
    if (reply !== undefined) return reply;
  }
  return undefined;
}
