/**
 * A PlatformClient for connector tests: sends straight to a simulator with undici, adding
 * the definition's headers and its credential through the same credential strategy the
 * engine runs (header, bearer, OAuth 1.0a signing…), once per request with a small env of
 * its own. With `pace`, it also waits as the definition's rate-limit model says (leaky
 * bucket or quota window read from the response headers; the shield budget itself where
 * the platform publishes no limit), a stand-in for the engine's outbound shield; tests
 * inject a manual clock so waits take no real time. The engine-backed client replaces it
 * in the API layer with the same interface.
 *
 *   const client = createDirectClient({ baseUrl: sim.url, definition: SHOPIFY, credentials: { access_token: sim.token } });
 */
import { request } from 'undici';
import { credentialStrategy } from '../../pipeline/upstream/credentials/strategies.js';
import type { CredentialStrategy, InjectionRequest, StrategyEnv } from '../../pipeline/upstream/credentials/strategy.js';
import type { Connection, JsonObject } from '../../store/state/types.js';
import { PlatformError, type PlatformClient, type PlatformRequest, type PlatformResponse } from '../connector.js';
import type { ConnectorDefinition } from '../common/definition.js';

export interface Pace {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface DirectClientOptions {
  /** The connection's base URL, e.g. `http://127.0.0.1:PORT` or `…/stores/{hash}`. */
  baseUrl: string;
  definition: ConnectorDefinition;
  credentials: Record<string, string>;
  pace?: Pace;
}

export interface DirectClientStats {
  requests: number;
  byStatus: Map<number, number>;
  /** Time the pacer waited, in ms. */
  waitedMs: number;
  /** `METHOD path` of every request, in order. */
  log: string[];
}

export interface DirectClient extends PlatformClient {
  readonly stats: DirectClientStats;
}

function queryString(query: PlatformRequest['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    params.append(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  return params.toString();
}

/** Services a strategy may reach for; only the OAuth2 token flows do, and this client does not run them. */
function unavailable<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get() {
      throw new Error(`direct client: the ${what} is not available here (OAuth2 token strategies need the engine)`);
    },
  });
}

/** The definition's strategy and an env over the given credentials, as the engine's injection builds it per connection. */
function credentialInjection(def: ConnectorDefinition, baseUrl: string, credentials: Record<string, string>): { strategy: CredentialStrategy; env: StrategyEnv } {
  const strategy = credentialStrategy(def.auth.strategy);
  if (strategy === undefined) throw new Error(`direct client: no credential strategy named ${def.auth.strategy}`);
  // One settings object for the client's life: strategies compile settings once per object.
  const settings: JsonObject = { ...def.auth.settings };
  const at = new Date();
  const connection: Connection = {
    id: `direct-${def.platform}`,
    consumerId: 'direct',
    name: null,
    kind: 'platform',
    target: def.platform,
    baseUrl,
    authStrategy: def.auth.strategy,
    authSettings: settings,
    status: 'active',
    statusReason: null,
    lastRefreshAt: null,
    tokenExpiresAt: null,
    credentialsUpdatedAt: at,
    oauthTokensUpdatedAt: null,
    createdAt: at,
    updatedAt: at,
  };
  const env: StrategyEnv = {
    connection,
    settings,
    credentials: () => Promise.resolve({ ...credentials }),
    cachedCredentials: () => credentials,
    tokens: () => Promise.resolve(undefined),
    services: { state: unavailable('state store'), keyring: unavailable('keyring'), logger: unavailable('logger'), forget: () => undefined },
  };
  return { strategy, env };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `1s`, `500ms`, `2m`, or an integer of ms (the shield's duration forms). */
function durationMs(value: unknown): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(String(value));
  if (!m) throw new Error(`direct client: unreadable duration ${String(value)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

interface Gate {
  /** Ms to wait before one more request fits. */
  wait(now: number): number;
  take(now: number): void;
}

/** The shield's limits (token buckets and sliding windows) as gates a request passes one at a time. */
function budgetGates(limits: ReadonlyArray<Record<string, number | string>>): Gate[] {
  return limits.map((limit): Gate => {
    if (limit.limit !== undefined) {
      const max = Number(limit.limit);
      const windowMs = durationMs(limit.window);
      const times: number[] = [];
      return {
        wait: (now) => {
          while (times.length > 0 && (times[0] as number) <= now - windowMs) times.shift();
          return times.length < max ? 0 : (times[0] as number) + windowMs - now;
        },
        take: (now) => void times.push(now),
      };
    }
    const perMs = durationMs(limit.per) / Number(limit.rate);
    const capacity = Number(limit.burst ?? limit.rate);
    let level = 0;
    let at = 0;
    const drain = (now: number) => {
      level = Math.max(0, level - (now - at) / perMs);
      at = now;
    };
    return {
      wait: (now) => {
        drain(now);
        return level + 1 > capacity ? Math.ceil((level + 1 - capacity) * perMs) : 0;
      },
      take: (now) => {
        drain(now);
        level += 1;
      },
    };
  });
}

/** Waits before a request so the platform's own limit is never hit (one request at a time). */
function createPacer(def: ConnectorDefinition, pace: Pace): { acquire(): Promise<() => void>; before(): Promise<number>; after(headers: PlatformResponse['headers']): void } {
  const model = def.rateLimit;
  const gates = model.model === 'unpublished' ? budgetGates(model.shield.limits) : [];
  let level = 0;
  let levelAt = pace.now();
  let left: number | undefined;
  let resetAt = 0;
  let chain = Promise.resolve();
  return {
    async acquire() {
      const previous = chain;
      let release: () => void = () => undefined;
      chain = new Promise<void>((resolve) => (release = resolve));
      await previous;
      return release;
    },
    async before() {
      let waited = 0;
      if (model.model === 'leaky_bucket') {
        const leaked = ((pace.now() - levelAt) / 1000) * model.leakPerSecond;
        level = Math.max(0, level - leaked);
        levelAt = pace.now();
        // Keep one request of headroom: the platform rounds its level up (shopify.md §5).
        if (level + 2 > model.capacity) {
          waited = Math.ceil(((level + 2 - model.capacity) / model.leakPerSecond) * 1000);
          await pace.sleep(waited);
          level = Math.max(0, level - (waited / 1000) * model.leakPerSecond);
          levelAt = pace.now();
        }
      } else if (model.model === 'fixed_window') {
        if (left !== undefined && left <= 0 && pace.now() < resetAt) {
          waited = resetAt - pace.now() + 1;
          await pace.sleep(waited);
        }
      } else {
        // No platform headers to learn from: the shield's own budget is the pace.
        for (let ms = Math.max(0, ...gates.map((g) => g.wait(pace.now()))); ms > 0; ms = Math.max(0, ...gates.map((g) => g.wait(pace.now())))) {
          waited += ms;
          await pace.sleep(ms);
        }
        for (const g of gates) g.take(pace.now());
      }
      return waited;
    },
    after(headers) {
      if (model.model === 'leaky_bucket') {
        const m = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(first(headers[model.headers.callLimit.toLowerCase()]) ?? '');
        level = m ? Number(m[1]) : level + 1;
        levelAt = pace.now();
      } else if (model.model === 'fixed_window') {
        const l = Number(first(headers[model.headers.left.toLowerCase()]));
        const r = Number(first(headers[model.headers.resetMs.toLowerCase()]));
        if (Number.isFinite(l)) left = l;
        if (Number.isFinite(r)) resetAt = pace.now() + r;
      }
    },
  };
}

export function createDirectClient(options: DirectClientOptions): DirectClient {
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const { strategy, env } = credentialInjection(options.definition, options.baseUrl, options.credentials);
  const pacer = options.pace && createPacer(options.definition, options.pace);
  const stats: DirectClientStats = { requests: 0, byStatus: new Map(), waitedMs: 0, log: [] };

  async function sendOnce(req: PlatformRequest): Promise<PlatformResponse> {
    const attempt: InjectionRequest = {
      method: req.method,
      origin: base.origin,
      path: `${basePath}${req.path}`,
      headers: { ...options.definition.headers },
      query: queryString(req.query),
      body: req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body)),
      bodyRead: true,
    };
    if (attempt.body !== undefined) attempt.headers['content-type'] = 'application/json';
    // As the engine does once per attempt: a fresh signature (timestamp, nonce) every time.
    await strategy.inject(attempt, env);
    stats.requests++;
    stats.log.push(`${req.method} ${req.path}`);
    let res;
    try {
      const url = `${base.origin}${attempt.path}${attempt.query === '' ? '' : `?${attempt.query}`}`;
      res = await request(url, { method: req.method, headers: attempt.headers, body: attempt.body });
    } catch (error) {
      // What the engine reports as UPSTREAM_UNAVAILABLE: no answer at all.
      throw new PlatformError('unavailable', `${options.definition.label} could not be reached`, { status: 0, message: (error as Error).message });
    }
    const text = await res.body.text();
    stats.byStatus.set(res.statusCode, (stats.byStatus.get(res.statusCode) ?? 0) + 1);
    const responseHeaders: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders[k.toLowerCase()] = v;
    let parsed: unknown = text;
    if (text !== '' && /json/i.test(first(responseHeaders['content-type']) ?? '')) {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = text;
      }
    }
    return { status: res.statusCode, headers: responseHeaders, body: parsed };
  }

  return {
    stats,
    async send(req) {
      if (!pacer) return sendOnce(req);
      const release = await pacer.acquire();
      try {
        stats.waitedMs += await pacer.before();
        const res = await sendOnce(req);
        pacer.after(res.headers);
        return res;
      } finally {
        release();
      }
    },
  };
}
