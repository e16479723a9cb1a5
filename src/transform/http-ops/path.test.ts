import { describe, expect, it } from 'vitest';
import { readConfig, schemaAccepts } from '../test-support/config.js';
import type { TemplateScope } from '../template/template.js';
import { HttpOpsError } from './errors.js';
import { compilePathRewrite } from './path.js';
import { PathRewrite } from './schema.js';

const scope: TemplateScope = { params: { keys: '*' }, connection: { keys: ['api_version'] } };

function compile(yaml: string) {
  return compilePathRewrite(readConfig(PathRewrite, yaml), { scope, at: 'path' });
}

function thrown(fn: () => unknown): HttpOpsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpOpsError) return err;
    throw err;
  }
  throw new Error('expected an HttpOpsError');
}

describe('compilePathRewrite with a template', () => {
  const rewrite = compile('{ template: "/admin/api/{connection.api_version}/products/{params.id}.json" }');

  it('builds the path from params and connection attributes', () => {
    expect(rewrite('/shop/products/42', { params: { id: '42' }, connection: { api_version: '2024-01' } })).toBe('/admin/api/2024-01/products/42.json');
  });

  it('percent-encodes a param so it cannot add segments', () => {
    expect(rewrite('/x', { params: { id: '42/../../orders' }, connection: { api_version: '2024-01' } })).toBe(
      '/admin/api/2024-01/products/42%2F..%2F..%2Forders.json',
    );
  });

  it('refuses dot segments from a client value', () => {
    const bare = compile('{ template: "/items/{params.id}" }');
    const err = thrown(() => bare('/x', { params: { id: '..' } }));
    expect(err.kind).toBe('unsafe_path');
    expect(err.phase).toBe('run');
  });

  it('keeps the slashes of a wildcard', () => {
    const files = compile('{ template: "/v2/files/{params.*}" }');
    expect(files('/files/a/b c.txt', { params: { '*': 'a/b c.txt' } })).toBe('/v2/files/a/b%20c.txt');
    expect(thrown(() => files('/files/x', { params: { '*': 'a/../../etc/passwd' } })).kind).toBe('unsafe_path');
  });

  it('fails with missing_value when a variable has no value', () => {
    expect(thrown(() => rewrite('/x', { params: {} })).kind).toBe('missing_value');
  });
});

describe('compilePathRewrite with a regex', () => {
  it('inserts named and numbered captures as they were in the raw path', () => {
    const rewrite = compile(String.raw`{ regex: "^/shop/(?<resource>products|orders)/([^/]+)$", replacement: "/admin/api/2024-01/{resource}/{2}.json" }`);
    expect(rewrite('/shop/products/gid%3A42', {})).toBe('/admin/api/2024-01/products/gid%3A42.json');
    expect(rewrite('/shop/orders/1001', {})).toBe('/admin/api/2024-01/orders/1001.json');
  });

  it('leaves a path that does not match unchanged', () => {
    const rewrite = compile('{ regex: "^/legacy/(.*)$", replacement: "/v2/{1}" }');
    expect(rewrite('/current/items', {})).toBe('/current/items');
    expect(rewrite('/legacy/items/7', {})).toBe('/v2/items/7');
  });

  it('mixes captures with encoded variables', () => {
    const rewrite = compile('{ regex: "^/api/(.*)$", replacement: "/{connection.api_version}/{1}" }');
    expect(rewrite('/api/items', { connection: { api_version: 'v 2' } })).toBe('/v%202/items');
  });

  it('refuses a result with dot segments, encoded or not', () => {
    const rewrite = compile('{ regex: "^/api/(.*)$", replacement: "/v2/{1}" }');
    expect(thrown(() => rewrite('/api/../admin', {})).kind).toBe('unsafe_path');
    expect(thrown(() => rewrite('/api/%2e%2E/admin', {})).kind).toBe('unsafe_path');
    expect(thrown(() => rewrite('/api/.', {})).kind).toBe('unsafe_path');
    expect(rewrite('/api/a..b/.well-known', {})).toBe('/v2/a..b/.well-known');
  });

  it('an unmatched optional group inserts nothing', () => {
    const rewrite = compile('{ regex: "^/a(/b)?$", replacement: "/x{1}" }');
    expect(rewrite('/a', {})).toBe('/x');
    expect(rewrite('/a/b', {})).toBe('/x/b');
  });

  it('refuses unknown captures, bad regexes and unsafe constant paths at compile time', () => {
    const unknown = thrown(() => compilePathRewrite({ regex: '^/(a)$', replacement: '/{2}' }, { scope, at: 'p' }));
    expect(unknown.kind).toBe('invalid_config');
    expect(unknown.location.path).toBe('p.replacement');
    const bad = thrown(() => compilePathRewrite({ regex: '^/(a$', replacement: '/x' }, { scope, at: 'p' }));
    expect(bad.kind).toBe('invalid_config');
    expect(bad.location.path).toBe('p.regex');
    expect(thrown(() => compilePathRewrite({ template: '/a/../b' }, { scope })).kind).toBe('unsafe_path');
    expect(thrown(() => compilePathRewrite({ template: 'relative' }, { scope })).kind).toBe('invalid_config');
    expect(thrown(() => compilePathRewrite({ template: '/a', regex: '^/' } as never, { scope })).kind).toBe('invalid_config');
  });

  it('the schema needs either a template or a regex with its replacement', () => {
    expect(schemaAccepts(PathRewrite, '{ regex: "^/a" }')).toBe(false);
    expect(schemaAccepts(PathRewrite, '{ template: "/a", regex: "^/a", replacement: "/b" }')).toBe(false);
    expect(schemaAccepts(PathRewrite, '{ template: "a" }')).toBe(false);
  });
});
