import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createRequestLog, type RequestLogFields } from './request-log.js';

function capture() {
  const writes: string[] = [];
  const logger = pino({ level: 'info', base: { service: 'unigate' } }, { write: (chunk: string) => void writes.push(chunk) });
  return { writes, log: createRequestLog(logger)! };
}

const fields = (reqId: string, path = '/x'): RequestLogFields => ({
  reqId,
  method: 'GET',
  path,
  route: 'r',
  upstream: 'u',
  target: 'http://127.0.0.1:1',
  status: 200,
  error: undefined,
  attempts: 1,
  bytesIn: 0,
  bytesOut: 12,
  ms: 3,
  upstreamMs: 2,
  queueMs: undefined,
  clientIp: '127.0.0.1',
});

describe('request log', () => {
  it('gathers lines and writes them together, at most 10 ms later', async () => {
    const { writes, log } = capture();
    log(fields('a'));
    log(fields('b'));
    expect(writes).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 40));
    expect(writes).toHaveLength(1);
    const lines = writes[0]!.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.req_id)).toEqual(['a', 'b']);
    expect(lines[0]).toMatchObject({ level: 'info', service: 'unigate', msg: 'request', method: 'GET', path: '/x', status: 200, bytes_out: 12, client_ip: '127.0.0.1' });
    expect(new Date(lines[0]!.time as string).toISOString()).toBe(lines[0]!.time);
  });

  it('writes at once past 64 KiB of lines, and on flush (shutdown)', () => {
    const { writes, log } = capture();
    const long = `/${'p'.repeat(1000)}`;
    for (let i = 0; i < 70; i++) log(fields(`r${i}`, long));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.length).toBeGreaterThanOrEqual(64 * 1024);
    log(fields('last'));
    expect(writes).toHaveLength(1);
    log.flush();
    expect(writes).toHaveLength(2);
    const ids = writes.join('').trimEnd().split('\n').map((l) => (JSON.parse(l) as { req_id: string }).req_id);
    expect(ids).toEqual([...Array.from({ length: 70 }, (_, i) => `r${i}`), 'last']);
    log.flush();
    expect(writes).toHaveLength(2);
  });

  it('escapes what clients control', () => {
    const { writes, log } = capture();
    log(fields('id"\n', '/a"b\\c\u2028'));
    log.flush();
    const line = JSON.parse(writes[0]!) as Record<string, unknown>;
    expect(line.req_id).toBe('id"\n');
    expect(line.path).toBe('/a"b\\c\u2028');
  });
});
