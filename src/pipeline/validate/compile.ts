/**
 * The validate policy's config compiled once: ajv validators for the inline schemas, the
 * OpenAPI operations, the JSON guard and the content-type allow-list. Problems become
 * PolicyConfigErrors with their path inside the policy's config.
 */
import { existsSync } from 'node:fs';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { createJsonGuard, type JsonGuard } from '../../transform/json-guard/index.js';
import { PolicyConfigError } from '../message/config-error.js';
import { compileSchema, createCompilers, type SchemaCompilers } from './ajv.js';
import { loadOpenApi, type OpenApiOperations, type Operation } from './openapi.js';
import type { ValidateConfig } from './schema.js';

export interface CompiledValidation {
  readonly contentTypes: readonly string[] | undefined;
  readonly maxBodyBytes: number | undefined;
  readonly guard: JsonGuard;
  /** The body must be read: it is parsed (guard limits) or checked against a schema. */
  readonly readsBody: boolean;
  readonly body: ValidateFunction | undefined;
  readonly query: ValidateFunction | undefined;
  readonly headers: ValidateFunction | undefined;
  readonly openapi:
    | {
        readonly operations: OpenApiOperations;
        /** Set when `operation_id` pins the operation. */
        readonly pinned: Operation | undefined;
        readonly pathPrefix: string;
        readonly rejectUnmatched: boolean;
      }
    | undefined;
  /** Inline schema of 2xx response bodies (report-only). */
  readonly response: ValidateFunction | undefined;
}

/**
 * With `documents: false` (config checks at load) an OpenAPI file is only checked to exist;
 * the policy factory reads and compiles it.
 */
export function compileValidate(config: ValidateConfig, options: { documents?: boolean } = {}): CompiledValidation {
  // Inline schemas are compiled strictly, by instances of their own (a schema's $id is unique per instance).
  const compilers: SchemaCompilers = createCompilers(false);
  const schema: SchemaOf = (key, group, value) => {
    if (value === undefined) return undefined;
    try {
      return compileSchema(compilers[group], key === 'headers' ? lowerCaseNames(value) : value);
    } catch (err) {
      throw new PolicyConfigError(key, `invalid JSON Schema: ${(err as Error).message}`, { cause: err });
    }
  };
  let openapi: CompiledValidation['openapi'];
  if (config.openapi !== undefined) {
    const { file, operationId, pathPrefix, onUnmatched } = config.openapi;
    if (options.documents === false) {
      if (!existsSync(file)) throw new PolicyConfigError('openapi.file', `file not found: ${file}`);
      return { ...compileInline(config, schema), openapi: undefined };
    }
    const operations = loadOpenApi(file, config.response !== undefined);
    const pinned = operationId === undefined ? undefined : operations.byId(operationId);
    if (operationId !== undefined && pinned === undefined) throw new PolicyConfigError('openapi.operation_id', `${file} has no operation "${operationId}"`);
    openapi = { operations, pinned, pathPrefix: (pathPrefix ?? '').replace(/\/$/, ''), rejectUnmatched: (onUnmatched ?? 'reject') === 'reject' };
  }
  const inline = compileInline(config, schema);
  return { ...inline, openapi, readsBody: inline.readsBody || openapi !== undefined };
}

type SchemaOf = (key: string, group: 'body' | 'params', value: unknown) => ValidateFunction | undefined;

function compileInline(config: ValidateConfig, schema: SchemaOf): Omit<CompiledValidation, 'openapi'> {
  const body = schema('body', 'body', config.body);
  return {
    contentTypes: config.contentTypes?.map((t) => t.toLowerCase()),
    maxBodyBytes: config.maxBodyBytes,
    guard: createJsonGuard(config.json ?? {}),
    readsBody: body !== undefined || config.json !== undefined,
    body,
    query: schema('query', 'params', config.query),
    headers: schema('headers', 'params', config.headers),
    response: schema('response.schema', 'body', config.response?.schema),
  };
}

/** Header names are case-insensitive (RFC 9110 §5.1); requests carry them in lower case. */
function lowerCaseNames(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out: Record<string, unknown> = { ...(schema as Record<string, unknown>) };
  if (out.properties !== null && typeof out.properties === 'object') {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k.toLowerCase(), v]));
  }
  if (Array.isArray(out.required)) out.required = out.required.map((k) => (typeof k === 'string' ? k.toLowerCase() : k));
  return out;
}

/** Whether a media type is in an allow-list of exact types and `type/*` ranges. */
export function allowedType(type: string, allowed: readonly string[]): boolean {
  const slash = type.indexOf('/');
  return allowed.some((a) => a === type || a === '*/*' || (a.endsWith('/*') && slash !== -1 && a.slice(0, -1) === type.slice(0, slash + 1)));
}
