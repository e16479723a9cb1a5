/**
 * WebSocket (HTTP/1.1 Upgrade) passthrough on routes with `websocket: true`: the upgrade
 * request goes to a target like any other; on 101 the two sockets are spliced, otherwise
 * the upstream's answer is relayed and the connection closed.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { UnigateError, toUnigateError } from '../errors/unigate-error.js';
import type { Target } from '../pipeline/upstream/target.js';
import { writeRawError } from './client-error.js';
import { isHopByHop } from './hop-by-hop.js';
import { clientIpOf, incomingRequestId, type ProxyEnvironment } from './proxy-handler.js';
import { checkRequest } from './request-guard.js';
import { requestTarget, upstreamHeaders, upstreamPath } from './upstream-request.js';

export function createUpgradeHandler(env: ProxyEnvironment): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    const requestId = incomingRequestId(req.headers['x-request-id']);
    socket.on('error', () => socket.destroy());
    try {
      const target = checkRequest(req);
      const method = req.method ?? 'GET';
      const runtime = env.runtime();
      const match = runtime.router.find(method, target.host, target.path);
      if (match === undefined) throw new UnigateError('ROUTE_NOT_FOUND', { details: { method, path: target.path } });
      const route = match.value;
      if (!route.websocket) {
        throw new UnigateError('BAD_REQUEST', {
          message: `The request is malformed: route "${route.name}" does not allow protocol upgrades`,
          details: { reason: 'upgrade not allowed on this route' },
        });
      }
      const clientIp = clientIpOf(req, env.trustForwarded);
      const upstreamTarget = route.upstream.acquire(
        { header: (name) => firstValue(req.headers[name]), consumerId: undefined, clientIp },
        undefined,
        Date.now(),
      );
      const headers = upstreamHeaders(req.headers, {
        clientIp,
        proto: env.secure ? 'https' : 'http',
        requestId,
        preserveHost: route.preserveHost,
        trustForwarded: env.trustForwarded,
      });
      const path = requestTarget(upstreamTarget.basePath, upstreamPath(route, target.path), target.query);
      upstreamTarget.pool.dispatch(
        {
          path,
          method: method as Dispatcher.HttpMethod,
          headers,
          upgrade: String(req.headers.upgrade ?? 'websocket'),
          headersTimeout: route.timeouts.responseHeadersMs,
        },
        new UpgradeHandler(socket, head, upstreamTarget, requestId),
      );
    } catch (err) {
      writeRawError(socket as never, toUnigateError(err), requestId);
    }
  };
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

class UpgradeHandler implements Dispatcher.DispatchHandler {
  private headWritten = false;
  private released = false;

  constructor(
    private readonly client: Duplex,
    private readonly head: Buffer,
    private readonly target: Target,
    private readonly requestId: string,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    this.client.once('close', () => abort());
  }

  onUpgrade(statusCode: number, rawHeaders: Buffer[] | string[] | null, upstream: Duplex): void {
    this.headWritten = true;
    this.release(true);
    let head = `HTTP/1.1 ${statusCode} Switching Protocols\r\n`;
    const raw = rawHeaders ?? [];
    for (let i = 0; i < raw.length; i += 2) head += `${raw[i]!.toString()}: ${raw[i + 1]!.toString()}\r\n`;
    this.client.write(`${head}\r\n`);
    if (this.head.length > 0) upstream.write(this.head);
    const close = () => {
      upstream.destroy();
      this.client.destroy();
    };
    upstream.on('error', close).on('close', close);
    this.client.on('error', close).on('close', close);
    upstream.pipe(this.client);
    this.client.pipe(upstream);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // The upstream declined the upgrade: relay its answer, close-delimited.
    this.headWritten = true;
    let head = `HTTP/1.1 ${statusCode} Upgrade Declined\r\n`;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toString('latin1');
      if (isHopByHop(name.toLowerCase())) continue;
      head += `${name}: ${rawHeaders[i + 1]!.toString('latin1')}\r\n`;
    }
    this.client.write(`${head}connection: close\r\n\r\n`);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.client.write(chunk);
    return true;
  }

  onComplete(): void {
    this.release(true);
    this.client.end();
  }

  onError(err: Error): void {
    this.release(false);
    if (this.headWritten) {
      this.client.destroy();
      return;
    }
    const code = (err as { code?: string }).code ?? '';
    const failure = code.includes('TIMEOUT') ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE';
    writeRawError(this.client as never, new UnigateError(failure, { details: { target: this.target.origin }, cause: err }), this.requestId);
  }

  private release(success: boolean): void {
    if (this.released) return;
    this.released = true;
    this.target.release();
    this.target.recordOutcome(success, Date.now());
  }
}
