import { describe, expect, it } from 'vitest';
import { compileTemplate, encodeComponent, TemplateError, type TemplateScope } from './template.js';

const scope: TemplateScope = {
  params: { keys: '*' },
  query: { keys: '*' },
  consumer: { keys: ['id', 'name'] },
  request: { keys: ['id'] },
  token: {},
};

function thrown(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error('expected a TemplateError');
}

describe('compileTemplate', () => {
  it('renders a bare variable and namespaced ones verbatim for headers', () => {
    const t = compileTemplate('Bearer {token}', { scope });
    expect(t.render({ token: 'abc.def' })).toBe('Bearer abc.def');
    const u = compileTemplate('{consumer.name} ({consumer.id}) via {request.id}', { scope });
    expect(u.render({ consumer: { id: 'c_1', name: 'Acme / EU' }, request: { id: 'req-9' } })).toBe('Acme / EU (c_1) via req-9');
    expect(u.variables).toEqual(['consumer.name', 'consumer.id', 'request.id']);
  });

  it('turns numbers and booleans into text', () => {
    const t = compileTemplate('{query.page}-{query.all}', { scope });
    expect(t.render({ query: { page: 3, all: false } })).toBe('3-false');
  });

  it('percent-encodes values under the path encoding, keeping literal text as written', () => {
    const t = compileTemplate('/v2/items/{params.id}', { scope, encoding: 'path' });
    expect(t.render({ params: { id: 'a b/c?d#e&f' } })).toBe('/v2/items/a%20b%2Fc%3Fd%23e%26f');
    expect(t.render({ params: { id: "it's(x)*!" } })).toBe('/v2/items/it%27s%28x%29%2A%21');
    expect(t.render({ params: { id: 'Grüße' } })).toBe('/v2/items/Gr%C3%BC%C3%9Fe');
  });

  it('keeps the slashes of a wildcard param but encodes each segment', () => {
    const t = compileTemplate('/files/{params.*}', { scope, encoding: 'path' });
    expect(t.render({ params: { '*': 'docs/a b/c.pdf' } })).toBe('/files/docs/a%20b/c.pdf');
  });

  it('refuses values that would become dot segments in a URL', () => {
    const segment = compileTemplate('/v2/items/{params.id}', { scope, encoding: 'path' });
    expect(thrown(() => segment.render({ params: { id: '..' } })).kind).toBe('unsafe_value');
    expect(thrown(() => segment.render({ params: { id: '.' } })).phase).toBe('run');
    const wildcard = compileTemplate('/files/{params.*}', { scope, encoding: 'path' });
    expect(thrown(() => wildcard.render({ params: { '*': 'a/../../admin' } })).kind).toBe('unsafe_value');
    // Query values and verbatim (header) templates do not care about dots.
    expect(compileTemplate('{params.id}', { scope, encoding: 'component' }).render({ params: { id: '..' } })).toBe('..');
    expect(compileTemplate('{params.*}', { scope, encoding: 'component' }).render({ params: { '*': 'a/b' } })).toBe('a%2Fb');
    expect(compileTemplate('{params.id}', { scope }).render({ params: { id: '..' } })).toBe('..');
  });

  it('refuses a lone surrogate under a URL encoding', () => {
    const t = compileTemplate('{query.q}', { scope, encoding: 'component' });
    expect(thrown(() => t.render({ query: { q: 'a\uD800' } })).kind).toBe('unsafe_value');
  });

  it('inserts a verbatim namespace as it is even under a URL encoding', () => {
    const t = compileTemplate('/v2/{1}/{params.id}', { scope: { ...scope, 1: { verbatim: true } }, encoding: 'path' });
    expect(t.render({ 1: 'a%2Fb', params: { id: 'x/y' } })).toBe('/v2/a%2Fb/x%2Fy');
  });

  it('returns undefined when a referenced value is missing or null', () => {
    const t = compileTemplate('page={query.page}', { scope });
    expect(t.render({ query: {} })).toBeUndefined();
    expect(t.render({ query: { page: null } })).toBeUndefined();
    expect(t.render({})).toBeUndefined();
    expect(compileTemplate('{token}', { scope }).render({ token: { nested: 'x' } })).toBeUndefined();
  });

  it('does not read inherited properties of the lookup object', () => {
    const t = compileTemplate('{query.constructor}', { scope });
    expect(t.render({ query: {} })).toBeUndefined();
  });

  it('treats doubled braces as literal braces', () => {
    const t = compileTemplate('{{"id": "{params.id}"}}', { scope });
    expect(t.render({ params: { id: '7' } })).toBe('{"id": "7"}');
    expect(t.constant).toBeUndefined();
    const c = compileTemplate('a{{b}}c', { scope });
    expect(c.constant).toBe('a{b}c');
    expect(c.render({})).toBe('a{b}c');
  });

  it('allows whitespace inside the braces', () => {
    expect(compileTemplate('{ request.id }', { scope }).render({ request: { id: 'r1' } })).toBe('r1');
  });

  it('reports syntax errors with their position', () => {
    const unclosed = thrown(() => compileTemplate('Bearer {token', { scope }));
    expect(unclosed.kind).toBe('syntax');
    expect(unclosed.phase).toBe('compile');
    expect(unclosed.location.offset).toBe(7);
    expect(unclosed.message).toContain('column 8');
    const stray = thrown(() => compileTemplate('a}b', { scope }));
    expect(stray.kind).toBe('syntax');
    expect(stray.location.offset).toBe(1);
    expect(thrown(() => compileTemplate('x {} y', { scope })).kind).toBe('syntax');
    expect(thrown(() => compileTemplate('{params.a b}', { scope })).kind).toBe('syntax');
  });

  it('rejects variables outside the scope at compile time', () => {
    const secret = thrown(() => compileTemplate('{connection.api_key}', { scope }));
    expect(secret.kind).toBe('unknown_variable');
    expect(secret.message).toContain('{consumer.id}');
    expect(thrown(() => compileTemplate('{consumer.email}', { scope })).kind).toBe('unknown_variable');
    // A namespace is not a bare variable and vice versa.
    expect(thrown(() => compileTemplate('{consumer}', { scope })).kind).toBe('unknown_variable');
    expect(thrown(() => compileTemplate('{token.value}', { scope })).kind).toBe('unknown_variable');
    expect(thrown(() => compileTemplate('{__proto__.x}', { scope })).kind).toBe('unknown_variable');
  });
});

describe('encodeComponent', () => {
  it('leaves only RFC 3986 unreserved characters', () => {
    expect(encodeComponent("AZaz09-._~ !*'()/?#[]@$&+,;=%")).toBe('AZaz09-._~%20%21%2A%27%28%29%2F%3F%23%5B%5D%40%24%26%2B%2C%3B%3D%25');
  });
});
