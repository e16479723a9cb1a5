/**
 * Config → the built form the server runs: resolved defaults, precompiled routes and
 * upstream options. Everything checkable is checked here, so a config that compiles runs.
 */
import { existsSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { camelizeBySchema } from './case.js';
import { parseDuration } from './duration.js';
import { ConfigError, formatPath, type Config, type ConfigProblem } from './load.js';
import { CircuitBreaker as BreakerSchema } from './schema.js';
import { ALL_METHODS, RouteConflictError, Router } from '../routing/router.js';
import type { RetryPolicy, UpstreamOptions, UpstreamTimeouts } from '../pipeline/upstream/upstream.js';
import type { Upstream } from '../pipeline/upstream/upstream.js';
import type { TargetOptions } from '../pipeline/upstream/target.js';
import { NO_POLICIES, type BuiltPolicies } from '../pipeline/policy.js';
import { limitProblem } from '../pipeline/rate-limit/schema.js';
import { PolicyConfigError } from '../pipeline/message/config-error.js';
import { compileTransformRequest } from '../pipeline/transform-request/index.js';
import { compileTransformResponse } from '../pipeline/transform-response/index.js';
import { compileValidate } from '../pipeline/validate/compile.js';

type UpstreamConfig = Config['upstreams'][string];
type RouteConfig = Config['routes'][number];
type TimeoutsConfig = NonNullable<UpstreamConfig['timeouts']>;
type RetriesConfig = NonNullable<UpstreamConfig['retries']>;
type LimitsConfig = NonNullable<RouteConfig['limits']>;

export interface RouteLimits {
  maxBodyBytes: number;
  maxResponseBytes: number;
  maxHeaderBytes: number;
  maxUrlBytes: number;
}

/** A route as the server runs it. */
export interface BuiltRoute {
  readonly name: string;
  readonly upstream: Upstream;
  /** Path segments removed before forwarding (`strip_prefix`); 0 keeps the path. */
  readonly stripSegments: number;
  readonly addPrefix: string;
  readonly preserveHost: boolean;
  readonly retryNonIdempotent: boolean;
  readonly websocket: boolean;
  readonly timeouts: UpstreamTimeouts;
  readonly retries: RetryPolicy;
  readonly limits: RouteLimits;
  readonly policies: BuiltPolicies;
}

/** A route before its upstream object is bound. */
export type RouteSpec = Omit<BuiltRoute, 'upstream'> & {
  readonly upstreamName: string;
  readonly match: RouteConfig['match'];
  /** The route's `policies` section, built into hooks by the runtime. */
  readonly policyConfig: RouteConfig['policies'];
};

export interface CompiledConfig {
  readonly config: Config;
  readonly upstreams: ReadonlyMap<string, UpstreamOptions>;
  readonly routes: readonly RouteSpec[];
}

const DEFAULT_TIMEOUTS: Required<TimeoutsConfig> = { connect: '5s', responseHeaders: '60s', bodyIdle: '60s', total: 0 };
const DEFAULT_RETRIES: Required<RetriesConfig> = {
  count: 1,
  onConnectError: true,
  onReset: true,
  onTimeout: false,
  onStatuses: [502, 503, 504],
  backoffBase: '25ms',
  backoffMax: '1s',
  budgetRatio: 0.2,
  budgetMinPerSecond: 5,
};
/** The breaker every target gets when an upstream does not configure one: the schema's defaults. */
const DEFAULT_BREAKER = camelizeBySchema(Value.Create(BreakerSchema), BreakerSchema) as NonNullable<UpstreamConfig['circuitBreaker']>;
const DEFAULT_LIMITS: RouteLimits = { maxBodyBytes: 10 * 1024 * 1024, maxResponseBytes: 10 * 1024 * 1024, maxHeaderBytes: 16 * 1024, maxUrlBytes: 8 * 1024 };

export function compileConfig(config: Config, source = 'config'): CompiledConfig {
  const problems: ConfigProblem[] = [];
  const upstreams = new Map<string, UpstreamOptions>();
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    upstreams.set(name, compileUpstream(name, upstream, config, problems));
  }
  const routes: RouteSpec[] = [];
  const names = new Set<string>();
  config.routes.forEach((route, index) => {
    const at = (...keys: (string | number)[]) => formatPath(['routes', index, ...keys]);
    if (names.has(route.name)) problems.push({ path: at('name'), message: `duplicate route name "${route.name}"`, value: route.name });
    names.add(route.name);
    const upstream = upstreams.get(route.upstream);
    if (upstream === undefined) {
      const known = [...upstreams.keys()];
      problems.push({ path: at('upstream'), message: `no upstream named "${route.upstream}" (known: ${known.join(', ') || 'none'})`, value: route.upstream });
      return;
    }
    const spec = compileRoute(route, upstream, config, (path, message, value) => problems.push({ path: at(...path), message, value }));
    if (spec) routes.push(spec);
  });
  checkFiles(config, problems);
  checkPolicies(config, problems);
  if (problems.length === 0) {
    try {
      buildRouter(routes.map((r) => ({ ...r, value: r })));
    } catch (err) {
      if (!(err instanceof RouteConflictError)) throw err;
      const index = config.routes.findIndex((r) => r.name === err.routeName);
      problems.push({ path: formatPath(['routes', index, 'match']), message: err.message });
    }
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { config, upstreams, routes };
}

export function buildRouter<T extends { name: string; match: RouteConfig['match'] }>(routes: readonly T[]): Router<T> {
  return new Router(routes.map((r) => ({ name: r.name, path: r.match.path, methods: r.match.methods, hosts: r.match.hosts, value: r })));
}

function compileUpstream(name: string, upstream: UpstreamConfig, config: Config, problems: ConfigProblem[]): UpstreamOptions {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...config.defaults?.timeouts, ...upstream.timeouts };
  const retries = { ...DEFAULT_RETRIES, ...config.defaults?.retries, ...upstream.retries };
  const breaker = upstream.circuitBreaker ?? DEFAULT_BREAKER;
  const passive = upstream.healthChecks?.passive;
  const active = upstream.healthChecks?.active;
  if (upstream.balancer === 'consistent-hash' && upstream.hashOn === undefined) {
    problems.push({ path: formatPath(['upstreams', name, 'hash_on']), message: 'consistent-hash needs hash_on (header, consumer or client_ip)' });
  }
  const targets: TargetOptions[] = upstream.targets.map((t) => ({
    upstream: name,
    url: t.url,
    weight: t.weight,
    connections: upstream.pool?.connections ?? 128,
    keepAliveTimeoutMs: parseDuration(upstream.pool?.keepAliveTimeout ?? '4s'),
    connectTimeoutMs: parseDuration(timeouts.connect),
    ...(upstream.tls ? { tls: upstream.tls } : {}),
    ...(passive
      ? { passive: { consecutiveFailures: passive.consecutiveFailures, statuses: new Set(passive.statuses), cooldownMs: parseDuration(passive.cooldown) } }
      : {}),
    breaker: {
      enabled: breaker.enabled,
      windowMs: parseDuration(breaker.window),
      minRequests: breaker.minRequests,
      failureRate: breaker.failureRate,
      openForMs: parseDuration(breaker.openFor),
      halfOpenRequests: breaker.halfOpenRequests,
    },
  }));
  return {
    name,
    targets,
    balancer: upstream.balancer,
    ...(upstream.hashOn ? { hashOn: upstream.hashOn } : {}),
    ...(active
      ? {
          active: {
            path: active.path,
            intervalMs: parseDuration(active.interval),
            timeoutMs: parseDuration(active.timeout),
            expectedStatuses: new Set(active.expectedStatuses),
            healthyThreshold: active.healthyThreshold,
            unhealthyThreshold: active.unhealthyThreshold,
          },
        }
      : {}),
    timeouts: resolveTimeouts(timeouts),
    retries: resolveRetries(retries),
    retryBudget: { ratio: retries.budgetRatio, minPerSecond: retries.budgetMinPerSecond },
    required: upstream.required,
  };
}

function resolveTimeouts(t: Required<TimeoutsConfig>): UpstreamTimeouts {
  return { responseHeadersMs: parseDuration(t.responseHeaders), bodyIdleMs: parseDuration(t.bodyIdle), totalMs: parseDuration(t.total) };
}

function resolveRetries(r: Required<RetriesConfig>): RetryPolicy {
  return {
    count: r.count,
    onConnectError: r.onConnectError,
    onReset: r.onReset,
    onTimeout: r.onTimeout,
    onStatuses: new Set(r.onStatuses),
    backoffBaseMs: parseDuration(r.backoffBase),
    backoffMaxMs: parseDuration(r.backoffMax),
  };
}

type Report = (path: (string | number)[], message: string, value?: unknown) => void;

function compileRoute(route: RouteConfig, upstream: UpstreamOptions, config: Config, report: Report): RouteSpec | undefined {
  const path = route.match.path;
  const star = path.indexOf('*');
  if (star !== -1 && (star !== path.length - 1 || !path.endsWith('/*'))) {
    report(['match', 'path'], 'a wildcard is only allowed as the last segment, as in /api/*', path);
    return undefined;
  }
  for (const method of route.match.methods ?? []) {
    if (!ALL_METHODS.includes(method)) report(['match', 'methods'], `unsupported method "${method}"`, method);
  }
  if (route.stripPrefix && star === -1) {
    report(['strip_prefix'], 'strip_prefix needs a path ending in /* (it removes the part before the *)', route.stripPrefix);
  }
  if (route.timeouts?.connect !== undefined) {
    report(['timeouts', 'connect'], 'connect timeouts are per upstream (pools are shared); set upstreams.<name>.timeouts.connect', route.timeouts.connect);
  }
  const stripSegments = route.stripPrefix ? path.slice(0, -2).split('/').length - 1 : 0;
  const routeTimeouts = route.timeouts ? resolveTimeouts({ ...DEFAULT_TIMEOUTS, ...fromResolved(upstream.timeouts), ...route.timeouts }) : upstream.timeouts;
  const retries = route.retries
    ? resolveRetries({ ...DEFAULT_RETRIES, ...config.defaults?.retries, ...config.upstreams[route.upstream]?.retries, ...route.retries })
    : upstream.retries;
  const limits: LimitsConfig = { ...config.defaults?.limits, ...route.limits };
  return {
    name: route.name,
    upstreamName: route.upstream,
    match: route.match,
    stripSegments,
    addPrefix: route.addPrefix ?? '',
    preserveHost: route.preserveHost,
    retryNonIdempotent: route.retryNonIdempotent,
    websocket: route.websocket,
    timeouts: routeTimeouts,
    retries,
    limits: {
      // validate.max_body_bytes tightens the route's limit, so it holds while streaming too.
      maxBodyBytes: Math.min(limits.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes, route.policies?.validate?.maxBodyBytes ?? Infinity),
      maxResponseBytes: limits.maxResponseBytes ?? DEFAULT_LIMITS.maxResponseBytes,
      maxHeaderBytes: limits.maxHeaderBytes ?? DEFAULT_LIMITS.maxHeaderBytes,
      maxUrlBytes: limits.maxUrlBytes ?? DEFAULT_LIMITS.maxUrlBytes,
    },
    policies: NO_POLICIES,
    policyConfig: route.policies,
  };
}

function fromResolved(t: UpstreamTimeouts): TimeoutsConfig {
  return { responseHeaders: t.responseHeadersMs, bodyIdle: t.bodyIdleMs, total: t.totalMs };
}

/** Rules that span a route's policies, its upstream and the global auth section. */
function checkPolicies(config: Config, problems: ConfigProblem[]): void {
  config.routes.forEach((route, index) => {
    const mode = route.policies?.authenticate?.mode;
    if ((mode === 'jwt' || mode === 'either') && config.auth?.jwt === undefined) {
      problems.push({ path: formatPath(['routes', index, 'policies', 'authenticate', 'mode']), message: `mode ${mode} needs auth.jwt.issuers`, value: mode });
    }
    const credentials = config.upstreams[route.upstream]?.credentials;
    if (credentials?.connection === 'per-consumer' && mode === undefined) {
      problems.push({
        path: formatPath(['routes', index, 'policies', 'authenticate']),
        message: `upstream "${route.upstream}" injects per-consumer credentials, so this route must authenticate its callers`,
      });
    }
  });
  config.routes.forEach((route, index) => {
    const keyParts = route.policies?.rateLimit?.key ?? [];
    if ((keyParts.includes('consumer') || keyParts.includes('api_key')) && route.policies?.authenticate === undefined) {
      problems.push({
        path: formatPath(['routes', index, 'policies', 'rate_limit', 'key']),
        message: 'a limit keyed by consumer or api_key needs the route to authenticate its callers (or key by client_ip)',
      });
    }
    (route.policies?.rateLimit?.limits ?? []).forEach((limit, i) => {
      const problem = limitProblem(limit);
      if (problem !== undefined) problems.push({ path: formatPath(['routes', index, 'policies', 'rate_limit', 'limits', i]), message: problem });
    });
    if (route.policies?.cache?.key?.sharedAcrossConsumers && config.upstreams[route.upstream]?.credentials !== undefined) {
      problems.push({
        path: formatPath(['routes', index, 'policies', 'cache', 'key', 'shared_across_consumers']),
        message: `upstream "${route.upstream}" injects credentials: its cache entries are per connection and cannot be shared`,
      });
    }
  });
  checkShields(config, problems);
  checkTransforms(config, problems);
  (config.commerce?.rateLimit?.limits ?? []).forEach((limit, i) => {
    const problem = limitProblem(limit);
    if (problem !== undefined) problems.push({ path: formatPath(['commerce', 'rate_limit', 'limits', i]), message: problem });
  });
  const commerceMode = config.commerce?.authenticate?.mode;
  if (config.commerce?.enabled !== false && (commerceMode === 'jwt' || commerceMode === 'either') && config.auth?.jwt === undefined) {
    problems.push({ path: 'commerce.authenticate.mode', message: `mode ${commerceMode} needs auth.jwt.issuers`, value: commerceMode });
  }
  (config.auth?.jwt?.issuers ?? []).forEach((issuer, index) => {
    if ((issuer.jwksUrl === undefined) === (issuer.keys === undefined)) {
      problems.push({ path: formatPath(['auth', 'jwt', 'issuers', index]), message: 'give exactly one of jwks_url and keys' });
    }
  });
}

/** Shield budgets: well-formed limits, and per-connection budgets only where credentials name a connection. */
function checkShields(config: Config, problems: ConfigProblem[]): void {
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    const shield = upstream.shield;
    if (shield === undefined) continue;
    if (shield.perConnection !== undefined && upstream.credentials === undefined) {
      problems.push({ path: formatPath(['upstreams', name, 'shield', 'per_connection']), message: 'a per-connection budget needs credentials on this upstream' });
    }
    for (const [key, budget] of [['per_connection', shield.perConnection], ['per_upstream', shield.perUpstream]] as const) {
      (budget?.limits ?? []).forEach((limit, i) => {
        const problem = limitProblem(limit);
        if (problem !== undefined) problems.push({ path: formatPath(['upstreams', name, 'shield', key, 'limits', i]), message: problem });
      });
    }
  }
}

/** Transform and validation configs the schema accepts but that cannot be built: bad regex, unknown template variable, invalid JSON Schema. */
function checkTransforms(config: Config, problems: ConfigProblem[]): void {
  config.routes.forEach((route, index) => {
    const policies = route.policies;
    if (policies === undefined) return;
    const attempt = (key: string, build: () => unknown) => {
      try {
        build();
      } catch (err) {
        if (!(err instanceof PolicyConfigError)) throw err;
        problems.push({ path: `${formatPath(['routes', index, 'policies', key])}.${err.path}`, message: err.message });
      }
    };
    const { transformRequest, transformResponse, validate } = policies;
    const maxResponseBytes = route.limits?.maxResponseBytes ?? config.defaults?.limits?.maxResponseBytes ?? DEFAULT_LIMITS.maxResponseBytes;
    if (transformRequest !== undefined) attempt('transform_request', () => compileTransformRequest(transformRequest));
    if (transformResponse !== undefined) attempt('transform_response', () => compileTransformResponse(transformResponse, maxResponseBytes));
    if (validate !== undefined) attempt('validate', () => compileValidate(validate, { documents: false }));
  });
}

function checkFiles(config: Config, problems: ConfigProblem[]): void {
  const check = (file: string | undefined, keys: (string | number)[]) => {
    if (file !== undefined && !existsSync(file)) problems.push({ path: formatPath(keys), message: 'file not found', value: file });
  };
  const tls = config.listeners?.proxy?.tls;
  check(tls?.certFile, ['listeners', 'proxy', 'tls', 'cert_file']);
  check(tls?.keyFile, ['listeners', 'proxy', 'tls', 'key_file']);
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    const t = upstream.tls;
    for (const [key, file] of [['ca_file', t?.caFile], ['cert_file', t?.certFile], ['key_file', t?.keyFile]] as const) {
      check(file, ['upstreams', name, 'tls', key]);
    }
    if ((t?.certFile === undefined) !== (t?.keyFile === undefined)) {
      problems.push({ path: formatPath(['upstreams', name, 'tls']), message: 'cert_file and key_file go together for mutual TLS' });
    }
  }
}
