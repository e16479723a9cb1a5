import { describe, expect, it } from 'vitest';
import { fixture } from '../test-support/fixture.js';
import { readConfig, schemaAccepts } from '../test-support/config.js';
import { compileJsonOps, JsonOps, JsonOpsError, type JsonOpInput } from './index.js';

interface ProductList {
  products: { id: number; title: string; variants: Record<string, unknown>[]; options: unknown[]; image: unknown }[];
}

function thrown(fn: () => unknown): JsonOpsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof JsonOpsError) return err;
    throw err;
  }
  throw new Error('expected a JsonOpsError');
}

const ops = (yaml: string, options = {}) => compileJsonOps(readConfig(JsonOps, yaml), options);

describe('compileJsonOps on a Shopify product list', () => {
  const toUnified = `
- { op: move, from: /products, to: "" }
- op: map
  path: ""
  ops:
    - { op: select, fields: "id,title,status,updated_at,variants(id,sku,price,compare_at_price,inventory_quantity)" }
    - { op: rename, path: /title, to: name }
    - { op: coerce, path: /id, to: string }
    - { op: coerce, path: /updated_at, to: date }
    - op: map
      path: variants
      ops:
        - { op: coerce, path: /id, to: string }
        - { op: coerce, path: /price, to: decimal }
        - { op: coerce, path: /compare_at_price, to: decimal }
        - { op: rename, path: /inventory_quantity, to: stock }
    - { op: set, path: /currency, value: USD }
    - { op: set, path: /connection_id, template: "{connection.id}" }
- { op: wrap, key: data }
`;

  it('maps it to the unified shape', () => {
    const transform = ops(toUnified, { scope: { connection: { keys: ['id'] } } });
    const out = transform(fixture('shopify-products.json'), { values: { connection: { id: 'conn_1' } } });
    expect(out).toEqual({
      data: [
        {
          id: '632910392',
          name: 'IPod Nano - 8GB',
          status: 'active',
          updated_at: '2024-03-15T15:02:10Z',
          variants: [
            { id: '808950810', sku: 'IPOD2008PINK', price: '199.00', compare_at_price: null, stock: 10 },
            { id: '49148385', sku: 'IPOD2008RED', price: '199.90', compare_at_price: '249.00', stock: 20 },
          ],
          currency: 'USD',
          connection_id: 'conn_1',
        },
        {
          id: '921728736',
          name: 'IPod Touch 8GB',
          status: 'draft',
          updated_at: '2024-01-02T14:28:43Z',
          variants: [{ id: '447654529', sku: 'IPOD2009BLACK', price: '199.00', compare_at_price: null, stock: 13 }],
          currency: 'USD',
          connection_id: 'conn_1',
        },
      ],
    });
  });

  it('never changes its input, in place or not, unless asked', () => {
    const transform = ops(toUnified, { scope: { connection: { keys: ['id'] } } });
    const input = fixture('shopify-products.json');
    transform(input, { values: { connection: { id: 'c' } } });
    expect(input).toEqual(fixture('shopify-products.json'));
  });

  it('shares everything it does not touch', () => {
    const transform = ops('[{ op: set, path: /products/0/title, value: Renamed }]');
    const input = fixture<ProductList>('shopify-products.json');
    const out = transform(input) as ProductList;
    expect(out.products[0]!.title).toBe('Renamed');
    expect(input.products[0]!.title).toBe('IPod Nano - 8GB');
    expect(out).not.toBe(input);
    expect(out.products).not.toBe(input.products);
    expect(out.products[1]).toBe(input.products[1]);
    expect(out.products[0]!.variants).toBe(input.products[0]!.variants);
  });

  it('edits the input itself with inPlace', () => {
    const transform = ops('[{ op: remove, path: /products/0/variants }, { op: set, path: /products/0/title, value: X }]');
    const input = fixture<ProductList>('shopify-products.json');
    const products = input.products;
    const out = transform(input, { inPlace: true }) as ProductList;
    expect(out).toBe(input);
    expect(input.products).toBe(products);
    expect(input.products[0]).toEqual(expect.objectContaining({ title: 'X' }));
    expect('variants' in input.products[0]!).toBe(false);
  });

  it('copies each touched container once across a chain of operations', () => {
    const transform = ops('[{ op: set, path: /a/x, value: 1 }, { op: set, path: /a/y, value: 2 }, { op: remove, path: /a/z }]');
    const a = { z: 0 };
    const input = { a, b: {} };
    const out = transform(input) as { a: object; b: object };
    expect(out).toEqual({ a: { x: 1, y: 2 }, b: {} });
    expect(a).toEqual({ z: 0 });
    expect(out.b).toBe(input.b);
  });
});

describe('operations', () => {
  it('set writes constants, creates missing parents and appends with "-"', () => {
    const transform = ops(`
- { op: set, path: /meta/source/name, value: shopify }
- { op: set, path: /tags/-, value: new }
- { op: set, path: /tags/0, value: first }
- { op: set, path: "", value: { replaced: true } }
`);
    expect(ops('[{ op: set, path: /meta/source/name, value: shopify }]')({})).toEqual({ meta: { source: { name: 'shopify' } } });
    expect(ops('[{ op: set, path: /tags/-, value: new }, { op: set, path: /tags/0, value: first }]')({ tags: ['a'] })).toEqual({ tags: ['first', 'new'] });
    expect(transform({ anything: 1 })).toEqual({ replaced: true });
  });

  it('set fails on a path through a scalar or an index past the end', () => {
    expect(thrown(() => ops('[{ op: set, path: /title/x, value: 1 }]')({ title: 'a' })).kind).toBe('path_conflict');
    const index = thrown(() => ops('[{ op: set, path: /tags/5, value: 1 }]')({ tags: [] }));
    expect(index.kind).toBe('path_conflict');
    expect(index.location.path).toBe('/tags/5');
    expect(thrown(() => ops('[{ op: set, path: /tags/x, value: 1 }]')({ tags: [] })).kind).toBe('path_conflict');
  });

  it('set gives each document its own copy of a constant object', () => {
    const transform = ops('[{ op: set, path: /meta, value: { source: shopify } }]');
    const first = transform({}, { inPlace: true }) as { meta: { source: string } };
    first.meta.source = 'changed';
    expect(transform({})).toEqual({ meta: { source: 'shopify' } });
  });

  it('set with a template is skipped when a value is missing', () => {
    const transform = ops('[{ op: set, path: /shop, template: "{connection.domain}" }]', { scope: { connection: { keys: ['domain'] } } });
    expect(transform({ a: 1 }, { values: { connection: { domain: 'x.myshopify.com' } } })).toEqual({ a: 1, shop: 'x.myshopify.com' });
    expect(transform({ a: 1 })).toEqual({ a: 1 });
  });

  it('remove drops members and array elements, and ignores what is missing', () => {
    const transform = ops('[{ op: remove, path: /body_html }, { op: remove, path: /variants/0 }, { op: remove, path: /nope/deeper }]');
    expect(transform({ id: 1, body_html: '<p>', variants: ['a', 'b'] })).toEqual({ id: 1, variants: ['b'] });
  });

  it('rename keeps the position and replaces a member of the new name', () => {
    const out = ops('[{ op: rename, path: /title, to: name }]')({ id: 1, title: 'Tee', vendor: 'Acme' });
    expect(Object.entries(out as object)).toEqual([
      ['id', 1],
      ['name', 'Tee'],
      ['vendor', 'Acme'],
    ]);
    expect(ops('[{ op: rename, path: /a, to: b }]')({ b: 'old', a: 'new' })).toEqual({ b: 'new' });
    expect(ops('[{ op: rename, path: /missing, to: b }]')({ a: 1 })).toEqual({ a: 1 });
    expect(ops('[{ op: rename, path: /0, to: b }]')(['x'])).toEqual(['x']);
  });

  it('rename keeps an own __proto__ member as data', () => {
    const input = JSON.parse('{"__proto__":{"admin":true},"a":1}') as object;
    const out = ops('[{ op: rename, path: /a, to: b }]')(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"admin":true},"b":1}');
  });

  it('move relocates, extracts to the root, and ignores a missing source', () => {
    expect(ops('[{ op: move, from: /data/items, to: /items }]')({ data: { items: [1], total: 1 } })).toEqual({ data: { total: 1 }, items: [1] });
    expect(ops('[{ op: move, from: /response/products, to: "" }]')({ response: { products: [{ id: 1 }] } })).toEqual([{ id: 1 }]);
    expect(ops('[{ op: move, from: /nope, to: /x }]')({ a: 1 })).toEqual({ a: 1 });
    expect(ops('[{ op: move, from: /list/0, to: /list/- }]')({ list: [1, 2, 3] })).toEqual({ list: [2, 3, 1] });
  });

  it('copy duplicates a value deeply', () => {
    const out = ops('[{ op: copy, from: /image, to: /thumbnail }]')({ image: { src: 'a.png' } }, { inPlace: true }) as Record<string, { src: string }>;
    out.thumbnail!.src = 'b.png';
    expect(out.image!.src).toBe('a.png');
  });

  it('wrap and unwrap', () => {
    expect(ops('[{ op: wrap, key: data }]')([1, 2])).toEqual({ data: [1, 2] });
    expect(ops('[{ op: wrap, path: /price, key: amount }]')({ price: '1.00' })).toEqual({ price: { amount: '1.00' } });
    expect(ops('[{ op: unwrap, key: product }]')({ product: { id: 1 } })).toEqual({ id: 1 });
    expect(ops('[{ op: unwrap, path: /x, key: value }]')({ x: { value: 3 } })).toEqual({ x: 3 });
    expect(ops('[{ op: unwrap, key: product }]')({ other: 1 })).toEqual({ other: 1 });
  });

  it('select filters at a path with the fields syntax', () => {
    const out = ops('[{ op: select, path: /products, fields: "id,variants(price)" }]')(fixture('shopify-products.json'));
    expect(out).toEqual({
      products: [
        { id: 632910392, variants: [{ price: '199.00' }, { price: '199.9' }] },
        { id: 921728736, variants: [{ price: 199 }] },
      ],
    });
  });

  it('coerce leaves missing and null values alone and follows on_error', () => {
    const strict = ops('[{ op: coerce, path: /price, to: number }]');
    expect(strict({ price: '19.90' })).toEqual({ price: 19.9 });
    expect(strict({ price: null })).toEqual({ price: null });
    expect(strict({})).toEqual({});
    const failed = thrown(() => strict({ price: 'free' }));
    expect(failed.kind).toBe('coercion_failed');
    expect(failed.location.path).toBe('/price');
    expect(failed.message).toContain('"free"');
    expect(ops('[{ op: coerce, path: /price, to: number, on_error: keep }]')({ price: 'free' })).toEqual({ price: 'free' });
    expect(ops('[{ op: coerce, path: /date_upd, to: date, format: "YYYY-MM-DD HH:mm:ss", on_error: "null" }]')({ date_upd: '0000-00-00 00:00:00' })).toEqual({ date_upd: null });
    expect(ops('[{ op: coerce, path: /active, to: boolean }]')({ active: '1' })).toEqual({ active: true });
  });

  it('map runs over arrays, reports element paths, and refuses non-arrays', () => {
    const transform = ops(`
- op: map
  path: /products
  ops:
    - op: map
      path: /variants
      ops: [{ op: coerce, path: /price, to: integer }]
`);
    const err = thrown(() => transform(fixture('shopify-products.json')));
    expect(err.kind).toBe('coercion_failed');
    // "199.00" is an integer; "199.9" of the second variant is not.
    expect(err.location.path).toBe('/products/0/variants/1/price');
    expect(ops('[{ op: map, path: /nope, ops: [] }]')({ a: 1 })).toEqual({ a: 1 });
    expect(thrown(() => ops('[{ op: map, path: /a, ops: [] }]')({ a: {} })).kind).toBe('path_conflict');
  });

  it('map shares elements it does not change', () => {
    const transform = ops('[{ op: map, path: "", ops: [{ op: remove, path: /secret }] }]');
    const input = [{ id: 1 }, { id: 2, secret: 'x' }];
    const out = transform(input) as object[];
    expect(out).toEqual([{ id: 1 }, { id: 2 }]);
    expect(out[0]).toBe(input[0]);
    expect(input[1]).toEqual({ id: 2, secret: 'x' });
    const untouched = [{ id: 1 }];
    expect(transform(untouched)).toBe(untouched);
  });
});

describe('limits', () => {
  const big = { items: Array.from({ length: 1000 }, (_, i) => ({ id: i, price: `${i}.5` })) };

  it('a transform over its operation budget fails cleanly and leaves the input alone', () => {
    const transform = ops('[{ op: map, path: /items, ops: [{ op: coerce, path: /price, to: decimal }, { op: remove, path: /id }] }]', {
      limits: { maxOperations: 500 },
    });
    const before = JSON.stringify(big);
    const err = thrown(() => transform(big));
    expect(err.kind).toBe('limit_exceeded');
    expect(err.phase).toBe('run');
    expect(JSON.stringify(big)).toBe(before);
    expect(() => ops('[{ op: map, path: /items, ops: [{ op: remove, path: /id }] }]', { limits: { maxOperations: 1001 } })(big)).not.toThrow();
  });

  it('refuses to map over arrays longer than the limit', () => {
    const err = thrown(() => ops('[{ op: map, path: /items, ops: [] }]', { limits: { maxArrayLength: 999 } })(big));
    expect(err.kind).toBe('limit_exceeded');
    expect(err.location.path).toBe('/items');
  });

  it('bounds path depth at compile time, counting enclosing maps', () => {
    const deep = thrown(() => compileJsonOps([{ op: 'remove', path: '/a/b/c/d' }], { limits: { maxDepth: 3 }, at: 'body' }));
    expect(deep.kind).toBe('invalid_op');
    expect(deep.location.path).toBe('body[0].path');
    expect(() => compileJsonOps([{ op: 'map', path: '/a', ops: [{ op: 'remove', path: '/b/c' }] }], { limits: { maxDepth: 3 } })).toThrow(JsonOpsError);
    expect(() => compileJsonOps([{ op: 'map', path: '/a', ops: [{ op: 'remove', path: '/b' }] }], { limits: { maxDepth: 3 } })).not.toThrow();
  });

  it('bounds the depth of copied values', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 50; i++) deep = { d: deep };
    const err = thrown(() => ops('[{ op: copy, from: /x, to: /y }]', { limits: { maxDepth: 20 } })({ x: deep }));
    expect(err.kind).toBe('limit_exceeded');
  });

  it('bounds select over deeply nested arrays', () => {
    let deep: unknown = [{ id: 1 }];
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(thrown(() => ops('[{ op: select, fields: id }]', { limits: { maxDepth: 32 } })(deep)).kind).toBe('limit_exceeded');
  });
});

describe('configuration errors', () => {
  function compileError(op: unknown): JsonOpsError {
    return thrown(() => compileJsonOps([op as JsonOpInput], { at: 'body' }));
  }

  it('refuses keys an operation does not have, such as snake_case ones left unconverted', () => {
    const err = compileError({ op: 'coerce', path: '/a', to: 'number', on_error: 'keep' });
    expect(err.kind).toBe('invalid_op');
    expect(err.location.path).toBe('body[0].on_error');
    expect(compileError({ op: 'coerce', path: '/a', to: 'number', scale: 2 }).message).toContain('scale does not apply');
    expect(compileError({ op: 'explode', path: '/a' }).kind).toBe('invalid_op');
  });

  it('checks each operation', () => {
    expect(compileError({ op: 'set', path: '/a' }).message).toContain('exactly one of value and template');
    expect(compileError({ op: 'set', path: '/a', value: 1, template: 'x' }).kind).toBe('invalid_op');
    expect(compileError({ op: 'set', path: '/a', template: '{secrets.key}' }).message).toContain('unknown variable');
    expect(compileError({ op: 'remove', path: '' }).kind).toBe('invalid_op');
    expect(compileError({ op: 'rename', path: '/a', to: '__proto__' }).kind).toBe('invalid_op');
    expect(compileError({ op: 'move', from: '/a', to: '/a/b' }).message).toContain('own children');
    expect(compileError({ op: 'select', fields: 'a,(b' }).location.path).toBe('body[0].fields');
    expect(compileError({ op: 'coerce', path: '/d', to: 'date', zone: 'Atlantis/Capital' }).message).toContain('unknown time zone');
    expect(compileError({ op: 'remove', path: '/__proto__/polluted' }).kind).toBe('invalid_path');
  });

  it('the schema nests map up to four levels and rejects unknown operations', () => {
    const nested = (levels: number): string => (levels === 0 ? '[]' : `[{ op: map, path: /a, ops: ${nested(levels - 1)} }]`);
    expect(schemaAccepts(JsonOps, nested(4))).toBe(true);
    expect(schemaAccepts(JsonOps, nested(5))).toBe(false);
    expect(schemaAccepts(JsonOps, '[{ op: explode, path: /a }]')).toBe(false);
    expect(schemaAccepts(JsonOps, '[{ op: coerce, path: /a, to: money }]')).toBe(false);
    expect(schemaAccepts(JsonOps, '[{ op: rename, path: /a }]')).toBe(false);
  });
});
