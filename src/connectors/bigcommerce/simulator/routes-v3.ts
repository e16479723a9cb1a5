/**
 * BigCommerce V3 endpoints (bigcommerce.md §3): catalog products, variants, images,
 * categories (legacy and tree) and the catalog summary. Responses are
 * `{"data":…,"meta":…}`; errors are V3 problem objects.
 */
import type { StoreProduct, StoreVariant } from '../../simulator-kit/dataset.js';
import { formatIsoUtc } from '../../simulator-kit/time-format.js';
import { categoryPredicate, productPredicate, sortProducts } from './filters.js';
import { renderCategory, renderImage, renderProduct, renderTreeCategory, renderVariant } from './render-v3.js';
import {
  includeSet,
  isPageRequest,
  jsonBody,
  pageRequest,
  shapeFields,
  v3Error,
  v3NotFound,
  v3Page,
  withQueryErrors,
  type Route,
  type RouteContext,
} from './respond.js';
import { fromBcId, toBcId, type BigCommerceSimulatorState } from './state.js';
import { planProductUpdate, planVariantUpdate, type FieldErrors } from './writes.js';

const ID = '(\\d+)';
const min = (a: number, b: number): number => (a < b ? a : b);
const max = (a: number, b: number): number => (a > b ? a : b);
// "Always included in the response body" per the products spec (gift wrapping fields).
const PRODUCT_ALWAYS = ['gift_wrapping_options_type', 'gift_wrapping_options_list'];

function productAt(state: BigCommerceSimulatorState, text: string | undefined): StoreProduct | undefined {
  const n = fromBcId('product', Number(text));
  return n === undefined ? undefined : state.dataset.productById.get(n);
}

function variantAt(product: StoreProduct, text: string | undefined): StoreVariant | undefined {
  const n = fromBcId('variant', Number(text));
  return product.variants.find((v) => v.id === n);
}

const single = (data: unknown): { status: number; body: unknown } => ({ status: 200, body: { data, meta: {} } });

function invalid(errors: FieldErrors): ReturnType<typeof v3Error> {
  return v3Error(422, 'JSON data is missing or invalid', { errors });
}

function bodyObject(ctx: RouteContext): { ok: true; value: Record<string, unknown> } | { ok: false; response: ReturnType<typeof v3Error> } {
  const body = jsonBody(ctx.req);
  if (!body.ok) return body;
  if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
    return { ok: false, response: v3Error(422, 'JSON data is missing or invalid', { errors: { body: 'error.expected.jsobject' } }) };
  }
  return { ok: true, value: body.value as Record<string, unknown> };
}

export function v3Routes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^catalog\/products$/,
      scope: 'store_v2_products',
      handle: (ctx) =>
        withQueryErrors(() => {
          const q = ctx.req.query;
          const include = includeSet(q);
          // include=options or modifiers caps the page at 10 (§4).
          const req = pageRequest(q, include.has('options') || include.has('modifiers') ? { cap: 10 } : {});
          if (!isPageRequest(req)) return req;
          const match = productPredicate(ctx.state, q, ctx.state.clock.now());
          const all = sortProducts(ctx.state, ctx.state.dataset.products.filter(match), q);
          return v3Page(all, req, q, (p) => shapeFields(renderProduct(ctx.state, p, include), q, [...include, ...PRODUCT_ALWAYS]));
        }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^catalog/products/${ID}$`),
      scope: 'store_v2_products',
      handle: (ctx) => {
        const p = productAt(ctx.state, ctx.params[0]);
        if (!p) return v3NotFound();
        const include = includeSet(ctx.req.query);
        return single(shapeFields(renderProduct(ctx.state, p, include), ctx.req.query, [...include, ...PRODUCT_ALWAYS]));
      },
    },
    {
      method: 'PUT',
      pattern: new RegExp(`^catalog/products/${ID}$`),
      scope: 'store_v2_products',
      write: true,
      handle: (ctx) => {
        const p = productAt(ctx.state, ctx.params[0]);
        if (!p) return v3NotFound();
        const body = bodyObject(ctx);
        if (!body.ok) return body.response;
        const errors: FieldErrors = {};
        const changes = planProductUpdate(p, body.value, errors);
        if (Object.keys(errors).length > 0) return invalid(errors);
        for (const change of changes) change();
        const now = ctx.state.stamp();
        p.updatedAt = now;
        return single(renderProduct(ctx.state, p, includeSet(ctx.req.query)));
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^catalog/products/${ID}/variants$`),
      scope: 'store_v2_products',
      handle: (ctx) =>
        withQueryErrors(() => {
          const p = productAt(ctx.state, ctx.params[0]);
          if (!p) return v3NotFound();
          const req = pageRequest(ctx.req.query);
          if (!isPageRequest(req)) return req;
          return v3Page(p.variants, req, ctx.req.query, (v) => shapeFields(renderVariant(ctx.state, p, v), ctx.req.query));
        }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^catalog/products/${ID}/variants/${ID}$`),
      scope: 'store_v2_products',
      handle: (ctx) => {
        const p = productAt(ctx.state, ctx.params[0]);
        const v = p && variantAt(p, ctx.params[1]);
        return p && v ? single(shapeFields(renderVariant(ctx.state, p, v), ctx.req.query)) : v3NotFound();
      },
    },
    {
      method: 'PUT',
      pattern: new RegExp(`^catalog/products/${ID}/variants/${ID}$`),
      scope: 'store_v2_products',
      write: true,
      handle: (ctx) => {
        const p = productAt(ctx.state, ctx.params[0]);
        const v = p && variantAt(p, ctx.params[1]);
        if (!p || !v) return v3NotFound();
        const body = bodyObject(ctx);
        if (!body.ok) return body.response;
        const errors: FieldErrors = {};
        const changes = planVariantUpdate(p, v, body.value, errors);
        if (Object.keys(errors).length > 0) return invalid(errors);
        for (const change of changes) change();
        const now = ctx.state.stamp();
        v.updatedAt = now;
        p.updatedAt = now;
        return single(renderVariant(ctx.state, p, v));
      },
    },
    {
      method: 'GET',
      pattern: /^catalog\/variants$/,
      scope: 'store_v2_products',
      handle: (ctx) =>
        withQueryErrors(() => {
          const q = ctx.req.query;
          const req = pageRequest(q);
          if (!isPageRequest(req)) return req;
          const ids = q.get('id:in')?.split(',').map(Number);
          const productIds = q.get('product_id:in')?.split(',').map(Number);
          const sku = q.get('sku');
          const rows: Array<{ p: StoreProduct; v: StoreVariant }> = [];
          for (const p of ctx.state.dataset.products) {
            if (productIds && !productIds.includes(toBcId('product', p.id))) continue;
            for (const v of p.variants) {
              if (ids && !ids.includes(toBcId('variant', v.id))) continue;
              if (sku !== null && v.sku !== sku) continue;
              rows.push({ p, v });
            }
          }
          return v3Page(rows, req, q, (r) => shapeFields(renderVariant(ctx.state, r.p, r.v), q));
        }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^catalog/products/${ID}/images$`),
      scope: 'store_v2_products',
      handle: (ctx) => {
        const p = productAt(ctx.state, ctx.params[0]);
        if (!p) return v3NotFound();
        const req = pageRequest(ctx.req.query);
        if (!isPageRequest(req)) return req;
        return v3Page(p.images, req, ctx.req.query, (i) => renderImage(ctx.state, p, i));
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^catalog/products/${ID}/images/${ID}$`),
      scope: 'store_v2_products',
      handle: (ctx) => {
        const p = productAt(ctx.state, ctx.params[0]);
        const n = fromBcId('image', Number(ctx.params[1]));
        const image = p?.images.find((i) => i.id === n);
        return p && image ? single(renderImage(ctx.state, p, image)) : v3NotFound();
      },
    },
    {
      method: 'GET',
      pattern: /^catalog\/categories$/,
      scope: 'store_v2_products',
      handle: (ctx) =>
        withQueryErrors(() => {
          const q = ctx.req.query;
          const req = pageRequest(q);
          if (!isPageRequest(req)) return req;
          const all = ctx.state.dataset.categories.filter(categoryPredicate(q));
          return v3Page(all, req, q, (c) => shapeFields(renderCategory(c), q));
        }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^catalog/categories/${ID}$`),
      scope: 'store_v2_products',
      handle: (ctx) => {
        const n = fromBcId('category', Number(ctx.params[0]));
        const c = n === undefined ? undefined : ctx.state.dataset.categoryById.get(n);
        return c ? single(shapeFields(renderCategory(c), ctx.req.query)) : v3NotFound();
      },
    },
    {
      method: 'GET',
      pattern: /^catalog\/trees$/,
      scope: 'store_v2_products',
      handle: (ctx) => {
        const req = pageRequest(ctx.req.query);
        if (!isPageRequest(req)) return req;
        return v3Page([{ id: 1, name: 'Default Tree', channels: [1] }], req, ctx.req.query, (t) => t);
      },
    },
    {
      method: 'GET',
      pattern: /^catalog\/trees\/categories$/,
      scope: 'store_v2_products',
      handle: (ctx) =>
        withQueryErrors(() => {
          const q = ctx.req.query;
          const req = pageRequest(q);
          if (!isPageRequest(req)) return req;
          const all = ctx.state.dataset.categories.filter(categoryPredicate(q));
          return v3Page(all, req, q, (c) => renderTreeCategory(c));
        }),
    },
    {
      method: 'GET',
      pattern: /^catalog\/summary$/,
      scope: 'store_v2_products',
      handle: (ctx) => {
        const variants = ctx.state.dataset.products.flatMap((p) => p.variants);
        const prices = variants.map((v) => v.priceCents);
        const counts = new Map<number, number>();
        for (const p of ctx.state.dataset.products) for (const c of p.categoryIds) counts.set(c, (counts.get(c) ?? 0) + 1);
        const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
        const category = top === undefined ? undefined : ctx.state.dataset.categoryById.get(top[0]);
        const dates = variants.map((v) => v.createdAt);
        return single({
          inventory_count: variants.reduce((s, v) => s + v.inventory, 0),
          inventory_value: variants.reduce((s, v) => s + v.inventory * v.costCents, 0) / 100,
          primary_category_id: category ? toBcId('category', category.id) : 0,
          primary_category_name: category?.name ?? '',
          variant_count: variants.length,
          highest_variant_price: prices.length ? prices.reduce(max) / 100 : 0,
          average_variant_price: prices.length ? prices.reduce((a, b) => a + b, 0) / prices.length / 100 : 0,
          // A string in the spec, unlike its siblings.
          lowest_variant_price: String(prices.length ? prices.reduce(min) / 100 : 0),
          oldest_variant_date: dates.length ? formatIsoUtc(dates.reduce(min)) : '',
          newest_variant_date: dates.length ? formatIsoUtc(dates.reduce(max)) : '',
        });
      },
    },
  ];
}
