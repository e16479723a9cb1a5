/**
 * OpenAPI 3.0 Schema Objects → JSON Schema 2020-12, in place (on a document read for this
 * purpose). 3.0 differs where it matters for validation: `nullable: true` (3.0.3 §4.7.24.1)
 * is `type: [t, "null"]`, and `exclusiveMinimum`/`exclusiveMaximum` are booleans modifying
 * `minimum`/`maximum` (JSON Schema Validation draft-wright-00 §5.3, §5.5). In 3.0 a `$ref`
 * replaces its siblings, so a nullable `$ref` becomes `anyOf: [{ $ref }, { type: null }]`.
 */
type Json = Record<string, unknown>;

const MAX_DEPTH = 256;

export function convertOpenApi30(document: Json): void {
  walk(document, 0);
}

function walk(node: unknown, depth: number): void {
  if (node === null || typeof node !== 'object' || depth > MAX_DEPTH) return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, depth + 1);
    return;
  }
  const object = node as Json;
  for (const key of Object.keys(object)) walk(object[key], depth + 1);
  convertSchema(object);
}

function convertSchema(schema: Json): void {
  for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof schema[exclusive] !== 'boolean') continue;
    if (schema[exclusive] === true && typeof schema[bound] === 'number') {
      schema[exclusive] = schema[bound];
      delete schema[bound];
    } else {
      delete schema[exclusive];
    }
  }
  if (typeof schema.nullable !== 'boolean') return;
  const nullable = schema.nullable;
  delete schema.nullable;
  if (!nullable) return;
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    for (const key of Object.keys(schema)) delete schema[key];
    schema.anyOf = [{ $ref: ref }, { type: 'null' }];
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  if (typeof schema.type === 'string') schema.type = [schema.type, 'null'];
  else if (Array.isArray(schema.type) && !schema.type.includes('null')) schema.type = [...schema.type, 'null'];
  else if (schema.type === undefined && schema.enum === undefined) {
    // allOf/oneOf compositions without a type: null is one more alternative.
    const rest: Json = { ...schema };
    for (const key of Object.keys(schema)) delete schema[key];
    schema.anyOf = [rest, { type: 'null' }];
  }
}
