/**
 * Per-connection memory for lookups that change rarely (store currency, Shopify collection
 * membership), keyed by the PlatformClient object: one client per connection shares them,
 * and they go away with the client. Entries expire after `ttlMs`; a failed load is not kept.
 *
 *   const shop = createClientMemo<ShopContext>(600_000);
 *   const ctx = await shop.get(client, () => loadShop(client));
 */
import type { PlatformClient } from '../connector.js';

export interface ClientMemo<T> {
  get(client: PlatformClient, load: () => Promise<T>): Promise<T>;
  forget(client: PlatformClient): void;
}

export function createClientMemo<T>(ttlMs: number, now: () => number = Date.now): ClientMemo<T> {
  const entries = new WeakMap<PlatformClient, { value: Promise<T>; at: number }>();
  return {
    get(client, load) {
      const hit = entries.get(client);
      if (hit !== undefined && now() - hit.at < ttlMs) return hit.value;
      const value = load();
      const entry = { value, at: now() };
      entries.set(client, entry);
      value.catch(() => {
        if (entries.get(client) === entry) entries.delete(client);
      });
      return value;
    },
    forget: (client) => entries.delete(client),
  };
}
