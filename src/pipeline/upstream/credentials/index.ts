/**
 * Credential injection, part of the upstream phase: once per attempt, the request's
 * connection (resolved once per request) has its strategy put the backend credential into
 * the attempt, so a retry carries a fresh token or signature. When the backend refuses the
 * credential, the strategy may renew it and the attempt is sent again, once.
 *
 *   upstreams:
 *     payments:
 *       targets: [{ url: https://api.payments.example }]
 *       credentials: { connection: per-consumer }
 */
import { UnigateError } from '../../../errors/unigate-error.js';
import type { RequestContext } from '../../../server/context.js';
import { requestTarget } from '../../../server/upstream-request.js';
import type { Services } from '../../../server/services.js';
import type { Connection } from '../../../store/state/types.js';
import type { AttemptRequest, Policy } from '../../policy.js';
import { requestConnection, requestConnectionNow } from '../../request-connection.js';
import { CONNECTION_HEADER } from './connection-resolver.js';
import { credentialStrategy } from './strategies.js';
import { removeHeader, type CredentialStrategy, type StrategyEnv } from './strategy.js';

export interface CredentialsConfig {
  connection: string;
  readBody?: boolean;
}

export function createCredentialInjection(upstream: string, config: CredentialsConfig, services: Services): Policy {
  const { connections } = services;
  const strategyServices = {
    state: services.state,
    keyring: services.keyring,
    logger: services.logger,
    forget: (connectionId: string) => connections.forget(connectionId),
  };

  // One env per connection record (a changed connection is a new record).
  const envs = new WeakMap<Connection, StrategyEnv>();
  const envOf = (connection: Connection): StrategyEnv => {
    let env = envs.get(connection);
    if (env === undefined) {
      env = {
        connection,
        settings: connection.authSettings,
        credentials: () => connections.credentials(connection),
        cachedCredentials: () => connections.cachedCredentials(connection),
        tokens: () => connections.tokens(connection),
        services: strategyServices,
      };
      envs.set(connection, env);
    }
    return env;
  };

  const strategyOf = (connection: Connection): CredentialStrategy => {
    const strategy = credentialStrategy(connection.authStrategy);
    if (strategy === undefined) {
      throw new UnigateError('CONNECTOR_AUTH_FAILED', {
        message: 'The connection uses an unknown credential strategy',
        details: { connection: connection.id },
      });
    }
    return strategy;
  };

  /** Into the attempt; synchronous when the credential set is open in memory. */
  function inject(ctx: RequestContext, attempt: AttemptRequest, connection: Connection): void | Promise<void> {
    removeHeader(attempt.headers, CONNECTION_HEADER);
    const request = {
      method: ctx.method,
      origin: attempt.target.origin,
      path: requestTarget(attempt.target.basePath, ctx.upstreamPath, ''),
      headers: attempt.headers,
      query: attempt.query,
      body: ctx.requestBody,
      bodyRead: ctx.route.policies.needsRequestBody,
    };
    const done = strategyOf(connection).inject(request, envOf(connection));
    if (done instanceof Promise) return done.then(() => void (attempt.query = request.query));
    attempt.query = request.query;
  }

  return {
    name: 'inject-credentials',
    phase: 'upstream',
    needsRequestBody: config.readBody === true,
    onAttempt(ctx, attempt) {
      const known = requestConnectionNow(ctx, upstream, config.connection, connections);
      if (known !== undefined) return inject(ctx, attempt, known);
      return requestConnection(ctx, upstream, config.connection, connections).then((connection) => inject(ctx, attempt, connection));
    },
    onAttemptResponse(ctx, attempt: AttemptRequest, status) {
      const connection = ctx.connection;
      if (connection === undefined || ctx.credentialRetried || (status !== 401 && status !== 403)) return undefined;
      const strategy = strategyOf(connection);
      if (strategy.refused === undefined || !strategy.refused(status, envOf(connection), attempt)) return undefined;
      ctx.credentialRetried = true;
      return { retry: true, reason: 'credential refused' };
    },
  };
}
