/**
 * Requests Node's HTTP parser refuses before they reach a handler (bad framing, header
 * overflow, slow clients) still get the envelope, then the connection is closed.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { errorBody } from '../errors/envelope.js';
import { UnigateError } from '../errors/unigate-error.js';
import type { ErrorCode } from '../errors/codes.js';

export function clientErrorToUnigate(err: NodeJS.ErrnoException & { reason?: string }): UnigateError {
  const code: ErrorCode =
    err.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'REQUEST_TIMEOUT' : 'BAD_REQUEST';
  const reason = err.reason ?? err.message;
  return new UnigateError(code, code === 'BAD_REQUEST' ? { message: `The request is malformed: ${reason}`, details: { reason } } : {});
}

export function writeRawError(socket: Socket, err: UnigateError, requestId: string = randomUUID()): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = errorBody(err, requestId);
  const extra = Object.entries(err.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${err.status} ${statusText(err.status)}\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${requestId}\r\n` +
      extra +
      'connection: close\r\n\r\n' +
      body,
  );
}

const TEXTS: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 408: 'Request Timeout', 413: 'Content Too Large', 414: 'URI Too Long', 431: 'Request Header Fields Too Large', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

function statusText(status: number): string {
  return TEXTS[status] ?? 'Error';
}
