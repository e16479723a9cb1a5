/**
 * The client's request body as the upstream reads it: lazy (nothing is read from the client
 * until the upstream connection asks for it, which is also when `100 Continue` is sent), so
 * an attempt that fails before sending leaves the body untouched for a retry; counted and
 * capped at the route's limit.
 */
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UnigateError } from '../../errors/unigate-error.js';

/** The client stopped sending mid-body (disconnect or bad chunking). */
export class ClientBodyError extends Error {
  readonly code = 'CLIENT_BODY_ERROR';
}

export class RequestBody extends Readable {
  /** True once any byte was pulled from the client: the body can no longer be replayed. */
  started = false;
  bytes = 0;
  private readonly onData = (chunk: Buffer): void => {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      this.destroy(new UnigateError('PAYLOAD_TOO_LARGE', { details: { limit_bytes: this.limit } }));
      return;
    }
    if (!this.push(chunk)) this.req.pause();
  };
  private readonly onEnd = (): void => {
    this.push(null);
  };
  private readonly onAbort = (): void => {
    this.destroy(new ClientBodyError('the client stopped sending the request body'));
  };

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly limit: number,
    private readonly expectContinue: boolean,
  ) {
    super({ highWaterMark: 64 * 1024 });
  }

  override _read(): void {
    if (this.started) {
      this.req.resume();
      return;
    }
    this.started = true;
    if (this.expectContinue) this.res.writeContinue();
    this.req.on('data', this.onData);
    this.req.on('end', this.onEnd);
    this.req.on('error', this.onAbort);
    this.req.on('aborted', this.onAbort);
    this.req.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.req.off('data', this.onData);
    this.req.off('end', this.onEnd);
    this.req.off('error', this.onAbort);
    this.req.off('aborted', this.onAbort);
    callback(err);
  }
}
