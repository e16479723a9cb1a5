/**
 * A local WooCommerce REST API (`/wp-json/wc/v3`) for tests and the demo: consumer-key auth
 * (HTTPS Basic or query string; over plain HTTP only OAuth 1.0a one-legged, with exact error
 * bodies), `page`/`per_page` lists with `X-WP-Total*` and `Link` headers, WordPress error
 * bodies, money as strings, site-local and GMT date pairs, variations, batch updates, seeded
 * data, in-memory writes and an optional host limiter. Follows ../shared/platforms/woocommerce.md.
 *
 *   const sim = await startWooCommerceSimulator({ seed: 7, sizes: { products: 120 } });
 *   await fetch(sim.signedUrl('GET', `${sim.apiUrl}/products?per_page=100`)); // OAuth over HTTP
 *   await sim.close();
 */
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../simulator-kit/clock.js';
import type { CommonSimulatorOptions, SimulatorCommandSpec } from '../../simulator-kit/cli.js';
import { createStoreDataset, type DatasetSizes } from '../../simulator-kit/dataset.js';
import { createFaultInjector, type FaultConfig, type FaultInjector } from '../../simulator-kit/faults.js';
import { oauth1Signature, type OAuth1ParamEncoding, type OAuth1SignatureMethod } from '../../simulator-kit/oauth1.js';
import { createFixedWindow } from '../../simulator-kit/rate-limit.js';
import { parseJsonBody, startSimulatorServer, type SimRequest, type SimResponse, type SimulatorServer } from '../../simulator-kit/server.js';
import { authenticate, keyPermissionError, wcBaseString } from './auth.js';
import { queryInput } from './params.js';
import { NAMESPACE, noRoute, wcError, type Route, type RouteContext } from './respond.js';
import { catalogRoutes } from './routes-catalog.js';
import { salesRoutes } from './routes-sales.js';
import { createWooCommerceState, type WooCommerceCredential, type WooCommerceSimulatorState } from './state.js';
import { namespaceIndex, siteIndex } from './store-info.js';

export type { WooCommerceCredential, WooCommerceSimulatorState } from './state.js';
export { WC_ID_OFFSET, fromWcId, toWcId } from './state.js';

export const WOOCOMMERCE_SIMULATOR_KEY = `ck_${'simulator'.padEnd(40, '0')}`;
export const WOOCOMMERCE_SIMULATOR_SECRET = `cs_${'simulator'.padEnd(40, '0')}`;

export interface WooCommerceSimulatorOptions {
  /** Default 0 (a free port). Always bound to 127.0.0.1. */
  port?: number;
  seed?: number;
  sizes?: Partial<DatasetSizes>;
  periodEnd?: number;
  periodDays?: number;
  /** Site time zone for `date_*` fields (default America/New_York). */
  timezone?: string;
  currency?: string;
  /** API keys (default: one read_write key, WOOCOMMERCE_SIMULATOR_KEY/SECRET). */
  credentials?: WooCommerceCredential[];
  /** Treat requests as HTTPS: Basic and query-string keys work, OAuth is not tried (§2). Default false. */
  assumeHttps?: boolean;
  /**
   * Base-string parameter encoding. Default `rfc5849` as woocommerce.md §2.3 describes;
   * `single` reproduces class-wc-rest-authentication.php, which encodes names and values once.
   */
  oauthEncoding?: OAuth1ParamEncoding;
  /** A host/WAF limiter in front of WordPress (§5): off by default. */
  hostLimit?: false | { quota?: number; windowMs?: number; retryAfterSeconds?: number };
  /** Host errors (limiter 429, injected 502/503/504, and 500 too) as HTML pages (§10.12). Default false. */
  htmlHostErrors?: boolean;
  /** Plugin keys on products and orders (§10.12). Default false. */
  pluginFields?: boolean;
  /** [U] A variation update also bumps the parent's date_modified. Default true. */
  variationWriteTouchesParent?: boolean;
  faults?: FaultConfig;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
}

export interface WooCommerceSimulator extends SimulatorServer<WooCommerceSimulatorState> {
  consumerKey: string;
  consumerSecret: string;
  /** `http://127.0.0.1:PORT/wp-json/wc/v3`. */
  apiUrl: string;
  faults: FaultInjector;
  /** `url` with fresh OAuth 1.0a one-legged parameters (timestamp from the simulator's clock; old oauth_* dropped). */
  signedUrl(method: string, url: string, options?: { signatureMethod?: OAuth1SignatureMethod; nonce?: string; timestamp?: number; key?: WooCommerceCredential }): string;
}

const HOST_PAGES: Record<number, string> = {
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out',
};

function hostPage(status: number): SimResponse {
  const title = HOST_PAGES[status] ?? `${status} Error`;
  return {
    status,
    headers: { 'Content-Type': 'text/html' },
    raw: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}

/** WordPress's fatal-error answer on REST routes (§6: 500 `internal_server_error`). */
function criticalError(): SimResponse {
  return wcError(500, 'internal_server_error', '<p>There has been a critical error on this website.</p>', {});
}

export async function startWooCommerceSimulator(options: WooCommerceSimulatorOptions = {}): Promise<WooCommerceSimulator> {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 1;
  const dataset = createStoreDataset({
    seed,
    sizes: options.sizes,
    periodEnd: options.periodEnd,
    periodDays: options.periodDays,
    timezone: options.timezone,
    currency: options.currency,
  });
  const credentials = new Map<string, Required<WooCommerceCredential>>();
  for (const c of options.credentials ?? [{ consumerKey: WOOCOMMERCE_SIMULATOR_KEY, consumerSecret: WOOCOMMERCE_SIMULATOR_SECRET }]) {
    credentials.set(c.consumerKey, { permissions: 'read_write', ...c });
  }
  const limit = options.hostLimit === undefined || options.hostLimit === false ? undefined : options.hostLimit;
  const faults = createFaultInjector(options.faults, seed);
  const state = createWooCommerceState({
    dataset,
    clock,
    faults,
    credentials,
    hostLimit: limit && createFixedWindow({ quota: limit.quota ?? 25, windowMs: limit.windowMs ?? 10_000, clock }),
    settings: {
      secure: options.assumeHttps ?? false,
      oauthEncoding: options.oauthEncoding ?? 'rfc5849',
      oauthWindowSeconds: 15 * 60,
      wcVersion: '8.9.1',
      batchLimit: 100,
      htmlHostErrors: options.htmlHostErrors ?? false,
      hostRetryAfterSeconds: limit?.retryAfterSeconds ?? 10,
      variationWriteTouchesParent: options.variationWriteTouchesParent ?? true,
      pluginFields: options.pluginFields ?? false,
    },
  });
  const routes = [...catalogRoutes(), ...salesRoutes()];
  const server = await startSimulatorServer({
    port: options.port,
    state,
    faults,
    sleep: options.sleep,
    handle: (req) => handleWooCommerceRequest(state, routes, req),
    // 500 is WordPress's own answer; 502-504 come from the web server in front (§6).
    errorBody: (status) => (status === 500 && !state.settings.htmlHostErrors ? criticalError() : hostPage(status)),
  });
  const first = credentials.values().next().value as Required<WooCommerceCredential>;
  return {
    ...server,
    consumerKey: first.consumerKey,
    consumerSecret: first.consumerSecret,
    apiUrl: `${server.url}${NAMESPACE}`,
    faults,
    signedUrl(method, url, o = {}) {
      const parsed = new URL(url);
      // Link URLs repeat the previous request's oauth_* parameters (§4); a new signature replaces them.
      for (const k of [...parsed.searchParams.keys()]) if (k.startsWith('oauth_')) parsed.searchParams.delete(k);
      const key = o.key ?? first;
      const oauth: Record<string, string> = {
        oauth_consumer_key: key.consumerKey,
        oauth_nonce: o.nonce ?? randomBytes(16).toString('hex'),
        oauth_signature_method: o.signatureMethod ?? 'HMAC-SHA1',
        oauth_timestamp: String(o.timestamp ?? Math.floor(clock.now() / 1000)),
      };
      const base = wcBaseString(method, `${parsed.origin}${parsed.pathname}`, [...parsed.searchParams, ...Object.entries(oauth)], state.settings.oauthEncoding);
      oauth.oauth_signature = oauth1Signature(base, key.consumerSecret, '', oauth.oauth_signature_method as OAuth1SignatureMethod);
      for (const [k, v] of Object.entries(oauth)) parsed.searchParams.set(k, v);
      return parsed.toString();
    },
  };
}

/** Query parameters, then JSON or form body parameters on top (WordPress merges them). */
function requestInput(req: SimRequest): Map<string, unknown> | SimResponse {
  const input = queryInput(req.query);
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of queryInput(new URLSearchParams(req.body))) input.set(k, v);
  } else if (req.body.trim() !== '') {
    const parsed = parseJsonBody(req.body);
    if (parsed instanceof SyntaxError) {
      return wcError(400, 'rest_invalid_json', 'Invalid JSON body passed.', { json_error_code: 4, json_error_message: 'Syntax error' });
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) for (const [k, v] of Object.entries(parsed)) input.set(k, v);
  }
  return input;
}

/** The REST route of a request: `/wp-json/…`, or `?rest_route=…` without pretty permalinks (§1). */
function restRoute(req: SimRequest): string | undefined {
  if ((req.path === '/' || req.path === '/index.php') && req.query.has('rest_route')) return req.query.get('rest_route') ?? '/';
  if (req.path === '/wp-json' || req.path.startsWith('/wp-json/')) return req.path.slice('/wp-json'.length) || '/';
  return undefined;
}

export function handleWooCommerceRequest(state: WooCommerceSimulatorState, routes: readonly Route[], req: SimRequest): SimResponse {
  // The host limiter sits in front of WordPress, so it answers before any auth (§5).
  if (state.hostLimit) {
    const taken = state.hostLimit.take('host');
    if (!taken.allowed) {
      const page = state.settings.htmlHostErrors ? hostPage(429) : wcError(429, 'too_many_requests', 'Too many requests. Please slow down.');
      return { ...page, headers: { ...page.headers, 'Retry-After': String(state.settings.hostRetryAfterSeconds) } };
    }
  }
  const raw = restRoute(req);
  if (raw === undefined) return { ...hostPage(404), raw: '<!doctype html><title>Page not found</title><h1>Oops! That page can&rsquo;t be found.</h1>' };
  // WordPress drops a trailing slash before matching routes.
  const route = raw.length > 1 ? raw.replace(/\/+$/, '') : raw;
  const base = { state, base: `${req.origin}${NAMESPACE}`, site: req.origin };
  if (route === '/' && req.method === 'GET') return { status: 200, body: siteIndex(base) };

  const auth = authenticate(state, req);
  if ('error' in auth) return auth.error;
  const denied = auth.user && keyPermissionError(auth.user, req.method);
  if (denied) return denied;

  if (route === '/wc/v3' && req.method === 'GET') return { status: 200, body: namespaceIndex(base, routes.map((r) => r.pattern)) };
  if (!route.startsWith('/wc/v3/')) return noRoute();
  const resource = route.slice('/wc/v3'.length);
  const match = routes.find((r) => r.methods.includes(req.method as Route['methods'][number]) && r.pattern.test(resource));
  if (!match) return noRoute();
  const input = requestInput(req);
  if (!(input instanceof Map)) return input;
  const ctx: RouteContext = { ...base, req, user: auth.user, input, params: (match.pattern.exec(resource) ?? []).slice(1) };
  return match.handle(ctx);
}

function credentialFromToken(token: string): WooCommerceCredential {
  const colon = token.indexOf(':');
  if (colon < 1) throw new RangeError(`--token for WooCommerce must be <consumer_key>:<consumer_secret>, got "${token}"`);
  return { consumerKey: token.slice(0, colon), consumerSecret: token.slice(colon + 1) };
}

/** What `unigate simulate woocommerce` runs (see simulator-kit/cli.ts for the flags). */
export const wooCommerceSimulatorCommand: SimulatorCommandSpec<WooCommerceSimulator> = {
  platform: 'woocommerce',
  description: 'WooCommerce REST API v3 simulator (wc/v3; OAuth 1.0a over HTTP, Basic with --assume-https)',
  defaultPort: 9103,
  start: (o: CommonSimulatorOptions) =>
    startWooCommerceSimulator({
      port: o.port ?? 9103,
      seed: o.seed,
      sizes: o.sizes,
      periodEnd: o.periodEnd,
      periodDays: o.periodDays,
      credentials: o.tokens?.map(credentialFromToken),
      assumeHttps: o.assumeHttps,
      // WooCommerce core has no rate limit (§5); the CLI never turns the host limiter on.
      hostLimit: false,
      faults: o.faults,
    }),
  banner: (sim) => [
    `WooCommerce simulator on ${sim.url}`,
    `  API:      ${sim.apiUrl}/products`,
    `  key:      ${sim.consumerKey}`,
    `  secret:   ${sim.consumerSecret}`,
    sim.state.settings.secure
      ? `  auth:     HTTP Basic (key:secret) or ?consumer_key=…&consumer_secret=…`
      : `  auth:     OAuth 1.0a one-legged (HMAC-SHA1/SHA256, signing key "<secret>&"); Basic needs --assume-https`,
  ],
};
