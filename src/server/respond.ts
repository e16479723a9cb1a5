/** Writes Unigate's own answers: the error envelope and policy replies. */
import type { ServerResponse } from 'node:http';
import { errorBody } from '../errors/envelope.js';
import type { UnigateError } from '../errors/unigate-error.js';
import type { Reply } from '../pipeline/policy.js';

/** `extra`: headers policies set for every response of the route (ctx.responseHeaders); the error's own win. */
export function sendError(res: ServerResponse, err: UnigateError, requestId: string, closeConnection = false, extra?: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy(err);
    return;
  }
  const body = errorBody(err, requestId);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'x-request-id': requestId,
    ...extra,
    ...err.headers,
  };
  if (closeConnection) headers.connection = 'close';
  res.writeHead(err.status, headers);
  res.end(body);
}

/** A policy's reply (a cache hit, say): its headers, then `extra`, then its length and the request id, which win. Returns the body's length. */
export function sendReply(res: ServerResponse, reply: Reply, requestId: string, extra?: Record<string, string>): number {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  // A flat list: no merged copy of the headers, and Node writes it as it is.
  const list: string[] = [];
  const headers = reply.headers;
  for (const name in headers) {
    if (name === 'content-length' || name === 'x-request-id' || (extra !== undefined && name in extra)) continue;
    const value = headers[name]!;
    if (typeof value === 'string') list.push(name, value);
    else for (const v of value) list.push(name, v);
  }
  if (extra !== undefined) for (const name in extra) list.push(name, extra[name]!);
  list.push('content-length', String(body.length), 'x-request-id', requestId);
  res.writeHead(reply.status, list);
  res.end(body);
  return body.length;
}
