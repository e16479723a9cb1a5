import { describe, expect, it } from 'vitest';
import { FairQueue, ShedError, type Acquired, type Waiter } from './fair-queue.js';

interface TestWaiter extends Waiter {
  readonly id: string;
}

/** A budget that admits one waiter per `open()` call; records the order of admissions. */
function gate() {
  const admitted: string[] = [];
  let tokens = 0;
  let queue!: FairQueue<TestWaiter, string>;
  queue = new FairQueue<TestWaiter, string>({
    maxSize: 100,
    async tryAcquire(w): Promise<Acquired<string>> {
      if (tokens > 0) {
        tokens--;
        admitted.push(w.id);
        return { ok: true, grant: w.id };
      }
      return { ok: false, waitMs: 1000 };
    },
    release() {},
  });
  return {
    queue,
    admitted,
    open(n = 1) {
      tokens += n;
      queue.unblock();
    },
  };
}

const waiter = (tenant: string, id: string, deadlineMs = 60_000): TestWaiter => ({ tenant, id, deadline: performance.now() + deadlineMs, cancelled: () => false });
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('fair queue', () => {
  it('serves tenants round robin, so a flood from one cannot starve another', async () => {
    const g = gate();
    const done: Promise<string>[] = [];
    for (let i = 0; i < 10; i++) done.push(g.queue.enter(waiter('a', `a${i}`)));
    await tick();
    for (let i = 0; i < 3; i++) done.push(g.queue.enter(waiter('b', `b${i}`)));
    await tick();
    for (let i = 0; i < 13; i++) {
      g.open();
      await tick();
    }
    await Promise.all(done);
    // b's three requests are each served within one turn of a's, not after a's whole backlog.
    expect(g.admitted.slice(0, 6).filter((id) => id.startsWith('b'))).toHaveLength(3);
    expect(g.admitted).toHaveLength(13);
  });

  it('sheds with a deadline error when the wait cannot end in time', async () => {
    const g = gate();
    await expect(g.queue.enter(waiter('a', 'a0', 500))).rejects.toMatchObject({ reason: 'deadline', retryAfterMs: 1000 });
  });

  it('when full, takes room from the tenant with the most waiters, else refuses the newcomer', async () => {
    const admitted: string[] = [];
    let tokens = 0;
    const queue = new FairQueue<TestWaiter, string>({
      maxSize: 3,
      async tryAcquire(w) {
        if (tokens-- > 0) {
          admitted.push(w.id);
          return { ok: true, grant: w.id };
        }
        return { ok: false, waitMs: 50 };
      },
      release() {},
    });
    const outcomes = new Map<string, string>();
    const enter = (w: TestWaiter) =>
      queue.enter(w).then(
        () => outcomes.set(w.id, 'ok'),
        (err: ShedError) => outcomes.set(w.id, err.reason),
      );
    const all = [enter(waiter('a', 'a0')), enter(waiter('a', 'a1')), enter(waiter('a', 'a2'))];
    await tick();
    all.push(enter(waiter('b', 'b0')));
    await tick();
    expect(outcomes.get('a2')).toBe('queue_full');
    all.push(enter(waiter('a', 'a3')));
    await tick();
    expect(outcomes.get('a3')).toBe('queue_full');
    tokens = 10;
    queue.unblock();
    await Promise.all(all);
    expect(outcomes.get('b0')).toBe('ok');
    expect(queue.depth).toBe(0);
  });

  it('drops a waiter whose client went away without asking the budget', async () => {
    let asked = 0;
    let gone = false;
    const queue = new FairQueue<TestWaiter, string>({
      maxSize: 10,
      async tryAcquire() {
        asked++;
        return { ok: false, waitMs: 20 };
      },
      release() {},
    });
    const entered = queue.enter({ tenant: 'a', id: 'a0', deadline: performance.now() + 10_000, cancelled: () => gone });
    await tick();
    const before = asked;
    gone = true;
    await expect(entered).rejects.toMatchObject({ reason: 'cancelled' });
    expect(asked).toBeLessThanOrEqual(before + 1);
  });
});
