/**
 * The contract every platform connector passes against its own simulator (STYLE.md §4):
 * paging to the end with small and large limits, counts equal to list lengths and to what
 * the simulator holds, get by id and not-found, every filter the capabilities promise (and
 * a refusal for the ones they do not), writes visible on re-read and safe to repeat,
 * modified_since after a write, the platform's errors as PlatformError kinds with the
 * platform's own message, and a 10,000-product catalog sync within the platform's rate
 * limit. Every record is validated against the unified schemas with ajv.
 *
 *   connectorContract(shopifyHarness);
 *
 * Projection (`fields`), fan-out with one store down and 429 back-off belong to the
 * unified API layer and the engine's shield; they are not connector checks.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Category, Customer, Order, Product, Store, Variant, type ProductRecord } from '../commerce/models.js';
import { PlatformError, type Capabilities, type Connector, type ListFilters, type ListQuery, type ListResult, type Platform, type PlatformClient, type PlatformErrorKind } from './connector.js';

export interface ClientStats {
  requests: number;
  byStatus: Map<number, number>;
}

export interface HarnessSession {
  /** A client for this simulator; `invalid` credentials are refused; `pace` follows the rate-limit model. */
  client(options?: { credentials?: 'valid' | 'invalid'; pace?: boolean }): PlatformClient & { readonly stats: ClientStats };
  /** The simulator's clock (manual): writes are stamped with it. */
  now(): number;
  advance(ms: number): void;
  /** A native write done outside the connector that bumps the record's modification time. */
  touch(resource: 'orders' | 'customers', id: string): void;
  /** The next request to the simulator fails with this status. */
  failNext(status: number): void;
  /** What the simulator holds, as the unified lists should show it. */
  truth: { products: number; orders: number; customers: number; categories: number };
  close(): Promise<void>;
}

export interface DatasetSizes {
  products: number;
  categories: number;
  customers: number;
  orders: number;
}

export interface ContractHarness {
  platform: Platform;
  /** A fresh connector (its per-connection caches start empty). */
  connector(): Connector;
  /** `off`: no rate limit; `default`: the platform's; `tight`: a few requests, to reach a 429 quickly. */
  start(options: { sizes: DatasetSizes; rateLimit: 'off' | 'default' | 'tight' }): Promise<HarnessSession>;
  /** Most native requests a 10,000-product sync with limit 250 may take. */
  syncRequestBudget(products: number): number;
}

type Resource = 'products' | 'orders' | 'customers' | 'categories';
type Listed = { id: string; raw?: unknown };

/** Nested `$id`s repeat across the unified schemas (Address, Weight…); ajv wants each once per document. */
function withoutNestedIds(schema: TSchema): object {
  const strip = (v: unknown, top: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => strip(x, false));
    if (typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(Object.entries(v).filter(([k]) => top || k !== '$id').map(([k, x]) => [k, strip(x, false)]));
  };
  return strip(JSON.parse(JSON.stringify(schema)), true) as object;
}

function compile(schema: TSchema): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(withoutNestedIds(schema));
}

const validators: Record<'Product' | 'Variant' | 'Order' | 'Customer' | 'Category' | 'Store', ValidateFunction> = {
  Product: compile(Product),
  Variant: compile(Variant),
  Order: compile(Order),
  Customer: compile(Customer),
  Category: compile(Category),
  Store: compile(Store),
};

const SCHEMA_OF: Record<Resource, keyof typeof validators> = { products: 'Product', orders: 'Order', customers: 'Customer', categories: 'Category' };

export function expectValid(name: keyof typeof validators, record: unknown): void {
  const validate = validators[name];
  if (!validate(record)) {
    const id = (record as { id?: unknown }).id;
    throw new Error(`${name} ${String(id)} does not match the unified schema: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
  }
}

export async function expectPlatformError(work: Promise<unknown>, kind: PlatformErrorKind): Promise<PlatformError> {
  let caught: unknown;
  try {
    await work;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a PlatformError of kind ${kind}`).toBeInstanceOf(PlatformError);
  const error = caught as PlatformError;
  expect(error.kind).toBe(kind);
  return error;
}

/** Follows `next` to the end (bounded), returning every item and the number of pages. */
export async function walk<T>(list: (q: ListQuery) => Promise<ListResult<T>>, limit: number, filters: ListFilters = {}): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: ListQuery['cursor'];
  let pages = 0;
  do {
    // Later pages send the cursor only: it carries the filters.
    const page = await list(cursor === undefined ? { ...filters, limit, cursor } : { limit, cursor });
    items.push(...page.items);
    cursor = page.next;
    pages++;
    if (pages > 5_000) throw new Error('list does not end');
  } while (cursor !== undefined);
  return { items, pages };
}

const ids = (items: readonly Listed[]): string[] => items.map((i) => i.id);
const second = (iso: string | null): number => (iso === null ? NaN : Math.floor(Date.parse(iso) / 1000) * 1000);
const withoutVolatile = (p: ProductRecord): unknown => ({
  ...p,
  raw: undefined,
  updated_at: undefined,
  variants: p.variants.map((v) => ({ ...v, raw: undefined, updated_at: undefined })),
});

export function connectorContract(harness: ContractHarness): void {
  const sizes: DatasetSizes = { products: 43, categories: 6, customers: 23, orders: 31 };

  describe(`connector contract: ${harness.platform}`, () => {
    let session: HarnessSession;
    let connector: Connector;
    let client: PlatformClient & { readonly stats: ClientStats };
    const lists: Record<Resource, (c: PlatformClient, q: ListQuery) => Promise<ListResult<Listed>>> = {} as never;
    const full: Partial<Record<Resource, Listed[]>> = {};

    beforeAll(async () => {
      session = await harness.start({ sizes, rateLimit: 'off' });
      connector = harness.connector();
      client = session.client();
      lists.products = (c, q) => connector.products.list(c, q);
      lists.orders = (c, q) => connector.orders.list(c, q);
      lists.customers = (c, q) => connector.customers.list(c, q);
      lists.categories = (c, q) => connector.categories.list(c, q);
    });
    afterAll(() => session.close());

    const list = (resource: Resource) => (q: ListQuery) => lists[resource](client, q);
    const caps = (resource: Resource): Capabilities => connector.capabilities[resource];

    it('store.info is a unified Store of this platform', async () => {
      const store = await connector.storeInfo(client);
      expectValid('Store', store);
      expect(store.platform).toBe(harness.platform);
      expect(store.raw).toBeTypeOf('object');
    });

    describe.each(['products', 'orders', 'customers', 'categories'] as const)('%s', (resource) => {
      it('lists to the end with a small and a large limit: same records, as many as the simulator holds, all valid', async () => {
        const small = await walk(list(resource), 7);
        const large = await walk(list(resource), 250);
        expect(new Set(ids(small.items)).size).toBe(small.items.length);
        expect(ids(small.items)).toEqual(ids(large.items));
        expect(small.items).toHaveLength(session.truth[resource]);
        expect(small.pages).toBe(Math.max(1, Math.ceil(session.truth[resource] / 7)));
        expect(large.pages).toBe(1);
        for (const item of large.items) {
          expectValid(SCHEMA_OF[resource], item);
          expect(item.raw, 'raw carries the platform record').toBeTypeOf('object');
        }
        full[resource] = large.items;
      });

      it('changes the limit between pages without losing or repeating records', async () => {
        const first = await list(resource)({ limit: 3, cursor: undefined });
        const second = first.next === undefined ? { items: [] } : await list(resource)({ limit: 250, cursor: first.next });
        expect([...ids(first.items), ...ids(second.items)]).toEqual(ids(full[resource] ?? []));
      });

      it('filters by ids, on the first page and through the cursor', async () => {
        const all = full[resource] ?? [];
        const wanted = [all[0], all[Math.floor(all.length / 2)], all[all.length - 1]].map((x) => x?.id).filter((x): x is string => x !== undefined);
        if (caps(resource).ids === 'unsupported') {
          await expectPlatformError(list(resource)({ limit: 5, cursor: undefined, ids: wanted }), 'invalid');
          return;
        }
        const found = await walk(list(resource), 1, { ids: [...wanted, '999999999'] });
        expect(ids(found.items).sort()).toEqual([...new Set(wanted)].sort());
      });

      it('refuses the filters its capabilities call unsupported', async () => {
        const c = caps(resource);
        const samples: Record<'modified_since' | 'created_since' | 'status' | 'sku', ListFilters> = {
          modified_since: { modifiedSince: new Date(0) },
          created_since: { createdSince: new Date(0) },
          status: { status: resource === 'products' ? 'active' : 'processing' },
          sku: { sku: 'X' },
        };
        for (const [cap, filter] of Object.entries(samples) as Array<[keyof typeof samples, ListFilters]>) {
          if (c[cap] === 'unsupported') await expectPlatformError(list(resource)({ limit: 5, cursor: undefined, ...filter }), 'unsupported');
        }
      });
    });

    describe.each(['products', 'orders', 'customers'] as const)('%s get and count', (resource) => {
      const ops = () => connector[resource];

      it('counts what it lists', async () => {
        expect(await ops().count(client, {})).toBe(session.truth[resource]);
      });

      it('gets by id the same record the list shows', async () => {
        const all = full[resource] ?? [];
        for (const item of [all[0], all[all.length - 1]]) {
          if (!item) continue;
          expect(await ops().get(client, item.id)).toEqual(item);
        }
      });

      it('answers undefined for a missing or malformed id', async () => {
        expect(await ops().get(client, '999999999')).toBeUndefined();
        expect(await ops().get(client, 'not-an-id')).toBeUndefined();
      });

      it('filters by created_since natively or by emulation, list and count agreeing', async () => {
        const all = (full[resource] ?? []) as Array<Listed & { created_at: string | null }>;
        if (caps(resource).created_since === 'unsupported') return;
        const sorted = all.map((x) => second(x.created_at)).sort((a, b) => a - b);
        const since = new Date(sorted[Math.floor(sorted.length / 2)] as number);
        const expected = all.filter((x) => second(x.created_at) >= since.getTime()).map((x) => x.id);
        const found = await walk(list(resource), 4, { createdSince: since });
        expect(ids(found.items).sort()).toEqual(expected.sort());
        expect(await ops().count(client, { createdSince: since })).toBe(expected.length);
      });
    });

    it('filters products by status; the three statuses partition the catalog', async () => {
      const all = (full.products ?? []) as ProductRecord[];
      let sum = 0;
      for (const status of ['active', 'draft', 'archived']) {
        const found = await walk(list('products'), 5, { status });
        expect(found.items.every((p) => (p as ProductRecord).status === status)).toBe(true);
        expect(ids(found.items)).toEqual(all.filter((p) => p.status === status).map((p) => p.id));
        expect(await connector.products.count(client, { status })).toBe(found.items.length);
        sum += found.items.length;
      }
      expect(sum).toBe(all.length);
    });

    it('filters orders by unified status, list and count agreeing', async () => {
      const all = (full.orders ?? []) as Array<Listed & { status: { normalized: string; native: string } }>;
      expect(all.every((o) => o.status.native !== '')).toBe(true);
      const present = [...new Set(all.map((o) => o.status.normalized))];
      expect(present.length).toBeGreaterThan(1);
      for (const status of present.slice(0, 3)) {
        const found = await walk(list('orders'), 3, { status });
        expect(ids(found.items)).toEqual(all.filter((o) => o.status.normalized === status).map((o) => o.id));
        expect(await connector.orders.count(client, { status })).toBe(found.items.length);
      }
      await expectPlatformError(list('orders')({ limit: 5, cursor: undefined, status: 'not-a-status' }), 'invalid');
    });

    it('filters products by SKU (any variant)', async () => {
      if (caps('products').sku === 'unsupported') return;
      const all = (full.products ?? []) as ProductRecord[];
      const target = all.find((p) => p.variants.length > 1) ?? all[0];
      const sku = target?.variants.at(-1)?.sku;
      expect(sku).toBeTruthy();
      const found = await walk(list('products'), 2, { sku: sku as string });
      expect(ids(found.items)).toEqual(all.filter((p) => p.variants.some((v) => v.sku === sku) || p.sku === sku).map((p) => p.id));
      expect(await connector.products.count(client, { sku: sku as string })).toBe(found.items.length);
    });

    it('returns the variants of a product, and not_found for a missing product', async () => {
      const all = (full.products ?? []) as ProductRecord[];
      const p = all.find((x) => x.variants.length > 1) ?? all[0];
      const variants = await connector.products.variants(client, p?.id ?? '');
      expect(variants).toEqual(p?.variants);
      for (const v of variants) expectValid('Variant', v);
      await expectPlatformError(connector.products.variants(client, '999999999'), 'not_found');
    });

    it('refuses foreign, tampered and out-of-range paging input', async () => {
      const page = await connector.products.list(client, { limit: 2, cursor: undefined });
      expect(page.next).toBeDefined();
      await expectPlatformError(connector.orders.list(client, { limit: 2, cursor: page.next }), 'invalid');
      await expectPlatformError(connector.products.list(client, { limit: 2, cursor: { ...page.next, position: { nonsense: true } } }), 'invalid');
      await expectPlatformError(connector.products.list(client, { limit: 2, cursor: { ...page.next, filters: { evil: 1 } } }), 'invalid');
      await expectPlatformError(connector.products.list(client, { limit: 0, cursor: undefined }), 'invalid');
      await expectPlatformError(connector.products.list(client, { limit: 251, cursor: undefined }), 'invalid');
    });

    describe('writes', () => {
      let single: ProductRecord;
      let multi: ProductRecord;

      beforeAll(() => {
        const all = (full.products ?? []) as ProductRecord[];
        const tracked = (p: ProductRecord) => p.variants.every((v) => v.quantity !== null) && p.price !== null;
        single = all.find((p) => p.variants.length === 1 && tracked(p)) as ProductRecord;
        multi = all.find((p) => p.variants.length > 1 && tracked(p)) as ProductRecord;
        expect(single, 'a one-variant product with tracked stock').toBeDefined();
        expect(multi, 'a product with several tracked variants').toBeDefined();
      });

      it('sets price, sale price and stock at product level, visible on re-read', async () => {
        const updated = await connector.products.update(client, single.id, { price: '41.50', sale_price: '39.99', quantity: 17 });
        expectValid('Product', updated);
        expect([updated.price, updated.sale_price, updated.quantity]).toEqual(['41.50', '39.99', 17]);
        const reread = await connector.products.get(client, single.id);
        expect([reread?.price, reread?.sale_price, reread?.quantity]).toEqual(['41.50', '39.99', 17]);
        expect(reread?.variants[0]?.quantity).toBe(17);
        const ended = await connector.products.update(client, single.id, { sale_price: null });
        expect([ended.price, ended.sale_price]).toEqual(['41.50', null]);
      });

      it('sets price and stock of one variant, leaving the others alone', async () => {
        const target = multi.variants[1] as ProductRecord['variants'][number];
        const others = multi.variants.filter((v) => v.id !== target.id);
        const updated = await connector.products.update(client, multi.id, { variants: [{ id: target.id, price: '12.30', sale_price: null, quantity: 5 }] });
        const v = updated.variants.find((x) => x.id === target.id);
        expect([v?.price, v?.sale_price, v?.quantity]).toEqual(['12.30', null, 5]);
        const reread = await connector.products.get(client, multi.id);
        expect(reread?.variants.find((x) => x.id === target.id)?.quantity).toBe(5);
        for (const o of others) expect(reread?.variants.find((x) => x.id === o.id)?.quantity).toBe(o.quantity);
        expect(reread?.quantity).toBe(others.reduce((s, o) => s + (o.quantity ?? 0), 5));
      });

      it('gives the same result when an update is retried', async () => {
        const update = { price: '33.00', sale_price: '30.00', quantity: 9 };
        const once = await connector.products.update(client, single.id, update);
        const twice = await connector.products.update(client, single.id, update);
        expect(withoutVolatile(twice)).toEqual(withoutVolatile(once));
        expect(withoutVolatile((await connector.products.get(client, single.id)) as ProductRecord)).toEqual(withoutVolatile(once));
      });

      it('refuses impossible updates and unknown records', async () => {
        await expectPlatformError(connector.products.update(client, single.id, { sale_price: '99999.00' }), 'invalid');
        await expectPlatformError(connector.products.update(client, single.id, { price: 'abc' }), 'invalid');
        await expectPlatformError(connector.products.update(client, single.id, { quantity: -1 }), 'invalid');
        await expectPlatformError(connector.products.update(client, multi.id, { quantity: 3 }), 'invalid');
        await expectPlatformError(connector.products.update(client, single.id, { variants: [{ id: '999999999', price: '1.00' }] }), 'not_found');
        await expectPlatformError(connector.products.update(client, '999999999', { price: '1.00' }), 'not_found');
      });

      it('lists exactly the records written since modified_since, for products, orders and customers', async () => {
        session.advance(60_000);
        const since = new Date(session.now());
        session.advance(1_000);
        await connector.products.update(client, multi.id, { variants: [{ id: multi.variants[0]?.id ?? '', quantity: 4 }] });
        const order = full.orders?.[2]?.id ?? '';
        const customer = full.customers?.[3]?.id ?? '';
        session.touch('orders', order);
        session.touch('customers', customer);
        for (const [resource, id] of [['products', multi.id], ['orders', order], ['customers', customer]] as const) {
          const found = await walk(list(resource), 2, { modifiedSince: since });
          expect(ids(found.items), resource).toEqual([id]);
          const record = found.items[0] as Listed & { updated_at: string | null };
          expect(second(record.updated_at)).toBeGreaterThanOrEqual(since.getTime());
          expect(await connector[resource].count(client, { modifiedSince: since })).toBe(1);
        }
      });
    });

    describe('platform errors', () => {
      it('bad credentials are an auth error with the platform\'s own message', async () => {
        const bad = session.client({ credentials: 'invalid' });
        const calls = [() => connector.storeInfo(bad), () => connector.products.list(bad, { limit: 5, cursor: undefined }), () => connector.orders.count(bad, {})];
        for (const work of calls) {
          const error = await expectPlatformError(work(), 'auth');
          expect(error.upstream.status).toBe(401);
          expect(error.upstream.message).toBeTruthy();
          expect(error.message).not.toContain(error.upstream.message as string);
        }
      });

      it('server errors are unavailable, with the status kept', async () => {
        for (const status of [500, 503]) {
          session.failNext(status);
          const error = await expectPlatformError(connector.customers.list(client, { limit: 5, cursor: undefined }), 'unavailable');
          expect(error.upstream.status).toBe(status);
          expect(error.upstream.message).toBeTruthy();
        }
      });

      it('a 429 is rate_limited with the platform\'s message, and the next request after the wait succeeds', async () => {
        const tight = await harness.start({ sizes: { products: 5, categories: 1, customers: 1, orders: 1 }, rateLimit: 'tight' });
        try {
          const c = harness.connector();
          const cl = tight.client();
          let error: PlatformError | undefined;
          for (let i = 0; i < 50 && error === undefined; i++) {
            try {
              await c.customers.count(cl, {});
            } catch (e) {
              if (!(e instanceof PlatformError)) throw e;
              error = e;
            }
          }
          expect(error?.kind).toBe('rate_limited');
          expect(error?.upstream.status).toBe(429);
          expect(error?.upstream.message).toBeTruthy();
          tight.advance(60_000);
          expect(await c.customers.count(cl, {})).toBe(tight.truth.customers);
        } finally {
          await tight.close();
        }
      });
    });

    describe('catalog sync of 10,000 products at the platform\'s default rate limit', () => {
      it('lists every product with limit 250, within the request budget and without one 429', async () => {
        const big = await harness.start({ sizes: { products: 10_000, categories: 12, customers: 1, orders: 1 }, rateLimit: 'default' });
        try {
          const c = harness.connector();
          const paced = big.client({ pace: true });
          const { items, pages } = await walk((q) => c.products.list(paced, q), 250);
          expect(items).toHaveLength(10_000);
          expect(new Set(ids(items)).size).toBe(10_000);
          expect(pages).toBe(40);
          for (const item of items) expectValid('Product', item);
          expect(paced.stats.byStatus.get(429) ?? 0).toBe(0);
          expect(paced.stats.requests).toBeLessThanOrEqual(harness.syncRequestBudget(10_000));
        } finally {
          await big.close();
        }
      }, 120_000);
    });
  });
}
