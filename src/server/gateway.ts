/**
 * The running gateway: the proxy and admin listeners over the current runtime, config
 * reload (SIGHUP or POST /admin/reload) and graceful drain (SIGTERM).
 *
 *   const gateway = await Gateway.start({ configPath: 'unigate.yaml' });
 *   await gateway.shutdown();
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { compileConfig, type CompiledConfig } from '../config/compile.js';
import { parseDuration } from '../config/duration.js';
import { ConfigError, loadConfigFile, type Config, type ConfigProblem } from '../config/load.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import { createRequestLog, type RequestLog } from '../observability/request-log.js';
import type { ForwardObserver } from '../pipeline/upstream/forward.js';
import type { TargetEvents } from '../pipeline/upstream/target.js';
import { UnigateError } from '../errors/unigate-error.js';
import { createAdminServer } from './admin-server.js';
import { clientErrorToUnigate, writeRawError } from './client-error.js';
import { createProxyHandler, type ProxyEnvironment } from './proxy-handler.js';
import { Runtime } from './runtime.js';
import { CommerceStack } from '../commerce/stack.js';
import type { UnifiedApi } from '../commerce/unified-api.js';
import { openServices, type Services } from './services.js';
import { createUpgradeHandler } from './upgrade.js';

export interface GatewayOptions {
  /** File to load, and to reload from on SIGHUP or POST /admin/reload. */
  configPath?: string;
  /** An already loaded config (tests, demo); reload then re-reads `configPath` if given. */
  config?: Config;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
}

const BREAKER_LEVEL = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Bytes a client socket (and its request and response) buffers before backpressure. At
 * Node's 16 KiB, every write of an upstream's 64 KiB read reported backpressure: the
 * exchange paused the upstream and waited for 'drain' before the rest of the body, and
 * res.end()'s empty write became a syscall of its own (~10% of the CPU of a 64 KiB
 * response). 128 KiB lets such a write through; a slow client still holds the upstream
 * back, one read later.
 */
const CLIENT_SOCKET_BUFFER = 128 * 1024;

export class Gateway {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly proxyServer: http.Server;
  readonly admin: FastifyInstance;
  private current: Runtime;
  private drainingFlag = false;
  private stopping: Promise<void> | undefined;
  /** Client sockets of upgrade requests (WebSocket tunnels): in flight until they close. */
  private readonly tunnels = new Set<Duplex>();
  /** Ends the drain delay early (a second signal). */
  private delayEnd: AbortController | undefined;
  private requestLog: RequestLog | undefined;
  private readonly adminToken: string;
  private reloading: Promise<ConfigProblem[] | undefined> | undefined;
  readonly observer: ForwardObserver;
  /** The unified eCommerce API, when `commerce.enabled`. */
  readonly unified: UnifiedApi | undefined;
  private readonly commerce: CommerceStack | undefined;

  private constructor(
    private readonly options: GatewayOptions,
    compiled: CompiledConfig,
    readonly services: Services,
  ) {
    const config = compiled.config;
    this.logger = services.logger;
    this.metrics = services.metrics;
    this.current = new Runtime(compiled, this.targetEvents, services);
    this.observer = this.createObserver();
    if (config.commerce!.enabled) {
      this.commerce = new CommerceStack(config.commerce!, {
        services,
        targetEvents: this.targetEvents,
        observer: this.observer,
        logger: this.logger,
        metrics: this.metrics,
        authMode: () => this.current.config.commerce!.authenticate!.mode,
        rateLimit: () => this.current.unifiedLimit,
        jwt: () => this.current.jwt,
      });
      this.unified = this.commerce.api;
    }
    this.adminToken = resolveAdminToken(config, options.env ?? process.env, this.logger);
    for (const upstream of this.current.upstreams.values()) warnInsecure(config, upstream.name, this.logger);

    const listener = config.listeners!.proxy!;
    const env = this.proxyEnvironment(listener.tls !== undefined, listener.trustForwarded, config.logging!.requests);
    const handler = createProxyHandler(env);
    const serverOptions: http.ServerOptions = {
      headersTimeout: parseDuration(listener.headersTimeout),
      requestTimeout: parseDuration(listener.requestTimeout),
      keepAliveTimeout: parseDuration(listener.keepAliveTimeout),
      maxHeaderSize: listener.maxHeaderBytes,
      requireHostHeader: true,
      connectionsCheckingInterval: 1000,
      highWaterMark: CLIENT_SOCKET_BUFFER,
    };
    this.proxyServer = listener.tls
      ? https.createServer({ ...serverOptions, cert: readFileSync(listener.tls.certFile), key: readFileSync(listener.tls.keyFile) }, handler)
      : http.createServer(serverOptions, handler);
    this.proxyServer.on('checkContinue', (req, res) => handler(req, res, true));
    const upgrade = createUpgradeHandler(env);
    this.proxyServer.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      this.tunnels.add(socket);
      socket.once('close', () => this.tunnels.delete(socket));
      upgrade(req, socket, head);
    });
    this.proxyServer.on('connect', (_req, socket) =>
      writeRawError(socket as never, new UnigateError('BAD_REQUEST', { message: 'The request is malformed: CONNECT is not supported (Unigate is not a tunnel)', details: { reason: 'CONNECT' } })),
    );
    this.proxyServer.on('clientError', (err: NodeJS.ErrnoException, socket) => writeRawError(socket as never, clientErrorToUnigate(err)));

    const adminListener = config.listeners!.admin!;
    this.admin = createAdminServer({
      token: this.adminToken,
      publicMetrics: adminListener.publicMetrics,
      logger: this.logger,
      metrics: this.metrics,
      services,
      runtime: () => this.current,
      reload: () => this.reload(),
      readiness: () => this.readiness(),
    });
  }

  static async start(options: GatewayOptions): Promise<Gateway> {
    const config = options.config ?? loadConfigFile(requirePath(options.configPath), options.env);
    const compiled = compileConfig(config, options.configPath);
    const adminHost = config.listeners!.admin!.host;
    if (!isLoopback(adminHost) && !configuredToken(config, options.env ?? process.env)) {
      throw new ConfigError(options.configPath ?? 'config', [
        { path: 'listeners.admin.token', message: `the admin listener binds ${adminHost}, which is not loopback: set a token (or UNIGATE_ADMIN_TOKEN)` },
      ]);
    }
    const logger = options.logger ?? createLogger({ level: config.logging!.level });
    const services = await openServices(config, logger, new Metrics(), { env: options.env ?? process.env });
    let gateway: Gateway;
    try {
      gateway = new Gateway(options, compiled, services);
      await gateway.unified?.ready();
      await gateway.listen();
    } catch (err) {
      await services.close();
      throw err;
    }
    gateway.current.startHealthChecks();
    return gateway;
  }

  get runtime(): Runtime {
    return this.current;
  }

  get draining(): boolean {
    return this.drainingFlag;
  }

  get proxyUrl(): string {
    const { address, port } = this.proxyServer.address() as AddressInfo;
    const scheme = this.proxyServer instanceof https.Server ? 'https' : 'http';
    return `${scheme}://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  get adminUrl(): string {
    const { address, port } = this.admin.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /** The admin token in force (for the CLI banner and tests; never logged). */
  get token(): string {
    return this.adminToken;
  }

  private async listen(): Promise<void> {
    const config = this.current.config;
    const proxy = config.listeners!.proxy!;
    try {
      await new Promise<void>((resolve, reject) => {
        this.proxyServer.once('error', reject);
        this.proxyServer.listen(proxy.port, proxy.host, () => {
          this.proxyServer.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      throw this.cannotListen('proxy', proxy, err);
    }
    const admin = config.listeners!.admin!;
    try {
      await this.admin.listen({ port: admin.port, host: admin.host });
    } catch (err) {
      this.proxyServer.close();
      throw this.cannotListen('admin', admin, err);
    }
  }

  /** A listener that cannot bind, told as the config problem it is (not a stack trace). */
  private cannotListen(name: 'proxy' | 'admin', listener: { host: string; port: number }, err: unknown): unknown {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE' ? 'is in use' : code === 'EACCES' ? 'needs privileges this process lacks' : code === 'EADDRNOTAVAIL' ? 'is not an address of this machine' : undefined;
    if (why === undefined) return err;
    return new ConfigError(this.options.configPath ?? 'config', [{ path: `listeners.${name}.port`, message: `cannot listen: ${listener.host}:${listener.port} ${why}` }]);
  }

  /**
   * Re-reads the config file (or takes `next`) and swaps it in. A config that does not
   * load or compile is refused and the current one keeps serving. Requests already
   * running finish on the runtime they started with.
   */
  reload(next?: Config): Promise<ConfigProblem[] | undefined> {
    // Serialize reloads: two SIGHUPs in a row must not interleave.
    const run = async (): Promise<ConfigProblem[] | undefined> => {
      let compiled: CompiledConfig;
      try {
        const config = next ?? loadConfigFile(requirePath(this.options.configPath), this.options.env);
        compiled = compileConfig(config, this.options.configPath);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        this.metrics.configReloads.inc({ result: 'refused' });
        this.logger.error({ problems: err.problems }, 'config reload refused; the previous config keeps serving');
        return err.problems;
      }
      const previous = this.current;
      warnListenerChanges(previous.config, compiled.config, this.logger);
      if (JSON.stringify(compiled.config.stores) !== JSON.stringify(previous.config.stores)) {
        this.logger.warn('stores changed: they take effect on restart');
      }
      if (compiled.config.commerce!.enabled !== previous.config.commerce!.enabled) {
        this.logger.warn('commerce.enabled changed: it takes effect on restart');
      }
      let runtime: Runtime;
      try {
        runtime = new Runtime(compiled, this.targetEvents, this.services, previous);
      } catch (err) {
        this.metrics.configReloads.inc({ result: 'refused' });
        const problems = [{ path: '', message: (err as Error).message }];
        this.logger.error({ problems }, 'config reload refused; the previous config keeps serving');
        return problems;
      }
      this.reloadTls(compiled.config);
      this.current = runtime;
      if (compiled.config.commerce!.enabled) this.commerce?.reconfigure(compiled.config.commerce!);
      runtime.startHealthChecks();
      void previous.retire(runtime);
      for (const upstream of runtime.upstreams.values()) warnInsecure(compiled.config, upstream.name, this.logger);
      this.metrics.configReloads.inc({ result: 'applied' });
      this.logger.info({ routes: runtime.routes.length, upstreams: runtime.upstreams.size }, 'config reloaded');
      return undefined;
    };
    const chained = (this.reloading ?? Promise.resolve(undefined)).then(run, run);
    this.reloading = chained;
    return chained;
  }

  private reloadTls(config: Config): void {
    const tls = config.listeners!.proxy!.tls;
    if (tls === undefined || !(this.proxyServer instanceof https.Server)) return;
    try {
      this.proxyServer.setSecureContext({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) });
    } catch (err) {
      this.logger.error({ err }, 'TLS certificate reload failed; the previous certificate stays in use');
    }
  }

  readiness(): { ready: boolean; details: Record<string, unknown> } {
    const upstreams: Record<string, { healthy: number; targets: number }> = {};
    let ready = !this.drainingFlag;
    for (const [name, upstream] of this.current.upstreams) {
      const healthy = upstream.healthyTargets;
      upstreams[name] = { healthy, targets: upstream.targets.length };
      if (upstream.required && healthy === 0) ready = false;
    }
    // Reported, not required: each policy decides how it runs without the shared store.
    return { ready, details: { draining: this.drainingFlag, upstreams, shared_store: this.services.shared.health.snapshot() } };
  }

  /**
   * Graceful drain. With `server.drain_delay`, the proxy first goes on serving for that long
   * while /readyz answers 503 and every answer closes its connection, so that load balancers
   * take the instance out before it stops accepting. Then it stops accepting, lets in-flight
   * requests and WebSocket tunnels finish (up to the drain timeout, when the rest are closed),
   * closes keep-alive connections and releases pools. A call while the delay runs, or one
   * with `delay: false`, ends the delay at once.
   */
  shutdown(options: { delay?: boolean } = {}): Promise<void> {
    if (this.stopping === undefined) this.stopping = this.drain(options.delay ?? true);
    else this.delayEnd?.abort();
    return this.stopping;
  }

  private async drain(withDelay: boolean): Promise<void> {
    this.drainingFlag = true;
    const server = this.current.config.server!;
    const delayMs = withDelay ? parseDuration(server.drainDelay) : 0;
    if (delayMs > 0) {
      this.delayEnd = new AbortController();
      this.logger.info({ drain_delay_ms: delayMs }, 'draining: /readyz answers 503; still serving until the delay ends');
      await sleep(delayMs, undefined, { signal: this.delayEnd.signal }).catch(() => undefined);
      this.delayEnd = undefined;
    }
    const closed = new Promise<void>((resolve) => this.proxyServer.close(() => resolve()));
    this.proxyServer.closeIdleConnections();
    const deadline = Date.now() + parseDuration(server.drainTimeout);
    const busy = () => this.current.inflight > 0 || this.tunnels.size > 0;
    while (busy() && Date.now() < deadline) await sleep(20);
    if (busy()) this.logger.warn({ in_flight: this.current.inflight, websockets: this.tunnels.size }, 'drain timeout reached; closing remaining connections');
    // The server's close waits for upgraded sockets too, and closeAllConnections does not reach them.
    for (const socket of this.tunnels) socket.destroy();
    this.proxyServer.closeAllConnections();
    await closed;
    await this.admin.close();
    await this.commerce?.close();
    await this.current.retire(undefined);
    await this.services.close();
    // The last request lines go before the line that says the process is done.
    this.requestLog?.flush();
    this.logger.info('shut down');
    this.flushLogs();
  }

  /** Writes the request lines gathered so far and the logger's buffer now (they are otherwise written in batches). */
  flushLogs(): void {
    this.requestLog?.flush();
    this.logger.flush();
  }

  private createObserver(): ForwardObserver {
    const metrics = this.metrics;
    return {
      onRetry: (ctx, reason) => metrics.retries.inc({ upstream: ctx.route.upstream.name, reason }),
      onUpstreamFailure: (ctx, target, kind) => metrics.upstreamFailures.inc({ upstream: ctx.route.upstream.name, target: target.origin, kind }),
      onInternalError: (ctx, err) => this.logger.error({ err, req_id: ctx.id, route: ctx.route.name }, 'internal error'),
    };
  }

  private proxyEnvironment(secure: boolean, trustForwarded: boolean, logRequests: boolean): ProxyEnvironment {
    const gateway = this;
    return {
      runtime: () => gateway.current,
      logger: this.logger,
      metrics: this.metrics,
      observer: this.observer,
      unified: this.unified,
      secure,
      trustForwarded,
      requestLog: (this.requestLog = logRequests ? createRequestLog(this.logger) : undefined),
      get draining() {
        return gateway.drainingFlag;
      },
      readiness: () => gateway.readiness(),
    };
  }

  private get targetEvents(): TargetEvents {
    return {
      onHealthChange: (target, healthy, reason) => {
        this.metrics.targetHealthy.set({ upstream: target.upstream, target: target.origin }, healthy ? 1 : 0);
        const log = { upstream: target.upstream, target: target.origin, reason };
        if (healthy) this.logger.info(log, 'target healthy');
        else this.logger.warn(log, 'target unhealthy');
      },
      onBreakerChange: (target, state) => {
        this.metrics.breakerState.set({ upstream: target.upstream, target: target.origin }, BREAKER_LEVEL[state]);
        this.logger.warn({ upstream: target.upstream, target: target.origin, state }, 'circuit breaker state changed');
      },
    };
  }
}

function requirePath(path: string | undefined): string {
  if (path === undefined) throw new Error('no config file to load');
  return path;
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}

function configuredToken(config: Config, env: NodeJS.ProcessEnv): string | undefined {
  return config.listeners!.admin!.token ?? (env.UNIGATE_ADMIN_TOKEN || undefined);
}

/**
 * The admin token: configured, from UNIGATE_ADMIN_TOKEN, or generated once into the data
 * directory (mode 0600) so a laptop start needs no setup and a restart keeps the token.
 */
function resolveAdminToken(config: Config, env: NodeJS.ProcessEnv, logger: Logger): string {
  const configured = configuredToken(config, env);
  if (configured !== undefined) return configured;
  const dir = config.server!.dataDir;
  const file = join(dir, 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const token = `ug_admin_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  logger.warn({ file }, 'no admin token configured: generated one into this file (mode 0600)');
  return token;
}

function warnInsecure(config: Config, name: string, logger: Logger): void {
  if (config.upstreams[name]?.tls?.insecureSkipVerify) {
    logger.warn({ upstream: name }, 'TLS CERTIFICATE VERIFICATION IS OFF for this upstream (tls.insecure_skip_verify): traffic can be intercepted');
  }
}

function warnListenerChanges(before: Config, after: Config, logger: Logger): void {
  if (JSON.stringify(before.listeners) !== JSON.stringify(after.listeners)) {
    logger.warn('listener address or options changed: they take effect on restart (TLS files are re-read now)');
  }
}


