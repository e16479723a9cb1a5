/**
 * A local BigCommerce REST API for tests and the demo: V3 catalog and customers
 * (`{"data","meta"}`, numbers for money, ISO dates) and V2 store and orders (bare JSON,
 * money strings, RFC 2822 dates) under `/stores/{store_hash}/`, `X-Auth-Token` auth with
 * OAuth scopes, the store-wide 150-per-30-seconds quota with `X-Rate-Limit-*` headers,
 * both error styles, seeded data and in-memory writes. Follows ../shared/platforms/bigcommerce.md.
 *
 *   const sim = await startBigCommerceSimulator({ seed: 7, sizes: { products: 120 } });
 *   await fetch(`${sim.apiUrl('v3')}/catalog/products?limit=50`, { headers: { 'X-Auth-Token': sim.token } });
 *   await sim.close();
 */
import { systemClock, type Clock } from '../../simulator-kit/clock.js';
import type { CommonSimulatorOptions, SimulatorCommandSpec } from '../../simulator-kit/cli.js';
import { createStoreDataset, type DatasetSizes } from '../../simulator-kit/dataset.js';
import { createFaultInjector, type FaultConfig, type FaultInjector } from '../../simulator-kit/faults.js';
import { createFixedWindow } from '../../simulator-kit/rate-limit.js';
import { startSimulatorServer, type SimRequest, type SimResponse, type SimulatorServer } from '../../simulator-kit/server.js';
import { STATUS_DOC_TYPE, v2Error, v2NotFound, v3Error, v3NotFound, type Route } from './respond.js';
import { v2Routes } from './routes-v2.js';
import { customerRoutes } from './routes-customers.js';
import { v3Routes } from './routes-v3.js';
import { createBigCommerceState, type BigCommerceSimulatorState } from './state.js';

export type { BigCommerceSimulatorState } from './state.js';
export { BC_ID_OFFSET, fromBcId, toBcId } from './state.js';

export const BIGCOMMERCE_SIMULATOR_TOKEN = 'simulatortoken000000000000000000';

/** OAuth scopes the simulator checks; a read needs `<family>` or `<family>_read_only`, a write `<family>`. */
export const BIGCOMMERCE_SCOPES = ['store_v2_products', 'store_v2_orders', 'store_v2_customers', 'store_v2_information'] as const;

/** Requests per 30-second window by plan (bigcommerce.md §5). */
export const BIGCOMMERCE_PLANS = { standard: 150, plus: 150, pro: 450 } as const;

export interface BigCommerceCredential {
  accessToken: string;
  /** Granted scopes (default: every family with full access). */
  scopes?: readonly string[];
}

export interface BigCommerceSimulatorOptions {
  /** Default 0 (a free port). Always bound to 127.0.0.1. */
  port?: number;
  seed?: number;
  sizes?: Partial<DatasetSizes>;
  periodEnd?: number;
  periodDays?: number;
  /** Default `sim` + seed in base 36. */
  storeHash?: string;
  /** Tokens the simulator accepts (default: BIGCOMMERCE_SIMULATOR_TOKEN with every scope). */
  credentials?: BigCommerceCredential[];
  /** `false` turns the quota off; otherwise a plan and/or explicit numbers. */
  rateLimit?: false | { plan?: keyof typeof BIGCOMMERCE_PLANS; quota?: number; windowMs?: number };
  faults?: FaultConfig;
  clock?: Clock;
  /** Empty V2 lists answer 204 without a body (default true; [U] in §4). */
  v2EmptyListNoContent?: boolean;
  /** Incomplete (status 0) orders in unfiltered V2 lists (default false; [U] in §7). */
  listIncompleteOrders?: boolean;
  sleep?: (ms: number) => Promise<void>;
}

export interface BigCommerceSimulator extends SimulatorServer<BigCommerceSimulatorState> {
  token: string;
  storeHash: string;
  /** `http://127.0.0.1:PORT/stores/{hash}/v3` (or `/v2`). */
  apiUrl(version: 'v2' | 'v3'): string;
  faults: FaultInjector;
}

const SERVER_ERRORS: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const PATH = /^\/stores\/([^/]+)\/(v2|v3)\/(.+?)(?:\.json)?\/?$/;

export async function startBigCommerceSimulator(options: BigCommerceSimulatorOptions = {}): Promise<BigCommerceSimulator> {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 1;
  const dataset = createStoreDataset({ seed, sizes: options.sizes, periodEnd: options.periodEnd, periodDays: options.periodDays, timezone: 'America/Chicago' });
  const credentials = new Map<string, ReadonlySet<string>>();
  for (const c of options.credentials ?? [{ accessToken: BIGCOMMERCE_SIMULATOR_TOKEN }]) {
    credentials.set(c.accessToken, new Set(c.scopes ?? BIGCOMMERCE_SCOPES));
  }
  const limit = options.rateLimit === false ? undefined : options.rateLimit ?? {};
  const quota = limit?.quota ?? BIGCOMMERCE_PLANS[limit?.plan ?? 'standard'];
  const windowMs = limit?.windowMs ?? 30_000;
  const faults = createFaultInjector(options.faults, seed);
  const storeHash = options.storeHash ?? `sim${seed.toString(36)}`;
  const state = createBigCommerceState({
    dataset,
    clock,
    faults,
    credentials,
    window: limit && createFixedWindow({ quota, windowMs, clock }),
    settings: {
      storeHash,
      v2EmptyListNoContent: options.v2EmptyListNoContent ?? true,
      listIncompleteOrders: options.listIncompleteOrders ?? false,
      rateLimitQuota: quota,
      rateLimitWindowMs: windowMs,
    },
  });
  const routes = { v2: v2Routes(), v3: [...v3Routes(), ...customerRoutes()] };
  const server = await startSimulatorServer({
    port: options.port,
    state,
    faults,
    sleep: options.sleep,
    handle: (req) => handleBigCommerceRequest(state, routes, req),
    // Injected 5xx in the error style of the path's generation (§6); the wording is [U].
    errorBody: (status, req) => {
      const title = SERVER_ERRORS[status] ?? 'Internal Server Error';
      return PATH.exec(req.path)?.[2] === 'v2' ? v2Error(status, title) : v3Error(status, title);
    },
  });
  return {
    ...server,
    token: credentials.keys().next().value as string,
    storeHash,
    faults,
    apiUrl: (version) => `${server.url}/stores/${storeHash}/${version}`,
  };
}

function allowed(granted: ReadonlySet<string>, route: Route): boolean {
  if (route.scope === null) return true;
  if (granted.has(route.scope)) return true;
  return !route.write && granted.has(`${route.scope}_read_only`);
}

export function handleBigCommerceRequest(
  state: BigCommerceSimulatorState,
  routes: { v2: readonly Route[]; v3: readonly Route[] },
  req: SimRequest,
): SimResponse {
  const match = PATH.exec(req.path);
  if (!match) return v3NotFound();
  const [, hash, version, resource] = match as unknown as [string, string, 'v2' | 'v3', string];

  // Auth failures use the V3 shape on both generations (§2: the body is [U], the V3 shape is suggested).
  const raw = req.headers['x-auth-token'];
  const token = Array.isArray(raw) ? raw[0] : raw;
  const scopes = token === undefined ? undefined : state.credentials.get(token);
  if (scopes === undefined || hash !== state.settings.storeHash) {
    return { status: 401, body: { status: 401, title: 'Unauthorized', type: STATUS_DOC_TYPE } };
  }

  // Only JSON is served; an Accept that rules it out is a 406 (§6 status table, §10.13).
  const accept = String(req.headers.accept ?? '*/*').toLowerCase();
  if (!/json|\*\/\*|application\/\*/.test(accept)) {
    return version === 'v2' ? v2Error(406, 'The requested format is not supported.') : v3Error(406, 'Not Acceptable');
  }

  const headers: Record<string, string> = {};
  if (state.window) {
    // One quota for the whole store, shared by every token (§5).
    const taken = state.window.take('store');
    headers['X-Rate-Limit-Time-Window-Ms'] = String(taken.windowMs);
    headers['X-Rate-Limit-Time-Reset-Ms'] = String(taken.resetMs);
    headers['X-Rate-Limit-Requests-Quota'] = String(taken.quota);
    headers['X-Rate-Limit-Requests-Left'] = String(taken.left);
    if (!taken.allowed) {
      headers['X-Retry-After'] = String(Math.ceil(taken.resetMs / 1000));
      // The 429 body is not documented (§5 [U]); a V3 problem object is used.
      return { ...v3Error(429, 'Too many requests. Please retry after the time in X-Rate-Limit-Time-Reset-Ms.'), headers };
    }
  }

  const route = routes[version].find((r) => r.method === req.method && r.pattern.test(resource));
  let res: SimResponse;
  if (!route) {
    res = version === 'v2' ? v2NotFound() : v3NotFound();
  } else if (!allowed(scopes, route)) {
    // Exact body from §2 (the type is the path form there).
    res = {
      status: 403,
      body: { status: 403, title: 'Unauthorized Access. You do not have permission to make this request.', type: '/api-docs/getting-started/api-status-codes' },
    };
  } else {
    res = route.handle({ req, params: (route.pattern.exec(resource) ?? []).slice(1), state });
  }
  return { ...res, headers: { ...headers, ...res.headers } };
}

/** What `unigate simulate bigcommerce` runs (see simulator-kit/cli.ts for the flags). */
export const bigCommerceSimulatorCommand: SimulatorCommandSpec<BigCommerceSimulator> = {
  platform: 'bigcommerce',
  description: 'BigCommerce REST API simulator (Catalog V3, Customers V3, Orders V2, Store V2)',
  defaultPort: 9102,
  start: (o: CommonSimulatorOptions) =>
    startBigCommerceSimulator({
      port: o.port ?? 9102,
      seed: o.seed,
      sizes: o.sizes,
      periodEnd: o.periodEnd,
      periodDays: o.periodDays,
      credentials: o.tokens?.map((accessToken) => ({ accessToken })),
      rateLimit: o.rateLimit,
      faults: o.faults,
    }),
  banner: (sim) => [
    `BigCommerce simulator on ${sim.url}`,
    `  catalog:  ${sim.apiUrl('v3')}/catalog/products`,
    `  orders:   ${sim.apiUrl('v2')}/orders`,
    `  header:   X-Auth-Token: ${sim.token}`,
  ],
};
