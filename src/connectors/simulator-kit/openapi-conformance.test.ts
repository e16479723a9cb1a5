import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowNull, loadOpenApiDocument, validateComponent, validateResponse } from './openapi-conformance.js';

const SWAGGER2 = `
swagger: '2.0'
paths:
  /V1/things/{id}:
    get:
      responses:
        '200':
          description: ok
          schema:
            $ref: '#/definitions/thing'
  /V1/token:
    post:
      responses:
        '200':
          description: ok
          schema:
            type: string
definitions:
  thing:
    type: object
    required: [id]
    properties:
      id: { type: integer }
      price: { type: number }
      note: { type: string }
`;

describe('openapi-conformance with a Swagger 2.0 document', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oas2-'));
  const file = join(dir, 'doc.yaml');
  writeFileSync(file, SWAGGER2);

  it('reads response schemas placed directly on the response', () => {
    const doc = loadOpenApiDocument(file);
    expect(validateResponse(doc, '/V1/things/{id}', 'get', 200, { id: 1, price: 2.5 })).toEqual([]);
    expect(validateResponse(doc, '/V1/things/{id}', 'get', 200, { id: 1, price: '2.50' }).join()).toMatch(/price must be number/);
    expect(validateResponse(doc, '/V1/token', 'post', 200, 'abc')).toEqual([]);
    expect(validateResponse(doc, '/V1/token', 'post', 200, 5)).not.toEqual([]);
  });

  it('patches #/definitions pointers like components', () => {
    const doc = loadOpenApiDocument(file);
    expect(validateComponent(doc, '#/definitions/thing', { id: 1, note: null })).not.toEqual([]);
    allowNull(doc, '#/definitions/thing/properties/note', 'test');
    expect(validateComponent(doc, '#/definitions/thing', { id: 1, note: null })).toEqual([]);
  });
});
