/**
 * The shared ephemeral state every instance of a deployment sees: rate-limit state, leases
 * and locks, pub/sub, and cache storage, behind one facade with an in-process backend
 * (default) and a Redis backend (`stores.shared: redis://…`). Policies receive a
 * SharedStore through services and never open one.
 *
 * Every operation may reject with SharedStoreUnavailableError (`code`
 * 'SHARED_STORE_UNAVAILABLE') when the backend cannot answer within its bounded timeouts;
 * each policy decides whether that fails open or closed.
 */

/** A limit on one key. Plain data: build specs once at startup, reuse them per request. */
export type RateLimitSpec = GcraLimit | WindowLimit;

/**
 * Generic cell rate algorithm: a token bucket kept as one "theoretical arrival time".
 * `rate` units per `periodMs` steady, up to `burst` at once. A leaky bucket is the same
 * thing: Shopify's capacity 40 leaking 2/s is `{ kind: 'gcra', rate: 2, periodMs: 1000, burst: 40 }`.
 */
export interface GcraLimit {
  readonly kind: 'gcra';
  readonly rate: number;
  readonly periodMs: number;
  /** Units admissible at once (bucket capacity); defaults to `rate`. */
  readonly burst?: number;
  /** Names the stored state; defaults to the spec's shape, so a changed limit starts afresh. */
  readonly name?: string;
}

/**
 * Sliding window counter (the previous fixed window's count weighted by its overlap with
 * the sliding window, plus the current count): `limit` units per `windowMs`, O(1) state.
 */
export interface WindowLimit {
  readonly kind: 'window';
  readonly limit: number;
  readonly windowMs: number;
  readonly name?: string;
}

export interface CheckOptions {
  /** Units this call consumes: 1 by default, 0 to look without consuming. */
  readonly cost?: number;
  /**
   * GCRA only: instead of refusing, admit a call that fits within this many ms and say
   * how long to wait (`delayMs`). This is how an outbound shield queues. Default 0.
   */
  readonly maxDelayMs?: number;
}

/** One limit's answer: what RateLimit-Limit / -Remaining / -Reset and Retry-After need. */
export interface LimitState {
  readonly spec: RateLimitSpec;
  readonly allowed: boolean;
  /** The quota: `burst` for GCRA, `limit` for a window. */
  readonly limit: number;
  /** Units still admissible right now, after this call. */
  readonly remaining: number;
  /** Ms until the full quota is available again. */
  readonly resetMs: number;
  /** Ms until this call would be admitted; 0 when allowed; Infinity when its cost exceeds the quota. */
  readonly retryAfterMs: number;
}

export interface RateDecision {
  /** True when the key is not paused and every limit admits; only then is anything consumed. */
  readonly allowed: boolean;
  /** For an admitted call: ms to wait before sending (GCRA with `maxDelayMs`), else 0. */
  readonly delayMs: number;
  /** For a refused call: ms until it would be admitted (the longest of the refusals and the pause). */
  readonly retryAfterMs: number;
  /** Ms the key stays paused (see RateLimiter.pause); 0 when not paused. */
  readonly pausedMs: number;
  /** One state per spec, in the order given. */
  readonly limits: readonly LimitState[];
  /**
   * The limit response headers should describe: the refusing limit with the longest wait,
   * else the one with the fewest remaining units. Undefined when no limits were given.
   */
  readonly binding: LimitState | undefined;
}

export type LevelMode = 'raise' | 'set';

/** Counters, token buckets, sliding windows and pauses on a key; each call is one round trip. */
export interface RateLimiter {
  /** Checks the key's pause and every limit in one atomic step; consumes from all or none. */
  check(key: string, limits: readonly RateLimitSpec[], options?: CheckOptions): Promise<RateDecision>;
  /** check() without waiting, for limiters that count in process (memory). */
  checkNow?(key: string, limits: readonly RateLimitSpec[], options?: CheckOptions): RateDecision;
  /**
   * Corrects a bucket's level from what the upstream reports, e.g.
   * `X-Shopify-Shop-Api-Call-Limit: 32/40` → level 32. 'raise' (default) only ever raises
   * the level, because calls sent after the upstream answered are not in its count yet.
   */
  setLevel(key: string, limit: GcraLimit, level: number, mode?: LevelMode): Promise<LimitState>;
  /**
   * Refuses every check on the key, on every instance, for `durationMs` (e.g. after a 429
   * with Retry-After). Extends an existing pause, never shortens it. Resolves to ms remaining.
   */
  pause(key: string, durationMs: number): Promise<number>;
  /** Adds `by` to a plain counter and resolves to the total; it lives `ttlMs` from its first increment. */
  increment(key: string, by: number, ttlMs: number): Promise<number>;
  /** Forgets the key's pause and the state of the given limits. */
  reset(key: string, limits: readonly RateLimitSpec[]): Promise<void>;
}

export interface Lease {
  readonly key: string;
  readonly id: string;
}

export interface LeaseOptions {
  /** Concurrent leases allowed on the key (1 for a mutex). */
  readonly limit: number;
  /** The lease frees itself after this long unless renewed, so a crashed holder leaks nothing. */
  readonly ttlMs: number;
}

export type LeaseResult =
  | { readonly acquired: true; readonly lease: Lease; readonly active: number }
  | { readonly acquired: false; readonly active: number; /** Ms until the earliest lease expires. */ readonly retryAfterMs: number };

export type SingleFlightRole =
  /** Ran `work` holding the cluster-wide lock. */
  | 'leader'
  /** Shared the result of a call already running on this instance. */
  | 'joined'
  /** Another instance ran `work`; the value came from `follow`. */
  | 'follower'
  /** Ran `work` without coordination: the store was unavailable or the wait ran out. */
  | 'alone';

export interface SingleFlightOptions<T> {
  /** Lifetime of the cluster-wide lock, renewed while `work` runs; a crashed leader's lock frees itself after this. */
  readonly ttlMs: number;
  /** How long to wait for another instance's leader before running `work` anyway. */
  readonly waitMs: number;
  /** Run once the other instance's leader finishes, e.g. re-read the cache; undefined means "try again". */
  readonly follow: () => Promise<T | undefined>;
}

export interface SingleFlightResult<T> {
  readonly value: T;
  readonly role: SingleFlightRole;
}

/** Counting semaphores with lease expiry, and single-flight coalescing built on them. */
export interface Locks {
  acquire(key: string, options: LeaseOptions): Promise<LeaseResult>;
  /** Extends a live lease; false when it had already expired (its slot may be taken). */
  renew(lease: Lease, ttlMs: number): Promise<boolean>;
  /** Frees the slot and wakes waiters on every instance; false when it had already expired. */
  release(lease: Lease): Promise<boolean>;
  /**
   * Resolves true as soon as fewer than `limit` leases are held on the key (a release
   * anywhere, or the earliest lease expiring), false after `timeoutMs`. Does not acquire.
   */
  waitForSlot(key: string, options: { readonly limit: number; readonly timeoutMs: number }): Promise<boolean>;
  /**
   * Coalesces concurrent calls for `key`: on one instance they share one promise; across
   * instances one leader runs `work` under a lock and the others `follow` once it is done.
   */
  singleFlight<T>(key: string, work: () => Promise<T>, options: SingleFlightOptions<T>): Promise<SingleFlightResult<T>>;
}

export type Unsubscribe = () => Promise<void>;

/** Fire-and-forget messages to every instance (the publisher included); at most once. */
export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  /**
   * Resolves once the subscription is active. Messages sent while an instance is
   * disconnected are lost: subscribers that must not miss any should resynchronise
   * when `health` reports 'connected' again.
   */
  subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe>;
}

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface CacheEntry {
  /** The URL this entry answers for; `purgePrefix` matches against it. */
  readonly url: string;
  readonly tags: readonly string[];
  /** Status, headers, validators, freshness: whatever the cache policy needs, as JSON. */
  readonly meta: { readonly [key: string]: JsonValue };
  readonly body: Buffer;
}

export interface StoredCacheEntry extends CacheEntry {
  /** Ms the entry has left to live. */
  readonly ttlMs: number;
  /** Where the hit came from: this instance's memory or the shared backend. */
  readonly tier: 'local' | 'shared';
}

/** Cache entries with TTL; deletes and purges reach every instance's in-memory layer. */
export interface CacheStorage {
  get(key: string): Promise<StoredCacheEntry | undefined>;
  /**
   * The entry itself without waiting (no copy, no remaining TTL), for backends that hold
   * every entry in process (memory): authoritative when the backend has it.
   */
  getNow?(key: string): CacheEntry | undefined;
  set(key: string, entry: CacheEntry, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Removes every entry whose URL starts with `urlPrefix`; resolves to how many the shared tier held. */
  purgePrefix(urlPrefix: string): Promise<number>;
  purgeTag(tag: string): Promise<number>;
  purgeAll(): Promise<void>;
}

export type SharedStoreState = 'connected' | 'unavailable';

export interface HealthSnapshot {
  readonly backend: SharedStoreBackend;
  /** Where the store points, without credentials (e.g. `redis://10.0.0.5:6379`). */
  readonly target: string;
  readonly state: SharedStoreState;
  /** When the current state began (ms since the epoch). */
  readonly since: number;
  /** The error that made it unavailable, if any. */
  readonly error?: string;
}

export interface StoreHealth {
  readonly state: SharedStoreState;
  /** For /readyz. */
  snapshot(): HealthSnapshot;
  /** Called once per state change, never per failed call. Returns a function that removes the listener. */
  onChange(listener: (snapshot: HealthSnapshot) => void): () => void;
}

export type SharedStoreBackend = 'memory' | 'redis' | 'redis-cluster';

export interface SharedStore {
  readonly backend: SharedStoreBackend;
  readonly rates: RateLimiter;
  readonly locks: Locks;
  readonly pubsub: PubSub;
  readonly cache: CacheStorage;
  readonly health: StoreHealth;
  close(): Promise<void>;
}
