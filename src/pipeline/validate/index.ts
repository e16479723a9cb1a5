/**
 * The `validate` policy: refuses requests that break the route's schemas or limits before
 * anything reaches the upstream, with one 400 VALIDATION_FAILED listing every failing path
 * and the rule it broke. Schemas are inline JSON Schema or come from the upstream's OpenAPI
 * document; JSON bodies go through the JSON guard (depth, sizes, duplicate and
 * prototype-polluting keys). With `response`, upstream answers are checked too, report-only.
 *
 *   routes:
 *     - name: orders
 *       policies:
 *         validate:
 *           openapi: { file: ./openapi/orders.yaml }
 *           json: { max_depth: 16 }
 *           response: { mode: report_only }
 */
import { UnigateError } from '../../errors/unigate-error.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { RequestContext } from '../../server/context.js';
import { codingsOf, decodeBody } from '../message/coding.js';
import { routeConfigError } from '../message/config-error.js';
import { isJson, mediaType } from '../message/media-type.js';
import { requestError, validationFailed, type Violation } from '../message/transform-errors.js';
import type { Policy } from '../policy.js';
import { check, MAX_VIOLATIONS } from './ajv.js';
import { allowedType, compileValidate, type CompiledValidation } from './compile.js';
import type { Operation } from './openapi.js';
import { createResponseValidation } from './response.js';
import type { ValidateConfig } from './schema.js';

export interface ValidateDeps {
  routeName: string;
  logger: Logger;
  metrics: Metrics;
  /** The route's `limits.max_response_bytes`: the largest response body checked. */
  maxResponseBytes: number;
}

/** The request policy, plus the response policy when `response` is configured. */
export function createValidate(config: ValidateConfig, deps: ValidateDeps): Policy[] {
  let built: CompiledValidation;
  try {
    built = compileValidate(config);
  } catch (err) {
    throw routeConfigError(deps.routeName, 'validate', err);
  }
  // The operation a request matched, for checking its response against the same operation.
  const operations = new WeakMap<RequestContext, Operation>();
  const policy: Policy = {
    name: 'validate',
    phase: 'validate',
    needsRequestBody: built.readsBody,
    async onRequest(ctx) {
      const errors: Violation[] = [];
      const operation = matchOperation(ctx, built, errors);
      if (operation !== undefined && config.response !== undefined) operations.set(ctx, operation.operation);
      checkParameters(ctx, built, operation, errors);
      await checkBody(ctx, built, operation?.operation, errors);
      if (errors.length > 0) throw validationFailed(errors.slice(0, MAX_VIOLATIONS));
      return undefined;
    },
  };
  if (config.response === undefined) return [policy];
  return [policy, createResponseValidation(built, (ctx) => operations.get(ctx), deps)];
}

type Matched = { operation: Operation; params: Record<string, string> } | undefined;

function matchOperation(ctx: RequestContext, built: CompiledValidation, errors: Violation[]): Matched {
  const openapi = built.openapi;
  if (openapi === undefined) return undefined;
  if (openapi.pinned !== undefined) return { operation: openapi.pinned, params: {} };
  const prefix = openapi.pathPrefix;
  const path = prefix !== '' && ctx.upstreamPath.startsWith(prefix) ? ctx.upstreamPath.slice(prefix.length) || '/' : ctx.upstreamPath || '/';
  const found = openapi.operations.find(ctx.method, path);
  if (found === undefined && openapi.rejectUnmatched) {
    errors.push({ in: 'path', path: '', rule: 'openapi_operation', message: `no operation of the API description matches ${ctx.method} ${path}` });
  }
  return found;
}

function checkParameters(ctx: RequestContext, built: CompiledValidation, matched: Matched, errors: Violation[]): void {
  const operation = matched?.operation;
  if (built.query !== undefined || operation?.query !== undefined) {
    const query = queryObject(ctx.query, operation?.commaSeparated);
    if (built.query !== undefined) check(built.query, query, 'query', errors);
    if (operation?.query !== undefined) check(operation.query, query, 'query', errors);
  }
  if (operation?.path !== undefined) check(operation.path, { ...matched!.params }, 'path', errors);
  // Coercion writes into the value it checks: give it a copy of the client's headers.
  if (built.headers !== undefined) check(built.headers, headerObject(ctx), 'headers', errors);
  if (operation?.headers !== undefined) check(operation.headers, headerObject(ctx), 'headers', errors);
}

async function checkBody(ctx: RequestContext, built: CompiledValidation, operation: Operation | undefined, errors: Violation[]): Promise<void> {
  const body = ctx.requestBody;
  if (built.maxBodyBytes !== undefined && body !== undefined && body.length > built.maxBodyBytes) {
    throw new UnigateError('PAYLOAD_TOO_LARGE', { details: { limit_bytes: built.maxBodyBytes } });
  }
  const hasBody = body !== undefined ? body.length > 0 : Number(ctx.header('content-length') ?? 0) > 0 || ctx.headers['transfer-encoding'] !== undefined;
  const type = mediaType(ctx.headers['content-type']);
  const allowed = built.contentTypes ?? (operation?.body !== undefined && operation.body.types.length > 0 ? operation.body.types : undefined);
  if (hasBody && allowed !== undefined && !allowedType(type, allowed)) {
    errors.push({ in: 'headers', path: '/content-type', rule: 'content_type', message: `the body must be ${allowed.join(', ')}${type === '' ? '' : `, not ${type}`}` });
    return;
  }
  if (!hasBody) {
    if (operation?.body?.required === true) errors.push({ in: 'body', path: '', rule: 'required', message: 'a request body is required' });
    return;
  }
  if (body === undefined) return;
  if (!isJson(type)) {
    // An inline body schema describes JSON; an operation may also take other media types, unchecked.
    if (built.body !== undefined) errors.push({ in: 'headers', path: '/content-type', rule: 'content_type', message: `the body must be JSON${type === '' ? '' : `, not ${type}`}` });
    return;
  }
  const schemas = [built.body, operation?.body?.json].filter((s) => s !== undefined);
  let value: unknown;
  try {
    const bytes = codingsOf(ctx.headers['content-encoding']).length > 0 ? await decodeBody(body, ctx.headers['content-encoding'], ctx.route.limits.maxBodyBytes) : body;
    value = built.guard.parse(bytes);
  } catch (err) {
    const mapped = requestError(err, 'body');
    if (mapped.code !== 'VALIDATION_FAILED') throw mapped;
    errors.push(...((mapped.details?.errors as Violation[] | undefined) ?? []));
    return;
  }
  for (const schema of schemas) check(schema, value, 'body', errors);
}

/** The query as an object: names to values, repeated names to arrays (comma-separated ones split). */
function queryObject(query: string, commaSeparated: ReadonlySet<string> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (query === '') return out;
  for (const [name, value] of new URLSearchParams(query)) {
    const values = commaSeparated?.has(name) ? value.split(',') : [value];
    const existing = out[name];
    if (existing === undefined) out[name] = values.length === 1 ? values[0] : values;
    else out[name] = [...(Array.isArray(existing) ? existing : [existing]), ...values];
  }
  return out;
}

function headerObject(ctx: RequestContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(ctx.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? [...value] : value;
  return out;
}
