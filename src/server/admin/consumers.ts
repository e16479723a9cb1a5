/**
 * /admin/consumers: the tenants of the gateway.
 *
 *   POST   /admin/consumers           { name, id?, metadata?, enabled? }  → 201 consumer
 *   GET    /admin/consumers?limit=&after=                                 → { consumers, next_after }
 *   GET    /admin/consumers/:id                                           → consumer
 *   PATCH  /admin/consumers/:id       { name?, metadata?, enabled? }      → consumer
 *   DELETE /admin/consumers/:id       (its keys and connections too)      → 204
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from './context.js';
import { createConsumer, notFound, requireConsumer, updateConsumer } from './manage.js';
import { PageQuery } from './schemas.js';
import { checked } from './validate.js';
import { consumerView } from './views.js';

type ById = { Params: { id: string } };

export function registerConsumerRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const { state } = ctx.services;

  app.post('/admin/consumers', async (req, reply) => {
    const consumer = await ctx.write(() => createConsumer(ctx.deps(req), req.body));
    return reply.code(201).send(consumerView(consumer));
  });

  app.get('/admin/consumers', async (req) => {
    const query = checked<PageQuery>(PageQuery, req.query, ['query'], 'query');
    const limit = query.limit ?? 100;
    const consumers = await state.listConsumers({ limit, ...(query.after !== undefined && { after: query.after }) });
    return { consumers: consumers.map(consumerView), next_after: consumers.length === limit ? consumers[limit - 1]!.id : null };
  });

  app.get<ById>('/admin/consumers/:id', async (req) => consumerView(await requireConsumer(state, req.params.id)));

  app.patch<ById>('/admin/consumers/:id', async (req) => {
    const consumer = await ctx.write(() => updateConsumer(ctx.deps(req), req.params.id, req.body));
    return consumerView(consumer);
  });

  app.delete<ById>('/admin/consumers/:id', async (req, reply) => {
    const actor = ctx.deps(req).actor;
    const deleted = await ctx.write(() => state.deleteConsumer(req.params.id, actor));
    if (!deleted) throw notFound('consumer', req.params.id);
    return reply.code(204).send();
  });
}
