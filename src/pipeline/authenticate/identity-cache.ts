/**
 * Who a presented API key belongs to, without a store query per request: key and consumer
 * records are cached in memory, pushed out by the store's change feed (revocation reaches
 * other instances within the feed's bound, about a second) and re-read at most every
 * `ttlMs` in any case. Unknown keys are cached briefly too, so garbage keys cannot hammer
 * the store. The key's hash is still checked on every request, in constant time.
 */
import { apiKeyPrefix, apiKeyStatus, verifyApiKey } from '../../secrets/api-keys.js';
import type { ApiKey, Change, Consumer, StateStore } from '../../store/state/types.js';
import { UnigateError } from '../../errors/unigate-error.js';

export interface Identity {
  consumer: Consumer;
  /** The API key used, when the caller presented one. */
  apiKey: ApiKey | undefined;
  via: 'key' | 'jwt';
}

interface Cached<T> {
  value: T | undefined;
  loadedAt: number;
}

const MAX_ENTRIES = 100_000;
const NEGATIVE_TTL_MS = 5_000;

export class IdentityCache {
  private readonly keys = new Map<string, Cached<ApiKey>>();
  private readonly consumers = new Map<string, Cached<Consumer>>();
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: StateStore,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The identity behind a presented key; throws UNAUTHENTICATED or FORBIDDEN. */
  async verifyKey(presented: string): Promise<Identity> {
    const prefix = apiKeyPrefix(presented);
    if (prefix === undefined) throw unauthenticated('malformed API key');
    const key = await this.cached(this.keys, prefix, () => this.store.findApiKeyByPrefix(prefix));
    if (key === undefined || !verifyApiKey(presented, key.hash)) throw unauthenticated('unknown API key');
    const status = apiKeyStatus(key, this.now());
    if (status !== 'active') throw unauthenticated(`API key ${status}`);
    return { consumer: await this.enabledConsumer(key.consumerId), apiKey: key, via: 'key' };
  }

  /**
   * verifyKey without waiting, for the hot path: the identity when the key and its consumer
   * are cached and fresh and the key is good; undefined otherwise (verifyKey then loads what
   * is missing or gives the error).
   */
  peekKey(presented: string): Identity | undefined {
    const prefix = apiKeyPrefix(presented);
    if (prefix === undefined) return undefined;
    const now = this.now();
    const key = this.keys.get(prefix);
    if (key?.value === undefined || now - key.loadedAt >= this.ttlMs) return undefined;
    const consumer = this.consumers.get(key.value.consumerId);
    if (consumer?.value === undefined || now - consumer.loadedAt >= this.ttlMs || !consumer.value.enabled) return undefined;
    if (!verifyApiKey(presented, key.value.hash) || apiKeyStatus(key.value, now) !== 'active') return undefined;
    return { consumer: consumer.value, apiKey: key.value, via: 'key' };
  }

  /** A consumer by id (JWT subjects); throws FORBIDDEN when unknown or disabled. */
  async enabledConsumer(id: string): Promise<Consumer> {
    const consumer = await this.cached(this.consumers, id, () => this.store.getConsumer(id));
    if (consumer === undefined) throw new UnigateError('FORBIDDEN', { message: 'The caller is not a known consumer' });
    if (!consumer.enabled) throw new UnigateError('FORBIDDEN', { message: 'The consumer is disabled' });
    return consumer;
  }

  /** Applies store changes: drops what they touched. */
  onChanges(changes: readonly Change[]): void {
    for (const change of changes) {
      if (change.entityType === 'api_key') {
        for (const [prefix, entry] of this.keys) if (entry.value?.id === change.entityId) this.keys.delete(prefix);
      } else if (change.entityType === 'consumer') {
        this.consumers.delete(change.entityId);
      }
    }
    // A new key may have been created with a prefix we cached as unknown.
    for (const [prefix, entry] of this.keys) if (entry.value === undefined) this.keys.delete(prefix);
  }

  clear(): void {
    this.keys.clear();
    this.consumers.clear();
  }

  private async cached<T>(map: Map<string, Cached<T>>, id: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const entry = map.get(id);
    const now = this.now();
    if (entry !== undefined && now - entry.loadedAt < (entry.value === undefined ? NEGATIVE_TTL_MS : this.ttlMs)) return entry.value;
    const flightKey = `${map === this.keys ? 'k' : 'c'}:${id}`;
    let pending = this.loading.get(flightKey) as Promise<T | undefined> | undefined;
    if (pending === undefined) {
      pending = load().finally(() => this.loading.delete(flightKey));
      this.loading.set(flightKey, pending);
    }
    const value = await pending;
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
    map.set(id, { value, loadedAt: now });
    return value;
  }
}

export function unauthenticated(reason: string, scheme = 'Bearer'): UnigateError {
  return new UnigateError('UNAUTHENTICATED', {
    message: 'A valid API key or token is required',
    details: { reason },
    headers: { 'www-authenticate': `${scheme} realm="unigate", error="invalid_token"` },
  });
}
