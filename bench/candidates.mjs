/**
 * What `npm run bench` measures, in report order: the one list of candidates.
 * Unigate variants are defined by the YAML their `config(ctx)` returns (upstreams, routes,
 * policies; listeners and data_dir are added by the launcher).
 */
import { BODIES } from './lib/bodies.mjs';
import { direct, nginxProxy, nodePeer, unigate } from './lib/launchers.mjs';

/** Passthrough routes for every body the upstream serves, to the upstream `origin`. */
function passthroughRoutes() {
  return BODIES.map((body) => ({ name: body.name, match: { path: body.path }, upstream: 'origin' }));
}

/** The upstream as Unigate sees it: one target, a 64-connection pool like every other peer. */
function originUpstream(ctx) {
  return { origin: { targets: [{ url: ctx.upstream.url }], pool: { connections: 64 } } };
}

export const CANDIDATES = [
  direct(),
  nginxProxy(),
  nodePeer({
    id: 'fastify',
    label: '@fastify/http-proxy (Fastify 5)',
    note: 'runs WITHOUT logs (logger: false); Unigate runs with its logs on',
    script: 'fastify-http-proxy.mjs',
  }),
  nodePeer({
    id: 'minimal',
    label: 'minimal node:http + undici.Pool',
    note: 'bench/peers/minimal-forwarder.mjs: no logs, no metrics, no checks',
    script: 'minimal-forwarder.mjs',
  }),
  unigate({
    id: 'unigate',
    label: 'Unigate passthrough',
    note: 'request logs on (a JSON line per request) and Prometheus metrics on',
    config: (ctx) => ({
      logging: { level: 'info', requests: true },
      upstreams: originUpstream(ctx),
      routes: passthroughRoutes(),
    }),
  }),
  // ── Later Unigate variants go here, one unigate({...}) entry each, defined by its YAML. ──
  // Planned once the policies exist: "Unigate full stack" = inbound API-key auth + rate limit
  // (a limit high enough never to trip) + credential injection towards the upstream + a cache
  // policy that misses on every request. Its `setup(ctx, admin)` creates the consumer and key
  // through the admin API and returns { headers } (the key) that wrk and the body check send.
  // Not defined yet: those policies do not exist, and a stand-in would measure nothing real.
];

/** Candidates whose requests/s the others are divided by, in every round. */
export const REFERENCES = [
  { id: 'nginx', column: '×nginx' },
  { id: 'fastify', column: '×fastify' },
  { id: 'minimal', column: '×minimal' },
];

/** Targets from the issue, checked after every run (requests/s ratio, median of in-round ratios). */
export const TARGETS = [
  { candidate: 'unigate', body: 'small', ref: 'fastify', min: 1.3 },
  { candidate: 'unigate', body: 'small', ref: 'minimal', min: 0.8 },
  { candidate: 'unigate', body: '64KiB', ref: 'fastify', min: 1.0 },
];
