/**
 * The contract every StateStore backend passes. A backend's test file calls
 * `stateStoreContract(name, createHarness)`; each test gets a fresh, isolated database and
 * may open several store instances on it (as several Unigate instances would).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiKeyPrefix, generateApiKey, verifyApiKey } from '../../secrets/api-keys.js';
import { openCredentials, sealCredentials, sealTokenSet } from '../../secrets/connection-secrets.js';
import { generateMasterKey, deriveKeyId, Keyring } from '../../secrets/keyring.js';
import { newId } from './ids.js';
import { waitForLease } from './lease.js';
import type { Change, StateStore, StateStoreErrorCode } from './types.js';

export interface StateStoreHarness {
  /** Opens another store instance on this test's database. */
  open(): Promise<StateStore>;
  /** Closes every instance and drops the database. */
  cleanup(): Promise<void>;
}

export type HarnessFactory = () => Promise<StateStoreHarness>;

const PLAINTEXT = 'sk_live_PLAINTEXT_THAT_MUST_NOT_LEAK';

export function stateStoreContract(name: string, createHarness: HarnessFactory): void {
  describe(`state store contract: ${name}`, () => {
    let harness: StateStoreHarness;
    let store: StateStore;
    const key = generateMasterKey();
    const keyring = new Keyring({ keys: [key], activeKeyId: deriveKeyId(key) });

    beforeEach(async () => {
      harness = await createHarness();
      store = await harness.open();
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    async function consumerWithConnection() {
      const consumer = await store.createConsumer({ name: 'Acme' }, 'admin');
      const id = newId('conn');
      const connection = await store.createConnection(
        {
          id,
          consumerId: consumer.id,
          kind: 'platform',
          target: 'shopify',
          baseUrl: 'https://acme.myshopify.com',
          authStrategy: 'oauth2_refresh_token',
          authSettings: { token_url: 'https://acme.myshopify.com/oauth/token' },
          credentials: sealCredentials(keyring, id, { client_secret: PLAINTEXT }),
        },
        'admin',
      );
      return { consumer, connection };
    }

    describe('consumers', () => {
      it('creates, reads, updates and deletes a consumer', async () => {
        const created = await store.createConsumer({ name: 'Acme', metadata: { plan: 'pro', tags: ['a'] } }, 'admin');
        expect(created.id).toMatch(/^cons_/);
        expect(created.enabled).toBe(true);
        const read = await store.getConsumer(created.id);
        expect(read?.metadata).toEqual({ plan: 'pro', tags: ['a'] });
        expect(read?.createdAt.getTime()).toBe(created.createdAt.getTime());

        const updated = await store.updateConsumer(created.id, { enabled: false, name: 'Acme Inc' }, 'admin');
        expect(updated).toMatchObject({ name: 'Acme Inc', enabled: false });
        expect((await store.getConsumer(created.id))?.enabled).toBe(false);

        expect(await store.deleteConsumer(created.id, 'admin')).toBe(true);
        expect(await store.getConsumer(created.id)).toBeUndefined();
        expect(await store.deleteConsumer(created.id, 'admin')).toBe(false);
        expect(await store.updateConsumer(created.id, { name: 'x' }, 'admin')).toBeUndefined();
      });

      it('lists consumers in creation order, page by page', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await store.createConsumer({ id: `cons_${i}`, name: `c${i}` }, 'admin')).id);
        const first = await store.listConsumers({ limit: 2 });
        expect(first.map((c) => c.id)).toEqual(ids.slice(0, 2));
        const rest = await store.listConsumers({ after: first[1]!.id });
        expect(rest.map((c) => c.id)).toEqual(ids.slice(2));
      });

      it('refuses duplicate ids and invalid input with typed errors', async () => {
        await store.createConsumer({ id: 'cons_dup', name: 'a' }, 'admin');
        await expectCode(store.createConsumer({ id: 'cons_dup', name: 'b' }, 'admin'), 'CONFLICT');
        await expectCode(store.createConsumer({ name: '' }, 'admin'), 'INVALID_INPUT');
      });

      it('records only real changes, naming the changed fields', async () => {
        const c = await store.createConsumer({ name: 'Acme' }, 'admin');
        await store.updateConsumer(c.id, { name: 'Acme' }, 'admin');
        await store.updateConsumer(c.id, { metadata: { tier: 2 } }, 'admin:alice');
        const events = await store.listAuditEvents({ entityId: c.id });
        expect(events.map((e) => e.action)).toEqual(['consumer.update', 'consumer.create']);
        expect(events[0]).toMatchObject({ actor: 'admin:alice', details: { changed: ['metadata'] }, consumerId: c.id });
      });
    });

    describe('API keys', () => {
      it('stores a generated key by prefix and hash; the presented key verifies', async () => {
        const consumer = await store.createConsumer({ name: 'Acme' }, 'admin');
        const generated = generateApiKey();
        const created = await store.createApiKey(
          { consumerId: consumer.id, name: 'ci', prefix: generated.prefix, hash: generated.hash, scopes: { routes: ['orders'] } },
          'admin',
        );
        const found = await store.findApiKeyByPrefix(apiKeyPrefix(generated.key)!);
        expect(found?.id).toBe(created.id);
        expect(found?.scopes).toEqual({ routes: ['orders'] });
        expect(verifyApiKey(generated.key, found!.hash)).toBe(true);
        expect(JSON.stringify(found)).not.toContain(generated.key);
        expect(await store.listApiKeys(consumer.id)).toHaveLength(1);
        expect(await store.findApiKeyByPrefix('ug_live_nothere000')).toBeUndefined();
      });

      it('refuses a duplicate prefix and an unknown consumer', async () => {
        const consumer = await store.createConsumer({ name: 'Acme' }, 'admin');
        const g = generateApiKey();
        await store.createApiKey({ consumerId: consumer.id, prefix: g.prefix, hash: g.hash }, 'admin');
        await expectCode(store.createApiKey({ consumerId: consumer.id, prefix: g.prefix, hash: g.hash }, 'admin'), 'CONFLICT');
        const other = generateApiKey();
        await expectCode(store.createApiKey({ consumerId: 'cons_missing', prefix: other.prefix, hash: other.hash }, 'admin'), 'NOT_FOUND');
      });

      it('revokes once (idempotent) and keeps expiry', async () => {
        const consumer = await store.createConsumer({ name: 'Acme' }, 'admin');
        const g = generateApiKey();
        const expiresAt = new Date(Date.now() + 3_600_000);
        const k = await store.createApiKey({ consumerId: consumer.id, prefix: g.prefix, hash: g.hash, expiresAt }, 'admin');
        expect(k.revokedAt).toBeNull();
        const first = await store.revokeApiKey(k.id, 'admin');
        expect(first?.revokedAt).toBeInstanceOf(Date);
        const second = await store.revokeApiKey(k.id, 'admin');
        expect(second?.revokedAt?.getTime()).toBe(first?.revokedAt?.getTime());
        const read = await store.findApiKeyByPrefix(g.prefix);
        expect(read?.revokedAt?.getTime()).toBe(first?.revokedAt?.getTime());
        expect(read?.expiresAt?.getTime()).toBe(expiresAt.getTime());
        const revokes = (await store.listAuditEvents({ entityId: k.id })).filter((e) => e.action === 'api_key.revoke');
        expect(revokes).toHaveLength(1);
        expect(await store.deleteApiKey(k.id, 'admin')).toBe(true);
        expect(await store.getApiKey(k.id)).toBeUndefined();
      });
    });

    describe('connections and secrets', () => {
      it('creates a connection with sealed credentials; reads show metadata only', async () => {
        const { consumer, connection } = await consumerWithConnection();
        const read = await store.getConnection(connection.id);
        expect(read).toMatchObject({ consumerId: consumer.id, kind: 'platform', target: 'shopify', status: 'active', statusReason: null });
        expect(read?.credentialsUpdatedAt).toBeInstanceOf(Date);
        expect(read?.oauthTokensUpdatedAt).toBeNull();
        const secret = await store.getSecret(connection.id, 'credentials');
        expect(JSON.stringify(read)).not.toContain(secret!.ciphertext);
        expect(JSON.stringify(await store.listConnections({ consumerId: consumer.id }))).not.toContain(secret!.ciphertext);
        expect(openCredentials(keyring, secret!)).toEqual({ client_secret: PLAINTEXT });
        expect(secret).toMatchObject({ keyId: keyring.activeKeyId, version: 1, purpose: 'credentials' });
      });

      it('lists connections by consumer', async () => {
        const { consumer, connection } = await consumerWithConnection();
        const other = await store.createConsumer({ name: 'Other' }, 'admin');
        await store.createConnection({ consumerId: other.id, kind: 'upstream', target: 'billing', authStrategy: 'bearer' }, 'admin');
        expect((await store.listConnections({ consumerId: consumer.id })).map((c) => c.id)).toEqual([connection.id]);
        expect(await store.listConnections()).toHaveLength(2);
      });

      it('refuses credentials without an id, URLs with user info, and unknown consumers', async () => {
        const consumer = await store.createConsumer({ name: 'Acme' }, 'admin');
        const base = { consumerId: consumer.id, kind: 'upstream' as const, target: 'x', authStrategy: 'bearer' };
        await expectCode(store.createConnection({ ...base, credentials: { keyId: 'k', ciphertext: 'c' } }, 'admin'), 'INVALID_INPUT');
        const err = await store.createConnection({ ...base, baseUrl: `https://u:${PLAINTEXT}@host` }, 'admin').catch((e: Error) => e);
        expect((err as { code?: string }).code).toBe('INVALID_INPUT');
        expect(String((err as Error).message)).not.toContain(PLAINTEXT);
        await expectCode(store.createConnection({ ...base, consumerId: 'cons_missing' }, 'admin'), 'NOT_FOUND');
      });

      it('updates settings and status; needs_reauth only comes from a failed refresh', async () => {
        const { connection } = await consumerWithConnection();
        const disabled = await store.updateConnection(connection.id, { status: 'disabled', statusReason: 'paused by admin' }, 'admin');
        expect(disabled).toMatchObject({ status: 'disabled', statusReason: 'paused by admin' });
        const active = await store.updateConnection(connection.id, { status: 'active', authSettings: { scope: 'read' } }, 'admin');
        expect(active).toMatchObject({ status: 'active', statusReason: null, authSettings: { scope: 'read' } });
        await expectCode(store.updateConnection(connection.id, { status: 'needs_reauth' as 'active' }, 'admin'), 'INVALID_INPUT');
        expect(await store.updateConnection('conn_missing', { name: 'x' }, 'admin')).toBeUndefined();
      });

      it('replaces secrets with an increasing version and deletes them', async () => {
        const { connection } = await consumerWithConnection();
        const again = await store.putSecret(connection.id, 'credentials', sealCredentials(keyring, connection.id, { k: 'v2' }), 'admin');
        expect(again.version).toBe(2);
        await expectCode(store.putSecret('conn_missing', 'credentials', again, 'admin'), 'NOT_FOUND');
        expect(await store.deleteSecret(connection.id, 'credentials', 'admin')).toBe(true);
        expect(await store.getSecret(connection.id, 'credentials')).toBeUndefined();
        expect((await store.getConnection(connection.id))?.credentialsUpdatedAt).toBeNull();
        expect(await store.deleteSecret(connection.id, 'credentials', 'admin')).toBe(false);
      });

      it('follows the OAuth lifecycle: failed refresh → needs_reauth with a reason, success → active', async () => {
        const { connection } = await consumerWithConnection();
        const failed = await store.markNeedsReauth(connection.id, 'refresh failed: invalid_grant (400)', 'system:oauth-refresh');
        expect(failed).toMatchObject({ status: 'needs_reauth', statusReason: 'refresh failed: invalid_grant (400)' });
        expect((await store.getConnection(connection.id))?.status).toBe('needs_reauth');

        const expiresAt = new Date(Date.now() + 3_600_000);
        const sealed = sealTokenSet(keyring, connection.id, { accessToken: PLAINTEXT, refreshToken: 'r', expiresAt: expiresAt.toISOString() });
        const saved = await store.saveOAuthTokens(connection.id, { sealed, expiresAt }, 'system:oauth-refresh');
        expect(saved).toMatchObject({ status: 'active', statusReason: null });
        const read = await store.getConnection(connection.id);
        expect(read?.tokenExpiresAt?.getTime()).toBe(expiresAt.getTime());
        expect(read?.lastRefreshAt).toBeInstanceOf(Date);
        expect(read?.oauthTokensUpdatedAt).toBeInstanceOf(Date);

        await store.updateConnection(connection.id, { status: 'disabled' }, 'admin');
        expect((await store.markNeedsReauth(connection.id, 'x', 'system'))?.status).toBe('disabled');
        expect((await store.saveOAuthTokens(connection.id, { sealed, expiresAt }, 'system')).status).toBe('disabled');
        await expectCode(store.saveOAuthTokens('conn_missing', { sealed, expiresAt }, 'system'), 'NOT_FOUND');
      });

      it('refuses a fenced token write once the lease is lost', async () => {
        const { connection } = await consumerWithConnection();
        const sealed = sealTokenSet(keyring, connection.id, { accessToken: 'a' });
        const lease = (await store.acquireLease(`oauth-refresh:${connection.id}`, 'holder-1', 10_000))!;
        await store.saveOAuthTokens(connection.id, { sealed, expiresAt: null }, 'system', lease);
        await store.releaseLease(lease);
        await expectCode(store.saveOAuthTokens(connection.id, { sealed, expiresAt: null }, 'system', lease), 'LEASE_LOST');
        await expectCode(store.markNeedsReauth(connection.id, 'x', 'system', lease), 'LEASE_LOST');
        expect((await store.getConnection(connection.id))?.status).toBe('active');
      });

      it('deletes a consumer with its keys, connections and secrets, one event each', async () => {
        const { consumer, connection } = await consumerWithConnection();
        const g = generateApiKey();
        const k = await store.createApiKey({ consumerId: consumer.id, prefix: g.prefix, hash: g.hash }, 'admin');
        expect(await store.deleteConsumer(consumer.id, 'admin')).toBe(true);
        expect(await store.getConnection(connection.id)).toBeUndefined();
        expect(await store.getSecret(connection.id, 'credentials')).toBeUndefined();
        expect(await store.findApiKeyByPrefix(g.prefix)).toBeUndefined();
        const changes = await store.changesSince(0);
        const deletes = changes.filter((c) => c.action.endsWith('.delete')).map((c) => [c.action, c.entityId]);
        expect(deletes).toEqual([
          ['api_key.delete', k.id],
          ['connection.delete', connection.id],
          ['consumer.delete', consumer.id],
        ]);
      });
    });

    describe('rotation support', () => {
      it('lists secrets not under a key in pages, swaps ciphertexts by version, counts by key', async () => {
        const consumer = await store.createConsumer({ name: 'Acme' }, 'admin');
        for (let i = 0; i < 5; i++) {
          const id = `conn_${i}`;
          await store.createConnection(
            { id, consumerId: consumer.id, kind: 'upstream', target: 't', authStrategy: 'header', credentials: { keyId: 'old', ciphertext: `c${i}` } },
            'admin',
          );
        }
        await store.putSecret('conn_0', 'oauth_tokens', { keyId: 'new', ciphertext: 'x' }, 'admin');
        expect(Object.fromEntries(await store.countSecretsByKey())).toEqual({ old: 5, new: 1 });

        const page1 = await store.listSecrets({ notKeyId: 'new', limit: 3 });
        expect(page1.map((s) => s.connectionId)).toEqual(['conn_0', 'conn_1', 'conn_2']);
        const last = page1[2]!;
        const page2 = await store.listSecrets({ notKeyId: 'new', limit: 3, after: { connectionId: last.connectionId, purpose: last.purpose } });
        expect(page2.map((s) => s.connectionId)).toEqual(['conn_3', 'conn_4']);

        const s = page1[0]!;
        expect(await store.replaceSecretCiphertext(s.connectionId, s.purpose, s.version, { keyId: 'new', ciphertext: 'r' })).toBe(true);
        expect(await store.replaceSecretCiphertext(s.connectionId, s.purpose, s.version, { keyId: 'new', ciphertext: 'r2' })).toBe(false);
        const after = await store.getSecret(s.connectionId, s.purpose);
        expect(after).toMatchObject({ keyId: 'new', ciphertext: 'r', version: s.version + 1 });
        expect(after?.updatedAt.getTime()).toBe(s.updatedAt.getTime());
        expect(Object.fromEntries(await store.countSecretsByKey())).toEqual({ old: 4, new: 2 });
      });
    });

    describe('leases across instances', () => {
      it('has one holder at a time; release and expiry hand it over with a higher fence', async () => {
        const other = await harness.open();
        const a = await store.acquireLease('oauth-refresh:conn_1', 'a', 10_000);
        expect(a).toMatchObject({ holder: 'a', fence: 1 });
        expect(await other.acquireLease('oauth-refresh:conn_1', 'b', 10_000)).toBeUndefined();
        expect(await other.acquireLease('oauth-refresh:conn_2', 'b', 10_000)).toBeDefined();

        const renewed = await store.renewLease(a!, 20_000);
        expect(renewed!.expiresAt.getTime()).toBeGreaterThan(a!.expiresAt.getTime());
        await store.releaseLease(a!);
        expect(await store.renewLease(a!, 1_000)).toBeUndefined();
        const b = await other.acquireLease('oauth-refresh:conn_1', 'b', 50);
        expect(b).toMatchObject({ holder: 'b', fence: 2 });

        await sleep(80);
        const c = await store.acquireLease('oauth-refresh:conn_1', 'c', 10_000);
        expect(c).toMatchObject({ holder: 'c', fence: 3 });
      });

      it('lets exactly one of many concurrent contenders win', async () => {
        const other = await harness.open();
        const attempts = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? store : other).acquireLease('race', `h${i}`, 10_000));
        const winners = (await Promise.all(attempts)).filter((l) => l !== undefined);
        expect(winners).toHaveLength(1);
      });

      it('waits for a busy lease until the holder releases it', async () => {
        const other = await harness.open();
        const held = (await store.acquireLease('wait', 'a', 10_000))!;
        setTimeout(() => void store.releaseLease(held), 100);
        const started = Date.now();
        const got = await waitForLease(other, 'wait', { ttlMs: 10_000, waitMs: 3_000, holder: 'b' });
        expect(got?.holder).toBe('b');
        expect(Date.now() - started).toBeGreaterThanOrEqual(90);
        expect(await waitForLease(store, 'wait', { ttlMs: 1_000, waitMs: 50, holder: 'c' })).toBeUndefined();
      });
    });

    describe('idempotent answers', () => {
      const answer = (connectionId: string, fingerprint: string, ttlMs = 60_000) => ({
        connectionId,
        fingerprint,
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(`{"fingerprint":"${fingerprint}","bytes":"\u0000\u00ff"}`),
        ttlMs,
      });

      it('keeps the first answer under a key, for every instance, until it expires', async () => {
        const { connection } = await consumerWithConnection();
        const other = await harness.open();
        expect(await store.getIdempotentAnswer('k1')).toBeUndefined();
        expect(await store.saveIdempotentAnswer('k1', answer(connection.id, 'first'))).toBe(true);
        expect(await other.saveIdempotentAnswer('k1', answer(connection.id, 'second'))).toBe(false);
        const kept = await other.getIdempotentAnswer('k1');
        expect(kept).toMatchObject({ fingerprint: 'first', status: 200, headers: { 'content-type': 'application/json' } });
        expect(kept!.body.equals(answer(connection.id, 'first').body)).toBe(true);
        expect(kept!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50_000);

        expect(await store.saveIdempotentAnswer('k2', answer(connection.id, 'short', 40))).toBe(true);
        await sleep(80);
        expect(await store.getIdempotentAnswer('k2')).toBeUndefined();
        // An expired answer no longer holds its key.
        expect(await other.saveIdempotentAnswer('k2', answer(connection.id, 'later'))).toBe(true);
        expect((await store.getIdempotentAnswer('k2'))?.fingerprint).toBe('later');
      });

      it('lets exactly one of concurrent saves under one key win', async () => {
        const { connection } = await consumerWithConnection();
        const other = await harness.open();
        const saves = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? store : other).saveIdempotentAnswer('race', answer(connection.id, `f${i}`)));
        expect((await Promise.all(saves)).filter(Boolean)).toHaveLength(1);
      });

      it('sweeps expired answers, and a deleted connection takes its answers with it', async () => {
        const { connection } = await consumerWithConnection();
        await store.saveIdempotentAnswer('old-1', answer(connection.id, 'a', 20));
        await store.saveIdempotentAnswer('old-2', answer(connection.id, 'b', 20));
        await store.saveIdempotentAnswer('live', answer(connection.id, 'c'));
        await sleep(60);
        expect(await store.deleteExpiredIdempotentAnswers(1)).toBe(1);
        expect(await store.deleteExpiredIdempotentAnswers()).toBe(1);
        expect(await store.deleteExpiredIdempotentAnswers()).toBe(0);
        expect(await store.getIdempotentAnswer('live')).toBeDefined();

        expect(await store.deleteConnection(connection.id, 'admin')).toBe(true);
        expect(await store.getIdempotentAnswer('live')).toBeUndefined();
      });
    });

    describe('audit log and change feed', () => {
      it('records who did what, with no secret material', async () => {
        const { consumer, connection } = await consumerWithConnection();
        await store.putSecret(connection.id, 'credentials', sealCredentials(keyring, connection.id, { api_key: PLAINTEXT }), 'admin:bob');
        await store.markNeedsReauth(connection.id, 'refresh failed', 'system');
        const secret = await store.getSecret(connection.id, 'credentials');
        const events = await store.listAuditEvents({ consumerId: consumer.id });
        expect(events.map((e) => e.action)).toEqual([
          'connection.needs_reauth',
          'connection.credentials.set',
          'connection.create',
          'consumer.create',
        ]);
        expect(events[1]).toMatchObject({ actor: 'admin:bob', entityType: 'connection', entityId: connection.id });
        expect(events[1]!.details).toEqual({ keyId: keyring.activeKeyId, version: 2 });
        const all = JSON.stringify(await store.listAuditEvents());
        expect(all).not.toContain(PLAINTEXT);
        expect(all).not.toContain(secret!.ciphertext);
      });

      it('orders changes by seq and pages the audit log newest first', async () => {
        const before = await store.latestChangeSeq();
        const c = await store.createConsumer({ name: 'a' }, 'admin');
        await store.updateConsumer(c.id, { name: 'b' }, 'admin');
        await store.recordAudit({ actor: 'cli', action: 'secrets.rotate', entityType: 'keyring', entityId: 'k1', details: { reencrypted: 0 } });
        const changes = await store.changesSince(before);
        expect(changes.map((x) => x.action)).toEqual(['consumer.create', 'consumer.update', 'secrets.rotate']);
        expect(changes.map((x) => x.seq)).toEqual([...changes.map((x) => x.seq)].sort((x, y) => x - y));
        expect(await store.latestChangeSeq()).toBe(changes[2]!.seq);
        const newest = await store.listAuditEvents({ limit: 2 });
        expect(newest.map((e) => e.action)).toEqual(['secrets.rotate', 'consumer.update']);
        const older = await store.listAuditEvents({ beforeSeq: newest[1]!.seq });
        expect(older.map((e) => e.action)).toEqual(['consumer.create']);
        expect(await store.changesSince(changes[0]!.seq, 1)).toHaveLength(1);
      });

      it('shows a revocation made on one instance to a follower on another within the poll bound', async () => {
        const other = await harness.open();
        const consumer = await store.createConsumer({ name: 'Acme' }, 'admin');
        const g = generateApiKey();
        const k = await store.createApiKey({ consumerId: consumer.id, prefix: g.prefix, hash: g.hash }, 'admin');
        const seen: Change[] = [];
        const subscription = await other.watchChanges((changes) => void seen.push(...changes), { pollIntervalMs: 200 });
        const revokedAt = Date.now();
        await store.revokeApiKey(k.id, 'admin');
        await eventually(() => seen.some((c) => c.action === 'api_key.revoke' && c.entityId === k.id), 2_000);
        expect(Date.now() - revokedAt).toBeLessThan(1_000);
        expect(subscription.seq).toBe(await store.latestChangeSeq());
        expect(subscription.syncedAt).toBeGreaterThanOrEqual(revokedAt);
        expect((await other.findApiKeyByPrefix(g.prefix))?.revokedAt).toBeInstanceOf(Date);
        await subscription.close();
      });

      it('delivers each change once, in order, from a given seq', async () => {
        const from = await store.latestChangeSeq();
        for (let i = 0; i < 5; i++) await store.createConsumer({ name: `c${i}` }, 'admin');
        const seen: number[] = [];
        const subscription = await store.watchChanges((changes) => void seen.push(...changes.map((c) => c.seq)), {
          fromSeq: from,
          pollIntervalMs: 50,
        });
        await subscription.sync();
        await Promise.all([subscription.sync(), subscription.sync()]);
        await store.createConsumer({ name: 'late' }, 'admin');
        await eventually(() => seen.length === 6, 2_000);
        await sleep(120);
        expect(seen).toHaveLength(6);
        expect(seen).toEqual([...seen].sort((x, y) => x - y));
        await subscription.close();
      });
    });

    describe('migrations', () => {
      it('applies nothing when another instance opens the migrated database', async () => {
        expect(store.migrations.applied.length).toBe(store.migrations.current);
        expect(store.migrations.applied[0]).toBe(1);
        const other = await harness.open();
        expect(other.migrations).toEqual({ applied: [], current: store.migrations.current });
      });
    });
  });
}

async function expectCode(promise: Promise<unknown>, code: StateStoreErrorCode): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'StateStoreError', code });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function eventually(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
