import { describe, expect, it } from 'vitest';
import { readConfig, schemaAccepts } from '../test-support/config.js';
import { HttpOpsError } from './errors.js';
import { StatusMap } from './schema.js';
import { compileStatusMap } from './status.js';

describe('compileStatusMap', () => {
  it('maps exact codes before their class, whatever the order written', () => {
    const map = compileStatusMap(readConfig(StatusMap, '[{ from: 5xx, to: 502 }, { from: 503, to: 503 }, { from: 404, to: 200 }]'));
    expect(map(404)).toBe(200);
    expect(map(500)).toBe(502);
    expect(map(504)).toBe(502);
    expect(map(503)).toBe(503);
    expect(map(200)).toBe(200);
    expect(map(401)).toBe(401);
  });

  it('leaves codes outside the table alone', () => {
    const map = compileStatusMap([{ from: '4xx', to: 400 }]);
    expect(map(99)).toBe(99);
    expect(map(600)).toBe(600);
    expect(map(499)).toBe(400);
  });

  it('refuses a code or class mapped twice', () => {
    expect(() => compileStatusMap([{ from: 404, to: 200 }, { from: 404, to: 410 }])).toThrow(HttpOpsError);
    expect(() => compileStatusMap([{ from: '5xx', to: 502 }, { from: '5xx', to: 503 }])).toThrow(/mapped twice/);
    expect(() => compileStatusMap([{ from: '6xx', to: 502 }])).toThrow(HttpOpsError);
  });

  it('the schema accepts codes and classes only', () => {
    expect(schemaAccepts(StatusMap, '[{ from: 404, to: 200 }, { from: 2xx, to: 200 }]')).toBe(true);
    expect(schemaAccepts(StatusMap, '[{ from: 4XX, to: 400 }]')).toBe(false);
    expect(schemaAccepts(StatusMap, '[{ from: 404, to: 700 }]')).toBe(false);
  });
});
