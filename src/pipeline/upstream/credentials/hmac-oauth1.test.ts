import { describe, expect, it } from 'vitest';
import { normalizedParameters } from './hmac-oauth1.js';

describe('normalizedParameters (WooCommerce, PHP request arrays)', () => {
  it('keeps the last value of a repeated name, numbers a[] and sorts top-level names bytewise', () => {
    const params: [string, string][] = [
      ['b', '2'],
      ['a[]', 'x'],
      ['a[]', 'y'],
      ['c d', '1'],
      ['b', '3'],
      ['a.b', 'q'],
      ['oauth_nonce', 'n'],
    ];
    expect(normalizedParameters(params)).toBe('a%5B0%5D=x&a%5B1%5D=y&a_b=q&b=3&c_d=1&oauth_nonce=n');
  });

  it('encodes names and values per RFC 3986', () => {
    expect(normalizedParameters([['q', "café ~!*'()"], ['after', '2024-01-01T00:00:00']])).toBe(
      'after=2024-01-01T00%3A00%3A00&q=caf%C3%A9%20~%21%2A%27%28%29',
    );
  });

  it('keeps nested keys in the order they came, under their top-level name', () => {
    expect(normalizedParameters([['z', '1'], ['m[y]', '2'], ['m[b]', '3']])).toBe('m%5By%5D=2&m%5Bb%5D=3&z=1');
  });
});
