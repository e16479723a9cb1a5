/**
 * The one log line per request, written straight to the logger's destination as a fixed
 * set of fields. Every field is Unigate's own (ids, names, numbers, the path without its
 * query), so the generic redaction pino applies to arbitrary objects — the costliest part
 * of logging a request — has nothing to find here and is skipped. Lines are written once
 * per event-loop turn.
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

export type RequestLog = (fields: RequestLogFields) => void;

/** A writer of request lines in the logger's format, or undefined when info lines are off. */
export function createRequestLog(logger: Logger): RequestLog | undefined {
  if (!logger.isLevelEnabled('info')) return undefined;
  const stream = (logger as unknown as Record<symbol, { write(line: string): unknown }>)[pino.symbols.streamSym];
  if (stream === undefined) return (fields) => logger.info(fields, 'request');
  let second = -1;
  let isoPrefix = '';
  // Lines of one event-loop turn go to the stream in one write: the stream's per-write
  // bookkeeping (it measures its whole pending buffer each time) is paid once per turn.
  let pending = '';
  const flush = (): void => {
    const lines = pending;
    pending = '';
    stream.write(lines);
  };
  return (f) => {
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
    if (pending === '') setImmediate(flush);
    pending += `${line},"msg":"request"}\n`;
  };
}
