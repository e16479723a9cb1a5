/**
 * API keys of consumers. The key itself is in the create response only; afterwards a key is
 * known by its id and its non-secret prefix. Revocation is applied to this instance's
 * identity cache before the response, so the next request with the key is refused.
 *
 *   POST   /admin/consumers/:id/keys  { name?, scopes?: { routes?, connections? }, expires_at? }
 *                                      → 201 { key: "ug_live_…", id, prefix, … }
 *   GET    /admin/consumers/:id/keys  → { keys: [metadata] }
 *   GET    /admin/keys/:id            → metadata
 *   POST   /admin/keys/:id/revoke     → metadata (status revoked)
 *   DELETE /admin/keys/:id            → 204
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from './context.js';
import { createApiKey, notFound, requireConsumer, revokeApiKey } from './manage.js';
import { apiKeyView } from './views.js';

type ById = { Params: { id: string } };

export function registerApiKeyRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const { state } = ctx.services;

  app.post<ById>('/admin/consumers/:id/keys', async (req, reply) => {
    const { record, key } = await ctx.write(() => createApiKey(ctx.deps(req), req.params.id, req.body));
    // The only time the key is shown (admin answers are all no-store).
    return reply.code(201).send({ key, ...apiKeyView(record) });
  });

  app.get<ById>('/admin/consumers/:id/keys', async (req) => {
    await requireConsumer(state, req.params.id);
    const now = new Date();
    return { keys: (await state.listApiKeys(req.params.id)).map((k) => apiKeyView(k, now)) };
  });

  app.get<ById>('/admin/keys/:id', async (req) => {
    const key = await state.getApiKey(req.params.id);
    if (key === undefined) throw notFound('API key', req.params.id);
    return apiKeyView(key);
  });

  app.post<ById>('/admin/keys/:id/revoke', async (req) => apiKeyView(await ctx.write(() => revokeApiKey(ctx.deps(req), req.params.id))));

  app.delete<ById>('/admin/keys/:id', async (req, reply) => {
    const actor = ctx.deps(req).actor;
    const deleted = await ctx.write(() => state.deleteApiKey(req.params.id, actor));
    if (!deleted) throw notFound('API key', req.params.id);
    return reply.code(204).send();
  });
}
