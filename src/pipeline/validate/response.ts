/**
 * Report-only response validation: each upstream answer is checked against the route's
 * response schema (inline for 2xx, or the matched OpenAPI operation's response for its
 * status) before transform-response sees it. A mismatch adds one to
 * unigate_response_validation_failures_total{route} and writes one log line; the response
 * itself is never changed, so a third-party API drifting from its contract shows up in
 * metrics instead of breaking clients. Bodies larger than `limits.max_response_bytes` are
 * streamed unchecked rather than refused.
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { RequestContext } from '../../server/context.js';
import { createJsonGuard } from '../../transform/json-guard/index.js';
import { decodeBody } from '../message/coding.js';
import { isJson, mediaType } from '../message/media-type.js';
import type { Violation } from '../message/transform-errors.js';
import type { Policy, UpstreamResponse } from '../policy.js';
import { check } from './ajv.js';
import type { CompiledValidation } from './compile.js';
import type { ValidateDeps } from './index.js';
import type { Operation } from './openapi.js';

/** The most problems one log line lists. */
const LOGGED = 20;
const NO_BODY = new Set([204, 206, 304]);

type Mismatch = Pick<Violation, 'path' | 'rule' | 'message'>;

export function createResponseValidation(built: CompiledValidation, operationOf: (ctx: RequestContext) => Operation | undefined, deps: ValidateDeps): Policy {
  const counter = deps.metrics.responseValidationFailures;
  const guard = createJsonGuard({ duplicateKeys: 'allow', protoKeys: 'allow' });

  /** The schema for this response; null when the status is not documented at all. */
  function schemaFor(ctx: RequestContext, status: number): ValidateFunction | undefined | null {
    if (built.response !== undefined) return status >= 200 && status < 300 ? built.response : undefined;
    const operation = operationOf(ctx);
    if (operation === undefined) return undefined;
    const { responses } = operation;
    for (const key of [String(status), `${Math.floor(status / 100)}XX`, 'DEFAULT']) if (responses.has(key)) return responses.get(key);
    return null;
  }

  async function mismatches(ctx: RequestContext, response: UpstreamResponse): Promise<Mismatch[]> {
    const schema = schemaFor(ctx, response.status);
    if (schema === null) return [{ path: '', rule: 'status', message: `status ${response.status} is not described for ${operationOf(ctx)!.name}` }];
    if (schema === undefined || response.body === undefined || ctx.method === 'HEAD' || NO_BODY.has(response.status)) return [];
    const type = mediaType(response.headers['content-type']);
    if (!isJson(type)) return [{ path: '', rule: 'content_type', message: `expected a JSON body, got ${type || 'no content type'}` }];
    let value: unknown;
    try {
      value = guard.parse(await decodeBody(response.body, response.headers['content-encoding'], ctx.route.limits.maxResponseBytes));
    } catch (err) {
      return [{ path: '', rule: 'json', message: (err as Error).message }];
    }
    const errors: Violation[] = [];
    check(schema, value, 'body', errors);
    return errors.map(({ path, rule, message }) => ({ path, rule, message }));
  }

  return {
    name: 'validate-response',
    phase: 'validate-response',
    // Report-only must never fail a response: bodies past the route's limit stream unchecked.
    responseBodyUpTo: deps.maxResponseBytes,
    async onResponse(ctx, response) {
      let found: Mismatch[];
      try {
        found = await mismatches(ctx, response);
      } catch (err) {
        deps.logger.warn({ err, req_id: ctx.id, route: deps.routeName }, 'response validation could not run');
        return;
      }
      if (found.length === 0) return;
      counter.inc({ route: deps.routeName });
      deps.logger.warn(
        { req_id: ctx.id, route: deps.routeName, status: response.status, mismatches: found.slice(0, LOGGED), count: found.length },
        'upstream response does not match its schema',
      );
    },
  };
}
