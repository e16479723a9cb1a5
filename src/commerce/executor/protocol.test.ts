import { describe, expect, it } from 'vitest';
import { UnigateError } from '../../errors/unigate-error.js';
import { fromWire, toWire, transferable } from './protocol.js';

describe('errors between the event loop and a mapping thread', () => {
  it('keep code, message, details and headers', () => {
    const sent = new UnigateError('UPSTREAM_RATE_LIMITED', { message: 'slow down', details: { connection: 'c1', upstream: { status: 429 } }, headers: { 'retry-after': '3' } });
    const back = fromWire(structuredClone(toWire(sent)));
    expect(back).toBeInstanceOf(UnigateError);
    expect({ code: back.code, status: back.status, message: back.message, details: back.details, headers: back.headers }).toEqual({
      code: 'UPSTREAM_RATE_LIMITED',
      status: 429,
      message: 'slow down',
      details: { connection: 'c1', upstream: { status: 429 } },
      headers: { 'retry-after': '3' },
    });
  });

  it('turn anything else into INTERNAL_ERROR, with the original kept as the cause for the log', () => {
    const back = fromWire(structuredClone(toWire(new TypeError('x is not a function'))));
    expect(back.code).toBe('INTERNAL_ERROR');
    expect(back.message).toBe(new UnigateError('INTERNAL_ERROR').message);
    expect(back.cause).toBeInstanceOf(Error);
    expect((back.cause as Error).name).toBe('TypeError');
    expect((back.cause as Error).message).toBe('x is not a function');
    expect((back.cause as Error).stack).toContain('x is not a function');
    expect((fromWire(toWire('a string')).cause as Error).message).toBe('a string');
  });
});

describe('transferable', () => {
  it('hands over a buffer that owns its whole memory, and copies a slice of a shared one', () => {
    const own = Buffer.from('x'.repeat(64 * 1024));
    expect(transferable(own)).toEqual([own.buffer]);
    const pooled = Buffer.from('small');
    expect(transferable(pooled)).toEqual([]);
    expect(transferable(own.subarray(1))).toEqual([]);
  });
});
