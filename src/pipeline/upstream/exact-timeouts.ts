/**
 * undici checks its header and body timers about every half second, so a timeout under a
 * couple of seconds could fire up to a second late: such a one is kept by a timer of the
 * request's own. Longer ones are left to undici (an extra timer per request is not free).
 * The errors are classified like undici's own header and body timeouts.
 */
const EXACT_TIMEOUT_BELOW_MS = 2000;

/** Whether a header or body-idle timeout of `ms` needs a timer of its own. */
export const isExactTimeout = (ms: number): boolean => ms > 0 && ms < EXACT_TIMEOUT_BELOW_MS;

export class HeadersTimeoutError extends Error {
  readonly code = 'UND_ERR_HEADERS_TIMEOUT';
}

export class BodyTimeoutError extends Error {
  readonly code = 'UND_ERR_BODY_TIMEOUT';
}
