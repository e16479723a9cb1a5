/**
 * The body part of `transform_response`, on a response read whole: decode the content coding,
 * then either normalize an error into the envelope, or turn XML into JSON and run the body
 * operations and the client's field selection. A body is only re-serialized when something
 * changed it; then its representation headers (coding, ETag, digests) no longer apply.
 */
import type { XmlToJson } from '../../codecs/xml/index.js';
import type { RequestContext } from '../../server/context.js';
import type { JsonGuard } from '../../transform/json-guard/index.js';
import type { JsonTransform } from '../../transform/json-ops/index.js';
import type { PathTokens } from '../../transform/json-ops/pointer.js';
import { parseFields, projectAt } from '../../transform/projection/index.js';
import { decodeBody, encodeForClient } from '../message/coding.js';
import { acceptQuality, isJson, isXml, mediaType } from '../message/media-type.js';
import { templateValues } from '../message/template-values.js';
import type { UpstreamResponse } from '../policy.js';
import type { ErrorNormalizer } from './normalize-errors.js';

export interface BodyPlan {
  readonly xml: XmlToJson | undefined;
  readonly negotiate: boolean;
  readonly normalizer: ErrorNormalizer | undefined;
  readonly body: JsonTransform | undefined;
  readonly fields: { readonly param: string; readonly at: PathTokens } | undefined;
  readonly guard: JsonGuard;
  readonly encode: boolean;
  readonly maxBytes: number;
}

const JSON_TYPE = 'application/json; charset=utf-8';
// Headers that describe the upstream's bytes, not the body we send instead (RFC 9110 §8.4, §8.8.3, RFC 9530).
const REPRESENTATION = ['content-encoding', 'etag', 'content-md5', 'digest', 'content-digest', 'repr-digest', 'accept-ranges', 'content-range'];
// No content to reshape: partial content would be reshaped piecemeal, and these never have a body.
const NO_RESHAPE = new Set([204, 206, 304]);

export function prefersJson(accept: string | undefined): boolean {
  const json = acceptQuality(accept, 'application/json');
  if (json === undefined || json === 0) return false;
  return json > Math.max(acceptQuality(accept, 'application/xml') ?? 0, acceptQuality(accept, 'text/xml') ?? 0);
}

export function appendVary(headers: UpstreamResponse['headers'], name: string): void {
  const current = headers.vary;
  const text = Array.isArray(current) ? current.join(', ') : current;
  if (text === undefined || text.trim() === '') headers.vary = name;
  else if (!text.split(',').some((v) => v.trim().toLowerCase() === name.toLowerCase() || v.trim() === '*')) headers.vary = `${text}, ${name}`;
}

/** Reshapes `response` in place; `upstreamStatus` is the status before mapping. */
export async function reshapeBody(ctx: RequestContext, response: UpstreamResponse, upstreamStatus: number, plan: BodyPlan): Promise<void> {
  const raw = response.body;
  if (raw === undefined || ctx.method === 'HEAD' || NO_RESHAPE.has(response.status)) return;
  const headers = response.headers;
  const type = mediaType(headers['content-type']);
  const decode = () => decodeBody(raw, headers['content-encoding'], plan.maxBytes);

  if (response.status >= 400 && plan.normalizer !== undefined) {
    const bytes = await decode().catch(() => undefined);
    const message = bytes === undefined ? undefined : plan.normalizer.message(type, bytes);
    replace(response, plan.normalizer.envelope(response.status, upstreamStatus, ctx.id, message), JSON_TYPE);
    return;
  }

  const success = response.status >= 200 && response.status < 300;
  const selection = success ? selectionOf(ctx, plan) : undefined;
  let value: unknown;
  let contentType: string | undefined;
  // An empty XML body is not a document and fails to convert; an empty JSON body is left alone.
  if (isXml(type) && plan.xml !== undefined) {
    if (plan.negotiate) appendVary(headers, 'Accept');
    if (plan.negotiate && !prefersJson(ctx.header('accept'))) return;
    value = plan.xml(await decode());
    contentType = JSON_TYPE;
  } else if (isJson(type) && success && raw.length > 0 && (plan.body !== undefined || selection !== undefined)) {
    value = plan.guard.parse(await decode());
  } else {
    return;
  }
  if (success && plan.body !== undefined) value = plan.body(value, { values: templateValues(ctx), inPlace: true });
  if (selection !== undefined) value = projectAt(value, plan.fields!.at, selection);
  const out = Buffer.from(JSON.stringify(value) ?? 'null', 'utf8');
  replace(response, out, contentType);
  if (plan.encode) {
    appendVary(headers, 'Accept-Encoding');
    const encoded = await encodeForClient(out, ctx.header('accept-encoding'));
    if (encoded !== undefined) {
      response.body = encoded.body;
      headers['content-encoding'] = encoded.coding;
    }
  }
}

function selectionOf(ctx: RequestContext, plan: BodyPlan) {
  if (plan.fields === undefined || ctx.query === '') return undefined;
  const text = new URLSearchParams(ctx.query).get(plan.fields.param);
  // Checked in onRequest already, so this parse succeeds.
  return text === null || text.trim() === '' ? undefined : parseFields(text);
}

function replace(response: UpstreamResponse, body: Buffer, contentType: string | undefined): void {
  for (const name of REPRESENTATION) delete response.headers[name];
  if (contentType !== undefined) response.headers['content-type'] = contentType;
  response.body = body;
}
