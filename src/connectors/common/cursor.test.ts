import { describe, expect, it } from 'vitest';
import { PlatformError } from '../connector.js';
import { continuation, nativeCursor, readString } from './cursor.js';
import { ensureOk, kindForStatus } from './errors.js';
import { nativeStatusesFor, statusClassifier } from './status-map.js';

describe('native cursor', () => {
  const since = new Date('2025-01-02T03:04:05Z');

  it('carries the first request\'s filters; they win over the query afterwards', () => {
    const cursor = nativeCursor('orders', { modifiedSince: since, ids: ['1', '2'], status: 'processing' }, { position: 'abc', skip: 3, size: 50 });
    expect(JSON.parse(JSON.stringify(cursor))).toEqual(cursor);
    const at = continuation('Test', 'orders', { limit: 10, cursor, status: 'cancelled' }, readString);
    expect(at).toEqual({ filters: { modifiedSince: since, ids: ['1', '2'], status: 'processing' }, position: 'abc', skip: 3, size: 50 });
  });

  it('starts from the query when there is no cursor', () => {
    expect(continuation('Test', 'orders', { limit: 1, cursor: undefined, sku: 'A' }, readString)).toEqual({ filters: { sku: 'A' }, position: null, skip: 0 });
  });

  it('refuses other resources\' cursors, tampered fields and limits outside 1–250', () => {
    const good = nativeCursor('orders', {}, { position: 'abc', skip: 0 });
    const bad = [
      { ...good, resource: 'products' },
      { ...good, position: 42 },
      { ...good, skip: -1 },
      { ...good, skip: 1.5 },
      { ...good, size: 1000 },
      { ...good, filters: { modifiedSince: 'yesterday' } },
      { ...good, filters: { ids: [1] } },
      { ...good, filters: [] },
    ];
    for (const cursor of bad) expect(() => continuation('Test', 'orders', { limit: 5, cursor }, readString)).toThrow(PlatformError);
    expect(() => continuation('Test', 'orders', { limit: 0, cursor: undefined }, readString)).toThrow(/limit/);
    expect(() => continuation('Test', 'orders', { limit: 251, cursor: undefined }, readString)).toThrow(/limit/);
  });
});

describe('errors and statuses', () => {
  it('maps statuses to kinds', () => {
    expect([200, 204, 401, 402, 403, 404, 409, 413, 422, 423, 429, 430, 500, 503, 507, 302].map(kindForStatus)).toEqual([
      undefined, undefined, 'auth', 'forbidden', 'forbidden', 'not_found', 'invalid', 'invalid', 'invalid', 'forbidden', 'rate_limited', 'forbidden',
      'unavailable', 'unavailable', 'invalid', 'bad_response',
    ]);
  });

  it('keeps the platform\'s message apart from ours', () => {
    let caught: unknown;
    try {
      ensureOk({ status: 429, headers: {}, body: { errors: 'Exceeded 2 calls per second' } }, 'Shopify', (b) => (b as { errors: string }).errors);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ kind: 'rate_limited', message: 'Shopify is rate limiting the connection', upstream: { status: 429, message: 'Exceeded 2 calls per second' } });
  });

  it('classifies through a table, unknown for the rest, and reverses it for filters', () => {
    const classify = statusClassifier({ '1': 'pending_payment', '7': 'pending_payment', '2': 'shipped' });
    expect(classify(2, 'Shipped')).toEqual({ normalized: 'shipped', native: '2', label: 'Shipped' });
    expect(classify('99', '')).toEqual({ normalized: 'unknown', native: '99', label: null });
    expect(nativeStatusesFor({ '1': 'pending_payment', '7': 'pending_payment', '2': 'shipped' }, 'pending_payment')).toEqual(['1', '7']);
  });
});
