import { describe, expect, it } from 'vitest';
import type { Policy, Reply } from './policy.js';
import { runRequestPolicies } from './run.js';
import { testContext } from './test-support/context.js';

const reply = (status: number): Reply => ({ status, headers: {}, body: Buffer.from('') });

function policy(name: string, seen: string[], answer: (() => Reply | undefined | Promise<Reply | undefined>) | undefined): Policy {
  return { name, phase: 'authenticate', onRequest: () => (seen.push(name), answer?.()) };
}

describe('runRequestPolicies', () => {
  it('stays synchronous while every policy answers synchronously', () => {
    const seen: string[] = [];
    const result = runRequestPolicies([policy('a', seen, undefined), policy('b', seen, undefined)], testContext());
    expect(result).toBeUndefined();
    expect(seen).toEqual(['a', 'b']);
  });

  it('stops at the first synchronous reply', () => {
    const seen: string[] = [];
    const result = runRequestPolicies([policy('a', seen, () => reply(304)), policy('b', seen, undefined)], testContext());
    expect(result).toMatchObject({ status: 304 });
    expect(seen).toEqual(['a']);
  });

  it('hands the rest to a promise after the first policy that waits, in order', async () => {
    const seen: string[] = [];
    const result = runRequestPolicies(
      [policy('a', seen, undefined), policy('b', seen, () => Promise.resolve(undefined)), policy('c', seen, () => reply(429)), policy('d', seen, undefined)],
      testContext(),
    );
    expect(result).toBeInstanceOf(Promise);
    expect(seen).toEqual(['a', 'b']);
    await expect(result).resolves.toMatchObject({ status: 429 });
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('throws a synchronous failure at once and rejects an asynchronous one', async () => {
    const boom = new Error('refused');
    expect(() => runRequestPolicies([{ name: 'x', phase: 'authenticate', onRequest: () => { throw boom; } }], testContext())).toThrow(boom);
    const later = runRequestPolicies([policy('a', [], () => Promise.resolve(undefined)), { name: 'y', phase: 'authenticate', onRequest: () => { throw boom; } }], testContext());
    await expect(later).rejects.toBe(boom);
  });
});
