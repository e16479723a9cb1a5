/**
 * POST /admin/connections/:id/test: one GET (or HEAD) to the connection's backend with its
 * credential injected by its own strategy, through the upstream's pool (same TLS and
 * keep-alive as live traffic). Reports status and latency; never the response, whose body
 * or headers may echo the credential, and never the injected request.
 */
import { performance } from 'node:perf_hooks';
import { getGlobalDispatcher, type Dispatcher } from 'undici';
import { isUnigateError } from '../../errors/unigate-error.js';
import { credentialStrategy } from '../../pipeline/upstream/credentials/strategies.js';
import type { CredentialStrategy, InjectionRequest, SentAttempt, StrategyEnv } from '../../pipeline/upstream/credentials/strategy.js';
import { isSecretsError } from '../../secrets/errors.js';
import type { Connection, JsonObject } from '../../store/state/types.js';
import type { Runtime } from '../runtime.js';
import type { Services } from '../services.js';
import type { ConnectionTest } from './schemas.js';

const DEFAULT_TIMEOUT_MS = 5000;
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'TimeoutError', 'AbortError']);

interface Destination {
  origin: string;
  basePath: string;
  defaultPath: string;
  /** The upstream target's pool, or undefined for the process-wide dispatcher. */
  pool: Dispatcher | undefined;
}

class TestFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function testConnection(connection: Connection, input: ConnectionTest, runtime: Runtime, services: Services, requestId: string): Promise<JsonObject> {
  const method = input.method ?? 'GET';
  const result: JsonObject = { connection_id: connection.id, ok: false, status: null, latency_ms: null, credential_accepted: null, retried: false };
  try {
    const strategy = credentialStrategy(connection.authStrategy);
    if (strategy === undefined) throw new TestFailure('UNKNOWN_STRATEGY', `no credential strategy named "${connection.authStrategy}"`);
    const destination = destinationOf(connection, runtime);
    const [path = '/', query = ''] = (input.path ?? destination.defaultPath).split(/\?(.*)/s, 2);
    result.request = { method, target: destination.origin, path: input.path ?? destination.defaultPath };
    const env = strategyEnv(connection, services);
    const timeoutMs = input.timeout_ms ?? DEFAULT_TIMEOUT_MS;
    const send = () => sendOnce(strategy, env, destination, { method, path, query, timeoutMs, requestId });

    let outcome = await send();
    if ((outcome.status === 401 || outcome.status === 403) && strategy.refused?.(outcome.status, env, outcome.sent) === true) {
      result.retried = true;
      outcome = await send();
    }
    Object.assign(result, {
      ok: outcome.status >= 200 && outcome.status < 400,
      status: outcome.status,
      latency_ms: outcome.latencyMs,
      credential_accepted: outcome.status !== 401 && outcome.status !== 403,
    });
  } catch (err) {
    result.error = describeFailure(err);
  }
  return result;
}

function destinationOf(connection: Connection, runtime: Runtime): Destination {
  if (connection.kind === 'upstream') {
    const upstream = runtime.upstreams.get(connection.target);
    if (upstream === undefined) throw new TestFailure('NO_UPSTREAM', `the running config has no upstream named "${connection.target}"`);
    const now = Date.now();
    // Prefer a target live traffic would use; reserve nothing, so health and breakers are untouched.
    const target = upstream.targets.find((t) => t.usable(now)) ?? upstream.targets[0]!;
    return { origin: target.origin, basePath: target.basePath, defaultPath: upstream.options.active?.path ?? '/', pool: target.pool };
  }
  if (connection.baseUrl === null) throw new TestFailure('NO_BASE_URL', 'the connection has no base URL');
  const url = new URL(connection.baseUrl);
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), defaultPath: '/', pool: undefined };
}

function strategyEnv(connection: Connection, services: Services): StrategyEnv {
  return {
    connection,
    settings: connection.authSettings,
    credentials: () => services.connections.credentials(connection),
    cachedCredentials: () => services.connections.cachedCredentials(connection),
    tokens: () => services.connections.tokens(connection),
    services: { state: services.state, keyring: services.keyring, logger: services.logger, forget: (id) => services.connections.forget(id) },
  };
}

interface Attempt {
  method: string;
  path: string;
  query: string;
  timeoutMs: number;
  requestId: string;
}

async function sendOnce(strategy: CredentialStrategy, env: StrategyEnv, to: Destination, attempt: Attempt): Promise<{ status: number; latencyMs: number; sent: SentAttempt }> {
  const request: InjectionRequest = {
    method: attempt.method,
    origin: to.origin,
    path: to.basePath + attempt.path,
    headers: { 'user-agent': 'unigate-connection-test', 'x-request-id': attempt.requestId },
    query: attempt.query,
    body: undefined,
    // A GET or HEAD without a body: signing strategies may hash the empty body.
    bodyRead: true,
  };
  await strategy.inject(request, env);
  const options: Dispatcher.RequestOptions = {
    method: attempt.method as Dispatcher.HttpMethod,
    path: request.query === '' ? request.path : `${request.path}?${request.query}`,
    headers: request.headers,
    headersTimeout: attempt.timeoutMs,
    bodyTimeout: attempt.timeoutMs,
    signal: AbortSignal.timeout(attempt.timeoutMs),
  };
  const started = performance.now();
  const res = to.pool === undefined ? await getGlobalDispatcher().request({ ...options, origin: to.origin }) : await to.pool.request(options);
  const latencyMs = Math.round(performance.now() - started);
  await res.body.dump();
  return { status: res.statusCode, latencyMs, sent: { headers: request.headers, query: request.query } };
}

/** Our words only: transport errors may quote the request line, which can carry a query credential. */
function describeFailure(err: unknown): { code: string; message: string } {
  if (err instanceof TestFailure) return { code: err.code, message: err.message };
  if (isUnigateError(err)) return { code: err.code, message: err.message };
  if (isSecretsError(err)) return { code: err.code, message: 'the stored credentials could not be decrypted' };
  const code = (err as { code?: string }).code ?? (err as Error).name ?? 'ERROR';
  if (TIMEOUTS.has(code) || TIMEOUTS.has((err as Error).name)) return { code, message: 'the backend did not answer in time' };
  if (/^E[A-Z]+$/.test(code) || code === 'UND_ERR_SOCKET') return { code, message: 'the backend could not be reached' };
  return { code, message: 'the request failed' };
}
