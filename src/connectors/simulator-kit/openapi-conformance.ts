/**
 * Checks simulator responses against a vendor's OpenAPI 3 or Swagger 2.0 document (used
 * by the conformance tests). It picks an operation's response schema, inlines local `$ref`s,
 * turns OpenAPI's `nullable` into JSON Schema, and validates with ajv. Known mistakes in a
 * vendor document are patched by the caller, one JSON pointer at a time, with a reason.
 *
 *   const doc = loadOpenApiDocument(new URL('…/shopify-admin-2021-10.yml', import.meta.url));
 *   allowNull(doc, '#/components/schemas/Product/properties/body_html', 'shopify.md §7: str|null');
 *   const errors = validateResponse(doc, '/admin/api/2021-10/products.json', 'get', 200, body);
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface OpenApiDocument {
  source: string;
  root: JsonObject;
  /** Patches applied so far, for the test report. */
  patches: Array<{ pointer: string; reason: string }>;
  compiled: Map<string, ValidateFunction>;
}

/** Read a YAML or JSON OpenAPI document; throws (never skips) when the file is missing. */
export function loadOpenApiDocument(file: URL | string): OpenApiDocument {
  const path = file instanceof URL ? fileURLToPath(file) : file;
  if (!existsSync(path)) {
    throw new Error(`vendor OpenAPI document not found: ${path} (the vendor documents live in test/fixtures/vendor-specs)`);
  }
  const root = parseYaml(readFileSync(path, 'utf8'), { maxAliasCount: -1 }) as JsonObject;
  if (typeof root !== 'object' || root === null || !('paths' in root)) throw new Error(`${path} is not an OpenAPI document`);
  return { source: path, root, patches: [], compiled: new Map() };
}

function decode(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function resolvePointer(root: JsonObject, pointer: string): Json | undefined {
  if (!pointer.startsWith('#/')) throw new Error(`only local $refs are supported, got ${pointer}`);
  let node: Json | undefined = root;
  for (const raw of pointer.slice(2).split('/')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[Number(raw)] : node[decode(raw)];
  }
  return node;
}

/** Replace the schema at `pointer` (throws when nothing is there, so stale patches fail loudly). */
export function patchSchema(doc: OpenApiDocument, pointer: string, reason: string, patch: (schema: JsonObject) => JsonObject): void {
  const segments = pointer.slice(2).split('/').map(decode);
  const key = segments.pop() as string;
  const parent = resolvePointer(doc.root, `#/${segments.join('/')}`);
  const current = parent && typeof parent === 'object' && !Array.isArray(parent) ? parent[key] : undefined;
  if (current === undefined || current === null || typeof current !== 'object' || Array.isArray(current)) {
    throw new Error(`patch target not found in ${doc.source}: ${pointer}`);
  }
  (parent as JsonObject)[key] = patch(current);
  doc.patches.push({ pointer, reason });
  doc.compiled.clear();
}

/** Let the property at `pointer` also be null (the vendor document forgot `nullable`). */
export function allowNull(doc: OpenApiDocument, pointer: string, reason: string): void {
  patchSchema(doc, pointer, reason, (s) => ({ ...s, nullable: true }));
}

// OpenAPI/JSON-Schema keywords kept; everything else (examples, x-*, descriptions…) is dropped.
const KEEP = new Set([
  'type', 'properties', 'additionalProperties', 'items', 'required', 'enum', 'allOf', 'anyOf', 'oneOf', 'not',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'format',
  'minItems', 'maxItems', 'uniqueItems', 'nullable', '$ref', 'const',
]);
// Vendor documents sometimes use format names as types (`type: float`); JSON Schema has only these.
const TYPE_ALIASES: Record<string, string> = { float: 'number', double: 'number', int: 'integer', long: 'integer' };

function convert(node: Json, root: JsonObject, stack: string[]): Json {
  if (Array.isArray(node)) return node.map((n) => convert(n, root, stack));
  if (node === null || typeof node !== 'object') return node;
  const ref = node.$ref;
  if (typeof ref === 'string') {
    // A recursive schema stops at the second visit and accepts anything there.
    if (stack.includes(ref)) return {};
    const target = resolvePointer(root, ref);
    if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
    const resolved = convert(target, root, [...stack, ref]);
    // A `nullable` next to a `$ref` (how patches mark a referenced object nullable) still applies.
    return node.nullable === true ? { anyOf: [resolved, { type: 'null' }] } : resolved;
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, root, stack)]));
    } else if (KEEP.has(key)) {
      out[key] = convert(value, root, stack);
    }
  }
  if (typeof out.type === 'string' && out.type in TYPE_ALIASES) out.type = TYPE_ALIASES[out.type] as string;
  // Swagger 2 documents (and parts of some OpenAPI 3 ones) say `x-nullable` for `nullable`.
  if (node['x-nullable'] === true) out.nullable = true;
  // `required` must be an array of names; some documents put booleans or strings there.
  if ('required' in out && !Array.isArray(out.required)) delete out.required;
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  } else {
    delete out.nullable;
  }
  return out;
}

/** The JSON schema of one operation's response (after `$ref` and `nullable` conversion). */
export function responseSchema(doc: OpenApiDocument, path: string, method: string, status: number | string): JsonObject {
  const paths = doc.root.paths as JsonObject;
  const operation = (paths[path] as JsonObject | undefined)?.[method.toLowerCase()] as JsonObject | undefined;
  if (!operation) throw new Error(`${doc.source} has no ${method.toUpperCase()} ${path}`);
  let response = (operation.responses as JsonObject | undefined)?.[String(status)] as JsonObject | undefined;
  if (response && typeof response.$ref === 'string') response = resolvePointer(doc.root, response.$ref) as JsonObject;
  const media = (response?.content as JsonObject | undefined)?.['application/json'] as JsonObject | undefined;
  // OpenAPI 3 nests the schema under a media type; Swagger 2.0 puts it on the response itself.
  const schema = media?.schema ?? response?.schema;
  if (schema === undefined) throw new Error(`${doc.source}: ${method.toUpperCase()} ${path} ${status} has no JSON schema`);
  return convert(schema, doc.root, []) as JsonObject;
}

/** The JSON schema of one component, e.g. `#/components/schemas/Product` (Swagger 2.0: `#/definitions/…`). */
export function componentSchema(doc: OpenApiDocument, pointer: string): JsonObject {
  return convert({ $ref: pointer }, doc.root, []) as JsonObject;
}

let ajv: Ajv | undefined;
function validator(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats.default(ajv);
    // Numeric OpenAPI formats carry no extra rule here.
    for (const f of ['float', 'double', 'int32', 'int64']) ajv.addFormat(f, true);
  }
  return ajv;
}

function check(doc: OpenApiDocument, key: string, schema: () => JsonObject, body: unknown): string[] {
  let validate = doc.compiled.get(key);
  if (!validate) {
    validate = validator().compile(schema());
    doc.compiled.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Validation errors of `body` against an operation's response schema (empty when valid). */
export function validateResponse(doc: OpenApiDocument, path: string, method: string, status: number | string, body: unknown): string[] {
  return check(doc, `${method} ${path} ${status}`, () => responseSchema(doc, path, method, status), body);
}

/** Validation errors of `body` against a component schema. */
export function validateComponent(doc: OpenApiDocument, pointer: string, body: unknown): string[] {
  return check(doc, pointer, () => componentSchema(doc, pointer), body);
}

/** Property names a component declares (merging `allOf` members), to check what a simulator leaves out. */
export function declaredProperties(doc: OpenApiDocument, pointer: string): string[] {
  const names = new Set<string>();
  const visit = (node: Json): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    if (node.properties && typeof node.properties === 'object' && !Array.isArray(node.properties)) {
      for (const k of Object.keys(node.properties)) names.add(k);
    }
    if (Array.isArray(node.allOf)) node.allOf.forEach(visit);
  };
  visit(componentSchema(doc, pointer));
  return [...names];
}
