/**
 * The one error type policies and the engine throw. The server renders it into the
 * envelope; callers branch on `code`, never on the class.
 */
import { ERROR_CODES, type ErrorCode } from './codes.js';

export interface UnigateErrorOptions {
  message?: string;
  details?: Record<string, unknown>;
  /** Extra response headers, e.g. Retry-After or WWW-Authenticate. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class UnigateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, options: UnigateErrorOptions = {}) {
    super(options.message ?? ERROR_CODES[code].message, { cause: options.cause });
    this.name = 'UnigateError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export function isUnigateError(err: unknown): err is UnigateError {
  return err instanceof Error && (err as { name?: string }).name === 'UnigateError' && 'code' in err;
}

/** Wraps anything thrown into a UnigateError, keeping the original as cause for the log. */
export function toUnigateError(err: unknown): UnigateError {
  if (isUnigateError(err)) return err;
  return new UnigateError('INTERNAL_ERROR', { cause: err });
}
