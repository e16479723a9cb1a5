import { describe, expect, it } from 'vitest';
import { Router, RouteConflictError, type RouteDefinition } from './router.js';

function route(name: string, path: string, extra: Partial<RouteDefinition<string>> = {}): RouteDefinition<string> {
  return { name, path, methods: undefined, hosts: undefined, value: name, ...extra };
}

describe('router priority', () => {
  const router = new Router([
    route('catch-all', '/*'),
    route('api-prefix', '/api/*'),
    route('user', '/api/users/:id'),
    route('user-me', '/api/users/me'),
    route('user-post', '/api/users/:id', { methods: ['POST'] }),
    route('tenant-api', '/api/*', { hosts: ['*.tenant.example'] }),
    route('exact-host', '/api/users/me', { hosts: ['admin.example'] }),
  ]);
  const find = (method: string, host: string, path: string) => router.find(method, host, path)?.value;

  it('prefers static over param over wildcard', () => {
    expect(find('GET', 'x', '/api/users/me')).toBe('user-me');
    expect(find('GET', 'x', '/api/users/42')).toBe('user');
    expect(find('GET', 'x', '/api/orders')).toBe('api-prefix');
    expect(find('GET', 'x', '/other')).toBe('catch-all');
  });

  it('lets /x/* match /x itself', () => {
    expect(find('GET', 'x', '/api')).toBe('api-prefix');
    expect(find('GET', 'x', '/')).toBe('catch-all');
  });

  it('prefers a host-specific route at the same path, including wildcard hosts', () => {
    expect(find('GET', 'admin.example', '/api/users/me')).toBe('exact-host');
    expect(find('GET', 'a.tenant.example', '/api/orders')).toBe('tenant-api');
    expect(find('GET', 'a.b.tenant.example', '/api/orders')).toBe('api-prefix');
  });

  it('keeps path specificity above host specificity', () => {
    expect(find('GET', 'a.tenant.example', '/api/users/me')).toBe('user-me');
  });

  it('prefers a route listing the method over one taking all methods', () => {
    expect(find('POST', 'x', '/api/users/7')).toBe('user-post');
    expect(find('DELETE', 'x', '/api/users/7')).toBe('user');
  });

  it('captures params', () => {
    expect(router.find('GET', 'x', '/api/users/42')?.params).toMatchObject({ id: '42' });
  });

  it('refuses two routes that tie on path, host and method', () => {
    expect(() => new Router([route('a', '/x'), route('b', '/x')])).toThrow(RouteConflictError);
    expect(() => new Router([route('a', '/x', { methods: ['GET'] }), route('b', '/x', { methods: ['GET'] })])).toThrow(
      'routes "a" and "b" both match GET any host /x',
    );
    expect(() => new Router([route('a', '/x', { hosts: ['h'] }), route('b', '/x', { hosts: ['h'] })])).toThrow(RouteConflictError);
  });

  it('lets an explicit /x route win over the implicit base of /x/*', () => {
    const r = new Router([route('prefix', '/x/*'), route('exact', '/x')]);
    expect(r.find('GET', 'h', '/x')?.value).toBe('exact');
    expect(r.find('GET', 'h', '/x/y')?.value).toBe('prefix');
  });
});
