import { describe, expect, it } from 'vitest';
import { fixture } from '../test-support/fixture.js';
import { parseFields, project, projectAt, ProjectionError, type Selection } from './index.js';

interface ProductList {
  products: Record<string, unknown>[];
}

function thrown(fn: () => unknown): ProjectionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProjectionError) return err;
    throw err;
  }
  throw new Error('expected a ProjectionError');
}

function tree(selection: Selection): unknown {
  return Object.fromEntries([...selection].map(([k, v]) => [k, v === true ? true : tree(v)]));
}

describe('parseFields', () => {
  it('parses names, dotted paths and groups into one merged tree', () => {
    expect(tree(parseFields('id,title,variants.price,variants(id,sku),images(src)'))).toEqual({
      id: true,
      title: true,
      variants: { price: true, id: true, sku: true },
      images: { src: true },
    });
  });

  it('lets a whole field win over its sub-fields, in either order', () => {
    expect(tree(parseFields('variants.id,variants'))).toEqual({ variants: true });
    expect(tree(parseFields('variants,variants(id)'))).toEqual({ variants: true });
  });

  it('accepts nested groups, dots inside groups and spaces around items', () => {
    expect(tree(parseFields(' id , variants( id, option.name , images(src) ) '))).toEqual({
      id: true,
      variants: { id: true, option: { name: true }, images: { src: true } },
    });
  });

  it('accepts names converted from XML such as @id, #text and xlink:href', () => {
    expect(tree(parseFields('@id,name(#text),image.@xlink:href'))).toEqual({ '@id': true, name: { '#text': true }, image: { '@xlink:href': true } });
  });

  it.each([
    ['', 0, 'expected a field name'],
    ['id,', 3, 'expected a field name'],
    ['id,,title', 3, 'expected a field name'],
    ['.id', 0, 'expected a field name'],
    ['variants.', 9, 'expected a field name'],
    ['variants()', 9, 'expected a field name'],
    ['variants(id', 11, 'is not closed'],
    ['variants(id title)', 12, 'expected "," or ")"'],
    ['id)', 2, 'unbalanced ")"'],
    ['id title', 3, 'unexpected "t"'],
    ['a(b)c', 4, 'unexpected "c"'],
  ])('reports %j as a syntax error at offset %i', (text, offset, what) => {
    const err = thrown(() => parseFields(text));
    expect(err.kind).toBe('syntax');
    expect(err.location.offset).toBe(offset);
    expect(err.location.column).toBe(offset + 1);
    expect(err.message).toContain(what);
    expect(err.message).toContain(`column ${offset + 1}`);
  });

  it('bounds length, field count and depth', () => {
    expect(thrown(() => parseFields('a'.repeat(3000))).kind).toBe('too_complex');
    expect(thrown(() => parseFields(Array.from({ length: 300 }, (_, i) => `f${i}`).join(','))).kind).toBe('too_complex');
    expect(thrown(() => parseFields('a'.repeat(20).split('').join('.'))).kind).toBe('too_complex');
    expect(thrown(() => parseFields('a(b(c(d)))', { maxDepth: 3 })).kind).toBe('too_complex');
    expect(() => parseFields('a(b(c))', { maxDepth: 3 })).not.toThrow();
  });
});

describe('project', () => {
  const list = fixture<ProductList>('shopify-products.json');

  it('projects a product list: nested objects, arrays of objects and whole sub-objects', () => {
    const out = projectAt(list, ['products'], parseFields('id,title,variants(id,price),image.src,options'));
    expect(out).toEqual({
      products: [
        {
          id: 632910392,
          title: 'IPod Nano - 8GB',
          variants: [
            { id: 808950810, price: '199.00' },
            { id: 49148385, price: '199.9' },
          ],
          image: { src: 'https://cdn.shopify.com/s/files/1/0005/4838/0009/products/ipod-nano.png?v=1704205723' },
          options: list.products[0]!.options,
        },
        { id: 921728736, title: 'IPod Touch 8GB', variants: [{ id: 447654529, price: 199 }], image: null, options: list.products[1]!.options },
      ],
    });
  });

  it('ignores unknown fields at every level', () => {
    const out = project(list.products, parseFields('id,nope,variants(sku,nope.deeper),images(src,alt)'));
    expect(out).toEqual([
      {
        id: 632910392,
        variants: [{ sku: 'IPOD2008PINK' }, { sku: 'IPOD2008RED' }],
        images: [{ src: 'https://cdn.shopify.com/s/files/1/0005/4838/0009/products/ipod-nano.png?v=1704205723' }],
      },
      { id: 921728736, variants: [{ sku: 'IPOD2009BLACK' }], images: [] },
    ]);
  });

  it('does not change the input and shares whole selected values', () => {
    const before = fixture<ProductList>('shopify-products.json');
    const out = project(list, parseFields('products(options)')) as ProductList;
    expect(list).toEqual(before);
    expect(out.products[0]!.options).toBe(list.products[0]!.options);
  });

  it('keeps null, drops scalars that were asked for sub-fields, and walks arrays of arrays', () => {
    const value = { a: null, b: 'text', c: [[{ x: 1, y: 2 }], [{ x: 3 }, 'loose']], d: [1, 2] };
    expect(project(value, parseFields('a(x),b(x),c(x),d(x)'))).toEqual({ a: null, c: [[{ x: 1 }], [{ x: 3 }]], d: [] });
  });

  it('keeps the order of the selection', () => {
    expect(Object.keys(project({ a: 1, b: 2, c: 3 }, parseFields('c,a')) as object)).toEqual(['c', 'a']);
  });

  it('returns scalars as they are and leaves a document without the projected path alone', () => {
    expect(project('plain', parseFields('id'))).toBe('plain');
    const doc = { meta: { count: 2 } };
    expect(projectAt(doc, ['products'], parseFields('id'))).toBe(doc);
  });

  it('projectAt copies only the spine to the projected value', () => {
    const doc = { meta: { page: 1 }, data: { items: [{ id: 1, secret: 'x' }] } };
    const out = projectAt(doc, ['data', 'items'], parseFields('id')) as typeof doc;
    expect(out).toEqual({ meta: { page: 1 }, data: { items: [{ id: 1 }] } });
    expect(out.meta).toBe(doc.meta);
    expect(doc.data.items[0]!.secret).toBe('x');
  });

  it('copies an own __proto__ key as data without touching a prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "id": 1}') as Record<string, unknown>;
    const out = project(value, parseFields('__proto__,id')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true},"id":1}');
  });

  it('fails cleanly on arrays nested deeper than the limit', () => {
    let deep: unknown = [{ id: 1 }];
    for (let i = 0; i < 100; i++) deep = [deep];
    const err = thrown(() => project(deep, parseFields('id'), 64));
    expect(err.kind).toBe('too_deep');
    expect(err.phase).toBe('run');
  });
});
