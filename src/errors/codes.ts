/**
 * The error catalogue: every code Unigate itself answers with, its HTTP status and what it means.
 * Codes are stable forever; a test keeps this table and the README's table identical.
 */
export interface ErrorSpec {
  readonly status: number;
  /** Default client-facing message. Never includes upstream text or secrets. */
  readonly message: string;
  /** One line for the docs table. */
  readonly meaning: string;
}

export const ERROR_CODES = {
  // Client request problems
  BAD_REQUEST: {
    status: 400,
    message: 'The request is malformed',
    meaning: 'Framing or syntax the proxy refuses: duplicate Host, Content-Length with Transfer-Encoding, bad header bytes, foreign absolute-form target.',
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    message: 'No route matches this request',
    meaning: 'No configured route matches the method, host and path.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    message: 'The client was too slow sending the request',
    meaning: 'Headers or body did not arrive within the listener timeouts.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'The request body is larger than this route allows',
    meaning: 'Request body over the route\'s `limits.max_body_bytes`.',
  },
  URI_TOO_LONG: {
    status: 414,
    message: 'The request URL is longer than this route allows',
    meaning: 'Request target over `limits.max_url_bytes`.',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    message: 'The request headers are larger than allowed',
    meaning: 'Request header section over `limits.max_header_bytes` (or the listener maximum).',
  },
  RATE_LIMITED: {
    status: 429,
    message: 'Too many requests: a rate limit of this route is exhausted',
    meaning: 'An inbound `rate_limit` of the route has no room; retry after `Retry-After`, the `RateLimit-*` headers describe the limit.',
  },
  NOT_CACHED: {
    status: 504,
    message: 'No stored response can answer this request',
    meaning: 'The request sent `Cache-Control: only-if-cached` and the route\'s cache holds no usable response (RFC 9111 §5.2.1.7).',
  },
  // Identity and credentials
  UNAUTHENTICATED: {
    status: 401,
    message: 'Authentication is required',
    meaning: 'Missing, malformed, unknown, expired or revoked API key or JWT (or admin token); see `WWW-Authenticate`.',
  },
  FORBIDDEN: {
    status: 403,
    message: 'The caller may not use this route',
    meaning: 'Valid credentials, but out of scope (route or connection not in the key\'s scopes), a disabled consumer or connection.',
  },
  CONNECTION_NOT_FOUND: {
    status: 404,
    message: 'No connection supplies credentials for this upstream',
    meaning: 'The caller has no (or names an unknown) connection to the upstream that the route injects credentials for.',
  },
  CONNECTION_AMBIGUOUS: {
    status: 409,
    message: 'Several connections could serve this request',
    meaning: 'The caller has more than one connection to the upstream; name one with the `X-Unigate-Connection` header.',
  },
  CONNECTOR_AUTH_FAILED: {
    status: 502,
    message: 'Unigate could not authenticate to the upstream',
    meaning: 'The backend refused the stored credentials or a token could not be obtained; a refused refresh also marks the connection `needs_reauth`.',
  },
  NOT_FOUND: {
    status: 404,
    message: 'No such record',
    meaning: 'The admin API has no consumer, API key or connection with the id in the path.',
  },
  CONFLICT: {
    status: 409,
    message: 'The change conflicts with existing state',
    meaning: 'An admin API write collides with what is stored, such as an id that is already taken.',
  },
  VALIDATION_FAILED: {
    status: 400,
    message: 'The request did not pass validation',
    meaning: 'Body, query or config failed its schema; `details.errors` lists every failing path.',
  },
  IDEMPOTENCY_KEY_IN_USE: {
    status: 409,
    message: 'A request with this Idempotency-Key is still running',
    meaning: 'A unified write was retried while the first request with its `Idempotency-Key` runs; retry after `Retry-After`.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: 'This Idempotency-Key was used for another request',
    meaning: 'The `Idempotency-Key` of a unified write was first used with another operation, record or body.',
  },
  NOT_SUPPORTED_BY_PLATFORM: {
    status: 501,
    message: 'The store\'s platform does not support this',
    meaning: 'A unified API operation or filter the connection\'s platform cannot serve (its capabilities say `unsupported`).',
  },
  // Upstream problems
  UPSTREAM_UNAVAILABLE: {
    status: 502,
    message: 'The upstream could not be reached',
    meaning: 'Connection refused or reset before a response, or DNS failure.',
  },
  UPSTREAM_BAD_RESPONSE: {
    status: 502,
    message: 'The upstream sent an invalid response',
    meaning: 'Unparseable or protocol-violating upstream response.',
  },
  RESPONSE_TOO_LARGE: {
    status: 502,
    message: 'The upstream response is larger than this route can transform',
    meaning: 'A response a policy must read whole exceeded the route\'s `limits.max_response_bytes`.',
  },
  TRANSFORM_FAILED: {
    status: 502,
    message: 'The upstream response could not be transformed as this route asks',
    meaning: 'A `transform_response` operation does not fit the upstream response (unexpected shape, a value that cannot be converted, or a transform limit); `details` names the operation path.',
  },
  UPSTREAM_ERROR: {
    status: 502,
    message: 'The upstream answered with an error',
    meaning: 'On routes with `normalize_errors`: the upstream answered 4xx or 5xx; the envelope keeps the upstream\'s status (not 502), with the vendor\'s status and message under `details.upstream`.',
  },
  UPSTREAM_TIMEOUT: {
    status: 504,
    message: 'The upstream did not answer in time',
    meaning: 'Connect, response-header or total timeout of the upstream exceeded.',
  },
  NO_HEALTHY_UPSTREAM: {
    status: 503,
    message: 'No healthy upstream target is available',
    meaning: 'Every target of the upstream is failing health checks or ejected.',
  },
  CIRCUIT_OPEN: {
    status: 503,
    message: 'The upstream circuit breaker is open',
    meaning: 'Recent failures opened the breaker for every usable target; retry after `Retry-After`.',
  },
  UPSTREAM_RATE_LIMITED: {
    status: 429,
    message: 'The upstream\'s rate budget cannot take this request in time',
    meaning: 'The outbound shield\'s queue for the upstream is full, or its budget (or a pause the upstream asked for) outlasts the request\'s queue deadline; retry after `Retry-After`.',
  },
  // Unigate itself
  INTERNAL_ERROR: {
    status: 500,
    message: 'Internal error',
    meaning: 'A bug or unexpected state in Unigate; the log line with the request id has the cause.',
  },
  SHARED_STORE_UNAVAILABLE: {
    status: 503,
    message: 'Shared state is unavailable',
    meaning: 'The shared store (Redis) did not answer in time and a policy is set to fail closed (`on_store_error: closed`).',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;
