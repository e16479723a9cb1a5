/**
 * /admin/connections: a consumer's credentials for an upstream or a platform. Credentials
 * and OAuth tokens are accepted on create and update and never returned: reads show the
 * strategy, its settings, status, last refresh and when the secrets were last written.
 *
 *   POST   /admin/connections            { consumer_id, target, auth_strategy, auth_settings?, credentials?,
 *                                          oauth_tokens?, kind?, name?, base_url?, id? }     → 201 connection
 *   GET    /admin/connections?consumer_id=&limit=&after=                                   → { connections, next_after }
 *   GET    /admin/connections/:id                                                          → connection
 *   PATCH  /admin/connections/:id        { name?, base_url?, status?, auth_strategy?, auth_settings?,
 *                                          credentials?, oauth_tokens? }                     → connection
 *   DELETE /admin/connections/:id                                                          → 204
 *   POST   /admin/connections/:id/test   { path?, method?, timeout_ms? }                    → { ok, status, latency_ms, … }
 */
import type { FastifyInstance } from 'fastify';
import { testConnection } from './connection-test.js';
import type { AdminContext } from './context.js';
import { notFound } from './manage.js';
import { createConnection, updateConnection } from './manage-connections.js';
import { ConnectionQuery, ConnectionTest } from './schemas.js';
import { checked } from './validate.js';
import { connectionView } from './views.js';

type ById = { Params: { id: string } };

export function registerConnectionRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const { state } = ctx.services;

  const requireConnection = async (id: string) => {
    const connection = await state.getConnection(id);
    if (connection === undefined) throw notFound('connection', id);
    return connection;
  };

  app.post('/admin/connections', async (req, reply) => {
    const connection = await ctx.write(() => createConnection(ctx.deps(req), req.body));
    return reply.code(201).send(connectionView(connection));
  });

  app.get('/admin/connections', async (req) => {
    const query = checked<ConnectionQuery>(ConnectionQuery, req.query, ['query'], 'query');
    const limit = query.limit ?? 100;
    const connections = await state.listConnections({
      limit,
      ...(query.after !== undefined && { after: query.after }),
      ...(query.consumer_id !== undefined && { consumerId: query.consumer_id }),
    });
    return { connections: connections.map(connectionView), next_after: connections.length === limit ? connections[limit - 1]!.id : null };
  });

  app.get<ById>('/admin/connections/:id', async (req) => connectionView(await requireConnection(req.params.id)));

  app.patch<ById>('/admin/connections/:id', async (req) => {
    const connection = await ctx.write(() => updateConnection(ctx.deps(req), req.params.id, req.body));
    return connectionView(connection);
  });

  app.delete<ById>('/admin/connections/:id', async (req, reply) => {
    const actor = ctx.deps(req).actor;
    const deleted = await ctx.write(() => state.deleteConnection(req.params.id, actor));
    if (!deleted) throw notFound('connection', req.params.id);
    return reply.code(204).send();
  });

  app.post<ById>('/admin/connections/:id/test', async (req) => {
    const input = checked<ConnectionTest>(ConnectionTest, req.body ?? {});
    const connection = await requireConnection(req.params.id);
    return testConnection(connection, input, ctx.runtime(), ctx.services, req.id);
  });
}
