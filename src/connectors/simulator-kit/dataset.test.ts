import { describe, expect, it } from 'vitest';
import { createStoreDataset, DEFAULT_PERIOD_END, ORDER_FLAVORS, ORDER_LIFECYCLES } from './dataset.js';
import { createPrng, derivePrng, hashSeed } from './prng.js';

describe('seeded PRNG', () => {
  it('repeats for a seed, differs across seeds, and stays in range', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const c = createPrng(43);
    const xs = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(xs);
    const r = createPrng(1);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 7);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(7);
    }
    expect(hashSeed(1, 'product', 2)).toBe(hashSeed(1, 'product', 2));
    expect(derivePrng(1, 'product', 2).next()).not.toBe(derivePrng(1, 'product', 3).next());
  });
});

describe('store dataset', () => {
  const data = createStoreDataset({ seed: 7, sizes: { products: 120, customers: 40, orders: 200, categories: 9 } });

  it('is the same for the same seed and sizes, and different for another seed', () => {
    const again = createStoreDataset({ seed: 7, sizes: { products: 120, customers: 40, orders: 200, categories: 9 } });
    expect(JSON.stringify(again.products)).toBe(JSON.stringify(data.products));
    expect(JSON.stringify(again.orders)).toBe(JSON.stringify(data.orders));
    const other = createStoreDataset({ seed: 8, sizes: { products: 120, customers: 40, orders: 200, categories: 9 } });
    expect(JSON.stringify(other.products)).not.toBe(JSON.stringify(data.products));
  });

  it('keeps a record the same when other collections change size', () => {
    const bigger = createStoreDataset({ seed: 7, sizes: { products: 120, customers: 40, orders: 10, categories: 9 } });
    expect(bigger.products[17]).toEqual(data.products[17]);
  });

  it('has the requested sizes, ascending ids and creation times inside the period', () => {
    expect(data.products).toHaveLength(120);
    expect(data.customers).toHaveLength(40);
    expect(data.orders).toHaveLength(200);
    expect(data.categories).toHaveLength(9);
    for (const list of [data.products, data.customers, data.orders]) {
      list.forEach((r, i) => {
        expect(r.id).toBe(i + 1);
        expect(r.createdAt).toBeGreaterThanOrEqual(data.periodStart);
        expect(r.createdAt).toBeLessThanOrEqual(DEFAULT_PERIOD_END);
        expect(r.updatedAt).toBeGreaterThanOrEqual(r.createdAt);
        if (i > 0) expect(r.createdAt).toBeGreaterThan((list[i - 1] as { createdAt: number }).createdAt);
      });
    }
  });

  it('gives products variants matching their options, images and valid categories', () => {
    for (const p of data.products) {
      const combos = p.options.reduce((n, o) => n * o.values.length, 1);
      expect(p.variants).toHaveLength(combos);
      expect(p.options.length).toBeLessThanOrEqual(3);
      for (const v of p.variants) {
        expect(v.optionValues).toHaveLength(p.options.length);
        expect(data.variantById.get(v.id)).toBe(v);
        if (v.imageId !== null) expect(p.images.some((i) => i.id === v.imageId)).toBe(true);
      }
      for (const c of p.categoryIds) expect(data.categoryById.has(c)).toBe(true);
    }
    expect(new Set(data.variantById.keys()).size).toBe(data.products.reduce((n, p) => n + p.variants.length, 0));
    expect(data.products.some((p) => p.options.length === 0)).toBe(true);
    expect(data.products.some((p) => p.options.length > 1)).toBe(true);
    expect(new Set(data.products.map((p) => p.status))).toEqual(new Set(['active', 'draft', 'archived']));
  });

  it('builds orders in every lifecycle and flavor with consistent totals and line items', () => {
    const seen = new Set(data.orders.map((o) => `${o.lifecycle}/${o.flavor}`));
    expect(seen.size).toBe(ORDER_LIFECYCLES.length * ORDER_FLAVORS);
    for (const o of data.orders) {
      expect(o.lineItems.length).toBeGreaterThan(0);
      const lines = o.lineItems.reduce((s, l) => s + l.priceCents * l.quantity, 0);
      expect(o.subtotalCents).toBe(lines - o.discountCents);
      expect(o.totalCents).toBe(o.subtotalCents + o.shippingCents + o.taxCents);
      expect(o.lineItems.reduce((s, l) => s + l.taxCents, 0)).toBe(o.taxCents);
      for (const l of o.lineItems) {
        expect(data.variantById.get(l.variantId)?.productId).toBe(l.productId);
        expect(l.quantityShipped).toBeLessThanOrEqual(l.quantity);
      }
      if (o.customerId !== null) expect(data.customerById.get(o.customerId)?.createdAt).toBeLessThan(o.createdAt);
      if (o.lifecycle === 'cancelled') expect(o.cancelledAt).not.toBeNull();
      if (o.lifecycle === 'completed') expect(o.closedAt).not.toBeNull();
      if (o.lifecycle === 'partially_shipped') {
        const shipped = o.lineItems.filter((l) => l.quantityShipped > 0).length;
        expect(shipped).toBeGreaterThan(0);
        expect(shipped).toBeLessThan(o.lineItems.length);
      }
    }
  });

  it('derives customer order counts and last orders from the orders', () => {
    for (const c of data.customers) {
      const mine = data.orders.filter((o) => o.customerId === c.id);
      expect(c.ordersCount).toBe(mine.length);
      expect(c.lastOrderId).toBe(mine.at(-1)?.id ?? null);
    }
  });

  it('builds 10,000 products and rejects bad sizes', () => {
    const big = createStoreDataset({ seed: 1, sizes: { products: 10_000, orders: 100, customers: 50 } });
    expect(big.products).toHaveLength(10_000);
    expect(() => createStoreDataset({ sizes: { products: -1 } })).toThrow(RangeError);
  });
});
