/**
 * Shared pieces of Magento route handlers: the route shape with its ACL resource, error
 * bodies as `Webapi\Rest\Response::_renderMessages` builds them (magento2.md §10: the raw
 * phrase with `%placeholders` plus `parameters`, an object for named and an array for
 * positional ones), JSON request bodies, and `fields=` partial responses (§3).
 */
import { randomBytes } from 'node:crypto';
import { parseJsonBody, type SimRequest, type SimResponse } from '../../simulator-kit/server.js';
import type { MagentoSimulatorState } from './state.js';

export interface RouteContext {
  req: SimRequest;
  params: string[];
  state: MagentoSimulatorState;
  /** The store code in the URL (`default` when there was none). */
  storeCode: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  pattern: RegExp;
  /** ACL resource named in the 401 body (§4 table); null for anonymous routes. */
  resource: string | null;
  handle(ctx: RouteContext): SimResponse;
}

export type Parameters = Record<string, string | number> | Array<string | number>;

export function mError(status: number, message: string, parameters?: Parameters, extra: Record<string, unknown> = {}): SimResponse {
  return { status, body: parameters === undefined ? { message, ...extra } : { message, parameters, ...extra } };
}

export const noRoute = (): SimResponse => mError(404, 'Request does not match any route.');

export const productNotFound = (): SimResponse => mError(404, "The product that was requested doesn't exist. Verify the product and try again.");

export const entityNotFound = (): SimResponse => mError(404, "The entity that was requested doesn't exist. Verify the entity and try again.");

export const noSuchEntity = (fieldName: string, fieldValue: string | number): SimResponse =>
  mError(404, 'No such entity with %fieldName = %fieldValue', { fieldName, fieldValue });

export const required = (fieldName: string): SimResponse => mError(400, '"%fieldName" is required. Enter and try again.', { fieldName });

/** [I] ServiceInputProcessor's type-conversion error. */
export const wrongType = (value: unknown, type: string): SimResponse =>
  mError(400, 'The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.', { value: String(value), type });

/** Production-mode answer to anything unexpected (§10). */
export function internalError(): SimResponse {
  return mError(500, `Internal Error. Details are available in Magento log file. Report ID: webapi-${randomBytes(6).toString('hex')}`);
}

export function ok(body: unknown): SimResponse {
  return { status: 200, body };
}

export type BodyResult = { ok: true; value: Record<string, unknown> } | { ok: false; response: SimResponse };

/** A JSON object body; [I] "Decoding error." for malformed JSON. */
export function jsonBody(req: SimRequest): BodyResult {
  const parsed = parseJsonBody(req.body);
  if (parsed instanceof SyntaxError) return { ok: false, response: mError(400, 'Decoding error.') };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: true, value: {} };
  return { ok: true, value: parsed as Record<string, unknown> };
}

type FieldTree = Map<string, FieldTree | null>;

/** Parse `items[sku,price],total_count` into a tree. */
function parseFields(text: string): FieldTree {
  const tree: FieldTree = new Map();
  let i = 0;
  const level = (into: FieldTree): void => {
    let name = '';
    while (i < text.length) {
      const c = text[i++] as string;
      if (c === '[') {
        const sub: FieldTree = new Map();
        level(sub);
        into.set(name.trim(), sub);
        name = '';
      } else if (c === ']') {
        break;
      } else if (c === ',') {
        if (name.trim() !== '') into.set(name.trim(), null);
        name = '';
      } else {
        name += c;
      }
    }
    if (name.trim() !== '') into.set(name.trim(), null);
  };
  level(tree);
  return tree;
}

function pick(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return value.map((v) => pick(v, tree));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, sub] of tree) {
    if (!(k in value)) continue;
    const v = (value as Record<string, unknown>)[k];
    out[k] = sub === null ? v : pick(v, sub);
  }
  return out;
}

/** `?fields=…` partial response on any GET (§3); a list needs `items[…]` to keep item fields. */
export function withFields(req: SimRequest, res: SimResponse): SimResponse {
  const fields = req.query.get('fields');
  if (fields === null || fields.trim() === '' || res.status !== 200) return res;
  return { ...res, body: pick(res.body, parseFields(fields)) };
}
