import { describe, expect, it } from 'vitest';
import type { BuiltRoute } from '../../config/compile.js';
import { isUnigateError } from '../../errors/unigate-error.js';
import { RequestContext } from '../../server/context.js';
import { SharedStoreUnavailableError } from '../../store/shared/health.js';
import { createMemorySharedStore } from '../../store/shared/memory/index.js';
import type { RateLimiter } from '../../store/shared/types.js';
import { createRateLimit, type RateLimitConfig } from './index.js';
import { limitProblem } from './schema.js';

function context(options: { consumer?: string; ip?: string; headers?: Record<string, string> } = {}): RequestContext {
  const ctx = new RequestContext('req-1', 'GET', 'localhost', '/x', '', options.ip ?? '10.0.0.1', options.headers ?? {}, {} as BuiltRoute, false);
  ctx.consumerId = options.consumer;
  return ctx;
}

function policy(config: Partial<RateLimitConfig>, rates: RateLimiter = createMemorySharedStore().rates) {
  return createRateLimit({ key: ['consumer', 'route'], onStoreError: 'open', headers: true, limits: [], ...config } as RateLimitConfig, { routeName: 'orders', rates });
}

async function outcome(p: ReturnType<typeof policy>, ctx: RequestContext) {
  try {
    await p.onRequest!(ctx);
    return { status: 200, headers: ctx.responseHeaders ?? {} };
  } catch (err) {
    if (!isUnigateError(err)) throw err;
    return { status: err.status, code: err.code, headers: { ...ctx.responseHeaders, ...err.headers } };
  }
}

describe('rate-limit policy', () => {
  it('admits up to the burst, then answers 429 RATE_LIMITED with Retry-After and RateLimit-* headers', async () => {
    const p = policy({ limits: [{ rate: 1, per: '10s', burst: 3 }] });
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await outcome(p, context({ consumer: 'c1' }));
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(last!.code).toBe('RATE_LIMITED');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(last!.headers['ratelimit-limit']).toBe('3');
    expect(last!.headers['ratelimit-remaining']).toBe('0');
    expect(last!.headers['ratelimit-policy']).toBe('1;w=10;burst=3');
  });

  it('counts per key past the keys it remembers, and for long client values it does not remember', async () => {
    const p = policy({ key: [{ header: 'x-tenant' }, 'route'], limits: [{ limit: 1, window: '1h' }] });
    const tenant = (t: string) => context({ headers: { 'x-tenant': t } });
    // More distinct tenants than the key memory holds: each is admitted once, then refused.
    for (let i = 0; i < 10_050; i++) expect((await outcome(p, tenant(`t${i}`))).status).toBe(200);
    expect((await outcome(p, tenant('t0'))).status).toBe(429);
    expect((await outcome(p, tenant('t10049'))).status).toBe(429);
    const long = 'x'.repeat(500);
    expect((await outcome(p, tenant(`${long}a`))).status).toBe(200);
    expect((await outcome(p, tenant(`${long}b`))).status).toBe(200);
    expect((await outcome(p, tenant(`${long}a`))).status).toBe(429);
  });

  it('counts per key: another consumer, client IP or header value has its own count', async () => {
    const p = policy({ key: ['consumer', 'client_ip', { header: 'x-tenant' }], limits: [{ limit: 1, window: '1h' }] });
    expect((await outcome(p, context({ consumer: 'a', headers: { 'x-tenant': 't1' } }))).status).toBe(200);
    expect((await outcome(p, context({ consumer: 'a', headers: { 'x-tenant': 't1' } }))).status).toBe(429);
    expect((await outcome(p, context({ consumer: 'b', headers: { 'x-tenant': 't1' } }))).status).toBe(200);
    expect((await outcome(p, context({ consumer: 'a', ip: '10.0.0.2', headers: { 'x-tenant': 't1' } }))).status).toBe(200);
    expect((await outcome(p, context({ consumer: 'a', headers: { 'x-tenant': 't2' } }))).status).toBe(200);
  });

  it('applies every limit: the one that binds is reported', async () => {
    const p = policy({ limits: [{ rate: 100, per: '1s' }, { limit: 2, window: '1d' }] });
    const first = await outcome(p, context({ consumer: 'c' }));
    expect(first.headers['ratelimit-limit']).toBe('2');
    expect(first.headers['ratelimit-remaining']).toBe('1');
    await outcome(p, context({ consumer: 'c' }));
    expect((await outcome(p, context({ consumer: 'c' }))).status).toBe(429);
  });

  it('fails open or closed when the shared store cannot answer', async () => {
    const down: RateLimiter = {
      check: async () => {
        throw new SharedStoreUnavailableError('down');
      },
    } as unknown as RateLimiter;
    const limits = [{ rate: 1, per: '1s' }];
    expect((await outcome(policy({ limits, onStoreError: 'open' }, down), context())).status).toBe(200);
    const closed = await outcome(policy({ limits, onStoreError: 'closed' }, down), context());
    expect(closed).toMatchObject({ status: 503, code: 'SHARED_STORE_UNAVAILABLE' });
  });

  it('checks limit fields together', () => {
    expect(limitProblem({ rate: 1, per: '1s' })).toBeUndefined();
    expect(limitProblem({ limit: 10, window: '1d' })).toBeUndefined();
    expect(limitProblem({ rate: 1 })).toMatch(/needs rate and per/);
    expect(limitProblem({ limit: 10, window: '1d', burst: 3 })).toMatch(/not rate, per or burst/);
    expect(limitProblem({ algorithm: 'sliding-window', rate: 1, per: '1s' })).toMatch(/needs limit and window/);
  });
});

describe('traffic-control config', () => {
  it('reports cross-field problems of rate_limit, shield and cache with their paths', async () => {
    const { loadConfigText } = await import('../../config/load.js');
    const { compileConfig } = await import('../../config/compile.js');
    const config = loadConfigText(`
upstreams:
  api:
    targets: [{ url: "http://127.0.0.1:9" }]
    shield: { per_connection: { limits: [{ rate: 2 }] } }
  creds:
    targets: [{ url: "http://127.0.0.1:9" }]
    credentials: { connection: conn_fixed }
routes:
  - { name: a, match: { path: /a }, upstream: api, policies: { rate_limit: { limits: [{ limit: 5, window: 1s, burst: 2 }] } } }
  - { name: b, match: { path: /b }, upstream: creds, policies: { cache: { key: { shared_across_consumers: true } } } }
`);
    let problems: { path: string; message: string }[] = [];
    try {
      compileConfig(config);
    } catch (err) {
      problems = (err as { problems: { path: string; message: string }[] }).problems;
    }
    expect(problems.map((p) => p.path).sort()).toEqual([
      'routes[0].policies.rate_limit.key',
      'routes[0].policies.rate_limit.limits[0]',
      'routes[1].policies.cache.key.shared_across_consumers',
      'upstreams.api.shield.per_connection',
      'upstreams.api.shield.per_connection.limits[0]',
    ]);
  });
});
