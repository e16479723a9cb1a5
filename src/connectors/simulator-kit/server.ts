/**
 * A small HTTP scaffold for simulators on node:http: binds 127.0.0.1 (port 0 by default),
 * reads bounded bodies, applies injected faults, and renders what the platform handler
 * returns. The platform decides everything else (auth, routes, bodies, headers).
 *
 *   const server = await startSimulatorServer({ state, handle, errorBody: (s) => ({ errors: 'x' }) });
 *   server.url; await server.close();
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FaultInjector } from './faults.js';

export interface SimRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names, as node:http gives them. */
  headers: http.IncomingHttpHeaders;
  /** Raw body text (empty when there is none). */
  body: string;
  /** Origin the client used, e.g. `http://127.0.0.1:9101`, for absolute links. */
  origin: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string | number>;
  /** Serialized as JSON unless `raw` is set; omitted for 204. */
  body?: unknown;
  raw?: string;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export interface SimulatorServerOptions<S> {
  /** Default 0: the OS picks a free port. */
  port?: number;
  state: S;
  handle: SimHandler;
  faults?: FaultInjector;
  /** Body of an injected 5xx, in the platform's own error shape. */
  errorBody?: (status: number, req: SimRequest) => SimResponse;
  /** Largest accepted body in bytes (default 1 MiB); larger bodies get `tooLarge`. */
  maxBodyBytes?: number;
  tooLarge?: (req: SimRequest) => SimResponse;
  /** Injectable wait for latency faults, so tests can observe them without sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

export interface SimulatorServer<S> {
  url: string;
  port: number;
  state: S;
  close(): Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startSimulatorServer<S>(options: SimulatorServerOptions<S>): Promise<SimulatorServer<S>> {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const sleep = options.sleep ?? defaultSleep;
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      // A bug in a handler must not kill the process or hang the client.
      if (!res.headersSent) send(res, { status: 500, body: { error: String(error) } });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const host = req.headers.host ?? `127.0.0.1:${port}`;
    const url = new URL(req.url ?? '/', `http://${host}`);
    const { text, tooLarge } = await readBody(req, maxBodyBytes);
    const simReq: SimRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: text,
      origin: `http://${host}`,
    };
    const fault = options.faults?.decide(simReq.path) ?? { kind: 'none', delayMs: 0 };
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'error') {
      send(res, options.errorBody?.(fault.status, simReq) ?? { status: fault.status, body: { error: 'injected fault' } });
      return;
    }
    if (tooLarge) {
      send(res, options.tooLarge?.(simReq) ?? { status: 413, body: { error: 'body too large' } });
      return;
    }
    send(res, await options.handle(simReq));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state: options.state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open; simulators have nothing to drain.
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function readBody(req: http.IncomingMessage, max: number): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, out: SimResponse): void {
  const headers: Record<string, string | number> = { ...out.headers };
  if (out.status === 204 || (out.body === undefined && out.raw === undefined)) {
    res.writeHead(out.status, headers);
    res.end();
    return;
  }
  const text = out.raw ?? JSON.stringify(out.body);
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  headers['Content-Length'] = Buffer.byteLength(text);
  res.writeHead(out.status, headers);
  res.end(text);
}

/** Parse a JSON body; `undefined` when empty, `SyntaxError` instance when malformed. */
export function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    return error instanceof SyntaxError ? error : new SyntaxError(String(error));
  }
}
