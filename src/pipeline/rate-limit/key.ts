/**
 * The key a route's limits are counted under, built from configured parts (consumer, API
 * key, route, client IP, header values). Values come from the client, so each is encoded,
 * and a key that gets long is hashed: the store never sees raw client text.
 */
import { createHash } from 'node:crypto';
import type { RequestContext } from '../../server/context.js';

export type KeyPart = 'consumer' | 'api_key' | 'route' | 'client_ip' | { header: string };

const MAX_KEY = 200;

export function compileKey(parts: readonly KeyPart[], routeName: string): (ctx: RequestContext) => string {
  const readers = parts.map((part): ((ctx: RequestContext) => string) => {
    if (typeof part === 'object') {
      const name = part.header.toLowerCase();
      return (ctx) => `h=${ctx.header(name) ?? ''}`;
    }
    switch (part) {
      case 'consumer':
        return (ctx) => `c=${ctx.consumerId ?? ''}`;
      case 'api_key':
        return (ctx) => `k=${ctx.identity?.apiKey?.id ?? ''}`;
      case 'route':
        return () => `r=${routeName}`;
      case 'client_ip':
        return (ctx) => `i=${ctx.clientIp}`;
    }
  });
  return (ctx) => {
    let key = 'rl';
    for (const read of readers) key += `|${encodeURIComponent(read(ctx))}`;
    return key.length <= MAX_KEY ? key : `rl#${createHash('sha256').update(key).digest('base64url')}`;
  };
}
