import { describe, expect, it } from 'vitest';
import { normalizeQuery, primaryKey, variantKey, varyNames } from './cache-key.js';

const base = { route: 'r', tenant: 'k=conn_a', path: '/items', query: 'a=1', headerValues: [] };

describe('cache keys', () => {
  it('sorts query parameters and keeps only the configured ones', () => {
    expect(normalizeQuery('b=2&a=1&a=0', undefined)).toBe('a=1&a=0&b=2');
    expect(normalizeQuery('page=2&utm_source=x&limit=5', new Set(['page', 'limit']))).toBe('limit=5&page=2');
    expect(normalizeQuery('', undefined)).toBe('');
  });

  it('differs per tenant, path, query and configured header values', () => {
    const key = primaryKey(base);
    expect(primaryKey({ ...base })).toBe(key);
    expect(primaryKey({ ...base, tenant: 'k=conn_b' })).not.toBe(key);
    expect(primaryKey({ ...base, path: '/items/1' })).not.toBe(key);
    expect(primaryKey({ ...base, query: 'a=2' })).not.toBe(key);
    expect(primaryKey({ ...base, headerValues: ['de'] })).not.toBe(key);
    expect(key.startsWith('r:')).toBe(true);
  });

  it('builds variant keys from the Vary header values (§4.1), absent differing from empty', () => {
    expect(varyNames({ vary: 'Accept-Language, accept' })).toEqual(['accept', 'accept-language']);
    expect(varyNames({})).toBeUndefined();
    const names = ['accept-language'];
    const de = variantKey('r:x', 'n1', names, { 'accept-language': 'de' });
    expect(variantKey('r:x', 'n1', names, { 'accept-language': ' de ' })).toBe(de);
    expect(variantKey('r:x', 'n1', names, { 'accept-language': 'fr' })).not.toBe(de);
    expect(variantKey('r:x', 'n1', names, {})).not.toBe(variantKey('r:x', 'n1', names, { 'accept-language': '' }));
    expect(variantKey('r:x', 'n2', names, { 'accept-language': 'de' })).not.toBe(de);
  });
});
