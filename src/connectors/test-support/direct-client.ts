/**
 * A PlatformClient for connector tests: sends straight to a simulator with undici, adding
 * the definition's headers and its credential (the `header` strategy's template, as the
 * engine's credential injection would). With `pace`, it also waits as the definition's
 * rate-limit model says (leaky bucket or quota window, read from the response headers), a
 * stand-in for the engine's outbound shield; tests inject a manual clock so waits take no
 * real time. The engine-backed client replaces it in the API layer with the same interface.
 *
 *   const client = createDirectClient({ baseUrl: sim.url, definition: SHOPIFY, credentials: { access_token: sim.token } });
 */
import { request } from 'undici';
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
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function authHeaders(def: ConnectorDefinition, credentials: Record<string, string>): Record<string, string> {
  if (def.auth.strategy !== 'header') throw new Error(`direct client: ${def.auth.strategy} credentials are not supported`);
  const name = def.auth.settings.name ?? '';
  const value = (def.auth.settings.template ?? '').replace(/\{(\w+)\}/g, (_, field: string) => credentials[field] ?? '');
  return { [name]: value };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Waits before a request so the platform's own limit is never hit (one request at a time). */
function createPacer(def: ConnectorDefinition, pace: Pace): { acquire(): Promise<() => void>; before(): Promise<number>; after(headers: PlatformResponse['headers']): void } {
  const model = def.rateLimit;
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
      } else if (left !== undefined && left <= 0 && pace.now() < resetAt) {
        waited = resetAt - pace.now() + 1;
        await pace.sleep(waited);
      }
      return waited;
    },
    after(headers) {
      if (model.model === 'leaky_bucket') {
        const m = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(first(headers[model.headers.callLimit.toLowerCase()]) ?? '');
        level = m ? Number(m[1]) : level + 1;
        levelAt = pace.now();
      } else {
        const l = Number(first(headers[model.headers.left.toLowerCase()]));
        const r = Number(first(headers[model.headers.resetMs.toLowerCase()]));
        if (Number.isFinite(l)) left = l;
        if (Number.isFinite(r)) resetAt = pace.now() + r;
      }
    },
  };
}

export function createDirectClient(options: DirectClientOptions): DirectClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const fixed = { ...options.definition.headers, ...authHeaders(options.definition, options.credentials) };
  const pacer = options.pace && createPacer(options.definition, options.pace);
  const stats: DirectClientStats = { requests: 0, byStatus: new Map(), waitedMs: 0, log: [] };

  async function sendOnce(req: PlatformRequest): Promise<PlatformResponse> {
    const headers: Record<string, string> = { ...fixed };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    stats.requests++;
    stats.log.push(`${req.method} ${req.path}`);
    let res;
    try {
      res = await request(`${base}${req.path}${queryString(req.query)}`, { method: req.method, headers, body });
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
