import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../test-support/config.js';
import { createJsonGuard, JsonGuardError, JsonGuardOptions, type JsonGuardErrorKind } from './index.js';

const shopify = readFileSync(new URL('../fixtures/shopify-products.json', import.meta.url), 'utf8');

function thrown(fn: () => unknown): JsonGuardError {
  try {
    fn();
  } catch (err) {
    if (err instanceof JsonGuardError) return err;
    throw err;
  }
  throw new Error('expected a JsonGuardError');
}

const guard = createJsonGuard();

describe('createJsonGuard: valid JSON', () => {
  it('parses a real response exactly as JSON.parse does, from a string or bytes', () => {
    expect(guard.parse(shopify)).toEqual(JSON.parse(shopify));
    expect(guard.parse(Buffer.from(shopify))).toEqual(JSON.parse(shopify));
    expect(() => guard.check(shopify)).not.toThrow();
  });

  it.each([
    '0',
    '-0',
    '1.5e-10',
    '-12.25E+3',
    '"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00"',
    '"plain unicode ☃ 😀"',
    'true',
    'null',
    ' \t\r\n[ 1 , { "a" : [ ] , "b" : { } } , "x" ] \n',
    '{"":0,"a b":1,"\\u0000":2}',
    '[[[[[]]]]]',
    '{"constructor":"ok","prototype":1,"constructor2":{"prototype":1}}',
    '{"constructor":{"name":"Widget"}}',
    '{"a":{"x":1},"b":{"x":2}}',
  ])('accepts %s', (text) => {
    expect(guard.parse(text)).toEqual(JSON.parse(text));
  });

  it('ignores a UTF-8 byte order mark (RFC 8259 §8.1)', () => {
    expect(guard.parse('\uFEFF{"a":1}')).toEqual({ a: 1 });
    expect(guard.parse(Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('[1]')]))).toEqual([1]);
  });
});

describe('createJsonGuard: malformed JSON', () => {
  it.each([
    ['', 0],
    ['   ', 3],
    ['{', 1],
    ['{"a"}', 4],
    ['{"a":}', 5],
    ['{"a":1,}', 7],
    ['[1,]', 3],
    ['[1 2]', 3],
    ['{a:1}', 1],
    ["{'a':1}", 1],
    ['01', 1],
    ['-', 1],
    ['1.', 2],
    ['.5', 0],
    ['1e', 2],
    ['+1', 0],
    ['NaN', 0],
    ['Infinity', 0],
    ['"abc', 0],
    ['"a\tb"', 2],
    ['"\\x41"', 1],
    ['"\\u12G4"', 1],
    ['tru', 0],
    ['nul', 0],
    ['[1]]', 3],
    ['{"a":1}{"b":2}', 7],
    ['[1] x', 4],
    ['// comment\n1', 0],
  ])('rejects %j at offset %i, as JSON.parse does', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    const err = thrown(() => guard.parse(text));
    expect(err.kind).toBe('syntax');
    expect(err.phase).toBe('run');
    expect(err.location.offset).toBe(offset);
  });

  it('reports line, column and the JSON Pointer being read', () => {
    const err = thrown(() => guard.parse('{\n  "products": [\n    {"id": 1},\n    {"id": 2,}\n  ]\n}'));
    expect(err.kind).toBe('syntax');
    expect(err.location).toMatchObject({ line: 4, column: 14, path: '/products/1/id' });
    expect(err.message).toContain('line 4, column 14');
  });

  it('agrees with JSON.parse on thousands of mutated documents', () => {
    const lenient = createJsonGuard({ duplicateKeys: 'allow', protoKeys: 'allow' });
    const seedDoc = '{"a":[1,-2.5e3,true,false,null,"s\\n\\u00e9"],"b":{"c":{}},"d":[]}';
    const alphabet = '{}[],:"\\ 0123456789-+.eEtruefalsn\u0001\u00e9';
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let agreed = 0;
    let rejected = 0;
    for (let round = 0; round < 4000; round++) {
      let text = seedDoc;
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(text.length + 1);
        const what = random(3);
        const ch = alphabet[random(alphabet.length)]!;
        text = what === 0 ? text.slice(0, at) + ch + text.slice(at) : what === 1 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + ch + text.slice(at + 1);
      }
      let native: unknown;
      let nativeOk = true;
      try {
        native = JSON.parse(text);
      } catch {
        nativeOk = false;
      }
      let guarded: unknown;
      let guardOk = true;
      try {
        guarded = lenient.parse(text);
      } catch (err) {
        if (!(err instanceof JsonGuardError)) throw err;
        if (err.kind === 'number_out_of_range') continue;
        guardOk = false;
      }
      expect({ text, ok: guardOk }).toEqual({ text, ok: nativeOk });
      if (guardOk) expect(guarded).toEqual(native);
      else rejected++;
      agreed++;
    }
    expect(agreed).toBeGreaterThan(3900);
    expect(rejected).toBeGreaterThan(1000);
  });
});

describe('createJsonGuard: threat protection', () => {
  it.each([
    ['{"__proto__":{"isAdmin":true}}', '/__proto__'],
    ['{"user":{"name":"x","__proto__":{"isAdmin":true}}}', '/user/__proto__'],
    ['[{"ok":1},{"__proto__":null}]', '/1/__proto__'],
    ['{"\\u005f_proto__":{"isAdmin":true}}', '/__proto__'],
    ['{"constructor":{"prototype":{"isAdmin":true}}}', '/constructor/prototype'],
    ['{"a":{"constructor":{"x":1,"prototype":{}}}}', '/a/constructor/prototype'],
  ])('refuses the prototype pollution payload %s', (text, path) => {
    const err = thrown(() => guard.parse(text));
    expect(err.kind).toBe('forbidden_key');
    expect(err.location.path).toBe(path);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('can allow proto keys, which JSON.parse then keeps as plain data', () => {
    const value = createJsonGuard({ protoKeys: 'allow' }).parse('{"__proto__":{"isAdmin":true}}') as Record<string, unknown>;
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('refuses duplicate keys, also when written with escapes', () => {
    const plain = thrown(() => guard.parse('{"id":1,"price":"1.00","price":"0.01"}'));
    expect(plain.kind).toBe('duplicate_key');
    expect(plain.location).toMatchObject({ offset: 23, path: '/price' });
    expect(thrown(() => guard.parse('{"a":1,"\\u0061":2}')).kind).toBe('duplicate_key');
    expect(createJsonGuard({ duplicateKeys: 'allow' }).parse('{"a":1,"a":2}')).toEqual({ a: 2 });
    // Wide objects switch to a Set of keys; the check must hold there too.
    const wide = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`);
    expect(() => guard.parse(`{${wide.join(',')}}`)).not.toThrow();
    const late = thrown(() => guard.parse(`{${wide.join(',')},"k3":0}`));
    expect(late.kind).toBe('duplicate_key');
    expect(late.location.path).toBe('/k3');
  });

  it('limits depth without overflowing the stack, whatever the nesting', () => {
    const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const limited = createJsonGuard({ maxDepth: 8 });
    expect(limited.parse(nested(8))).toBeDefined();
    const err = thrown(() => limited.parse(nested(9)));
    expect(err.kind).toBe('too_deep');
    expect(err.location.offset).toBe(8);
    expect(thrown(() => createJsonGuard({ maxDepth: 1000 }).parse('{"a":'.repeat(200_000))).kind).toBe('too_deep');
    expect(createJsonGuard({ maxDepth: 1000 }).parse(nested(1000))).toBeDefined();
  });

  it('limits string, key and number length', () => {
    const g = createJsonGuard({ maxStringLength: 10 });
    expect(g.parse('"0123456789"')).toBe('0123456789');
    expect(thrown(() => g.parse('"0123456789a"')).kind).toBe('string_too_long');
    expect(thrown(() => g.parse('{"a_very_long_key":1}')).kind).toBe('string_too_long');
    expect(thrown(() => g.parse('12345678901')).kind).toBe('string_too_long');
  });

  it('limits keys per object and elements per array', () => {
    const g = createJsonGuard({ maxKeys: 2, maxArrayLength: 3 });
    expect(g.parse('{"a":[1,2,3],"b":{"c":1,"d":2}}')).toEqual({ a: [1, 2, 3], b: { c: 1, d: 2 } });
    const keys = thrown(() => g.parse('{"a":1,"b":2,"c":3}'));
    expect(keys.kind).toBe('too_many_keys');
    expect(keys.location.offset).toBe(13);
    expect(thrown(() => g.parse('[[1,2,3,4]]')).kind).toBe('array_too_long');
  });

  it('limits the size in bytes, counting UTF-8 bytes of strings', () => {
    const g = createJsonGuard({ maxBytes: 10 });
    expect(g.parse('"12345678"')).toBe('12345678');
    expect(thrown(() => g.parse('"123456789"')).kind).toBe('too_large');
    expect(g.parse('"éééé"')).toBe('éééé');
    expect(thrown(() => g.parse('"ééééé"')).kind).toBe('too_large');
    expect(thrown(() => g.parse(Buffer.alloc(11, 0x20))).kind).toBe('too_large');
  });

  it('refuses numbers that overflow to Infinity', () => {
    expect(thrown(() => guard.parse('[1e400]')).kind).toBe('number_out_of_range');
    expect(thrown(() => guard.parse(`[${'9'.repeat(400)}]`)).kind).toBe('number_out_of_range');
    expect(guard.parse('[1e308, 1e-400]')).toEqual([1e308, 0]);
  });

  it('refuses bytes that are not UTF-8', () => {
    const kinds: JsonGuardErrorKind[] = [];
    for (const bytes of [[0x22, 0xff, 0x22], [0x22, 0xc3, 0x22], [0x22, 0xed, 0xa0, 0x80, 0x22]]) kinds.push(thrown(() => guard.parse(Buffer.from(bytes))).kind);
    expect(kinds).toEqual(['bad_encoding', 'bad_encoding', 'bad_encoding']);
    expect(thrown(() => guard.parse(Buffer.from('[1]', 'utf16le'))).kind).toBe('syntax');
  });

  it('check validates without building a value', () => {
    expect(() => guard.check('{"a":1}')).not.toThrow();
    expect(thrown(() => guard.check('{"a":1,"a":1}')).kind).toBe('duplicate_key');
  });
});

describe('JsonGuardOptions schema', () => {
  it('reads YAML with defaults into a working guard', () => {
    const options = readConfig(JsonGuardOptions, '{ max_depth: 2, duplicate_keys: allow }');
    expect(options).toEqual({ maxBytes: 10485760, maxDepth: 2, maxStringLength: 1000000, maxKeys: 10000, maxArrayLength: 100000, duplicateKeys: 'allow', protoKeys: 'reject' });
    const g = createJsonGuard(options);
    expect(g.parse('{"a":1,"a":2}')).toEqual({ a: 2 });
    expect(thrown(() => g.parse('[[[1]]]')).kind).toBe('too_deep');
  });
});
