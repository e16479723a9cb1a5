import { TransformError, type ErrorLocation, type ErrorPhase } from '../errors.js';

export type HttpOpsErrorKind =
  /** A config value that cannot work (bad regex, duplicate status mapping, …). */
  | 'invalid_config'
  /** A header name that is not an RFC 9110 token. */
  | 'invalid_header_name'
  /** A header value with CR, LF, NUL or other bytes RFC 9110 §5.5 forbids (often from a client-supplied template value). */
  | 'invalid_header_value'
  /** A header that frames the message or belongs to the connection (Content-Length, hop-by-hop). */
  | 'forbidden_header'
  /** A rewritten path that is not a safe origin-form path (dot segments, `?`, `#`, controls). */
  | 'unsafe_path'
  /** A path template whose variable has no value for this request. */
  | 'missing_value';

export class HttpOpsError extends TransformError<HttpOpsErrorKind> {
  constructor(kind: HttpOpsErrorKind, message: string, phase: ErrorPhase, location: ErrorLocation = {}, options?: { cause?: unknown }) {
    super('HttpOpsError', kind, message, phase, location, options);
  }
}

/**
 * Refuses keys an operation does not have, such as a snake_case key the config loader did not
 * convert: silently ignoring it would drop the behaviour it asks for.
 */
export function checkKeys(config: object, allowed: readonly string[], at: string): void {
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) throw new HttpOpsError('invalid_config', `"${key}" is not an option here (allowed: ${allowed.join(', ')})`, 'compile', { path: `${at}.${key}` });
  }
}
