import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySharedStore } from '../store/shared/memory/index.js';
import type { SharedStore } from '../store/shared/types.js';
import { SqliteStateStore } from '../store/state/sqlite/sqlite-store.js';
import { IdempotentWrites, type Answer } from './idempotency.js';

describe('IdempotentWrites', () => {
  let shared: SharedStore;
  let state: SqliteStateStore;
  let connection: string;
  const failures: Array<{ what: string; err: unknown }> = [];

  beforeEach(async () => {
    shared = createMemorySharedStore();
    state = await SqliteStateStore.open({ path: ':memory:' });
    const consumer = await state.createConsumer({ name: 'c' }, 'test');
    connection = (await state.createConnection({ consumerId: consumer.id, kind: 'platform', target: 'shopify', baseUrl: 'http://127.0.0.1:1', authStrategy: 'header', authSettings: {} }, 'test')).id;
    failures.length = 0;
    outcomes.length = 0;
  });

  afterEach(async () => {
    await state.close();
    await shared.close();
  });

  const outcomes: string[] = [];
  const writes = () =>
    new IdempotentWrites({
      locks: shared.locks,
      answers: state,
      ttlMs: 60_000,
      pendingMs: 5_000,
      onStoreError: (err, what) => failures.push({ err, what }),
      onOutcome: (outcome) => outcomes.push(outcome),
    });
  const answer = (text: string): Answer => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(text) });
  const scope = (conn: string, key = 'k1') => ({ consumerId: 'cons_1', connection: conn, key, requestId: 'req-1' });

  it('applies a write once and replays its answer, from another instance too', async () => {
    let applied = 0;
    const write = async () => answer(`{"n":${++applied}}`);
    const first = await writes().run(scope(connection), 'fp', write);
    expect(first).toMatchObject({ status: 200, replayed: false });
    const again = await writes().run(scope(connection), 'fp', write);
    expect(again).toMatchObject({ status: 200, replayed: true, headers: { 'content-type': 'application/json' } });
    expect(again.body.toString()).toBe('{"n":1}');
    expect(applied).toBe(1);
    await expect(writes().run(scope(connection), 'other', write)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(failures).toEqual([]);
    expect(outcomes).toEqual(['applied', 'replayed', 'reused']);
  });

  it('still answers a write whose answer cannot be kept (its connection was deleted meanwhile), and reports it', async () => {
    let applied = 0;
    const write = async () => answer(`{"n":${++applied}}`);
    const result = await writes().run(scope('conn_deleted'), 'fp', write);
    expect(result).toMatchObject({ status: 200, replayed: false });
    expect(result.body.toString()).toBe('{"n":1}');
    expect(failures.map((f) => f.what)).toEqual(['keep']);
    expect(String(failures[0]!.err)).toMatch(/FOREIGN KEY|foreign key/);
  });

  it('keeps answers for the time configured when they were written (a reload changes it for later writes)', async () => {
    const idempotent = writes();
    let applied = 0;
    const write = async () => answer(`{"n":${++applied}}`);
    idempotent.configure({ ttlMs: 30, pendingMs: 5_000 });
    await idempotent.run(scope(connection, 'short'), 'fp', write);
    idempotent.configure({ ttlMs: 60_000, pendingMs: 5_000 });
    await idempotent.run(scope(connection, 'long'), 'fp', write);
    await new Promise((r) => setTimeout(r, 60));
    // The first answer expired: its retry runs the write again; the second is replayed.
    expect((await idempotent.run(scope(connection, 'short'), 'fp', write)).replayed).toBe(false);
    expect((await idempotent.run(scope(connection, 'long'), 'fp', write)).replayed).toBe(true);
    expect(applied).toBe(3);
  });
});
