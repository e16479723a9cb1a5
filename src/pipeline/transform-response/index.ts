/**
 * The `transform_response` policy: reshapes the upstream's answer (after retries) for the
 * client. Status mapping and header operations work on the head alone, so the body still
 * streams; XML → JSON, error normalization, body operations and field filtering read the
 * body whole, up to `limits.max_response_bytes` (502 RESPONSE_TOO_LARGE past it).
 *
 *   routes:
 *     - name: catalog
 *       policies:
 *         transform_response:
 *           xml_to_json: { always_array: [product] }
 *           fields: { param: fields, at: /prestashop/products }
 *           normalize_errors: { xml_elements: [message] }
 */
import { createXmlToJson } from '../../codecs/xml/index.js';
import { compileHeaderOps, type HeaderTransform } from '../../transform/http-ops/headers.js';
import { compileQueryOps, type QueryTransform } from '../../transform/http-ops/query.js';
import { compileStatusMap, type StatusTransform } from '../../transform/http-ops/status.js';
import { createJsonGuard } from '../../transform/json-guard/index.js';
import { compileJsonOps } from '../../transform/json-ops/index.js';
import { parsePath } from '../../transform/json-ops/pointer.js';
import { parseFields, ProjectionError } from '../../transform/projection/index.js';
import { decodableAcceptEncoding } from '../message/coding.js';
import { compiling, PolicyConfigError, routeConfigError } from '../message/config-error.js';
import { TEMPLATE_SCOPE, templateValues } from '../message/template-values.js';
import { responseError, validationFailed } from '../message/transform-errors.js';
import type { Policy } from '../policy.js';
import { reshapeBody, type BodyPlan } from './body.js';
import { compileErrorNormalizer } from './normalize-errors.js';
import type { TransformResponseConfig } from './schema.js';

export interface TransformResponseDeps {
  routeName: string;
  /** The route's `limits.max_response_bytes`: the most a decoded body may grow to. */
  maxResponseBytes: number;
}

export interface CompiledResponseTransform {
  readonly status: StatusTransform | undefined;
  readonly headers: HeaderTransform | undefined;
  /** Undefined when no part reads the body. */
  readonly plan: BodyPlan | undefined;
  /** Removes the fields parameter from the upstream query, when it is not forwarded. */
  readonly dropFields: QueryTransform | undefined;
}

export function compileTransformResponse(config: TransformResponseConfig, maxResponseBytes: number): CompiledResponseTransform {
  const { fields } = config;
  config.status?.forEach((mapping, i) => {
    // RFC 9110 §15: 1xx, 204 and 304 never carry content, so the upstream's body could not follow.
    if (mapping.to < 200 || mapping.to === 204 || mapping.to === 304) throw new PolicyConfigError(`status[${i}].to`, `status ${mapping.to} cannot carry the upstream's body`);
  });
  return {
    status: config.status === undefined || config.status.length === 0 ? undefined : compiling('status', () => compileStatusMap(config.status!, 'status')),
    headers: config.headers === undefined || config.headers.length === 0 ? undefined : compiling('headers', () => compileHeaderOps(config.headers!, { scope: TEMPLATE_SCOPE, at: 'headers' })),
    plan: compileBodyPlan(config, maxResponseBytes),
    dropFields: fields === undefined || fields.forward ? undefined : compileQueryOps([{ op: 'remove', name: fields.param }], { scope: {} }),
  };
}

function compileBodyPlan(config: TransformResponseConfig, maxBytes: number): BodyPlan | undefined {
  const { xmlToJson, normalizeErrors, body, fields, json, limits } = config;
  const ops = body === undefined || body.length === 0 ? undefined : body;
  if (xmlToJson === undefined && normalizeErrors === undefined && ops === undefined && fields === undefined) return undefined;
  let xml: BodyPlan['xml'];
  if (xmlToJson !== undefined) {
    const { negotiate: _negotiate, ...options } = xmlToJson;
    xml = compiling('xml_to_json', () => createXmlToJson({ ...options, maxBytes: Math.min(options.maxBytes ?? maxBytes, maxBytes) }));
  }
  return {
    xml,
    negotiate: xmlToJson?.negotiate ?? false,
    normalizer: normalizeErrors === undefined ? undefined : compileErrorNormalizer(normalizeErrors, maxBytes),
    body: ops === undefined ? undefined : compiling('body', () => compileJsonOps(ops, { scope: TEMPLATE_SCOPE, at: 'body', ...(limits ? { limits } : {}) })),
    fields: fields === undefined ? undefined : { param: fields.param, at: compiling('fields.at', () => parsePath(fields.at, 'fields.at')) },
    // Upstream JSON is parsed leniently (duplicate and __proto__ keys are data) unless the route sets its own limits.
    guard: createJsonGuard({ duplicateKeys: 'allow', protoKeys: 'allow', ...json, maxBytes: Math.min(json?.maxBytes ?? maxBytes, maxBytes) }),
    encode: config.encode ?? false,
    maxBytes,
  };
}

export function createTransformResponse(config: TransformResponseConfig, deps: TransformResponseDeps): Policy {
  let built: CompiledResponseTransform;
  try {
    built = compileTransformResponse(config, deps.maxResponseBytes);
  } catch (err) {
    throw routeConfigError(deps.routeName, 'transform_response', err);
  }
  const { status, headers, plan, dropFields } = built;
  const fieldsParam = config.fields?.param;

  return {
    name: 'transform-response',
    phase: 'transform-response',
    needsResponseBody: plan !== undefined,
    ...(plan === undefined
      ? {}
      : {
          onRequest(ctx) {
            if (fieldsParam !== undefined && ctx.query !== '') {
              const text = new URLSearchParams(ctx.query).get(fieldsParam);
              if (text !== null && text.trim() !== '') {
                try {
                  parseFields(text);
                } catch (err) {
                  if (!(err instanceof ProjectionError)) throw err;
                  throw validationFailed([{ in: 'query', path: `/${fieldsParam}`, rule: `fields_${err.kind}`, message: err.message }]);
                }
              }
              if (dropFields !== undefined) ctx.upstreamQuery = dropFields(ctx.upstreamQuery, {});
            }
            const upstream = ctx.upstreamHeaders;
            // Ask only for codings we can undo, and for whole representations: a range cannot be reshaped.
            const acceptEncoding = decodableAcceptEncoding(upstream['accept-encoding']);
            if (acceptEncoding !== undefined) upstream['accept-encoding'] = acceptEncoding;
            delete upstream.range;
            delete upstream['if-range'];
            return undefined;
          },
        }),
    async onResponse(ctx, response) {
      const upstreamStatus = response.status;
      if (status !== undefined) response.status = status(upstreamStatus);
      try {
        if (plan !== undefined) await reshapeBody(ctx, response, upstreamStatus, plan);
        if (headers !== undefined) headers(response.headers, templateValues(ctx));
      } catch (err) {
        throw responseError(err);
      }
    },
  };
}
