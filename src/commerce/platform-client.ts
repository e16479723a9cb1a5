/**
 * The PlatformClient connectors use inside Unigate: every native call goes through the
 * engine on the connection's route, so it is paced by the platform's shield, carries the
 * vault's credential, and is retried, timed out and circuit-broken like client traffic.
 */
import type { BuiltRoute } from '../config/compile.js';
import type { ConnectorDefinition } from '../connectors/common/definition.js';
import type { PlatformClient, PlatformRequest, PlatformResponse } from '../connectors/connector.js';
import type { ForwardObserver } from '../pipeline/upstream/forward.js';
import { sendInternal } from '../pipeline/upstream/internal-request.js';

export class EnginePlatformClient implements PlatformClient {
  /** Native calls made, for capability reports and tests. */
  calls = 0;

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
    this.calls++;
    const headers: Record<string, string> = { ...this.definition.headers };
    let body: Buffer | undefined;
    if (request.body !== undefined) {
      body = Buffer.from(JSON.stringify(request.body));
      headers['content-type'] = 'application/json';
    }
    const response = await sendInternal(
      this.route,
      { method: request.method, path: request.path, query: encodeQuery(request.query), headers, body },
      this.observer,
    );
    return { status: response.status, headers: response.headers, body: decodeBody(response.headers, response.body) };
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

function decodeBody(headers: Record<string, string | string[]>, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const type = String(headers['content-type'] ?? '');
  const text = body.toString('utf8');
  if (/json/i.test(type) || /^\s*[[{"]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
