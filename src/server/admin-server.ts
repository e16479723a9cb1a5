/**
 * The admin listener (Fastify): health probes, metrics, config and upstream state, reload,
 * and the consumers / API keys / connections / audit API (routes in ./admin/). Every route
 * needs the admin token, compared in constant time, except /metrics when configured public
 * and the health probes. Nothing here logs bodies or query strings.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { UnigateError } from '../errors/unigate-error.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ConfigProblem } from '../config/load.js';
import { sendEnvelope, toAdminError } from './admin/errors.js';
import { registerAdminRoutes } from './admin/index.js';
import { registerCachePurge } from './admin/cache-purge.js';
import type { Runtime } from './runtime.js';
import type { Services } from './services.js';
import { incomingRequestId } from './proxy-handler.js';

export interface AdminEnvironment {
  readonly token: string;
  readonly publicMetrics: boolean;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly services: Services;
  runtime(): Runtime;
  reload(): Promise<ConfigProblem[] | undefined>;
  readiness(): { ready: boolean; details: Record<string, unknown> };
}

const OPEN_PATHS = new Set(['/healthz', '/readyz']);

export function createAdminServer(env: AdminEnvironment): FastifyInstance {
  const app = Fastify({ logger: false, genReqId: (req) => incomingRequestId(req.headers['x-request-id']), bodyLimit: 1024 * 1024 });
  const expected = digest(env.token);

  app.addHook('onRequest', async (req) => {
    const path = req.url.split('?', 1)[0]!;
    if (OPEN_PATHS.has(path) || (path === '/metrics' && env.publicMetrics)) return;
    const header = req.headers.authorization;
    const presented = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
    // Compare digests: constant time whatever the presented length.
    if (!timingSafeEqual(digest(presented), expected)) {
      throw new UnigateError('UNAUTHENTICATED', {
        message: 'A valid admin token is required (Authorization: Bearer <token>)',
        headers: { 'www-authenticate': 'Bearer realm="unigate-admin"' },
      });
    }
  });

  // Admin answers may carry a fresh API key or private config: no cache may keep them.
  app.addHook('onSend', async (_req, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  app.addHook('onResponse', async (req, reply) => {
    env.logger.info({ req_id: req.id, method: req.method, path: req.url.split('?', 1)[0], status: reply.statusCode, surface: 'admin' }, 'admin request');
  });

  app.setErrorHandler((err, req, reply) => {
    const unigate = toAdminError(err);
    if (unigate.code === 'INTERNAL_ERROR') env.logger.error({ err, req_id: req.id }, 'admin internal error');
    sendEnvelope(reply, unigate, req.id);
  });

  app.setNotFoundHandler((req, reply) => {
    sendEnvelope(reply, new UnigateError('ROUTE_NOT_FOUND', { details: { method: req.method, path: req.url.split('?', 1)[0] } }), req.id);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const { ready, details } = env.readiness();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', ...details });
  });

  registerAdminRoutes(app, env);
  registerCachePurge(app, env.services.shared.cache);
  return app;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
