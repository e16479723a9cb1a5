/**
 * GET /admin/audit?entity_type=&entity_id=&consumer_id=&before=&limit=: the change log,
 * newest first (who, what, when; details name fields and ids, never secret values).
 * `next_before` pages further back.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from './context.js';
import { AuditQuery } from './schemas.js';
import { checked } from './validate.js';
import { auditView } from './views.js';

export function registerAuditRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/admin/audit', async (req) => {
    const query = checked<AuditQuery>(AuditQuery, req.query, ['query'], 'query');
    const limit = query.limit ?? 100;
    const events = await ctx.services.state.listAuditEvents({
      limit,
      ...(query.entity_type !== undefined && { entityType: query.entity_type }),
      ...(query.entity_id !== undefined && { entityId: query.entity_id }),
      ...(query.consumer_id !== undefined && { consumerId: query.consumer_id }),
      ...(query.before !== undefined && { beforeSeq: query.before }),
    });
    return { events: events.map(auditView), next_before: events.length === limit ? events[limit - 1]!.seq : null };
  });
}
