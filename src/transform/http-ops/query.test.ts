import { describe, expect, it } from 'vitest';
import { readConfig } from '../test-support/config.js';
import { TemplateError, type TemplateScope } from '../template/template.js';
import { HttpOpsError } from './errors.js';
import { compileQueryOps } from './query.js';
import { QueryOps } from './schema.js';

const scope: TemplateScope = { query: { keys: '*' }, params: { keys: '*' }, connection: { keys: ['locale'] } };

function compile(yaml: string) {
  return compileQueryOps(readConfig(QueryOps, yaml), { scope, at: 'q' });
}

describe('compileQueryOps', () => {
  it('renames, sets and removes while untouched parameters keep their order and bytes', () => {
    const apply = compile(`
- { op: rename, from: page_size, to: limit }
- { op: remove, name: debug }
- { op: set, name: fields, value: "id,title" }
`);
    const raw = 'q=caf%C3%A9+au+lait&page_size=50&debug&tag=a%2Cb&debug=1&sort=-created_at';
    expect(apply(raw, {})).toBe('q=caf%C3%A9+au+lait&limit=50&tag=a%2Cb&sort=-created_at&fields=id,title');
  });

  it('set replaces the first occurrence in place and drops the rest', () => {
    const apply = compile('[{ op: set, name: status, value: "{query.state}" }]');
    expect(apply('a=1&status=open&b=2&status=closed&state=any', { query: { state: 'any' } })).toBe('a=1&status=any&b=2&state=any');
  });

  it('percent-encodes set values, taken from params, query or connection attributes', () => {
    const apply = compile('[{ op: set, name: product id, value: "{params.id}" }, { op: set, name: locale, value: "{connection.locale}" }]');
    expect(apply('', { params: { id: 'a&b=c' }, connection: { locale: 'de DE' } })).toBe('product%20id=a%26b%3Dc&locale=de%20DE');
  });

  it('matches encoded names after decoding, including + as space', () => {
    const apply = compile('[{ op: remove, name: "page size" }, { op: rename, from: café, to: cafe }]');
    expect(apply('page+size=1&page%20size=2&caf%C3%A9=x&keep=1', {})).toBe('cafe=x&keep=1');
  });

  it('keeps a malformed escape as it is and can still match it literally', () => {
    const apply = compile('[{ op: remove, name: "a%zz" }]');
    expect(apply('a%zz=1&b=%zz', {})).toBe('b=%zz');
  });

  it('skips set when the template value is missing and returns an empty string when nothing is left', () => {
    const apply = compile('[{ op: set, name: page, value: "{query.p}" }, { op: remove, name: x }]');
    expect(apply('x=1', {})).toBe('');
    expect(apply('', {})).toBe('');
  });

  it('rename keeps a parameter without a value and its position', () => {
    const apply = compile('[{ op: rename, from: expand, to: include }]');
    expect(apply('a=1&expand&b=2', {})).toBe('a=1&include&b=2');
  });

  it('leaves the string alone when no op applies', () => {
    const apply = compile('[{ op: remove, name: nope }]');
    const raw = 'a=1&&b=%41&c=';
    expect(apply(raw, {})).toBe(raw);
    expect(compileQueryOps([], { scope })(raw, {})).toBe(raw);
  });

  it('refuses an unknown variable at compile time with its config path', () => {
    try {
      compileQueryOps([{ op: 'set', name: 'k', value: '{connection.secret}' }], { scope, at: 'q' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(HttpOpsError);
      expect((err as HttpOpsError).kind).toBe('invalid_config');
      expect((err as HttpOpsError).location.path).toBe('q[0].value');
    }
  });

  it('refuses literal text that would break the query', () => {
    expect(() => compileQueryOps([{ op: 'set', name: 'k', value: 'a b' }], { scope })).toThrow(/percent-encoded/);
    expect(() => compileQueryOps([{ op: 'set', name: 'k', value: 'a&b=c' }], { scope })).toThrow(HttpOpsError);
    expect(compileQueryOps([{ op: 'set', name: 'k', value: 'a%20b' }], { scope })('', {})).toBe('k=a%20b');
  });

  it('a value that cannot be percent-encoded is a run-time template error', () => {
    const apply = compile('[{ op: set, name: q, value: "{query.q}" }]');
    expect(() => apply('', { query: { q: '\uDC00' } })).toThrow(TemplateError);
  });
});
