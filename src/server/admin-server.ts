/**
 * The admin listener (Fastify): Prometheus metrics, the active config with secrets
 * redacted, upstream state, and reload. Every route needs the admin token, compared in
 * constant time, except /metrics when configured public and the health probes.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { errorEnvelope } from '../errors/envelope.js';
import { UnigateError, isUnigateError } from '../errors/unigate-error.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ConfigProblem } from '../config/load.js';
import type { Runtime } from './runtime.js';
import { incomingRequestId } from './proxy-handler.js';

export interface AdminEnvironment {
  readonly token: string;
  readonly publicMetrics: boolean;
  readonly logger: Logger;
  readonly metrics: Metrics;
  runtime(): Runtime;
  reload(): Promise<ConfigProblem[] | undefined>;
  readiness(): { ready: boolean; details: Record<string, unknown> };
}

const OPEN_PATHS = new Set(['/healthz', '/readyz']);
const SECRET_KEY = /(token|secret|password|passphrase|private|credential|api_?key)$/i;

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

  app.addHook('onResponse', async (req, reply) => {
    env.logger.info({ req_id: req.id, method: req.method, path: req.url.split('?', 1)[0], status: reply.statusCode, surface: 'admin' }, 'admin request');
  });

  app.setErrorHandler((err, req, reply) => {
    const unigate = isUnigateError(err)
      ? err
      : (err as { statusCode?: number }).statusCode === 400 || (err as { validation?: unknown }).validation
        ? new UnigateError('VALIDATION_FAILED', { message: (err as Error).message })
        : new UnigateError('INTERNAL_ERROR', { cause: err });
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

  app.get('/metrics', async (_req, reply) => {
    refreshPoolGauges(env);
    const body = await env.metrics.registry.metrics();
    return reply.type(env.metrics.registry.contentType).send(body);
  });

  app.get('/admin/config', async () => redact(env.runtime().config));

  app.get('/admin/upstreams', async () => {
    const now = Date.now();
    const out: Record<string, unknown> = {};
    for (const [name, upstream] of env.runtime().upstreams) {
      out[name] = {
        targets: upstream.targets.map((t) => ({
          url: t.origin + t.basePath,
          healthy: t.healthy,
          usable: t.usable(now),
          active_healthy: t.activeHealthy,
          ejected: t.passive?.ejected ?? false,
          breaker: t.breaker.state,
          in_flight: t.inflight,
        })),
      };
    }
    return { upstreams: out };
  });

  app.post('/admin/reload', async (req, reply) => {
    const problems = await env.reload();
    if (problems === undefined) return { status: 'reloaded' };
    sendEnvelope(
      reply,
      new UnigateError('VALIDATION_FAILED', { message: 'The new config was refused; the previous one keeps serving', details: { errors: problems } }),
      req.id,
    );
    return reply;
  });

  return app;
}

function sendEnvelope(reply: FastifyReply, err: UnigateError, requestId: string): void {
  void reply
    .code(err.status)
    .headers({ 'cache-control': 'no-store', 'x-request-id': requestId, ...err.headers })
    .type('application/json; charset=utf-8')
    .send(errorEnvelope(err, requestId));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A deep copy with every secret-looking value replaced. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && child !== undefined ? '[redacted]' : redact(child);
  }
  return out;
}

function refreshPoolGauges(env: AdminEnvironment): void {
  const gauge = env.metrics.poolConnections;
  gauge.reset();
  for (const upstream of env.runtime().upstreams.values()) {
    for (const t of upstream.targets) {
      const stats = t.pool.stats;
      const labels = { upstream: upstream.name, target: t.origin };
      gauge.set({ ...labels, state: 'connected' }, stats.connected);
      gauge.set({ ...labels, state: 'free' }, stats.free);
      gauge.set({ ...labels, state: 'busy' }, stats.running);
      gauge.set({ ...labels, state: 'pending' }, stats.pending);
    }
  }
}
