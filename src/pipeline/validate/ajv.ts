/**
 * ajv (JSON Schema draft 2020-12) for the validate policy: one instance for bodies (values as
 * sent) and one for query, path and header parameters (text coerced to the schema's types,
 * single values to arrays). Errors become `details.errors` entries: the instance path, the
 * keyword broken and ajv's message, which never quotes the value (it may be a secret).
 */
import { Ajv2020, type ErrorObject, type Options, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { toPointer } from '../../transform/json-ops/pointer.js';
import type { Part, Violation } from '../message/transform-errors.js';

/** The most errors one envelope lists. */
export const MAX_VIOLATIONS = 100;

export interface SchemaCompilers {
  readonly body: Ajv2020;
  readonly params: Ajv2020;
}

/**
 * Inline schemas are checked against the meta-schema and for unknown keywords (a typo is a
 * config error, not a rule that silently never applies); vendor documents are read leniently.
 */
export function createCompilers(lenient: boolean): SchemaCompilers {
  const strict = lenient ? false : { strictSchema: true, strictNumbers: true, strictTypes: false, strictTuples: false, strictRequired: false };
  const base: Options = { allErrors: true, ...(strict === false ? { strict: false } : strict), logger: false, validateSchema: !lenient, validateFormats: true };
  return { body: withFormats(new Ajv2020(base)), params: withFormats(new Ajv2020({ ...base, coerceTypes: 'array' })) };
}

function withFormats(ajv: Ajv2020): Ajv2020 {
  addFormats.default(ajv);
  // OpenAPI 3.0 format names (§4.4 Data Types) that JSON Schema does not define.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  for (const name of ['float', 'double']) ajv.addFormat(name, { type: 'number', validate: () => true });
  ajv.addFormat('byte', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  for (const name of ['binary', 'password']) ajv.addFormat(name, () => true);
  return ajv;
}

/** Compiles a schema; ajv's complaint becomes the error message. */
export function compileSchema(ajv: Ajv2020, schema: unknown): ValidateFunction {
  if (typeof schema !== 'boolean' && (schema === null || typeof schema !== 'object' || Array.isArray(schema))) {
    throw new Error('a JSON Schema must be an object or a boolean');
  }
  return ajv.compile(schema as object);
}

/** Runs a validator and appends its failures (capped) to `out`. */
export function check(validate: ValidateFunction, value: unknown, part: Part, out: Violation[]): void {
  if (validate(value)) return;
  for (const error of validate.errors ?? []) {
    if (out.length >= MAX_VIOLATIONS) return;
    out.push(violation(error, part));
  }
}

function violation(error: ErrorObject, part: Part): Violation {
  let path = error.instancePath;
  const params = error.params as Record<string, unknown>;
  // Point at the member itself, not at the object that lacks or has too much of it.
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') path += toPointer([params.missingProperty]);
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') path += toPointer([params.additionalProperty]);
  return { in: part, path, rule: error.keyword, message: error.message ?? 'is invalid' };
}
