/**
 * `Idempotency-Key` on unified writes (draft-ietf-httpapi-idempotency-key-header): a write
 * retried with the same key is applied once, and every retry answers the first result, with
 * `Idempotent-Replayed: true`. Keys are scoped to the consumer and the connection, kept in the
 * shared store (so every instance sees them) for `commerce.idempotency_ttl`; while the first
 * request runs, a retry gets 409 IDEMPOTENCY_KEY_IN_USE, and the key reused for another
 * request gets 422 IDEMPOTENCY_KEY_REUSED. A write that failed for want of a platform answer
 * (5xx, timeout) is not kept, so its retry tries again.
 *
 * Answers live in the durable state store (SQLite or PostgreSQL), where no cache purge,
 * eviction or Redis restart can drop one while its retries may still come; the claim on a
 * key while its first request runs is a lock in the shared store, cluster-wide.
 */
import { hash } from 'node:crypto';
import { errorEnvelope } from '../errors/envelope.js';
import { UnigateError, isUnigateError } from '../errors/unigate-error.js';
import type { SharedStore } from '../store/shared/types.js';
import type { StateStore } from '../store/state/types.js';

/** How often an instance deletes expired answers (on a write, not on a timer). */
const SWEEP_EVERY_MS = 60_000;

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** JSON bytes. */
  body: Buffer;
}

export interface IdempotencyScope {
  consumerId: string;
  /** The connection id. */
  connection: string;
  key: string;
  requestId: string;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/** How a write with a key went: applied (first request), replayed, or refused (409 in use, 422 reused). */
export type IdempotencyOutcome = 'applied' | 'replayed' | 'in_use' | 'reused';

const REFUSALS: Partial<Record<string, IdempotencyOutcome>> = { IDEMPOTENCY_KEY_IN_USE: 'in_use', IDEMPOTENCY_KEY_REUSED: 'reused' };

export interface IdempotentWritesOptions {
  /** The claim on a key while its first request runs (cluster-wide with Redis). */
  locks: SharedStore['locks'];
  answers: Pick<StateStore, 'getIdempotentAnswer' | 'saveIdempotentAnswer' | 'deleteExpiredIdempotentAnswers'>;
  ttlMs: number;
  /** How long a first request may hold its key before a retry may run it again. */
  pendingMs: number;
  /** A failure to keep an answer or to sweep: the write itself stands, so it is reported, not thrown. */
  onStoreError?: (err: unknown, what: 'keep' | 'sweep') => void;
  onOutcome?: (outcome: IdempotencyOutcome) => void;
}

export class IdempotentWrites {
  private lastSweep = 0;
  private readonly options: IdempotentWritesOptions;

  constructor(options: IdempotentWritesOptions) {
    this.options = { ...options };
  }

  /** A reload's durations: writes from now on keep their answers and hold their keys for these. */
  configure(durations: Pick<IdempotentWritesOptions, 'ttlMs' | 'pendingMs'>): void {
    this.options.ttlMs = durations.ttlMs;
    this.options.pendingMs = durations.pendingMs;
  }

  /** The first answer for this key (replayed), or `write`'s, which is then kept. */
  async run(scope: IdempotencyScope, fingerprint: string, write: () => Promise<Answer>): Promise<Answer & { replayed: boolean }> {
    try {
      const answer = await this.runOnce(scope, fingerprint, write);
      this.options.onOutcome?.(answer.replayed ? 'replayed' : 'applied');
      return answer;
    } catch (err) {
      const refused = isUnigateError(err) ? REFUSALS[err.code] : undefined;
      if (refused !== undefined) this.options.onOutcome?.(refused);
      throw err;
    }
  }

  private async runOnce(scope: IdempotencyScope, fingerprint: string, write: () => Promise<Answer>): Promise<Answer & { replayed: boolean }> {
    if (!KEY.test(scope.key)) {
      throw new UnigateError('VALIDATION_FAILED', {
        details: { errors: [{ path: 'header.idempotency-key', message: 'must be 1 to 255 visible ASCII characters' }] },
      });
    }
    const storeKey = `idempotency:${hash('sha256', `${scope.consumerId}\0${scope.connection}\0${scope.key}`, 'base64url')}`;
    const kept = await this.replay(storeKey, fingerprint);
    if (kept !== undefined) return kept;
    const claim = await this.options.locks.acquire(storeKey, { limit: 1, ttlMs: this.options.pendingMs });
    if (!claim.acquired) {
      // It may have finished between the look-up and the claim.
      const done = await this.replay(storeKey, fingerprint);
      if (done !== undefined) return done;
      throw new UnigateError('IDEMPOTENCY_KEY_IN_USE', { headers: { 'retry-after': String(Math.max(1, Math.ceil(claim.retryAfterMs / 1000))) } });
    }
    try {
      // Claimed: a first request that finished just before the claim left its answer.
      const done = await this.replay(storeKey, fingerprint);
      if (done !== undefined) return done;
      let answer: Answer;
      try {
        answer = await write();
      } catch (err) {
        if (isUnigateError(err) && keptAsAnswer(err.status)) {
          await this.keep(storeKey, scope.connection, fingerprint, { status: err.status, headers: err.headers ?? {}, body: Buffer.from(JSON.stringify(errorEnvelope(err, scope.requestId))) });
        }
        throw err;
      }
      if (answer.status < 500) await this.keep(storeKey, scope.connection, fingerprint, answer);
      return { ...answer, replayed: false };
    } finally {
      await this.options.locks.release(claim.lease);
    }
  }

  private async replay(storeKey: string, fingerprint: string): Promise<(Answer & { replayed: boolean }) | undefined> {
    const kept = await this.options.answers.getIdempotentAnswer(storeKey);
    if (kept === undefined) return undefined;
    if (kept.fingerprint !== fingerprint) throw new UnigateError('IDEMPOTENCY_KEY_REUSED');
    return { status: kept.status, headers: kept.headers, body: kept.body, replayed: true };
  }

  /**
   * The write was applied whatever happens here: a client that got no answer would retry it,
   * so a store failure is reported and the answer still goes out.
   */
  private async keep(storeKey: string, connectionId: string, fingerprint: string, answer: Answer): Promise<void> {
    try {
      // False only when another instance kept one meanwhile (after this claim expired): the first stays.
      await this.options.answers.saveIdempotentAnswer(storeKey, { connectionId, fingerprint, status: answer.status, headers: answer.headers, body: answer.body, ttlMs: this.options.ttlMs });
    } catch (err) {
      this.options.onStoreError?.(err, 'keep');
    }
    this.sweep();
  }

  /** Expired answers read as absent; this keeps them from piling up. A failed sweep is tried again on the next write. */
  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    this.options.answers.deleteExpiredIdempotentAnswers().catch((err: unknown) => {
      this.lastSweep = 0;
      this.options.onStoreError?.(err, 'sweep');
    });
  }
}

/** What a request is, for telling a retry from another request under the same key. */
export function writeFingerprint(operation: string, id: string | undefined, body: unknown): string {
  return hash('sha256', `${operation}\0${id ?? ''}\0${JSON.stringify(body ?? null)}`, 'base64url');
}

/** Client errors are answers (a retry would get the same); 501 too. Platform failures are not. */
function keptAsAnswer(status: number): boolean {
  return status < 500 || status === 501;
}
