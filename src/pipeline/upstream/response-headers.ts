/**
 * Upstream response heads → what the client gets: hop-by-hop headers removed (RFC 9110
 * §7.6.1), Via appended (§7.6.3), the request id added, plus headers policies set.
 */
import { connectionTokens, isHopByHop } from '../../server/hop-by-hop.js';

const VIA = '1.1 unigate';

/** Raw upstream headers → a flat [name, value, …] list ready for writeHead. */
export function responseHeaders(raw: Buffer[], requestId: string, extra: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  let connection: string | undefined;
  let via: string | undefined;
  let hasRequestId = false;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 10 && raw[i]!.toString('latin1').toLowerCase() === 'connection') connection = raw[i + 1]!.toString('latin1');
  }
  const listed = connectionTokens(connection);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const lower = name.toLowerCase();
    if (isHopByHop(lower) || listed?.has(lower)) continue;
    const value = raw[i + 1]!.toString('latin1');
    if (lower === 'via') {
      via = via === undefined ? value : `${via}, ${value}`;
      continue;
    }
    if (lower === 'x-request-id') hasRequestId = true;
    if (extra !== undefined && lower in extra) continue;
    out.push(name, value);
  }
  out.push('via', via === undefined ? VIA : `${via}, ${VIA}`);
  if (!hasRequestId) out.push('x-request-id', requestId);
  if (extra !== undefined) for (const name in extra) out.push(name, extra[name]!);
  return out;
}

/** Raw upstream headers → lower-case name map (repeated names become arrays), hop-by-hop removed. */
export function parseRawHeaders(raw: Buffer[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[name] = [existing, value];
  }
  const listed = connectionTokens(out.connection);
  for (const name of Object.keys(out)) if (isHopByHop(name) || listed?.has(name)) delete out[name];
  return out;
}

/**
 * A header map (as policies left it) → the flat list for writeHead, with Via and the request
 * id. With `bodyLength` the body was read whole (and maybe changed): its length replaces the upstream's.
 */
export function toHeaderList(
  headers: Record<string, string | string[]>,
  requestId: string,
  extra: Record<string, string> | undefined,
  bodyLength: number | undefined,
): string[] {
  const out: string[] = [];
  for (const name in headers) {
    if (name === 'via' || (name === 'content-length' && bodyLength !== undefined) || (extra !== undefined && name in extra)) continue;
    const value = headers[name]!;
    if (Array.isArray(value)) for (const v of value) out.push(name, v);
    else out.push(name, value);
  }
  const via = headers.via;
  out.push('via', via === undefined ? VIA : `${Array.isArray(via) ? via.join(', ') : via}, ${VIA}`);
  if (headers['x-request-id'] === undefined) out.push('x-request-id', requestId);
  if (extra !== undefined) for (const name in extra) out.push(name, extra[name]!);
  if (bodyLength !== undefined) out.push('content-length', String(bodyLength));
  return out;
}

/** Retry-After (RFC 9110 §10.2.3) as milliseconds from now: delay-seconds or an HTTP date. */
export function retryAfterMs(raw: Buffer[]): number | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length !== 11 || raw[i]!.toString('latin1').toLowerCase() !== 'retry-after') continue;
    return parseRetryAfter(raw[i + 1]!.toString('latin1'));
  }
  return undefined;
}

export function parseRetryAfter(value: string): number | undefined {
  const trimmed = value.trim();
  if (/^[0-9]+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
