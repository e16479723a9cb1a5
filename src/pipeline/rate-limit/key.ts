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
  const readers = parts.map((part): { fixed: string } | { prefix: string; read: (ctx: KeySource) => string } => {
    if (typeof part === 'object') {
      const name = part.header.toLowerCase();
      return { prefix: '|h%3D', read: (ctx) => ctx.header(name) ?? '' };
    }
    switch (part) {
      case 'consumer':
        return { prefix: '|c%3D', read: (ctx) => ctx.consumerId ?? '' };
      case 'api_key':
        return { prefix: '|k%3D', read: (ctx) => ctx.identity?.apiKey?.id ?? '' };
      case 'route':
        return { fixed: `|${encodeURIComponent(`r=${routeName}`)}` };
      case 'client_ip':
        return { prefix: '|i%3D', read: (ctx) => ctx.clientIp };
    }
  });
  const build = (ctx: KeySource): string => {
    let key = 'rl';
    for (const r of readers) key += 'fixed' in r ? r.fixed : r.prefix + encodeURIComponent(r.read(ctx));
    return key.length <= MAX_KEY ? key : `rl#${hash('sha256', key, 'base64url')}`;
  };
  const variable = readers.filter((r) => !('fixed' in r));
  if (variable.length !== 1) return build;
  // One value decides the key (a consumer, an address): the key built for it is kept, and the
  // same string (its hash computed once) is what the store looks the state up by.
  const read = (variable[0] as { read: (ctx: KeySource) => string }).read;
  const known = new Map<string, string>();
  return (ctx) => {
    const value = read(ctx);
    // Long values (a client's header) are not kept: the memory stays small whatever clients send.
    if (value.length > KNOWN_VALUE_LENGTH) return build(ctx);
    let key = known.get(value);
    if (key === undefined) {
      if (known.size >= KNOWN_KEYS) known.clear();
      key = build(ctx);
      known.set(value, key);
    }
    return key;
  };
}

/** Keys kept per limit; past this many distinct callers the memory starts over. */
const KNOWN_KEYS = 10_000;
const KNOWN_VALUE_LENGTH = 128;
