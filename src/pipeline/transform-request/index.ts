/**
 * The `transform_request` policy: reshapes the request for the upstream from operations
 * compiled once at load. JSON body operations (and JSON → XML for XML backends) read the body;
 * path, query and header operations do not, so without body parts the body streams as before.
 * Templates see path params, query values, request, consumer and connection attributes, never secrets.
 *
 *   routes:
 *     - name: orders
 *       policies:
 *         transform_request:
 *           path: { template: "/v2/orders/{params.id}" }
 *           headers: [{ op: set, name: X-Tenant, value: "{consumer.metadata.tenant}" }]
 */
import { createJsonToXml, type JsonToXml } from '../../codecs/xml/index.js';
import type { RequestContext } from '../../server/context.js';
import { compileHeaderOps, type HeaderTransform } from '../../transform/http-ops/headers.js';
import { compilePathRewrite, type PathTransform } from '../../transform/http-ops/path.js';
import { compileQueryOps, type QueryTransform } from '../../transform/http-ops/query.js';
import { createJsonGuard, type JsonGuard } from '../../transform/json-guard/index.js';
import { compileJsonOps, type JsonTransform } from '../../transform/json-ops/index.js';
import type { TemplateValues } from '../../transform/template/template.js';
import type { ConnectionResolver } from '../upstream/credentials/connection-resolver.js';
import { codingsOf, decodeBody } from '../message/coding.js';
import { compiling, routeConfigError } from '../message/config-error.js';
import { isJson, mediaType } from '../message/media-type.js';
import { TEMPLATE_SCOPE, templateValues, usesConnection } from '../message/template-values.js';
import { requestError, type Part } from '../message/transform-errors.js';
import type { Policy } from '../policy.js';
import { requestConnection } from '../request-connection.js';
import type { TransformRequestConfig } from './schema.js';

export interface TransformRequestDeps {
  routeName: string;
  upstream: string;
  /** The upstream's credentials section: when templates read `connection.*`, its connection is resolved first. */
  credentials: { connection: string } | undefined;
  connections: ConnectionResolver;
}

export interface CompiledRequestTransform {
  readonly body: JsonTransform | undefined;
  readonly toXml: JsonToXml | undefined;
  readonly guard: JsonGuard;
  readonly path: PathTransform | undefined;
  readonly query: QueryTransform | undefined;
  readonly headers: HeaderTransform | undefined;
}

/** Compiles every part; throws a PolicyConfigError naming the part that cannot be built. */
export function compileTransformRequest(config: TransformRequestConfig): CompiledRequestTransform {
  const scope = TEMPLATE_SCOPE;
  const { body, jsonToXml, path, query, headers } = config;
  return {
    body: body === undefined ? undefined : compiling('body', () => compileJsonOps(body, { scope, at: 'body', ...(config.limits ? { limits: config.limits } : {}) })),
    toXml: jsonToXml === undefined ? undefined : compiling('json_to_xml', () => createJsonToXml(jsonToXml)),
    guard: createJsonGuard(config.json ?? {}),
    path: path === undefined ? undefined : compiling('path', () => compilePathRewrite(path, { scope, at: 'path' })),
    query: query === undefined || query.length === 0 ? undefined : compiling('query', () => compileQueryOps(query, { scope, at: 'query' })),
    headers: headers === undefined || headers.length === 0 ? undefined : compiling('headers', () => compileHeaderOps(headers, { scope, at: 'headers' })),
  };
}

const NO_VALUES: TemplateValues = {};

export function createTransformRequest(config: TransformRequestConfig, deps: TransformRequestDeps): Policy {
  let built: CompiledRequestTransform;
  try {
    built = compileTransformRequest(config);
  } catch (err) {
    throw routeConfigError(deps.routeName, 'transform_request', err);
  }
  const { body, toXml, guard, path, query, headers } = built;
  const readsBody = body !== undefined || toXml !== undefined;
  const hasTemplates = readsBody || path !== undefined || query !== undefined || headers !== undefined;
  const resolveConnection = deps.credentials !== undefined && usesConnection(config);

  async function valuesFor(ctx: RequestContext): Promise<TemplateValues> {
    if (!hasTemplates) return NO_VALUES;
    if (resolveConnection) await requestConnection(ctx, deps.upstream, deps.credentials!.connection, deps.connections);
    return templateValues(ctx);
  }

  async function transformBody(ctx: RequestContext, raw: Buffer, values: TemplateValues): Promise<void> {
    const upstream = ctx.upstreamHeaders;
    // Only JSON bodies are reshaped; anything else goes as the client sent it.
    if (!isJson(mediaType(upstream['content-type']))) return;
    let bytes = raw;
    if (codingsOf(upstream['content-encoding']).length > 0) {
      bytes = await decodeBody(raw, upstream['content-encoding'], ctx.route.limits.maxBodyBytes);
      delete upstream['content-encoding'];
    }
    let value = guard.parse(bytes);
    if (body !== undefined) value = body(value, { values, inPlace: true });
    let out: Buffer;
    if (toXml !== undefined) {
      out = Buffer.from(toXml(value), 'utf8');
      upstream['content-type'] = 'application/xml; charset=utf-8';
    } else {
      out = Buffer.from(JSON.stringify(value) ?? 'null', 'utf8');
    }
    ctx.requestBody = out;
    upstream['content-length'] = String(out.length);
  }

  return {
    name: 'transform-request',
    phase: 'transform-request',
    needsRequestBody: readsBody,
    async onRequest(ctx) {
      let part: Part = 'body';
      try {
        const values = await valuesFor(ctx);
        if (readsBody && ctx.requestBody !== undefined) await transformBody(ctx, ctx.requestBody, values);
        part = 'path';
        if (path !== undefined) ctx.upstreamPath = path(ctx.upstreamPath, values);
        part = 'query';
        if (query !== undefined) ctx.upstreamQuery = query(ctx.upstreamQuery, values);
        part = 'headers';
        if (headers !== undefined) headers(ctx.upstreamHeaders, values);
      } catch (err) {
        throw requestError(err, part);
      }
      return undefined;
    },
  };
}
