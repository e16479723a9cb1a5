/**
 * Platform answers → PlatformError. The kind follows the HTTP status; the message is ours
 * and the platform's own text travels in `upstream.message` (DESIGN.md "Errors": the
 * unified API shows it under `details.upstream`). Each platform supplies how to read its
 * error body.
 *
 *   const res = await client.send(req);
 *   ensureOk(res, 'Shopify', shopifyErrorMessage);
 */
import { PlatformError, type PlatformErrorKind, type PlatformResponse } from '../connector.js';

/** What each status means for the caller; 2xx is not an error, anything unlisted is a bad response. */
export function kindForStatus(status: number): PlatformErrorKind | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status === 401) return 'auth';
  // 402 frozen shop, 423 locked shop, 430 security rejection (shopify.md §2, §6).
  if (status === 402 || status === 403 || status === 423 || status === 430) return 'forbidden';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 400 && status < 500) return 'invalid';
  // 507: a plan limit was reached (bigcommerce.md §6); the request cannot succeed as sent.
  if (status === 507) return 'invalid';
  if (status >= 500 && status < 600) return 'unavailable';
  return 'bad_response';
}

const SUMMARY: Record<PlatformErrorKind, string> = {
  auth: 'refused the connection\'s credentials',
  forbidden: 'does not allow this request for the connection',
  not_found: 'has no such record',
  invalid: 'rejected the request',
  unsupported: 'does not support this',
  rate_limited: 'is rate limiting the connection',
  unavailable: 'is unavailable',
  bad_response: 'sent a response that could not be read',
};

export function platformError(kind: PlatformErrorKind, platform: string, status: number, upstreamMessage: string | undefined): PlatformError {
  return new PlatformError(kind, `${platform} ${SUMMARY[kind]}`, { status, message: upstreamMessage });
}

/** Throws the PlatformError a non-2xx answer stands for. */
export function ensureOk(res: PlatformResponse, platform: string, messageOf: (body: unknown) => string | undefined): void {
  const kind = kindForStatus(res.status);
  if (kind !== undefined) throw platformError(kind, platform, res.status, messageOf(res.body));
}

/** What the platform cannot do at all (a filter its capabilities call `unsupported`): 501 NOT_SUPPORTED_BY_PLATFORM. */
export function unsupportedRequest(platform: string, message: string): PlatformError {
  return new PlatformError('unsupported', `${platform}: ${message}`, { status: 0, message: undefined });
}

/** The answer was 2xx but not what the endpoint documents (missing root key, wrong type). */
export function badResponse(platform: string, status: number, what: string): PlatformError {
  return platformError('bad_response', platform, status, what);
}

/**
 * A request the connector refuses before asking the platform (a filter it cannot serve, a
 * malformed cursor, an impossible update). `upstream.status` is 0: no platform answer exists.
 */
export function invalidRequest(platform: string, message: string): PlatformError {
  return new PlatformError('invalid', `${platform}: ${message}`, { status: 0, message: undefined });
}

/** A record named in a request (a variant of a product) that the platform's answer does not contain. */
export function notFoundRequest(platform: string, message: string): PlatformError {
  return new PlatformError('not_found', `${platform}: ${message}`, { status: 0, message: undefined });
}

/** Flattens the usual error body shapes into one line: strings, arrays, objects of arrays. */
export function flattenErrors(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'string') return value;
  if (depth > 3 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    const parts = value.map((v) => flattenErrors(v, depth + 1)).filter((s): s is string => s !== undefined);
    return parts.length > 0 ? parts.join('; ') : undefined;
  }
  const parts = Object.entries(value).map(([k, v]) => {
    const inner = flattenErrors(v, depth + 1);
    return inner === undefined ? undefined : `${k}: ${inner}`;
  });
  const kept = parts.filter((s): s is string => s !== undefined);
  return kept.length > 0 ? kept.join('; ') : undefined;
}

/** Text bodies (an HTML error page from a proxy) are kept short. */
export function textSnippet(body: unknown): string | undefined {
  if (typeof body !== 'string' || body.trim() === '') return undefined;
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
