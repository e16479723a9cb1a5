/**
 * A local Shopify Admin REST API (2024-04 shapes) for tests and the demo: versioned `.json`
 * paths, `X-Shopify-Access-Token` auth with scopes, cursor pagination with `Link` headers,
 * the 40-request / 2-per-second leaky bucket, Shopify's error bodies, seeded data and
 * in-memory writes. Follows ../shared/platforms/shopify.md.
 *
 *   const sim = await startShopifySimulator({ seed: 7, sizes: { products: 120 } });
 *   await fetch(`${sim.adminUrl()}/products.json?limit=50`, { headers: { 'X-Shopify-Access-Token': sim.token } });
 *   await sim.close();
 */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../simulator-kit/clock.js';
import type { CommonSimulatorOptions, SimulatorCommandSpec } from '../../simulator-kit/cli.js';
import { createStoreDataset, type DatasetSizes } from '../../simulator-kit/dataset.js';
import { createFaultInjector, type FaultConfig, type FaultInjector } from '../../simulator-kit/faults.js';
import { createLeakyBucket } from '../../simulator-kit/rate-limit.js';
import { startSimulatorServer, type SimRequest, type SimResponse, type SimulatorServer } from '../../simulator-kit/server.js';
import { catalogRoutes } from './routes-catalog.js';
import { collectionRoutes } from './routes-collections.js';
import { inventoryRoutes } from './routes-inventory.js';
import { salesRoutes } from './routes-sales.js';
import { fail, type Route } from './respond.js';
import { createShopifyState, type ShopifySimulatorState } from './state.js';

export type { ShopifySimulatorState } from './state.js';
export { SHOPIFY_ID_BASE, toShopifyId, fromShopifyId } from './ids.js';

export const SHOPIFY_SIMULATOR_TOKEN = 'shpat_simulator0000000000000000000';

/** Every scope the simulator knows; the default token has them all. */
export const SHOPIFY_SCOPES = [
  'read_products',
  'write_products',
  'read_inventory',
  'write_inventory',
  'read_locations',
  'read_orders',
  'read_all_orders',
  'read_customers',
] as const;

/** Bucket size and leak rate per plan (shopify.md §5). */
export const SHOPIFY_PLANS = {
  standard: { bucketSize: 40, leakPerSecond: 2 },
  advanced: { bucketSize: 80, leakPerSecond: 4 },
  plus: { bucketSize: 400, leakPerSecond: 20 },
} as const;

export interface ShopifyCredential {
  accessToken: string;
  /** Granted scopes (default: all of SHOPIFY_SCOPES). `write_x` implies `read_x`. */
  scopes?: readonly string[];
}

export interface ShopifySimulatorOptions {
  /** Default 0 (a free port). Always bound to 127.0.0.1. */
  port?: number;
  seed?: number;
  sizes?: Partial<DatasetSizes>;
  /** End of the period the data is spread over (epoch ms; default 2025-06-01T00:00:00Z). */
  periodEnd?: number;
  periodDays?: number;
  /** The `*.myshopify.com` subdomain (default: derived from the seeded shop name). */
  shop?: string;
  /** Tokens the simulator accepts (default: one token, SHOPIFY_SIMULATOR_TOKEN, every scope). */
  credentials?: ShopifyCredential[];
  /** `false` turns the bucket off; otherwise a plan preset and/or explicit numbers. */
  rateLimit?:
    | false
    | { plan?: keyof typeof SHOPIFY_PLANS; bucketSize?: number; leakPerSecond?: number; retryAfterSeconds?: number };
  faults?: FaultConfig;
  clock?: Clock;
  /** Status filter applied when a products request names none ([U] in §3). Default 'active'. */
  productStatusDefault?: 'active' | 'any';
  /** Older or missing versions fall forward to this one (§1). Default '2024-04'. */
  oldestSupportedVersion?: string;
  /** Number of inventory locations (default 1; stock starts at the first). */
  locations?: number;
  /** Days of orders visible without `read_all_orders` (default 60). */
  recentOrderDays?: number;
  /** Wait used for latency faults (tests inject a recorder). */
  sleep?: (ms: number) => Promise<void>;
}

export interface ShopifySimulator extends SimulatorServer<ShopifySimulatorState> {
  /** The first accepted token. */
  token: string;
  /** `http://127.0.0.1:PORT/admin/api/{version}` (default version 2024-04). */
  adminUrl(version?: string): string;
  faults: FaultInjector;
}

/** Bodies of injected 5xx answers; 500's wording is from shopify.md §6, the others are [U]. */
const SERVER_ERRORS: Record<number, string> = {
  500: 'An unexpected error occurred',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const VERSIONED = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/(.+)$/;
const UNVERSIONED = /^\/admin\/(.+)$/;

export async function startShopifySimulator(options: ShopifySimulatorOptions = {}): Promise<ShopifySimulator> {
  const clock = options.clock ?? systemClock;
  const dataset = createStoreDataset({
    seed: options.seed ?? 1,
    sizes: options.sizes,
    periodEnd: options.periodEnd,
    periodDays: options.periodDays,
  });
  const limits = options.rateLimit === false ? undefined : { ...SHOPIFY_PLANS[options.rateLimit?.plan ?? 'standard'], ...options.rateLimit };
  const credentials = new Map<string, ReadonlySet<string>>();
  for (const c of options.credentials ?? [{ accessToken: SHOPIFY_SIMULATOR_TOKEN }]) {
    credentials.set(c.accessToken, new Set(c.scopes ?? SHOPIFY_SCOPES));
  }
  const faults = createFaultInjector(options.faults, options.seed ?? 1);
  const state = createShopifyState({
    dataset,
    clock,
    faults,
    credentials,
    bucket: limits && createLeakyBucket({ capacity: limits.bucketSize, leakPerSecond: limits.leakPerSecond, clock }),
    locationCount: options.locations ?? 1,
    settings: {
      shopDomain: `${options.shop ?? dataset.store.handle}.myshopify.com`,
      productStatusDefault: options.productStatusDefault ?? 'active',
      oldestSupportedVersion: options.oldestSupportedVersion ?? '2024-04',
      retryAfterSeconds: (limits && 'retryAfterSeconds' in limits ? limits.retryAfterSeconds : undefined) ?? 2,
      bucketSize: limits?.bucketSize ?? 0,
      leakPerSecond: limits?.leakPerSecond ?? 0,
      recentOrderDays: options.recentOrderDays ?? 60,
    },
  });
  const routes = [...catalogRoutes(), ...collectionRoutes(), ...inventoryRoutes(), ...salesRoutes()];
  const server = await startSimulatorServer({
    port: options.port,
    state,
    faults,
    sleep: options.sleep,
    handle: (req) => handleShopifyRequest(state, routes, req),
    errorBody: (status, req) => withCommonHeaders(fail(status, SERVER_ERRORS[status] ?? 'An unexpected error occurred'), versionOf(state, req)),
  });
  const first = credentials.keys().next().value as string;
  return {
    ...server,
    token: first,
    faults,
    adminUrl: (version = '2024-04') => `${server.url}/admin/api/${version}`,
  };
}

/** The version that handles the request: the path's, or the oldest supported for older/missing ones (§1). */
function versionOf(state: ShopifySimulatorState, req: SimRequest): string {
  const asked = VERSIONED.exec(req.path)?.[1];
  const oldest = state.settings.oldestSupportedVersion;
  if (asked === undefined) return oldest;
  if (asked === 'unstable') return asked;
  return asked < oldest ? oldest : asked;
}

function withCommonHeaders(res: SimResponse, version: string): SimResponse {
  return {
    ...res,
    headers: { 'X-Shopify-API-Version': version, 'X-Request-Id': randomUUID(), ...res.headers },
  };
}

function hasScope(granted: ReadonlySet<string>, needed: string | null): boolean {
  if (needed === null) return true;
  if (granted.has(needed)) return true;
  // write_x implies read_x.
  return needed.startsWith('read_') && granted.has(`write_${needed.slice(5)}`);
}

export function handleShopifyRequest(state: ShopifySimulatorState, routes: readonly Route[], req: SimRequest): SimResponse {
  const version = versionOf(state, req);
  const match = VERSIONED.exec(req.path) ?? UNVERSIONED.exec(req.path);
  const resource = match?.[match.length - 1];
  if (resource === undefined) return withCommonHeaders(fail(404, 'Not Found'), version);

  const raw = req.headers['x-shopify-access-token'];
  const token = Array.isArray(raw) ? raw[0] : raw;
  const scopes = token === undefined ? undefined : state.credentials.get(token);
  if (token === undefined || scopes === undefined) {
    // Exact body from shopify.md §2.
    return withCommonHeaders(fail(401, '[API] Invalid API key or access token (unrecognized login or wrong password)'), version);
  }

  const headers: Record<string, string> = {};
  if (state.bucket) {
    const taken = state.bucket.take(token);
    // Header shows the rounded-up fill after this request (§5).
    headers['X-Shopify-Shop-Api-Call-Limit'] = `${Math.ceil(taken.used)}/${taken.capacity}`;
    if (!taken.allowed) {
      headers['Retry-After'] = state.settings.retryAfterSeconds.toFixed(1);
      headers['X-Shopify-Shop-Api-Call-Limit'] = `${taken.capacity}/${taken.capacity}`;
      return withCommonHeaders(
        { ...fail(429, `Exceeded ${state.settings.leakPerSecond} calls per second for api client. Reduce request rates to resume uninterrupted service.`), headers },
        version,
      );
    }
  }

  const route = routes.find((r) => r.method === req.method && r.pattern.test(resource));
  let res: SimResponse;
  if (!route) {
    res = fail(404, 'Not Found');
  } else if (!hasScope(scopes, route.scope)) {
    res = fail(403, 'User does not have access');
  } else {
    const params = (route.pattern.exec(resource) ?? []).slice(1);
    res = route.handle({ req, params, state, scopes, baseUrl: `${req.origin}/admin/api/${version}` });
  }
  return withCommonHeaders({ ...res, headers: { ...headers, ...res.headers } }, version);
}

/** What `unigate simulate shopify` runs (see simulator-kit/cli.ts for the flags). */
export const shopifySimulatorCommand: SimulatorCommandSpec<ShopifySimulator> = {
  platform: 'shopify',
  description: 'Shopify Admin REST API simulator (2024-04 shapes)',
  defaultPort: 9101,
  start: (o: CommonSimulatorOptions) =>
    startShopifySimulator({
      port: o.port ?? 9101,
      seed: o.seed,
      sizes: o.sizes,
      periodEnd: o.periodEnd,
      periodDays: o.periodDays,
      credentials: o.tokens?.map((accessToken) => ({ accessToken })),
      rateLimit: o.rateLimit,
      faults: o.faults,
    }),
  banner: (sim) => [
    `Shopify simulator on ${sim.url}`,
    `  admin API: ${sim.adminUrl()}/products.json`,
    `  header:    X-Shopify-Access-Token: ${sim.token}`,
  ],
};
