/**
 * What `unigate simulate <platform>` needs from a simulator, without the CLI depending on
 * platform code: the shared flags, a parser from flag strings to kit options, and the
 * spec each platform exports.
 *
 *   const spec = shopifySimulatorCommand;
 *   const sim = await spec.start(parseSimulatorFlags({ port: '9101', seed: '7', products: '10000' }));
 */
import type { DatasetSizes } from './dataset-types.js';
import type { FaultConfig } from './faults.js';

/** Flags every simulator accepts, in commander's `flags` syntax. */
export const SIMULATOR_FLAGS: ReadonlyArray<{ flags: string; description: string }> = [
  { flags: '--port <n>', description: 'port to listen on, on 127.0.0.1 (default: the platform default; 0 picks a free port)' },
  { flags: '--seed <n>', description: 'seed of the generated store data (default 1)' },
  { flags: '--products <n>', description: 'number of products' },
  { flags: '--categories <n>', description: 'number of categories (Shopify: collections)' },
  { flags: '--customers <n>', description: 'number of customers' },
  { flags: '--orders <n>', description: 'number of orders' },
  { flags: '--period-end <iso|now>', description: 'end of the period data timestamps are spread over (default 2025-06-01T00:00:00Z)' },
  { flags: '--period-days <n>', description: 'length of that period in days (default 365)' },
  { flags: '--token <token...>', description: 'access token(s) the simulator accepts, all with every scope (default: the platform demo token)' },
  { flags: '--no-rate-limit', description: 'turn the platform rate limit off' },
  { flags: '--assume-https', description: 'treat plain-HTTP requests as HTTPS where auth depends on it (WooCommerce: Basic and query-string keys)' },
  { flags: '--latency <ms|min-max>', description: 'added latency per request' },
  { flags: '--error-rate <0..1>', description: 'share of requests answered with a 5xx' },
  { flags: '--reset-rate <0..1>', description: 'share of connections reset without an answer' },
];

export interface SimulatorFlagValues {
  port?: string;
  seed?: string;
  products?: string;
  categories?: string;
  customers?: string;
  orders?: string;
  periodEnd?: string;
  periodDays?: string;
  token?: string | string[];
  /** commander sets `rateLimit: false` for `--no-rate-limit`. */
  rateLimit?: boolean;
  assumeHttps?: boolean;
  latency?: string;
  errorRate?: string;
  resetRate?: string;
}

export interface CommonSimulatorOptions {
  port?: number;
  seed?: number;
  sizes?: Partial<DatasetSizes>;
  periodEnd?: number;
  periodDays?: number;
  tokens?: string[];
  rateLimit?: false;
  /** Platforms whose auth depends on TLS act as if the request came over HTTPS. */
  assumeHttps?: boolean;
  faults?: FaultConfig;
}

export interface SimulatorCommandSpec<S extends { url: string; close(): Promise<void> }> {
  platform: string;
  description: string;
  defaultPort: number;
  start(options: CommonSimulatorOptions): Promise<S>;
  /** Lines to print after start (base URL, token, example request). */
  banner(sim: S): string[];
}

function int(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

function rate(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new RangeError(`--${name} must be between 0 and 1, got "${value}"`);
  return n;
}

/** Turn raw flag strings into kit options; throws RangeError naming the bad flag. */
export function parseSimulatorFlags(flags: SimulatorFlagValues): CommonSimulatorOptions {
  const sizes: Partial<DatasetSizes> = {};
  for (const key of ['products', 'categories', 'customers', 'orders'] as const) {
    const n = int(key, flags[key]);
    if (n !== undefined) sizes[key] = n;
  }
  let periodEnd: number | undefined;
  if (flags.periodEnd !== undefined) {
    periodEnd = flags.periodEnd === 'now' ? Date.now() : Date.parse(flags.periodEnd);
    if (Number.isNaN(periodEnd)) throw new RangeError(`--period-end must be an ISO 8601 time or "now", got "${flags.periodEnd}"`);
  }
  const faults: FaultConfig = {};
  if (flags.latency !== undefined) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(flags.latency);
    if (!m) throw new RangeError(`--latency must be <ms> or <min>-<max>, got "${flags.latency}"`);
    faults.latencyMs = m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
  }
  const errorRate = rate('error-rate', flags.errorRate);
  if (errorRate !== undefined) faults.errorRate = errorRate;
  const resetRate = rate('reset-rate', flags.resetRate);
  if (resetRate !== undefined) faults.resetRate = resetRate;
  const tokens = flags.token === undefined ? undefined : Array.isArray(flags.token) ? flags.token : [flags.token];
  const out: CommonSimulatorOptions = { sizes, faults };
  const port = int('port', flags.port);
  if (port !== undefined) out.port = port;
  const seed = int('seed', flags.seed);
  if (seed !== undefined) out.seed = seed;
  if (periodEnd !== undefined) out.periodEnd = periodEnd;
  const periodDays = int('period-days', flags.periodDays, 1);
  if (periodDays !== undefined) out.periodDays = periodDays;
  if (tokens !== undefined) out.tokens = tokens;
  if (flags.rateLimit === false) out.rateLimit = false;
  if (flags.assumeHttps === true) out.assumeHttps = true;
  return out;
}
