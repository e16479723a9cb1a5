/** A pino destination that keeps every line in memory, for assertions on logs. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACT_PATHS } from '../../src/observability/logger.js';

export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') this.lines.push(line);
    callback();
  }

  get records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  logger(level = 'info'): pino.Logger {
    return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, this);
  }
}
