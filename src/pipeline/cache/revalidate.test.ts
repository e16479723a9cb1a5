import { describe, expect, it } from 'vitest';
import { conditionalHeaders, freshenHeaders, invalidatedPaths, notModifiedFor, validates } from './revalidate.js';

describe('validation (RFC 9111 §4.3)', () => {
  it('asks with If-None-Match and If-Modified-Since from the stored validators', () => {
    expect(conditionalHeaders({ etag: '"v1"', 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' })).toEqual({
      'if-none-match': '"v1"',
      'if-modified-since': 'Wed, 01 Jan 2025 00:00:00 GMT',
    });
    expect(conditionalHeaders({})).toEqual({});
  });

  it('updates stored fields from a 304 but keeps the body framing (§3.2)', () => {
    const merged = freshenHeaders({ 'cache-control': 'max-age=1', 'content-length': '5', etag: '"v1"', 'x-a': '1' }, { 'cache-control': 'max-age=60', 'content-length': '0', 'x-b': '2' });
    expect(merged).toEqual({ 'cache-control': 'max-age=60', 'content-length': '5', etag: '"v1"', 'x-a': '1', 'x-b': '2' });
  });

  it('does not take a 304 with a different strong ETag as validating the stored response (§4.3.4)', () => {
    expect(validates({ etag: '"v1"' }, { etag: '"v2"' })).toBe(false);
    expect(validates({ etag: '"v1"' }, { etag: '"v1"' })).toBe(true);
    expect(validates({ etag: '"v1"' }, {})).toBe(true);
  });

  it('answers client conditionals with weak comparison; If-None-Match wins over If-Modified-Since', () => {
    const stored = { etag: 'W/"v1"', 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' };
    expect(notModifiedFor({ 'if-none-match': '"x", "v1"' }, stored)).toBe(true);
    expect(notModifiedFor({ 'if-none-match': '"v2"', 'if-modified-since': 'Thu, 02 Jan 2025 00:00:00 GMT' }, stored)).toBe(false);
    expect(notModifiedFor({ 'if-modified-since': 'Thu, 02 Jan 2025 00:00:00 GMT' }, stored)).toBe(true);
    expect(notModifiedFor({ 'if-modified-since': 'Tue, 31 Dec 2024 00:00:00 GMT' }, stored)).toBe(false);
  });
});

describe('invalidation (§4.4)', () => {
  it('takes same-origin Location and Content-Location, relative to the base path', () => {
    const paths = invalidatedPaths({ location: '/api/items/7?x=1', 'content-location': 'https://other.example/items/7' }, 'http://127.0.0.1:9000', '/api');
    expect(paths).toEqual(['/items/7?x=1']);
  });
});
