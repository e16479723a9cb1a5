import { describe, expect, it } from 'vitest';
import { readConfig, schemaAccepts } from '../test-support/config.js';
import type { TemplateScope } from '../template/template.js';
import { HttpOpsError } from './errors.js';
import { compileHeaderOps, type HeaderMap } from './headers.js';
import { HeaderOps } from './schema.js';

const scope: TemplateScope = {
  params: { keys: '*' },
  query: { keys: '*' },
  consumer: { keys: ['id'] },
  connection: { keys: ['shop_domain', 'api_version'] },
  request: { keys: ['id'] },
};

const values = {
  params: { id: '42' },
  query: { locale: 'de-DE' },
  consumer: { id: 'cons_7' },
  connection: { shop_domain: 'acme.myshopify.com', api_version: '2024-01' },
  request: { id: 'req-123' },
};

function compile(yaml: string) {
  return compileHeaderOps(readConfig(HeaderOps, yaml), { scope, at: 'routes[0].transform.headers' });
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

// A request as Node hands it over: lower-case names, set-cookie style arrays.
function requestHeaders(): HeaderMap {
  return {
    host: 'gateway.local',
    accept: 'application/json',
    'x-request-id': 'abc',
    'x-powered-by': 'PHP/8.1',
    cookie: 'a=1',
    'x-forwarded-for': ['10.0.0.1', '10.0.0.2'],
  };
}

describe('compileHeaderOps', () => {
  it('applies set, append, remove and rename in the order written', () => {
    const apply = compile(`
- { op: set, name: X-Shopify-Shop-Domain, value: "{connection.shop_domain}" }
- { op: set, name: Accept-Language, value: "{query.locale}" }
- { op: append, name: Via, value: "1.1 unigate" }
- { op: append, name: X-Forwarded-For, value: "10.0.0.3" }
- { op: remove, name: X-Powered-By }
- { op: rename, from: X-Request-Id, to: X-Correlation-Id }
- { op: set, name: X-Trace, value: "{request.id}/{consumer.id}" }
`);
    const headers = requestHeaders();
    apply(headers, values);
    expect(headers).toEqual({
      host: 'gateway.local',
      accept: 'application/json',
      cookie: 'a=1',
      'x-forwarded-for': ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
      'x-shopify-shop-domain': 'acme.myshopify.com',
      'accept-language': 'de-DE',
      via: '1.1 unigate',
      'x-correlation-id': 'abc',
      'x-trace': 'req-123/cons_7',
    });
  });

  it('matches names case-insensitively', () => {
    const apply = compile(`
- { op: set, name: ACCEPT, value: "application/xml" }
- { op: remove, name: Cookie }
`);
    const headers = requestHeaders();
    apply(headers, values);
    expect(headers.accept).toBe('application/xml');
    expect('cookie' in headers).toBe(false);
  });

  it('set replaces every value, or keeps the existing one with if_absent', () => {
    const replace = compile('[{ op: set, name: X-Forwarded-For, value: "1.2.3.4" }]');
    const headers = requestHeaders();
    replace(headers, values);
    expect(headers['x-forwarded-for']).toBe('1.2.3.4');

    const keep = compile('[{ op: set, name: Accept, value: "text/plain", if_absent: true }, { op: set, name: X-New, value: "y", if_absent: true }]');
    const other = requestHeaders();
    keep(other, values);
    expect(other.accept).toBe('application/json');
    expect(other['x-new']).toBe('y');
  });

  it('append turns a single value into a list', () => {
    const apply = compile('[{ op: append, name: Accept, value: "text/csv" }]');
    const headers = requestHeaders();
    apply(headers, values);
    expect(headers.accept).toEqual(['application/json', 'text/csv']);
  });

  it('rename replaces an existing header of the new name and ignores a missing source', () => {
    const apply = compile('[{ op: rename, from: Cookie, to: Accept }, { op: rename, from: X-Missing, to: X-Other }]');
    const headers = requestHeaders();
    apply(headers, values);
    expect(headers.accept).toBe('a=1');
    expect('cookie' in headers).toBe(false);
    expect('x-other' in headers).toBe(false);
  });

  it('skips set and append when a template variable has no value', () => {
    const apply = compile('[{ op: set, name: X-Page, value: "{query.page}" }, { op: append, name: Via, value: "{query.via}" }]');
    const headers: HeaderMap = {};
    apply(headers, values);
    expect(headers).toEqual({});
  });

  it('trims surrounding whitespace as RFC 9110 §5.5 says it is not part of the value', () => {
    const apply = compile('[{ op: set, name: X-Locale, value: "  {query.locale} " }]');
    const headers: HeaderMap = {};
    apply(headers, values);
    expect(headers['x-locale']).toBe('de-DE');
  });

  it('refuses a client value that would inject a header line', () => {
    const apply = compile('[{ op: set, name: X-Locale, value: "{query.locale}" }]');
    const err = thrown(() => apply({}, { query: { locale: 'de\r\nX-Admin: true' } }));
    expect(err.kind).toBe('invalid_header_value');
    expect(err.phase).toBe('run');
    expect(thrown(() => apply({}, { query: { locale: 'a\u0000b' } })).kind).toBe('invalid_header_value');
    expect(thrown(() => apply({}, { query: { locale: 'snow ☃' } })).kind).toBe('invalid_header_value');
  });

  it('refuses bad names, framing and hop-by-hop headers, bad static values and unknown variables at compile time', () => {
    const badName = thrown(() => compileHeaderOps([{ op: 'set', name: 'X Bad', value: 'v' }], { scope, at: 'h' }));
    expect(badName.kind).toBe('invalid_header_name');
    expect(badName.phase).toBe('compile');
    expect(badName.location.path).toBe('h[0].name');
    expect(thrown(() => compileHeaderOps([{ op: 'remove', name: 'Content-Length' }], { scope })).kind).toBe('forbidden_header');
    expect(thrown(() => compileHeaderOps([{ op: 'set', name: 'Transfer-Encoding', value: 'chunked' }], { scope })).kind).toBe('forbidden_header');
    expect(thrown(() => compileHeaderOps([{ op: 'rename', from: 'X-A', to: 'Connection' }], { scope })).kind).toBe('forbidden_header');
    expect(thrown(() => compileHeaderOps([{ op: 'set', name: 'X-A', value: 'a\nb' }], { scope })).kind).toBe('invalid_header_value');
    const secret = thrown(() => compileHeaderOps([{ op: 'set', name: 'Authorization', value: 'Bearer {connection.access_token}' }], { scope, at: 'h' }));
    expect(secret.kind).toBe('invalid_config');
    expect(secret.location.path).toBe('h[0].value');
    expect(secret.message).toContain('unknown variable');
  });

  it('refuses a key the operation does not have, such as an unconverted snake_case one', () => {
    const err = thrown(() => compileHeaderOps([{ op: 'set', name: 'X-A', value: 'b', if_absent: true } as never], { scope, at: 'h' }));
    expect(err.kind).toBe('invalid_config');
    expect(err.location.path).toBe('h[0].if_absent');
    expect(thrown(() => compileHeaderOps([{ op: 'replace', name: 'X-A' } as never], { scope })).kind).toBe('invalid_config');
  });

  it('the schema refuses string shorthands and unknown keys', () => {
    expect(schemaAccepts(HeaderOps, '["X-A: b"]')).toBe(false);
    expect(schemaAccepts(HeaderOps, '[{ op: set, name: X-A, value: b, extra: 1 }]')).toBe(false);
    expect(schemaAccepts(HeaderOps, '[{ op: replace, name: X-A, value: b }]')).toBe(false);
    expect(schemaAccepts(HeaderOps, '[{ op: set, name: "X A", value: b }]')).toBe(false);
    expect(schemaAccepts(HeaderOps, '[{ op: rename, from: X-A, to: X-B }]')).toBe(true);
  });

  it('an empty list leaves the headers alone', () => {
    const headers = requestHeaders();
    compileHeaderOps([], { scope })(headers, values);
    expect(headers).toEqual(requestHeaders());
  });
});
