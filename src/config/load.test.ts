import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigText } from './load.js';
import { compileConfig } from './compile.js';

function problemsOf(yaml: string, env: NodeJS.ProcessEnv = {}) {
  try {
    compileConfig(loadConfigText(yaml, 'test.yaml', env));
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const minimal = `
upstreams:
  api: { targets: [{ url: "http://127.0.0.1:9000" }] }
routes:
  - { name: api, match: { path: /api/* }, upstream: api }
`;

describe('config loading', () => {
  it('fills defaults and hands code camelCase keys, keeping user-chosen names', () => {
    const config = loadConfigText(`${minimal}\n  - { name: other_route, match: { path: /o }, upstream: api, strip_prefix: false }`, 't', {});
    expect(config.listeners?.proxy).toMatchObject({ host: '127.0.0.1', port: 8080, maxHeaderBytes: 16384 });
    expect(config.listeners?.admin).toMatchObject({ host: '127.0.0.1', port: 8081, publicMetrics: false });
    expect(Object.keys(config.upstreams)).toEqual(['api']);
    expect(config.routes[1]).toMatchObject({ name: 'other_route', stripPrefix: false, preserveHost: false });
  });

  it('substitutes ${VAR} and ${VAR:-default}, typing whole-value references', () => {
    const config = loadConfigText(
      `listeners:\n  proxy:\n    port: \${PORT:-9090}\n    host: \${HOST}\n` + minimal.replace('http://127.0.0.1:9000', () => 'http://${UP_HOST}:9000/$${literal}'),
      't',
      { HOST: '0.0.0.0', UP_HOST: '10.0.0.7' },
    );
    expect(config.listeners?.proxy?.port).toBe(9090);
    expect(config.listeners?.proxy?.host).toBe('0.0.0.0');
    expect(config.upstreams.api!.targets[0]!.url).toBe('http://10.0.0.7:9000/${literal}');
  });

  it('reports an unset variable with its path and line', () => {
    const problems = problemsOf(`upstreams:\n  api:\n    targets:\n      - url: \${MISSING_URL}\nroutes: []\n`);
    expect(problems).toEqual([
      expect.objectContaining({ path: 'upstreams.api.targets[0].url', line: 4, message: expect.stringContaining('MISSING_URL is not set') }),
    ]);
  });

  it('reports every schema problem with path, line, value and expectation', () => {
    const problems = problemsOf(`
listeners:
  proxy: { prot: 8080 }
upstreams:
  api:
    targets: [{ url: "ftp://nope" }]
    balancer: random
    timeouts: { connect: soon }
routes:
  - { name: api, match: { path: api }, upstream: api }
`);
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p]));
    expect(byPath['listeners.proxy.prot']).toMatchObject({ line: 3, message: 'unknown key "prot" (did you mean "port"?)' });
    expect(byPath['upstreams.api.targets[0].url']).toMatchObject({ line: 6, value: 'ftp://nope' });
    expect(byPath['upstreams.api.balancer']).toMatchObject({
      line: 7,
      value: 'random',
      message: 'expected round-robin, weighted-round-robin, least-connections or consistent-hash',
    });
    expect(byPath['upstreams.api.timeouts.connect']?.message).toContain('a duration such as 250ms');
    expect(byPath['routes[0].match.path']).toMatchObject({ line: 10, value: 'api' });
  });

  it('reports a YAML syntax error once, with its line', () => {
    const problems = problemsOf('routes:\n  - name: a\n   bad indent: [\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^YAML syntax/);
    expect(problems[0]!.line).toBeGreaterThan(0);
  });

  it('refuses references to unknown upstreams, duplicate names and ambiguous routes', () => {
    const problems = problemsOf(`
upstreams:
  api: { targets: [{ url: "http://127.0.0.1:9000" }] }
routes:
  - { name: a, match: { path: /x }, upstream: nope }
  - { name: b, match: { path: /y }, upstream: api }
  - { name: b, match: { path: /z }, upstream: api }
`);
    expect(problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('no upstream named "nope" (known: api)'), 'duplicate route name "b"']),
    );
    const ambiguous = problemsOf(`
upstreams:
  api: { targets: [{ url: "http://127.0.0.1:9000" }] }
routes:
  - { name: one, match: { path: /same, methods: [GET] }, upstream: api }
  - { name: two, match: { path: /same, methods: [GET, POST] }, upstream: api }
`);
    expect(ambiguous[0]?.message).toBe('routes "one" and "two" both match GET any host /same');
  });

  it('refuses field combinations that cannot work', () => {
    const problems = problemsOf(`
upstreams:
  api: { targets: [{ url: "http://127.0.0.1:9000" }], balancer: consistent-hash }
  tls: { targets: [{ url: "https://127.0.0.1:9000" }], tls: { cert_file: /nonexistent/cert.pem } }
routes:
  - { name: a, match: { path: /x }, upstream: api, strip_prefix: true }
  - { name: b, match: { path: /y/*/z }, upstream: api }
  - { name: c, match: { path: /c/* }, upstream: api, timeouts: { connect: 1s } }
`);
    const messages = problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'upstreams.api.hash_on: consistent-hash needs hash_on (header, consumer or client_ip)',
        'routes[0].strip_prefix: strip_prefix needs a path ending in /* (it removes the part before the *)',
        'routes[1].match.path: a wildcard is only allowed as the last segment, as in /api/*',
        'routes[2].timeouts.connect: connect timeouts are per upstream (pools are shared); set upstreams.<name>.timeouts.connect',
        'upstreams.tls.tls.cert_file: file not found',
        'upstreams.tls.tls: cert_file and key_file go together for mutual TLS',
      ]),
    );
  });
});
