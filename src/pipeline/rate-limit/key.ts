/**
 * The key a route's limits are counted under, built from configured parts (consumer, API
 * key, route, client IP, header values). Values come from the client, so each is encoded,
 * and a key that gets long is hashed: the store never sees raw client text.
 */
import { hash } from 'node:crypto';
import type { RequestContext } from '../../server/context.js';

export type KeyPart = 'consumer' | 'api_key' | 'route' | 'client_ip' | { header: string };

/** What a key is read from: a route's request context, or a unified API call. */
export type KeySource = Pick<RequestContext, 'consumerId' | 'identity' | 'clientIp' | 'header'>;

const MAX_KEY = 200;

export function compileKey(parts: readonly KeyPart[], routeName: string): (ctx: KeySource) => string {
  // Each part is `|` + the encoded `name=value`; the encoded `name=` (and a route's whole part) is fixed.
  const readers = parts.map((part): ((ctx: KeySource) => string) => {
    if (typeof part === 'object') {
      const name = part.header.toLowerCase();
      return (ctx) => `|h%3D${encodeURIComponent(ctx.header(name) ?? '')}`;
    }
    switch (part) {
      case 'consumer':
        return (ctx) => `|c%3D${encodeURIComponent(ctx.consumerId ?? '')}`;
      case 'api_key':
        return (ctx) => `|k%3D${encodeURIComponent(ctx.identity?.apiKey?.id ?? '')}`;
      case 'route': {
        const fixed = `|${encodeURIComponent(`r=${routeName}`)}`;
        return () => fixed;
      }
      case 'client_ip':
        return (ctx) => `|i%3D${encodeURIComponent(ctx.clientIp)}`;
    }
  });
  return (ctx) => {
    let key = 'rl';
    for (const read of readers) key += read(ctx);
    return key.length <= MAX_KEY ? key : `rl#${hash('sha256', key, 'base64url')}`;
  };
}
