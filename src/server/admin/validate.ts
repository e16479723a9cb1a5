/**
 * JSON Schema checks of admin bodies and queries (ajv, every error at once), reported as
 * 400 VALIDATION_FAILED with `details.errors: [{ path, message }]`. Messages never quote the
 * value: it may be a secret.
 */
import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { formatPath, pointerToKeys } from '../../config/load.js';
import { UnigateError } from '../../errors/unigate-error.js';

export interface Problem {
  path: string;
  message: string;
}

type Keys = readonly (string | number)[];

// Bodies get schema defaults filled in; queries arrive as strings and are coerced.
const bodies = new Ajv({ allErrors: true, strict: false, useDefaults: true, verbose: true });
const queries = new Ajv({ allErrors: true, strict: false, coerceTypes: true });
addFormats.default(bodies);
addFormats.default(queries);

const compiled = new WeakMap<TSchema, ValidateFunction>();

/** Problems of `value` against `schema`, paths under `prefix` (e.g. `auth_settings`). */
export function schemaProblems(schema: TSchema, value: unknown, prefix: Keys = [], kind: 'body' | 'query' = 'body'): Problem[] {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = (kind === 'query' ? queries : bodies).compile(schema);
    compiled.set(schema, validate);
  }
  return validate(value) ? [] : describe(validate.errors ?? [], prefix);
}

/** The value, typed, or VALIDATION_FAILED listing every problem. */
export function checked<T>(schema: TSchema, value: unknown, prefix: Keys = [], kind: 'body' | 'query' = 'body'): T {
  const problems = schemaProblems(schema, value, prefix, kind);
  if (problems.length > 0) throw validationFailed(problems);
  return value as T;
}

export function problemAt(keys: Keys, message: string): Problem {
  return { path: formatPath(keys), message };
}

export function validationFailed(problems: Problem[], message = 'The request did not pass validation'): UnigateError {
  return new UnigateError('VALIDATION_FAILED', { message, details: { errors: problems } });
}

function describe(errors: ErrorObject[], prefix: Keys): Problem[] {
  // A failed union reports each branch's error too; say it once, at the union.
  const unions = new Map<string, ErrorObject[]>(errors.filter((e) => e.keyword === 'anyOf').map((e) => [e.instancePath, []]));
  const kept = errors.filter((e) => {
    if (e.keyword === 'anyOf') return true;
    const union = [...unions.keys()].find((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`));
    if (union === undefined) return true;
    unions.get(union)!.push(e);
    return false;
  });
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const err of kept) {
    const keys: (string | number)[] = [...prefix, ...pointerToKeys(err.instancePath)];
    const params = err.params as Record<string, unknown>;
    let message: string;
    switch (err.keyword) {
      case 'anyOf':
        message = unionMessage(err, unions.get(err.instancePath) ?? []);
        break;
      case 'required':
        keys.push(String(params.missingProperty));
        message = 'is required';
        break;
      case 'additionalProperties': {
        // A name refused by a record's key pattern may be a pasted value: say what names look like instead.
        const patterns = Object.keys((err.parentSchema?.patternProperties as object | undefined) ?? {});
        if (patterns.length > 0) message = `has a field name that does not match ${patterns.join(' or ')}`;
        else {
          keys.push(String(params.additionalProperty));
          message = 'is not a known field';
        }
        break;
      }
      case 'enum':
        message = `must be one of: ${(params.allowedValues as unknown[]).join(', ')}`;
        break;
      case 'minProperties':
        message = keys.length === prefix.length ? 'must name at least one field' : (err.message ?? 'is invalid');
        break;
      default:
        message = err.message ?? 'is invalid';
    }
    const problem = problemAt(keys, message);
    const key = `${problem.path}|${problem.message}`;
    if (!seen.has(key)) out.push(problem);
    seen.add(key);
  }
  return out;
}

function unionMessage(err: ErrorObject, branches: ErrorObject[]): string {
  const expected = (err.parentSchema as { expected?: string } | undefined)?.expected;
  if (expected !== undefined) return `must be ${expected}`;
  const same = branches.filter((b) => b.instancePath === err.instancePath);
  const consts = same.filter((b) => b.keyword === 'const').map((b) => String((b.params as { allowedValue: unknown }).allowedValue));
  if (consts.length > 0 && consts.length === same.length) return `must be one of: ${consts.join(', ')}`;
  const types = same.filter((b) => b.keyword === 'type').map((b) => String((b.params as { type: unknown }).type));
  if (types.length > 0 && types.length === same.length) return `must be ${types.join(' or ')}`;
  return 'does not match any allowed form';
}

