import { describe, expect, it } from 'vitest';
import { parseSimulatorFlags } from './cli.js';
import { createFaultInjector } from './faults.js';
import { allowNull, componentSchema, loadOpenApiDocument, validateComponent } from './openapi-conformance.js';
import { startSimulatorServer } from './server.js';
import { formatIsoInZone, formatIsoUtc, formatRfc2822, parseTimestamp } from './time-format.js';

describe('simulator server scaffold', () => {
  it('binds 127.0.0.1 on a free port, passes requests to the handler, and closes with keep-alive sockets open', async () => {
    const server = await startSimulatorServer({
      state: { hits: 0 },
      handle: (req) => ({ status: 201, headers: { 'X-Seen': req.method }, body: { path: req.path, q: req.query.get('a'), body: req.body, origin: req.origin } }),
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    const res = await fetch(`${server.url}/x/y?a=1`, { method: 'POST', body: 'hello' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-seen')).toBe('POST');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ path: '/x/y', q: '1', body: 'hello', origin: server.url });
    await server.close();
    await expect(fetch(`${server.url}/`)).rejects.toThrow();
  });

  it('answers injected errors with the platform body, resets connections, and refuses large bodies', async () => {
    const faults = createFaultInjector();
    const server = await startSimulatorServer({
      state: null,
      faults,
      maxBodyBytes: 10,
      handle: () => ({ status: 200, body: { ok: true } }),
      errorBody: (status) => ({ status, body: { errors: `boom ${status}` } }),
      tooLarge: () => ({ status: 413, body: { errors: 'too large' } }),
    });
    try {
      faults.enqueue({ kind: 'error', status: 503 }, { kind: 'reset' });
      const failed = await fetch(server.url);
      expect(failed.status).toBe(503);
      expect(await failed.json()).toEqual({ errors: 'boom 503' });
      await expect(fetch(server.url)).rejects.toThrow();
      const big = await fetch(server.url, { method: 'POST', body: 'x'.repeat(100) });
      expect(big.status).toBe(413);
      expect((await fetch(server.url)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('time formats', () => {
  it('renders a zone offset that follows daylight saving time, never Z', () => {
    expect(formatIsoInZone(Date.parse('2024-01-15T12:00:00Z'), 'America/New_York')).toBe('2024-01-15T07:00:00-05:00');
    expect(formatIsoInZone(Date.parse('2024-07-15T12:00:00Z'), 'America/New_York')).toBe('2024-07-15T08:00:00-04:00');
    expect(formatIsoInZone(Date.parse('2024-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe('2024-07-15T17:30:00+05:30');
    expect(formatIsoUtc(Date.parse('2024-02-11T13:05:27.900Z'))).toBe('2024-02-11T13:05:27+00:00');
    expect(formatRfc2822(Date.parse('2024-06-03T19:20:11Z'))).toBe('Mon, 03 Jun 2024 19:20:11 +0000');
  });

  it('parses offsets, RFC 2822, and zone-less values in the given zone', () => {
    const at = Date.parse('2024-03-01T15:00:00Z');
    expect(parseTimestamp('2024-03-01T10:00:00-05:00')).toBe(at);
    expect(parseTimestamp('Fri, 01 Mar 2024 15:00:00 +0000')).toBe(at);
    expect(parseTimestamp('2024-03-01T10:00:00', 'America/New_York')).toBe(at);
    expect(parseTimestamp('not a date')).toBeNaN();
  });
});

describe('CLI flags', () => {
  it('turns flag strings into simulator options and names the bad flag', () => {
    expect(parseSimulatorFlags({ port: '9101', seed: '7', products: '10000', latency: '5-20', errorRate: '0.1', token: 'a', rateLimit: false })).toEqual({
      port: 9101,
      seed: 7,
      sizes: { products: 10_000 },
      faults: { latencyMs: [5, 20], errorRate: 0.1 },
      tokens: ['a'],
      rateLimit: false,
    });
    expect(() => parseSimulatorFlags({ products: 'many' })).toThrow(/--products/);
    expect(() => parseSimulatorFlags({ errorRate: '2' })).toThrow(/--error-rate/);
  });
});

describe('OpenAPI conformance helper', () => {
  const doc = loadOpenApiDocument(new URL('../../../test/fixtures/vendor-specs/shopify-admin-2021-10.yml', import.meta.url));

  it('inlines $refs and turns nullable into JSON Schema', () => {
    const price = componentSchema(doc, '#/components/schemas/Presentment_price');
    expect(price).toMatchObject({ type: 'object', properties: { price: { type: 'object', properties: { amount: { type: 'string' } } } } });
    expect(validateComponent(doc, '#/components/schemas/Price', { amount: null })).not.toEqual([]);
    allowNull(doc, '#/components/schemas/Price/properties/amount', 'test');
    expect(validateComponent(doc, '#/components/schemas/Price', { amount: null })).toEqual([]);
    expect(() => allowNull(doc, '#/components/schemas/Price/properties/nope', 'test')).toThrow(/not found/);
  });

  it('maps non-JSON-Schema types such as `float` instead of failing to compile', () => {
    expect(componentSchema(doc, '#/components/schemas/CustomerAddress')).toMatchObject({
      properties: { longitude: { oneOf: [{ type: 'number' }, { type: 'string' }] } },
    });
  });
});
