/**
 * What `npm run bench` measures, in report order: the one list of candidates, the bodies they
 * run, the reference columns and the targets from the issues.
 * Unigate variants are defined by the YAML their `config(ctx)` returns (upstreams, routes,
 * policies; listeners and data_dir are added by the launcher) and, where they need runtime
 * state (consumers, keys, connections), by a `setup(ctx, admin)` that creates it through the
 * admin API.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { BODIES as UPSTREAM_BODIES } from './lib/bodies.mjs';
import { adminApi, createPlatformConnection, nativeProductsPath, registeredPlatforms, startSimulator } from './lib/commerce.mjs';
import { direct, exactBody, nginxProxy, nodePeer, scrapeCounter, unigate } from './lib/launchers.mjs';
import { CLK_TCK, cpuTicks } from './lib/procfs.mjs';
import { BENCH_REDIS_URL, deleteKeysWithPrefix, redisServerPid } from './lib/redis.mjs';

const STANDARD = UPSTREAM_BODIES.filter((b) => b.standard).map((b) => b.name);
const SERVED = UPSTREAM_BODIES.map((b) => b.name);

/**
 * The unified API's workloads: one per platform whose connector is registered in the build
 * (a platform joins the bench by being registered), each run by the unified and the raw
 * candidates against that platform's simulator.
 */
const PLATFORMS = await registeredPlatforms();
const COMMERCE_PRODUCTS = 1000;
const COMMERCE_LIMIT = 250;
const COMMERCE_BODIES = PLATFORMS.map(({ platform, definition }) => ({
  name: `commerce:${platform}`,
  label: `${definition.label} product.list limit=${COMMERCE_LIMIT}`,
  describe: `unified GET /v1/connections/{id}/products?limit=${COMMERCE_LIMIT} vs GET /v1/connections/{id}/raw/<the connector's first native products page>`,
  platform,
  definition,
  // A unified call is several native calls on some platforms: fewer connections, more patience.
  connections: 16,
  wrkTimeout: '30s',
}));

export const BODIES = [...UPSTREAM_BODIES, ...COMMERCE_BODIES];

/** Passthrough routes for `bodies` to `upstream`, with `policies` on each. */
function routes(bodies, upstream = 'origin', policies) {
  return UPSTREAM_BODIES.filter((b) => bodies.includes(b.name)).map((body) => ({
    name: body.name,
    match: { path: body.path },
    upstream,
    ...(policies === undefined ? {} : { policies }),
  }));
}

/** The upstream as Unigate sees it: one target, a 64-connection pool like every other peer. */
function originUpstream(ctx) {
  return { origin: { targets: [{ url: ctx.upstream.url }], pool: { connections: 64 } } };
}

/** The upstream's /secured side (401 without X-Upstream-Key), with credentials injected from each caller's connection. */
function securedUpstream(ctx) {
  return { secured: { targets: [{ url: `${ctx.upstream.url}/secured` }], pool: { connections: 64 }, credentials: { connection: 'per-consumer' } } };
}

/** A consumer, its API key, and its connection to `secured` holding the upstream's key (header strategy). */
async function keyAndConnection(ctx, admin) {
  const api = adminApi(admin);
  const { consumerId, key } = await api.consumerWithKey('bench');
  await api.post('/admin/connections', {
    consumer_id: consumerId,
    kind: 'upstream',
    target: 'secured',
    auth_strategy: 'header',
    auth_settings: { name: 'X-Upstream-Key', template: '{api_key}' },
    credentials: { api_key: ctx.upstream.securedKey },
  });
  return { consumerId, key, headers: { 'X-Api-Key': key } };
}

/** Hooks that count the cache's answers by result over each measured run (from /metrics). */
function cacheCounting(admin) {
  let before = {};
  return {
    async beforeMeasure() {
      before = await scrapeCounter(admin, 'unigate_cache_requests_total', 'result');
    },
    async afterMeasure() {
      const after = await scrapeCounter(admin, 'unigate_cache_requests_total', 'result');
      const delta = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
      const total = Object.values(delta).reduce((a, b) => a + b, 0);
      const share = (k) => (total === 0 ? 0 : (delta[k] ?? 0) / total);
      return { figures: { 'cache HIT share': share('hit'), 'cache MISS share': share('miss') }, note: `cache ${JSON.stringify(delta)}` };
    },
  };
}

/** A limit no run reaches: the policy does all its work (a shared-store round trip, headers) and never refuses. */
const NEVER_TRIPS = [{ rate: 1_000_000, per: '1s', burst: 1_000_000 }];

/**
 * The policy variants whose targets are ratios to passthrough (key auth with injection, cache
 * hits, an in-memory rate limit) are routes of one Unigate process beside a plain passthrough
 * route, each under its own path prefix, and their ratios are to that route: a policy's cost
 * is then measured on the same process, heap and compiled code as the passthrough it is
 * divided by, as when one gateway serves both kinds of route. Separate processes of the same
 * build differ by 10-20% in CPU per request from one start to the next (JIT and heap layout),
 * more than these policies cost. The passthrough compared with the other proxies is a process
 * of its own (`unigate`), which serves nothing else.
 */
const SHARED_VARIANTS = {
  keyauth: { prefix: '/keyauth', upstream: 'secured', policies: { authenticate: { mode: 'key' } } },
  cache: { prefix: '/cached', upstream: 'origin', policies: { cache: { ttl: '1h' } } },
  rl: { prefix: '/limited', upstream: 'origin', policies: { rate_limit: { key: ['client_ip', 'route'], limits: NEVER_TRIPS } } },
};

let sharedKeyHeaders = {};
const sharedPassthrough = unigate({
  id: 'unigate-mixed',
  label: 'Unigate passthrough beside policy routes',
  note: 'a passthrough route of the process that also serves the key auth, cache and rate-limit variants (their ratios are to this one)',
  config: (ctx) => ({
    logging: { level: 'info', requests: true },
    upstreams: { ...originUpstream(ctx), ...securedUpstream(ctx) },
    routes: [
      ...routes(STANDARD),
      ...Object.entries(SHARED_VARIANTS).map(([name, v]) => ({ name, match: { path: `${v.prefix}/*` }, upstream: v.upstream, strip_prefix: true, policies: v.policies })),
    ],
  }),
  async setup(ctx, admin) {
    sharedKeyHeaders = (await keyAndConnection(ctx, admin)).headers;
    return {};
  },
});

/** The passthrough process, started once for the candidates that share it and stopped after the last. */
let sharedHandle;
let sharedUsers = 0;
function startShared(ctx) {
  sharedUsers++;
  sharedHandle ??= sharedPassthrough.start(ctx);
  return sharedHandle;
}
async function releaseShared(handle) {
  sharedUsers--;
  if (sharedUsers > 0) return;
  sharedHandle = undefined; // a restart (BENCH_RESTART) starts a new process
  await handle.stop();
}

/** The passthrough route of the shared process, on the bodies' own paths. */
function mixedPassthrough() {
  return {
    ...sharedPassthrough,
    async start(ctx) {
      const handle = await startShared(ctx);
      return { ...handle, headers: {}, stop: () => releaseShared(handle) };
    },
  };
}

/** One policy variant of SHARED_VARIANTS: the shared process under the variant's prefix. */
function sharedVariant({ id, variant, label, note, check, withKey = false, hooks }) {
  const { prefix } = SHARED_VARIANTS[variant];
  return {
    id,
    label,
    note,
    check,
    async start(ctx) {
      const handle = await startShared(ctx);
      const extra = hooks?.(handle.admin) ?? {};
      return {
        ...handle,
        headers: withKey ? sharedKeyHeaders : {},
        pathFor: (body) => `${prefix}${body.path}`,
        async beforeMeasure(body) {
          await handle.beforeMeasure(body);
          await extra.beforeMeasure?.(body);
        },
        async afterMeasure(runLabel, body, result) {
          const more = (await extra.afterMeasure?.(body, result)) ?? {};
          const base = await handle.afterMeasure(runLabel, body, result);
          return { ...base, ...more, figures: { ...base.figures, ...more.figures } };
        },
        stop: () => releaseShared(handle),
      };
    },
  };
}

// ── The 10-operation response transform (README "Transforms and validation") and its check ──

const TRANSFORM_OPS = [
  { op: 'move', from: '/products', to: '/data' },
  {
    op: 'map',
    path: '/data',
    ops: [
      { op: 'select', fields: 'id,title,handle,vendor,status,tags,updated_at,variants(id,sku,price,compare_at_price,inventory_quantity)' },
      { op: 'rename', path: '/title', to: 'name' },
      { op: 'rename', path: '/handle', to: 'slug' },
      { op: 'coerce', path: '/id', to: 'string' },
      { op: 'coerce', path: '/updated_at', to: 'date' },
      {
        op: 'map',
        path: '/variants',
        ops: [
          { op: 'coerce', path: '/price', to: 'decimal', scale: 2 },
          { op: 'rename', path: '/inventory_quantity', to: 'quantity' },
        ],
      },
    ],
  },
];

function countOps(ops) {
  return ops.reduce((n, op) => n + 1 + (op.ops ? countOps(op.ops) : 0), 0);
}
if (countOps(TRANSFORM_OPS) !== 10) throw new Error('the transform variant must have 10 operations');

/** What the transform must give for the products body, written independently in plain JS (dates as epoch ms). */
function expectedTransform(content) {
  const decimal2 = (text) => {
    const [whole, frac = ''] = String(text).split('.');
    return `${whole}.${(frac + '00').slice(0, 2)}`;
  };
  return {
    data: JSON.parse(content).products.map((p) => ({
      id: String(p.id),
      name: p.title,
      slug: p.handle,
      vendor: p.vendor,
      status: p.status,
      tags: p.tags,
      updated_at: Date.parse(p.updated_at),
      variants: p.variants.map((v) => ({ id: v.id, sku: v.sku, price: decimal2(v.price), compare_at_price: v.compare_at_price, quantity: v.inventory_quantity })),
    })),
  };
}

function checkTransform(body, res) {
  if (res.status !== 200) throw new Error(`answered ${res.status}: ${res.bytes.toString('utf8').slice(0, 600)}`);
  const got = JSON.parse(res.bytes.toString('utf8'));
  for (const item of got.data ?? []) {
    if (!/Z$/.test(item.updated_at)) throw new Error(`updated_at ${item.updated_at} is not UTC`);
    item.updated_at = Date.parse(item.updated_at);
  }
  if (!isDeepStrictEqual(got, expectedTransform(body.content))) throw new Error(`the transformed body differs from the expected one: ${JSON.stringify(got).slice(0, 400)}`);
}

function checkXmlToJson(body, res) {
  if (res.status !== 200) throw new Error(`answered ${res.status}: ${res.bytes.toString('utf8').slice(0, 600)}`);
  if (!/json/.test(res.headers.get('content-type') ?? '')) throw new Error(`content-type ${res.headers.get('content-type')}`);
  const got = JSON.parse(res.bytes.toString('utf8'));
  const products = got?.prestashop?.products?.product;
  const expected = (body.content.toString('utf8').match(/<product /g) ?? []).length;
  if (!Array.isArray(products) || products.length !== expected) throw new Error(`expected ${expected} products, got ${JSON.stringify(got).slice(0, 300)}`);
  const first = products[0];
  if (first['@id'] !== '1' || first.id !== '1' || first.reference !== 'REF-00001' || first.name?.language?.length !== 2) {
    throw new Error(`unexpected first product ${JSON.stringify(first).slice(0, 400)}`);
  }
}

// ── The unified API over the platform simulators ──

/** One simulator per platform for the commerce candidates, started on first use and shared by them. */
const simulators = new Map();
let simulatorUsers = 0;

function simulatorFor(ctx, platform) {
  if (!simulators.has(platform)) {
    simulators.set(
      platform,
      startSimulator({
        distDir: ctx.distDir,
        platform,
        products: COMMERCE_PRODUCTS,
        // Off for throughput: a published limit (Shopify: 2 requests/s) would only measure itself.
        rateLimit: 'off',
        cpu: ctx.loadCpu,
        log: `${ctx.runDir}/simulator-${platform}.log`,
      }),
    );
  }
  return simulators.get(platform);
}

async function releaseSimulators() {
  simulatorUsers--;
  if (simulatorUsers > 0) return;
  const all = [...simulators.values()];
  simulators.clear();
  await Promise.all(all.map(async (s) => (await s).stop()));
}

/** How many records a native page holds (the payload under the endpoint's root). */
function nativeRecords(definition, json) {
  const root = definition.endpoints['products.list'].root;
  let at = json;
  for (const key of root ? root.split('.') : []) at = at?.[key];
  return Array.isArray(at) ? at.length : undefined;
}

function nativePageSize(definition) {
  const paging = definition.paging[definition.endpoints['products.list'].paging];
  return Math.min(COMMERCE_LIMIT, paging.maxSize);
}

/**
 * A Unigate with the unified API over every platform's simulator: one consumer and key, one
 * connection per store. `mode` 'unified' asks product.list; 'raw' asks the same native page the
 * connector asks first (read from the simulator's record of a unified call), through the raw
 * passthrough. The shield's budgets are lifted for this throughput run (bench/peers/unpaced-shield.mjs).
 */
export function commerce(mode, { id = `commerce-${mode}`, label, mappingThreads } = {}) {
  label ??= mode === 'unified' ? 'Unigate unified product.list' : 'Unigate raw passthrough (same native page)';
  return unigate({
    id,
    label,
    note:
      mode === 'unified'
        ? `the connector's native calls, mapping to the unified model, one cursor; shield budgets lifted (bench/peers/unpaced-shield.mjs), simulators' own limits off, ${COMMERCE_PRODUCTS} products each`
        : 'the native page streamed through the engine (credentials injected, shield, retries), not parsed',
    nodeArgs: ['--import', 'bench/peers/unpaced-shield.mjs'],
    bodies: COMMERCE_BODIES.map((b) => b.name),
    config: () => ({ logging: { level: 'info', requests: true }, ...(mappingThreads ? { commerce: { mapping_threads: mappingThreads } } : {}) }),
    async check(body, res) {
      if (res.status !== 200) throw new Error(`answered ${res.status}: ${res.bytes.toString('utf8').slice(0, 600)}`);
      const json = JSON.parse(res.bytes.toString('utf8'));
      const count = mode === 'unified' ? json.data?.length : nativeRecords(body.definition, json);
      const expected = mode === 'unified' ? COMMERCE_LIMIT : nativePageSize(body.definition);
      if (count !== expected) throw new Error(`expected ${expected} products, got ${count}`);
    },
    async setup(ctx, admin, { url }) {
      simulatorUsers++;
      const api = adminApi(admin);
      const { consumerId, key } = await api.consumerWithKey(`bench ${mode}`);
      const headers = { 'X-Api-Key': key };
      const stores = new Map();
      for (const body of COMMERCE_BODIES) {
        const sim = await simulatorFor(ctx, body.platform);
        const connectionId = await createPlatformConnection(api, consumerId, sim.info);
        const unifiedPath = `/v1/connections/${encodeURIComponent(connectionId)}/products?limit=${COMMERCE_LIMIT}`;
        let path = unifiedPath;
        if (mode === 'raw') {
          // One unified call shows which native page the connector asks for first.
          await sim.reset();
          const res = await fetch(url + unifiedPath, { headers });
          if (!res.ok) throw new Error(`${body.platform}: unified call answered ${res.status}: ${(await res.text()).slice(0, 600)}`);
          await res.arrayBuffer();
          path = `/v1/connections/${encodeURIComponent(connectionId)}/raw${nativeProductsPath(await sim.stats(), sim.info, body.definition)}`;
        }
        // One call on its own shows how many native calls it takes (the connector's memos, such
        // as Shopify's collection membership, are warm after the first call above or here).
        await (await fetch(url + path, { headers })).arrayBuffer();
        await sim.reset();
        const probe = await fetch(url + path, { headers });
        if (!probe.ok) throw new Error(`${body.platform}: ${mode} call answered ${probe.status}: ${(await probe.text()).slice(0, 600)}`);
        await probe.arrayBuffer();
        const perCall = (await sim.stats()).requests;
        stores.set(body.name, { sim, path, perCall });
      }
      let current;
      return {
        headers,
        pathFor: (body) => stores.get(body.name).path,
        upstreamPids: (body) => stores.get(body.name).sim.pids(),
        async beforeMeasure(body) {
          current = stores.get(body.name);
          await current.sim.reset();
        },
        async afterMeasure(body, result) {
          const stats = await current.sim.stats();
          const throttled = stats.statuses['429'] ?? 0;
          // The run's own ratio also counts the calls of requests still in flight when wrk stopped.
          return {
            figures: { 'native calls per call': current.perCall, 'simulator 429s': throttled },
            note: `${current.perCall} native calls per call, ${stats.requests} native calls for ${result.requests} answered${throttled > 0 ? `, ${throttled} simulator 429s` : ''}`,
          };
        },
        stop: releaseSimulators,
      };
    },
  });
}

export const CANDIDATES = [
  direct({ bodies: SERVED }),
  nginxProxy(),
  nginxProxy({ id: 'nginx-cache', label: 'nginx proxy_cache hits', note: 'proxy_cache zone (on disk under the run dir, page cache), proxy_cache_valid 200 1h, sendfile on', cache: true }),
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
    bodies: SERVED,
    config: (ctx) => ({
      logging: { level: 'info', requests: true },
      upstreams: originUpstream(ctx),
      routes: routes(SERVED),
    }),
  }),
  mixedPassthrough(),
  sharedVariant({
    id: 'unigate-keyauth',
    variant: 'keyauth',
    label: 'Unigate + key auth + header injection',
    note: 'a route of the mixed process: inbound API key (X-Api-Key) → consumer; the consumer\'s connection injects X-Upstream-Key (the upstream answers 401 without it)',
    withKey: true,
  }),
  unigate({
    id: 'unigate-full',
    label: 'Unigate full stack (auth+limit+inject+miss)',
    note:
      'key auth, a never-tripping rate limit per consumer and route (in memory), header injection, and a cache (ttl 1h) that misses on every request: ' +
      'wrk asks a different URL each time (?miss=<nonce>-<thread>-<n>, bench/lib/wrk-unique.lua), so every answer is looked up, fetched and stored (LRU churn), never served from the cache',
    uniqueUrls: true,
    config: (ctx) => ({
      logging: { level: 'info', requests: true },
      upstreams: securedUpstream(ctx),
      routes: routes(STANDARD, 'secured', {
        authenticate: { mode: 'key' },
        rate_limit: { key: ['consumer', 'route'], limits: NEVER_TRIPS },
        cache: { ttl: '1h' },
      }),
    }),
    setup: async (ctx, admin) => ({ headers: (await keyAndConnection(ctx, admin)).headers, ...cacheCounting(admin) }),
  }),
  sharedVariant({
    id: 'unigate-cache',
    variant: 'cache',
    label: 'Unigate cache hits',
    note: 'a route of the mixed process with a cache (ttl 1h, in memory): every measured request is a hit',
    check: (body, res, attempt) => {
      exactBody(body, res);
      if (attempt > 0 && res.headers.get('x-cache') !== 'HIT') throw new Error(`expected X-Cache HIT, got ${res.headers.get('x-cache')}`);
    },
    hooks: cacheCounting,
  }),
  sharedVariant({
    id: 'unigate-rl',
    variant: 'rl',
    label: 'Unigate + rate limit (memory)',
    note: 'a route of the mixed process with a rate_limit keyed by client IP and route, in-process store, a limit that never trips',
  }),
  (() => {
    const prefix = `bench-${randomBytes(6).toString('hex')}:`;
    return unigate({
      id: 'unigate-rl-redis',
      label: 'Unigate + rate limit (Redis)',
      note: `the same limit counted in Redis (${BENCH_REDIS_URL}, keys under a per-run prefix, removed at the end; on_store_error: closed, so an outage shows as errors); the Redis server's own CPU is reported apart`,
      config: (ctx) => ({
        logging: { level: 'info', requests: true },
        stores: { shared: `${BENCH_REDIS_URL}?prefix=${prefix}` },
        upstreams: originUpstream(ctx),
        routes: routes(STANDARD, 'origin', { rate_limit: { key: ['client_ip', 'route'], limits: NEVER_TRIPS, on_store_error: 'closed' } }),
      }),
      async setup(ctx, admin, { url }) {
        const pid = await redisServerPid();
        const ready = await (await fetch(`${url}/readyz`)).json().catch(() => undefined);
        const state = JSON.stringify(ready?.details?.shared_store ?? ready);
        if (!/up|ok|connected|healthy/i.test(state) || /down|unavailable/i.test(state)) throw new Error(`Unigate's shared store is not up: /readyz says ${state}`);
        let ticks = 0;
        return {
          beforeMeasure() {
            ticks = pid === undefined ? 0 : cpuTicks([pid]);
          },
          afterMeasure(body, result) {
            if (pid === undefined) return {};
            return { figures: { 'Redis CPU µs/req': (((cpuTicks([pid]) - ticks) / CLK_TCK) * 1e6) / result.requests } };
          },
          stop: async () => {
            await deleteKeysWithPrefix(prefix);
          },
        };
      },
    });
  })(),
  unigate({
    id: 'unigate-transform',
    label: 'Unigate + 10-op JSON transform',
    note: 'transform_response body: move, map(select, rename×2, coerce id→string, coerce date→UTC, map variants(coerce price→decimal, rename)); the answer is checked against the same mapping done in plain JS',
    bodies: ['products'],
    check: checkTransform,
    // Milliseconds of CPU per answer: at 50 connections some wait longer than wrk's default 2 s.
    wrkTimeout: '10s',
    config: (ctx) => ({
      logging: { level: 'info', requests: true },
      upstreams: originUpstream(ctx),
      routes: routes(['products'], 'origin', { transform_response: { body: TRANSFORM_OPS } }),
    }),
  }),
  unigate({
    id: 'unigate-xml',
    label: 'Unigate + XML → JSON',
    note: 'transform_response xml_to_json (always_array: product, category, language; attributes as @name, CDATA merged into text)',
    bodies: ['xml'],
    check: checkXmlToJson,
    // Milliseconds of CPU per answer: at 50 connections some wait longer than wrk's default 2 s.
    wrkTimeout: '10s',
    config: (ctx) => ({
      logging: { level: 'info', requests: true },
      upstreams: originUpstream(ctx),
      routes: routes(['xml'], 'origin', { transform_response: { xml_to_json: { always_array: ['product', 'category', 'language'] } } }),
    }),
  }),
  commerce('unified'),
  commerce('raw'),
];

/** Candidates whose requests/s (and, with `cpu`, CPU µs/request) the others are divided by, in every round. */
export const REFERENCES = [
  { id: 'nginx', column: '×nginx' },
  { id: 'fastify', column: '×fastify' },
  { id: 'minimal', column: '×minimal' },
  { id: 'unigate', column: '×pass', cpu: true },
  { id: 'unigate-mixed', column: '×mixed', cpu: true },
  { id: 'nginx-cache', column: '×ngxcache' },
  { id: 'commerce-raw', column: '×raw', cpu: true },
];

/**
 * Targets from the issues, checked after every run (median of in-round ratios): requests/s
 * ratio ≥ min, or (metric 'cpu') CPU µs/request ratio ≤ max; neither: reported only.
 */
export const TARGETS = [
  { candidate: 'unigate', body: 'small', ref: 'fastify', min: 1.3 },
  { candidate: 'unigate', body: 'small', ref: 'minimal', min: 0.8 },
  { candidate: 'unigate', body: '64KiB', ref: 'fastify', min: 1.0 },
  ...STANDARD.flatMap((body) => [
    { candidate: 'unigate-full', body, ref: 'unigate' },
    { candidate: 'unigate-full', body, ref: 'unigate', metric: 'cpu' },
    { candidate: 'unigate-keyauth', body, ref: 'unigate-mixed', min: 0.85 },
    { candidate: 'unigate-cache', body, ref: 'unigate-mixed', min: 1.5 },
    { candidate: 'unigate-cache', body, ref: 'nginx-cache' },
    { candidate: 'unigate-rl', body, ref: 'unigate-mixed', min: 0.9 },
    { candidate: 'unigate-mixed', body, ref: 'unigate' },
    { candidate: 'unigate-rl-redis', body, ref: 'unigate' },
  ]),
  { candidate: 'unigate-transform', body: 'products', ref: 'unigate' },
  { candidate: 'unigate-transform', body: 'products', ref: 'unigate', metric: 'cpu' },
  { candidate: 'unigate-xml', body: 'xml', ref: 'unigate' },
  { candidate: 'unigate-xml', body: 'xml', ref: 'unigate', metric: 'cpu' },
  ...COMMERCE_BODIES.flatMap((b) => [
    { candidate: 'commerce-unified', body: b.name, ref: 'commerce-raw', metric: 'cpu', max: 3, note: 'mapping adds ≤ 2× the passthrough cost' },
    { candidate: 'commerce-unified', body: b.name, ref: 'commerce-raw', metric: 'cpu', max: 2, note: 'stricter reading: unified ≤ 2× passthrough' },
  ]),
];
