/**
 * Turns a route's `policies` config (plus what its upstream implies, such as credential
 * injection) into built hooks, ordered by the phases in phases.ts. Each policy key maps to
 * one factory; the typed table makes a policy without a factory a compile error.
 */
import type { Config } from '../config/load.js';
import type { RouteSpec } from '../config/compile.js';
import type { Services } from '../server/services.js';
import { createAuthenticate } from './authenticate/index.js';
import { JwtVerifier } from './authenticate/jwt-verifier.js';
import { phaseIndex } from './phases.js';
import type { BuiltPolicies, Policy } from './policy.js';
import { createCredentialInjection } from './upstream/credentials/index.js';
import { createShield } from './upstream/shield/index.js';
import { createRateLimit } from './rate-limit/index.js';
import { createCache } from './cache/index.js';
import { createValidate } from './validate/index.js';
import { createTransformRequest } from './transform-request/index.js';
import { createTransformResponse } from './transform-response/index.js';

type RoutePolicies = NonNullable<Config['routes'][number]['policies']>;

/** What factories get besides their own config. */
export interface PolicyEnvironment {
  readonly route: RouteSpec;
  readonly config: Config;
  readonly services: Services;
  /** Built once per config for every route that verifies JWTs. */
  readonly jwt: JwtVerifier | undefined;
}

const FACTORIES: { [K in keyof RoutePolicies]-?: (config: NonNullable<RoutePolicies[K]>, env: PolicyEnvironment) => Policy | Policy[] } = {
  authenticate: (config, env) =>
    createAuthenticate(config, { routeName: env.route.name, identities: env.services.identities, jwt: env.jwt }),
  rateLimit: (config, env) => createRateLimit(config, { routeName: env.route.name, rates: env.services.shared.rates, metrics: env.services.metrics }),
  cache: (config, env) =>
    createCache(config, {
      routeName: env.route.name,
      upstream: env.route.upstreamName,
      credentials: env.config.upstreams[env.route.upstreamName]?.credentials,
      services: env.services,
    }),
  validate: (config, env) =>
    createValidate(config, { routeName: env.route.name, logger: env.services.logger, metrics: env.services.metrics, maxResponseBytes: env.route.limits.maxResponseBytes }),
  transformRequest: (config, env) =>
    createTransformRequest(config, {
      routeName: env.route.name,
      upstream: env.route.upstreamName,
      credentials: env.config.upstreams[env.route.upstreamName]?.credentials,
      connections: env.services.connections,
    }),
  transformResponse: (config, env) => createTransformResponse(config, { routeName: env.route.name, maxResponseBytes: env.route.limits.maxResponseBytes }),
};

export function createJwtVerifier(config: Config): JwtVerifier | undefined {
  const issuers = config.auth?.jwt?.issuers;
  return issuers === undefined ? undefined : new JwtVerifier(issuers);
}

export function buildPolicies(env: PolicyEnvironment): BuiltPolicies {
  const policies: Policy[] = [];
  const configured = env.route.policyConfig ?? {};
  for (const key of Object.keys(FACTORIES) as (keyof RoutePolicies)[]) {
    const config = configured[key];
    if (config !== undefined) policies.push(...[(FACTORIES[key] as (c: unknown, e: PolicyEnvironment) => Policy | Policy[])(config, env)].flat());
  }
  const credentials = env.config.upstreams[env.route.upstreamName]?.credentials;
  // Same phase, in this order: the shield paces (and picks the connection) before credentials are injected.
  const shield = env.config.upstreams[env.route.upstreamName]?.shield;
  if (shield !== undefined) policies.push(createShield(env.route.upstreamName, shield, credentials, env.services));
  if (credentials !== undefined) policies.push(createCredentialInjection(env.route.upstreamName, credentials, env.services));
  return assemblePolicies(policies);
}

/** Built policies in phase order (stable: policies of one phase keep the order given), split by hook. */
export function assemblePolicies(list: readonly Policy[]): BuiltPolicies {
  const policies = [...list].sort((a, b) => phaseIndex(a.phase) - phaseIndex(b.phase));
  return {
    request: policies.filter((p) => p.onRequest !== undefined),
    attempt: policies.filter((p) => p.onAttempt !== undefined || p.onAttemptResponse !== undefined || p.onAttemptEnd !== undefined),
    response: policies.filter((p) => p.onResponse !== undefined).reverse(),
    needsRequestBody: policies.some((p) => p.needsRequestBody === true),
    needsResponseBody: policies.some((p) => p.needsResponseBody === true),
    responseBodyUpTo: Math.max(0, ...policies.map((p) => p.responseBodyUpTo ?? 0)),
  };
}
