/**
 * The JSON error envelope every answer of Unigate's own uses:
 * {"error": {"code", "message", "status", "request_id", "details"}}
 */
import type { UnigateError } from './unigate-error.js';

export interface ErrorEnvelope {
  error: {
    code: string;
    message: string;
    status: number;
    request_id: string;
    details?: Record<string, unknown>;
  };
}

export function errorEnvelope(err: UnigateError, requestId: string): ErrorEnvelope {
  const body: ErrorEnvelope = {
    error: { code: err.code, message: err.message, status: err.status, request_id: requestId },
  };
  if (err.details !== undefined) body.error.details = err.details;
  return body;
}

export function errorBody(err: UnigateError, requestId: string): string {
  return JSON.stringify(errorEnvelope(err, requestId));
}
