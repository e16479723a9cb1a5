/** A platform's failure, as the unified API answers it: our code, the platform's words under `details.upstream`. */
import { PlatformError, type PlatformErrorKind } from '../connectors/connector.js';
import { UnigateError, isUnigateError, toUnigateError } from '../errors/unigate-error.js';
import type { ErrorCode } from '../errors/codes.js';

const CODES: Record<PlatformErrorKind, ErrorCode> = {
  auth: 'CONNECTOR_AUTH_FAILED',
  forbidden: 'CONNECTOR_AUTH_FAILED',
  not_found: 'NOT_FOUND',
  invalid: 'VALIDATION_FAILED',
  unsupported: 'NOT_SUPPORTED_BY_PLATFORM',
  rate_limited: 'UPSTREAM_RATE_LIMITED',
  unavailable: 'UPSTREAM_UNAVAILABLE',
  bad_response: 'UPSTREAM_BAD_RESPONSE',
};

export function platformFailure(err: unknown, connectionId: string): UnigateError {
  if (err instanceof PlatformError) {
    return new UnigateError(CODES[err.kind], {
      // A request the connector refused itself says why; the platform's own words are under details.
      ...((err.kind === 'invalid' || err.kind === 'unsupported') && err.upstream.status === 0 ? { message: err.message } : {}),
      details: { connection: connectionId, upstream: { status: err.upstream.status, message: err.upstream.message ?? null } },
      ...(err.kind === 'rate_limited' ? { headers: { 'retry-after': '1' } } : {}),
    });
  }
  if (isUnigateError(err)) return err;
  return toUnigateError(err);
}
