import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { UnigateError } from '../../errors/unigate-error.js';
import type { EnginePlatformClient } from '../platform-client.js';
import type { UnifiedCall } from './execute.js';
import { MappingThreads } from './mapping-threads.js';

const logger = pino({ level: 'silent' });
const count: UnifiedCall = {
  op: 'product.count',
  connections: [{ id: 'conn_shop', target: 'shopify', generation: 1 }],
  fanOut: false,
  id: undefined,
  query: {},
  body: undefined,
  fanOutConcurrency: 1,
};

/** A store whose count answer comes when `answer` is called; `asked` resolves once the thread has asked. */
function heldStore() {
  let asked!: () => void;
  let answer!: () => void;
  const client = {
    sendRaw: () =>
      new Promise((resolve) => {
        answer = () => resolve({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"count":7}') });
        asked();
      }),
  } as unknown as EnginePlatformClient;
  return { client, asked: new Promise<void>((resolve) => (asked = resolve)), answer: () => answer() };
}

let threads: MappingThreads | undefined;
afterEach(async () => {
  await threads?.close();
});

describe('MappingThreads.close', () => {
  it('lets a call in flight finish within the grace period, and takes no new call', async () => {
    threads = new MappingThreads({ threads: 1, youngGenerationMb: 16, logger });
    const store = heldStore();
    const running = threads.run(count, () => store.client);
    await store.asked;
    const closed = threads.close(10_000);
    setTimeout(() => store.answer(), 50);
    expect(JSON.parse((await running).toString())).toEqual({ count: 7 });
    await closed;
    await expect(threads.run(count, () => store.client)).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
  });

  it('fails a call still running when the grace period ends', async () => {
    threads = new MappingThreads({ threads: 1, youngGenerationMb: 16, logger });
    const store = heldStore();
    const running = threads.run(count, () => store.client);
    const failed = running.catch((err: unknown) => err);
    await store.asked;
    await threads.close(100);
    const err = await failed;
    expect(err).toBeInstanceOf(UnigateError);
    expect((err as UnigateError).code).toBe('INTERNAL_ERROR');
  });
});
