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

type RoutePolicies = NonNullable<Config['routes'][number]['policies']>;

/** What factories get besides their own config. */
export interface PolicyEnvironment {
  readonly route: RouteSpec;
  readonly config: Config;
  readonly services: Services;
  /** Built once per config for every route that verifies JWTs. */
  readonly jwt: JwtVerifier | undefined;
}

const FACTORIES: { [K in keyof RoutePolicies]-?: (config: NonNullable<RoutePolicies[K]>, env: PolicyEnvironment) => Policy } = {
  authenticate: (config, env) =>
    createAuthenticate(config, { routeName: env.route.name, identities: env.services.identities, jwt: env.jwt }),
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
    if (config !== undefined) policies.push((FACTORIES[key] as (c: unknown, e: PolicyEnvironment) => Policy)(config, env));
  }
  const credentials = env.config.upstreams[env.route.upstreamName]?.credentials;
  if (credentials !== undefined) policies.push(createCredentialInjection(env.route.upstreamName, credentials, env.services));
  policies.sort((a, b) => phaseIndex(a.phase) - phaseIndex(b.phase));
  return {
    request: policies.filter((p) => p.onRequest !== undefined),
    attempt: policies.filter((p) => p.onAttempt !== undefined || p.onAttemptResponse !== undefined),
    response: policies.filter((p) => p.onResponse !== undefined).reverse(),
    needsRequestBody: policies.some((p) => p.needsRequestBody === true),
    needsResponseBody: policies.some((p) => p.needsResponseBody === true),
  };
}
