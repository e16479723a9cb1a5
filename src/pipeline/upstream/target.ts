/**
 * One server of an upstream: its keep-alive pool and its health as seen by active probes,
 * passive ejection and the circuit breaker.
 */
import { readFileSync } from 'node:fs';
import { Pool, type buildConnector } from 'undici';
import { CircuitBreaker, type BreakerOptions, type BreakerState } from './circuit-breaker.js';
import { exactTimeoutConnector } from './exact-connect.js';
import { PassiveHealth, type PassiveOptions } from './passive-health.js';

export interface TargetTls {
  caFile?: string;
  serverName?: string;
  certFile?: string;
  keyFile?: string;
  insecureSkipVerify: boolean;
}

export interface TargetOptions {
  /** Name of the upstream the target belongs to (logs and metric labels). */
  upstream: string;
  url: string;
  weight: number;
  connections: number;
  keepAliveTimeoutMs: number;
  connectTimeoutMs: number;
  tls?: TargetTls;
  passive?: PassiveOptions;
  breaker: BreakerOptions;
}

export interface TargetEvents {
  onHealthChange(target: Target, healthy: boolean, reason: string): void;
  onBreakerChange(target: Target, state: BreakerState): void;
}

export class Target {
  readonly url: string;
  readonly upstream: string;
  readonly origin: string;
  /** Base path from the target URL, without a trailing slash ('' for none). */
  readonly basePath: string;
  readonly weight: number;
  readonly pool: Pool;
  readonly breaker: CircuitBreaker;
  readonly passive: PassiveHealth | undefined;
  /** Requests currently in flight to this target. */
  inflight = 0;
  /** Verdict of active health checks (true until a check says otherwise). */
  activeHealthy = true;
  /** Fingerprint of the settings that shape the pool; a reload reuses the target when it is unchanged. */
  readonly fingerprint: string;

  constructor(
    readonly options: TargetOptions,
    events: TargetEvents,
  ) {
    const parsed = new URL(options.url);
    this.url = options.url;
    this.upstream = options.upstream;
    this.origin = parsed.origin;
    this.basePath = parsed.pathname === '/' ? '' : parsed.pathname.replace(/\/+$/, '');
    this.weight = options.weight;
    this.fingerprint = JSON.stringify(options);
    this.pool = new Pool(this.origin, {
      connections: options.connections,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs, 600_000),
      pipelining: 1,
      // Per-request timeouts are set on each dispatch; these are the pool's defaults.
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: exactTimeoutConnector(connectOptions(parsed, options), options.connectTimeoutMs),
    });
    this.breaker = new CircuitBreaker(options.breaker, (state) => events.onBreakerChange(this, state));
    this.passive = options.passive
      ? new PassiveHealth(options.passive, (ejected) => events.onHealthChange(this, !ejected, ejected ? 'ejected by passive checks' : 'readmitted after a successful probe'))
      : undefined;
  }

  /** May a request go here now (health, ejection and breaker)? Reserves nothing. */
  usable(now: number): boolean {
    return this.activeHealthy && (this.passive === undefined || this.passive.allows(now)) && this.breaker.wouldAllow(now);
  }

  /** Healthy for readiness purposes: not failing probes and not ejected. */
  get healthy(): boolean {
    return this.activeHealthy && (this.passive === undefined || !this.passive.ejected);
  }

  /** Reserves the target for one request; false when the breaker refuses at the last moment. */
  acquire(now: number): boolean {
    if (!this.breaker.allows(now)) return false;
    this.breaker.onSend();
    this.passive?.onSend(now);
    this.inflight++;
    return true;
  }

  release(): void {
    this.inflight--;
  }

  recordOutcome(success: boolean, now: number): void {
    this.breaker.record(success, now);
    this.passive?.record(success, now);
  }

  close(): Promise<void> {
    return this.pool.close().catch(() => this.pool.destroy());
  }
}

/**
 * Bytes an upstream socket buffers before Node stops reading it. At undici's 64 KiB, a 64 KiB
 * answer and its head filled the buffer: Node stopped reading and started again for every
 * response, two epoll_ctl calls each. 128 KiB takes such an answer whole, as the client
 * sockets do (CLIENT_SOCKET_BUFFER); a paused exchange holds at most that much more.
 * TLS sockets keep undici's own setting.
 */
const UPSTREAM_SOCKET_BUFFER = 128 * 1024;

function connectOptions(url: URL, options: TargetOptions): buildConnector.BuildOptions {
  const connect: buildConnector.BuildOptions & Record<string, unknown> = {};
  if (url.protocol !== 'https:') {
    connect.highWaterMark = UPSTREAM_SOCKET_BUFFER;
    return connect;
  }
  const tls = options.tls;
  connect.rejectUnauthorized = !(tls?.insecureSkipVerify ?? false);
  if (tls?.caFile) connect.ca = readFileSync(tls.caFile);
  if (tls?.certFile) connect.cert = readFileSync(tls.certFile);
  if (tls?.keyFile) connect.key = readFileSync(tls.keyFile);
  if (tls?.serverName) connect.servername = tls.serverName;
  return connect;
}
