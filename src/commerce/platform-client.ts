/**
 * The PlatformClient connectors use inside Unigate: every native call goes through the
 * engine on the connection's route, so it is paced by the platform's shield, carries the
 * vault's credential, and is retried, timed out and circuit-broken like client traffic.
 */
import type { BuiltRoute } from '../config/compile.js';
import type { ConnectorDefinition } from '../connectors/common/definition.js';
import type { PlatformClient, PlatformRequest, PlatformResponse } from '../connectors/connector.js';
import type { ForwardObserver } from '../pipeline/upstream/forward.js';
import { sendInternal, type InternalResponse } from '../pipeline/upstream/internal-request.js';
import { decodeNativeBody } from './native-body.js';

let generations = 0;

export class EnginePlatformClient implements PlatformClient {
  /** Tells this client (and the per-store memory connectors keep by it) from an earlier one of the same connection. */
  readonly generation = ++generations;

  /**
   * One client per connection: connectors keep per-store caches (Shopify's collection
   * membership, BigCommerce's store currency) keyed by their client.
   */
  constructor(
    private readonly route: BuiltRoute,
    private readonly definition: ConnectorDefinition,
    private readonly observer: ForwardObserver,
  ) {}

  async send(request: PlatformRequest): Promise<PlatformResponse> {
    const response = await this.sendRaw(request);
    return { status: response.status, headers: response.headers, body: decodeNativeBody(response.headers, response.body) };
  }

  /** The platform's answer with its body as bytes, for a mapping thread to decode. */
  sendRaw(request: PlatformRequest): Promise<InternalResponse> {
    const headers: Record<string, string> = { ...this.definition.headers };
    let body: Buffer | undefined;
    if (request.body !== undefined) {
      body = Buffer.from(JSON.stringify(request.body));
      headers['content-type'] = 'application/json';
    }
    return sendInternal(this.route, { method: request.method, path: request.path, query: encodeQuery(request.query), headers, body }, this.observer);
  }
}

/** Query as the connectors expect it sent: lists comma-joined, form-encoded. */
export function encodeQuery(query: PlatformRequest['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    params.append(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  return params.toString();
}
