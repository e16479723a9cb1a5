/**
 * The gateway's own state on the admin listener: Prometheus metrics, the active config with
 * secrets redacted, upstream target state, and reload.
 */
import type { FastifyInstance } from 'fastify';
import type { ConfigProblem } from '../../config/load.js';
import { UnigateError } from '../../errors/unigate-error.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Runtime } from '../runtime.js';

export interface SystemEnvironment {
  readonly metrics: Metrics;
  runtime(): Runtime;
  reload(): Promise<ConfigProblem[] | undefined>;
}

const SECRET_KEY = /(token|secret|password|passphrase|private|credential|api_?key)$/i;

export function registerSystemRoutes(app: FastifyInstance, env: SystemEnvironment): void {
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

  app.post('/admin/reload', async () => {
    const problems = await env.reload();
    if (problems === undefined) return { status: 'reloaded' };
    throw new UnigateError('VALIDATION_FAILED', { message: 'The new config was refused; the previous one keeps serving', details: { errors: problems } });
  });
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

function refreshPoolGauges(env: SystemEnvironment): void {
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
