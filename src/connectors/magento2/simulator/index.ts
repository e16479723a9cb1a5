/**
 * A local Magento 2 / Adobe Commerce 2.4 REST API for tests and the demo: `/rest/V1/…` and
 * store-scoped `/rest/{default|all}/V1/…`, admin bearer tokens from
 * `POST /V1/integration/admin/token`, `searchCriteria` lists with `total_count`, configurable
 * products with child simples, legacy stock items and MSI source items, prices as numbers,
 * `{"message","parameters"}` errors, seeded data and in-memory writes.
 * Follows ../shared/platforms/magento2.md.
 *
 *   const sim = await startMagento2Simulator({ seed: 7, sizes: { products: 120 } });
 *   await fetch(`${sim.restUrl()}/V1/products?searchCriteria[pageSize]=50`, { headers: { Authorization: `Bearer ${sim.token}` } });
 *   await sim.close();
 */
import { systemClock, type Clock } from '../../simulator-kit/clock.js';
import type { CommonSimulatorOptions, SimulatorCommandSpec } from '../../simulator-kit/cli.js';
import { createStoreDataset, type DatasetSizes } from '../../simulator-kit/dataset.js';
import { createFaultInjector, type FaultConfig, type FaultInjector } from '../../simulator-kit/faults.js';
import { createFixedWindow } from '../../simulator-kit/rate-limit.js';
import { startSimulatorServer, type SimRequest, type SimResponse, type SimulatorServer } from '../../simulator-kit/server.js';
import { authorized, issueAdminToken, notAuthorized } from './auth.js';
import { internalError, mError, noRoute, withFields, type Route } from './respond.js';
import { catalogRoutes } from './routes-catalog.js';
import { salesRoutes } from './routes-sales.js';
import { stockRoutes } from './routes-stock.js';
import { createMagentoState, type AdminUser, type MagentoSimulatorState } from './state.js';

export type { AdminUser, MagentoProduct, MagentoSimulatorState } from './state.js';

/** A bearer token accepted without the token endpoint (never expires). */
export const MAGENTO2_SIMULATOR_TOKEN = 'simulatoradmintoken0000000000000';
export const MAGENTO2_SIMULATOR_ADMIN: AdminUser = { username: 'admin', password: 'Simulator123' };

export interface Magento2SimulatorOptions {
  /** Default 0 (a free port). Always bound to 127.0.0.1. */
  port?: number;
  seed?: number;
  sizes?: Partial<DatasetSizes>;
  periodEnd?: number;
  periodDays?: number;
  /** Bearer tokens accepted as they are (default: MAGENTO2_SIMULATOR_TOKEN). */
  tokens?: string[];
  /** Admin users for the token endpoint (default: MAGENTO2_SIMULATOR_ADMIN). */
  admins?: AdminUser[];
  /** Store codes besides `all` (default ['default']). */
  storeCodes?: string[];
  /** 2.0–2.3 behaviour: a page past the end returns the last page again (§3.1). Default false. */
  legacyClampLastPage?: boolean;
  /** Default 4 hours (§2). */
  adminTokenLifetimeSeconds?: number;
  /** [U] Stock writes through stockItems / source-items also bump the product's updated_at. Default false. */
  stockWritesTouchProduct?: boolean;
  /** No REST rate limit in core (§11); this models a CDN/WAF limiter in front. Off by default. */
  rateLimit?: false | { quota?: number; windowMs?: number; retryAfterSeconds?: number };
  faults?: FaultConfig;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
}

export interface Magento2Simulator extends SimulatorServer<MagentoSimulatorState> {
  /** The first static bearer token. */
  token: string;
  /** `http://127.0.0.1:PORT/rest` or `…/rest/{storeCode}`. */
  restUrl(storeCode?: string): string;
  faults: FaultInjector;
}

const PATH = /^\/rest(?:\/([^/]+))?(\/V1\/.*?)\/?$/;

function htmlPage(status: number, title: string): SimResponse {
  return { status, headers: { 'Content-Type': 'text/html' }, raw: `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>` };
}

export async function startMagento2Simulator(options: Magento2SimulatorOptions = {}): Promise<Magento2Simulator> {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 1;
  const dataset = createStoreDataset({ seed, sizes: options.sizes, periodEnd: options.periodEnd, periodDays: options.periodDays, timezone: 'America/Los_Angeles' });
  const limit = options.rateLimit === undefined || options.rateLimit === false ? undefined : options.rateLimit;
  const faults = createFaultInjector(options.faults, seed);
  const state = createMagentoState({
    dataset,
    clock,
    faults,
    limiter: limit && createFixedWindow({ quota: limit.quota ?? 100, windowMs: limit.windowMs ?? 10_000, clock }),
    staticTokens: new Set(options.tokens ?? [MAGENTO2_SIMULATOR_TOKEN]),
    admins: options.admins ?? [MAGENTO2_SIMULATOR_ADMIN],
    settings: {
      storeCodes: ['all', ...(options.storeCodes ?? ['default'])],
      legacyClampLastPage: options.legacyClampLastPage ?? false,
      adminTokenLifetimeSeconds: options.adminTokenLifetimeSeconds ?? 4 * 3600,
      lockMaxFailures: 6,
      lockSeconds: 1800,
      stockWritesTouchProduct: options.stockWritesTouchProduct ?? false,
      retryAfterSeconds: limit?.retryAfterSeconds ?? 10,
    },
  });
  const routes = [...catalogRoutes(), ...stockRoutes(), ...salesRoutes()];
  const server = await startSimulatorServer({
    port: options.port,
    state,
    faults,
    sleep: options.sleep,
    handle: (req) => handleMagentoRequest(state, routes, req),
    // 500 is Magento's own masked error; 502-504 come from the proxy or CDN in front (§10, §11 [U]).
    errorBody: (status) => (status === 500 ? internalError() : htmlPage(status, `${status} Service Unavailable`)),
  });
  return {
    ...server,
    token: state.staticTokens.values().next().value as string,
    faults,
    restUrl: (storeCode) => `${server.url}/rest${storeCode === undefined ? '' : `/${storeCode}`}`,
  };
}

export function handleMagentoRequest(state: MagentoSimulatorState, routes: readonly Route[], req: SimRequest): SimResponse {
  if (state.limiter) {
    const taken = state.limiter.take('store');
    if (!taken.allowed) return { ...mError(429, 'Too Many Requests'), headers: { 'Retry-After': String(state.settings.retryAfterSeconds) } };
  }
  const match = PATH.exec(req.path);
  // An unknown store code is read as part of the route, which then matches nothing (§1).
  if (!match || (match[1] !== undefined && !state.settings.storeCodes.includes(match[1]))) return noRoute();
  const storeCode = match[1] ?? 'default';
  const path = match[2] as string;
  if (req.method === 'POST' && path === '/V1/integration/admin/token') return issueAdminToken(state, req);
  const route = routes.find((r) => r.method === req.method && r.pattern.test(path));
  if (!route) return noRoute();
  if (route.resource !== null && !authorized(state, req)) return notAuthorized(route.resource);
  const params = (route.pattern.exec(path) ?? []).slice(1);
  const res = route.handle({ req, params, state, storeCode });
  return req.method === 'GET' ? withFields(req, res) : res;
}

/** What `unigate simulate magento2` runs (see simulator-kit/cli.ts for the flags). */
export const magento2SimulatorCommand: SimulatorCommandSpec<Magento2Simulator> = {
  platform: 'magento2',
  description: 'Magento 2 / Adobe Commerce REST API simulator (2.4: searchCriteria, configurable products, MSI)',
  defaultPort: 9104,
  start: (o: CommonSimulatorOptions) =>
    startMagento2Simulator({
      port: o.port ?? 9104,
      seed: o.seed,
      sizes: o.sizes,
      periodEnd: o.periodEnd,
      periodDays: o.periodDays,
      tokens: o.tokens,
      // Magento core has no REST rate limit (§11); the CLI never turns the limiter on.
      rateLimit: false,
      faults: o.faults,
    }),
  banner: (sim) => [
    `Magento 2 simulator on ${sim.url}`,
    `  REST:     ${sim.restUrl('default')}/V1/products?searchCriteria[pageSize]=20`,
    `  header:   Authorization: Bearer ${sim.token}`,
    `  token:    POST ${sim.restUrl()}/V1/integration/admin/token {"username":"${MAGENTO2_SIMULATOR_ADMIN.username}","password":"${MAGENTO2_SIMULATOR_ADMIN.password}"}`,
  ],
};
