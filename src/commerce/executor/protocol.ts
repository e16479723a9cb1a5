/**
 * What the event loop and a mapping thread say to each other. Calls go to the thread as
 * plain data; the thread asks the event loop to send each native request (the engine,
 * shield, vault and pools live there) and gets the answer's bytes back, transferred, not
 * copied. Errors cross as data and are revived as UnigateErrors on the other side.
 */
import type { PlatformRequest } from '../../connectors/connector.js';
import type { ErrorCode } from '../../errors/codes.js';
import { UnigateError, isUnigateError } from '../../errors/unigate-error.js';
import type { UnifiedCall } from './execute.js';

/** Event loop → thread. */
export type ToThread =
  | { type: 'call'; id: number; call: UnifiedCall }
  | { type: 'sent'; id: number; status: number; headers: Record<string, string | string[]>; body: Uint8Array }
  | { type: 'send-failed'; id: number; error: WireError };

/** Thread → event loop. */
export type FromThread =
  | { type: 'send'; id: number; connection: string; request: PlatformRequest }
  | { type: 'done'; id: number; body: Uint8Array }
  | { type: 'failed'; id: number; error: WireError };

export interface WireError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** What an internal error was caused by, for the log (never for the client). */
  cause?: { name: string; message: string; stack?: string };
}

export function toWire(err: unknown): WireError {
  const e = isUnigateError(err) ? err : new UnigateError('INTERNAL_ERROR', { cause: err });
  const wire: WireError = { code: e.code, message: e.message };
  if (e.details !== undefined) wire.details = e.details;
  if (e.headers !== undefined) wire.headers = e.headers;
  const cause = e.cause;
  if (cause instanceof Error) wire.cause = { name: cause.name, message: cause.message, ...(cause.stack ? { stack: cause.stack } : {}) };
  else if (cause !== undefined) wire.cause = { name: 'Error', message: String(cause) };
  return wire;
}

export function fromWire(wire: WireError): UnigateError {
  let cause: Error | undefined;
  if (wire.cause !== undefined) {
    cause = new Error(wire.cause.message);
    cause.name = wire.cause.name;
    if (wire.cause.stack !== undefined) cause.stack = wire.cause.stack;
  }
  return new UnigateError(wire.code, { message: wire.message, details: wire.details, headers: wire.headers, cause });
}

/** Bytes that can be handed over without a copy: a buffer that owns its whole ArrayBuffer. */
export function transferable(bytes: Uint8Array): ArrayBuffer[] {
  const buffer = bytes.buffer;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? [buffer] : [];
}
