/**
 * The one log line per request, written straight to the logger's destination as a fixed
 * set of fields. Every field is Unigate's own (ids, names, numbers, the path without its
 * query), so the generic redaction pino applies to arbitrary objects — the costliest part
 * of logging a request — has nothing to find here and is skipped. Lines are gathered and
 * written together, every FLUSH_MS or FLUSH_BYTES, whichever comes first.
 */
import pino, { type Logger } from 'pino';

export interface RequestLogFields {
  reqId: string;
  method: string | undefined;
  path: string;
  route: string | undefined;
  upstream: string | undefined;
  target: string | undefined;
  status: number;
  error: string | undefined;
  attempts: number | undefined;
  bytesIn: number | undefined;
  bytesOut: number | undefined;
  ms: number;
  upstreamMs: number | undefined;
  queueMs: number | undefined;
  clientIp: string | undefined;
}

export interface RequestLog {
  (fields: RequestLogFields): void;
  /** Hands the lines gathered so far to the logger's destination now (at shutdown). */
  flush(): void;
}

/**
 * Each write to the destination hands the lines to a libuv thread that writes the file,
 * about 30 µs of the process's CPU for a few KB. Once per event-loop turn (some 800 writes
 * a second under load) that was several percent of a small proxied request; batched, small
 * requests took 6–8% less CPU in an A/B. A line waits at most FLUSH_MS.
 */
const FLUSH_MS = 10;
const FLUSH_BYTES = 64 * 1024;

/** A writer of request lines in the logger's format, or undefined when info lines are off. */
export function createRequestLog(logger: Logger): RequestLog | undefined {
  if (!logger.isLevelEnabled('info')) return undefined;
  const stream = (logger as unknown as Record<symbol, { write(line: string): unknown }>)[pino.symbols.streamSym];
  if (stream === undefined) return Object.assign((fields: RequestLogFields) => logger.info(fields, 'request'), { flush: () => {} });
  let second = -1;
  let isoPrefix = '';
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (pending === '') return;
    const lines = pending;
    pending = '';
    stream.write(lines);
  };
  const log = (f: RequestLogFields): void => {
    const now = Date.now();
    // The ISO timestamp changes once a second but for its milliseconds: rebuild the prefix then.
    const s = Math.floor(now / 1000);
    if (s !== second) {
      second = s;
      isoPrefix = new Date(s * 1000).toISOString().slice(0, 20);
    }
    const ms = now - s * 1000;
    let line = `{"level":"info","time":"${isoPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z","service":"unigate","req_id":${JSON.stringify(f.reqId)}`;
    if (f.method !== undefined) line += `,"method":${JSON.stringify(f.method)}`;
    line += `,"path":${JSON.stringify(f.path)}`;
    if (f.route !== undefined) line += `,"route":${JSON.stringify(f.route)}`;
    if (f.upstream !== undefined) line += `,"upstream":${JSON.stringify(f.upstream)}`;
    if (f.target !== undefined) line += `,"target":${JSON.stringify(f.target)}`;
    line += `,"status":${f.status}`;
    if (f.error !== undefined) line += `,"error":${JSON.stringify(f.error)}`;
    if (f.attempts !== undefined) line += `,"attempts":${f.attempts}`;
    if (f.bytesIn !== undefined) line += `,"bytes_in":${f.bytesIn}`;
    if (f.bytesOut !== undefined) line += `,"bytes_out":${f.bytesOut}`;
    line += `,"ms":${f.ms}`;
    if (f.upstreamMs !== undefined) line += `,"upstream_ms":${f.upstreamMs}`;
    if (f.queueMs !== undefined) line += `,"queue_ms":${f.queueMs}`;
    if (f.clientIp !== undefined) line += `,"client_ip":${JSON.stringify(f.clientIp)}`;
    // Ref'd: a process that is otherwise done still writes its last lines before it exits.
    if (pending === '') timer = setTimeout(flush, FLUSH_MS);
    pending += `${line},"msg":"request"}\n`;
    if (pending.length >= FLUSH_BYTES) flush();
  };
  return Object.assign(log, { flush });
}
