/**
 * The request side every connector shares: send a row of the endpoint table, turn non-2xx
 * answers into PlatformErrors with the platform's message, and read the payload under the
 * row's root key. Ids that cannot exist on the platform (the definition's `idPattern`) are
 * answered as missing without a request.
 *
 *   const r = createRequester(SHOPIFY, shopifyErrorMessage);
 *   const product = await r.one(client, 'products.get', '8100000001');
 */
import type { PlatformClient, PlatformRequest, PlatformResponse } from '../connector.js';
import { endpoint, payloadAt, type ConnectorDefinition } from './definition.js';
import { badResponse, ensureOk } from './errors.js';
import { asObject } from './mapping.js';

type Json = Record<string, unknown>;

export interface Requester {
  call(client: PlatformClient, name: string, params?: Record<string, string>, query?: PlatformRequest['query'], body?: unknown): Promise<PlatformResponse>;
  /** The payload under the endpoint's root key; a bad response when it is missing. */
  payload(res: PlatformResponse, name: string): unknown;
  /** A list payload; 204 No Content is an empty list (BigCommerce V2, bigcommerce.md §4). */
  records(res: PlatformResponse, name: string): Json[];
  /** One record by id, or undefined on 404 and for ids the platform cannot have. */
  one(client: PlatformClient, name: string, id: string): Promise<Json | undefined>;
  /** Whether an id could exist on the platform. */
  possibleId(id: string): boolean;
}

export function createRequester(def: ConnectorDefinition, messageOf: (body: unknown) => string | undefined): Requester {
  const P = def.label;
  const idPattern = new RegExp(def.idPattern);
  const r: Requester = {
    async call(client, name, params = {}, query = {}, body) {
      const res = await client.send(endpoint(def, name, params, query, body));
      ensureOk(res, P, messageOf);
      return res;
    },
    payload(res, name) {
      const root = def.endpoints[name]?.root;
      const value = payloadAt(res.body, root);
      if (value === undefined) throw badResponse(P, res.status, `no "${root}" in the ${name} answer`);
      return value;
    },
    records(res, name) {
      if (res.status === 204) return [];
      const value = r.payload(res, name);
      if (!Array.isArray(value)) throw badResponse(P, res.status, `${name} did not answer a list`);
      return value.map((v) => asObject(v) ?? {});
    },
    async one(client, name, id) {
      if (!r.possibleId(id)) return undefined;
      const res = await client.send(endpoint(def, name, { id }));
      if (res.status === 404) return undefined;
      ensureOk(res, P, messageOf);
      const record = asObject(r.payload(res, name));
      if (!record) throw badResponse(P, res.status, `${name} did not answer a record`);
      return record;
    },
    possibleId: (id) => idPattern.test(id),
  };
  return r;
}
