import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sealCredentials } from '../../../secrets/connection-secrets.js';
import { deriveKeyId, generateMasterKey, Keyring } from '../../../secrets/keyring.js';
import { openStateStore } from '../../../store/state/open-state-store.js';
import type { StateStore } from '../../../store/state/types.js';
import { ConnectionResolver } from './connection-resolver.js';

const key = generateMasterKey();
const keyring = new Keyring({ keys: [key], activeKeyId: deriveKeyId(key) });

describe('ConnectionResolver', () => {
  let dir: string;
  let state: StateStore;
  let now = 1_000_000;
  let resolver: ConnectionResolver;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'unigate-resolver-'));
    state = await openStateStore(undefined, { dataDir: dir });
    resolver = new ConnectionResolver(state, keyring, 60_000, () => now);
  });

  afterEach(async () => {
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function connectionFor(consumerId: string, id: string, apiKey: string) {
    return state.createConnection(
      { id, consumerId, kind: 'upstream', target: 'payments', authStrategy: 'header', authSettings: { name: 'X-Key' }, credentials: sealCredentials(keyring, id, { api_key: apiKey }) },
      'test',
    );
  }

  it('answers from the cache alone only once resolve() has read what it needs, and only while fresh', async () => {
    const consumer = await state.createConsumer({ name: 'acme' }, 'test');
    await connectionFor(consumer.id, 'conn_a', 'k-1');
    const request = { consumerId: consumer.id, allowedConnections: undefined, requested: undefined };
    expect(resolver.resolveCached('payments', 'per-consumer', request)).toBeUndefined();
    const resolved = await resolver.resolve('payments', 'per-consumer', request);
    expect(resolver.resolveCached('payments', 'per-consumer', request)).toEqual(resolved);
    now += 60_000;
    expect(resolver.resolveCached('payments', 'per-consumer', request)).toBeUndefined();
  });

  it('throws from the cache what resolve() throws', async () => {
    const consumer = await state.createConsumer({ name: 'acme' }, 'test');
    await connectionFor(consumer.id, 'conn_a', 'k-1');
    await connectionFor(consumer.id, 'conn_b', 'k-2');
    const request = { consumerId: consumer.id, allowedConnections: undefined, requested: undefined };
    await expect(resolver.resolve('payments', 'per-consumer', request)).rejects.toMatchObject({ code: 'CONNECTION_AMBIGUOUS' });
    expect(() => resolver.resolveCached('payments', 'per-consumer', request)).toThrow(expect.objectContaining({ code: 'CONNECTION_AMBIGUOUS' }));
    expect(() => resolver.resolveCached('payments', 'per-consumer', { ...request, requested: 'conn_b', allowedConnections: ['conn_a'] })).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });

  it('opens a credential set once per stored record, frozen, and a new one after a change', async () => {
    const consumer = await state.createConsumer({ name: 'acme' }, 'test');
    const connection = await connectionFor(consumer.id, 'conn_a', 'k-1');
    expect(resolver.cachedCredentials(connection)).toBeUndefined();
    const first = await resolver.credentials(connection);
    expect(first).toEqual({ api_key: 'k-1' });
    expect(Object.isFrozen(first)).toBe(true);
    expect(resolver.cachedCredentials(connection)).toBe(first);
    expect(await resolver.credentials(connection)).toBe(first);

    await state.putSecret('conn_a', 'credentials', sealCredentials(keyring, 'conn_a', { api_key: 'k-2' }), 'test');
    resolver.onChanges([{ seq: 1, at: new Date(), action: 'update', entityType: 'connection', entityId: 'conn_a', consumerId: consumer.id }]);
    expect(resolver.cachedCredentials(connection)).toBeUndefined();
    expect(await resolver.credentials(connection)).toEqual({ api_key: 'k-2' });
  });
});
