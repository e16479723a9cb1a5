import { describe, expect, it } from 'vitest';
import { JsonOpsError } from './errors.js';
import { getIn, parsePath, toPointer } from './pointer.js';

describe('parsePath', () => {
  it('reads JSON Pointers with RFC 6901 escapes, decoding ~1 before ~0', () => {
    expect(parsePath('')).toEqual([]);
    expect(parsePath('/variants/0/price')).toEqual(['variants', '0', 'price']);
    expect(parsePath('/a~1b/m~0n/~01')).toEqual(['a/b', 'm~n', '~1']);
    expect(parsePath('/')).toEqual(['']);
    expect(parsePath('/a/')).toEqual(['a', '']);
  });

  it('reads dotted paths', () => {
    expect(parsePath('variants.0.price')).toEqual(['variants', '0', 'price']);
    expect(parsePath('@id')).toEqual(['@id']);
  });

  it('refuses bad escapes, empty dotted segments and __proto__', () => {
    for (const bad of ['/a~2', '/a~', 'a..b', '.a', 'a.', '/__proto__/x', '__proto__.polluted']) {
      expect(() => parsePath(bad, 'ops[0].path'), bad).toThrow(JsonOpsError);
    }
    try {
      parsePath('/a~x', 'ops[0].path');
    } catch (err) {
      expect((err as JsonOpsError).kind).toBe('invalid_path');
      expect((err as JsonOpsError).location.path).toBe('ops[0].path');
    }
  });
});

describe('toPointer', () => {
  it('escapes ~ and / (RFC 6901 §5)', () => {
    expect(toPointer(['a/b', 'm~n', 3])).toBe('/a~1b/m~0n/3');
    expect(parsePath(toPointer(['a/b', 'm~n', '~1']))).toEqual(['a/b', 'm~n', '~1']);
  });
});

describe('getIn', () => {
  const doc = { 'a/b': 1, list: [10, 20, { x: null }], '': { '': 'empty' } };

  it('follows objects and arrays', () => {
    expect(getIn(doc, ['a/b'])).toBe(1);
    expect(getIn(doc, ['list', '1'])).toBe(20);
    expect(getIn(doc, ['list', '2', 'x'])).toBeNull();
    expect(getIn(doc, ['', ''])).toBe('empty');
  });

  it('treats indexes strictly (RFC 6901 §4) and never reads inherited members', () => {
    expect(getIn(doc, ['list', '01'])).toBeUndefined();
    expect(getIn(doc, ['list', '3'])).toBeUndefined();
    expect(getIn(doc, ['list', '-'])).toBeUndefined();
    expect(getIn(doc, ['list', 'length'])).toBeUndefined();
    expect(getIn(doc, ['constructor'])).toBeUndefined();
    expect(getIn(doc, ['a/b', 'x'])).toBeUndefined();
  });
});
