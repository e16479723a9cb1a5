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

export function sendReply(res: ServerResponse, reply: Reply, requestId: string, extra?: Record<string, string>): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  res.writeHead(reply.status, { ...reply.headers, ...extra, 'content-length': String(body.length), 'x-request-id': requestId });
  res.end(body);
}
