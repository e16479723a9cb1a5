/**
 * Shopify catalog endpoints (shopify.md §3): shop, products, variants and images, with
 * product and variant updates. Collections and inventory live in their own route files.
 */
import type { StoreProduct, StoreVariant } from '../../simulator-kit/dataset.js';
import { productPredicate, type Filters } from './filters.js';
import { fromShopifyId, toShopifyId } from './ids.js';
import { renderImage, renderProduct, renderVariant } from './render-catalog.js';
import { renderShop } from './render-shop.js';
import { count, fail, fieldsOf, list, notFound, ok, pathId, pickFields, rootBody, type Route, type RouteContext } from './respond.js';
import { inCollection, productOfVariant, type ShopifySimulatorState } from './state.js';
import { planProductUpdate, planVariantUpdate, type FieldErrors } from './writes.js';

const ID = '(\\d+)';

export function products(state: ShopifySimulatorState, filters: Filters): StoreProduct[] {
  const match = productPredicate(filters, {
    timezone: state.render.timezone,
    defaultStatus: state.settings.productStatusDefault,
    inCollection: (id, p) => inCollection(state, id, p),
  });
  return state.dataset.products.filter(match);
}

export function productAt(state: ShopifySimulatorState, text: string | undefined): StoreProduct | undefined {
  const n = fromShopifyId('product', pathId(text));
  return n === undefined ? undefined : state.dataset.productById.get(n);
}

function variantAt(state: ShopifySimulatorState, text: string | undefined): StoreVariant | undefined {
  const n = fromShopifyId('variant', pathId(text));
  return n === undefined ? undefined : state.dataset.variantById.get(n);
}

export function single(ctx: RouteContext, root: string, record: Record<string, unknown>): ReturnType<typeof ok> {
  return ok({ [root]: pickFields(record, fieldsOf(ctx.req.query)) });
}

function unprocessable(errors: FieldErrors): ReturnType<typeof fail> {
  return fail(422, errors);
}

export function touch(product: StoreProduct, variant: StoreVariant | undefined, now: number): void {
  product.updatedAt = now;
  if (variant) variant.updatedAt = now;
}

export function catalogRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^shop\.json$/,
      scope: null,
      handle: (ctx) =>
        single(ctx, 'shop', renderShop(ctx.state.render, ctx.state.dataset, toShopifyId('shop', ctx.state.dataset.seed % 1_000_000 + 1), toShopifyId('location', 1))),
    },
    {
      method: 'GET',
      pattern: /^products\.json$/,
      scope: 'read_products',
      handle: (ctx) =>
        list(ctx, {
          root: 'products',
          resource: 'products.json',
          select: (f) => products(ctx.state, f),
          key: (p) => toShopifyId('product', p.id),
          render: (p) => renderProduct(ctx.state.render, p),
        }),
    },
    {
      method: 'GET',
      pattern: /^products\/count\.json$/,
      scope: 'read_products',
      handle: (ctx) => count(() => products(ctx.state, Object.fromEntries(ctx.req.query)).length),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^products/${ID}\\.json$`),
      scope: 'read_products',
      handle: (ctx) => {
        const p = productAt(ctx.state, ctx.params[0]);
        return p ? single(ctx, 'product', renderProduct(ctx.state.render, p)) : notFound();
      },
    },
    {
      method: 'PUT',
      pattern: new RegExp(`^products/${ID}\\.json$`),
      scope: 'write_products',
      handle: (ctx) => {
        const p = productAt(ctx.state, ctx.params[0]);
        if (!p) return notFound();
        const body = rootBody(ctx.req, 'product');
        if (!body.ok) return body.response;
        const errors: FieldErrors = {};
        const now = ctx.state.stamp();
        const changes = planProductUpdate(p, body.value, now, errors);
        if (Object.keys(errors).length > 0) return unprocessable(errors);
        for (const change of changes) change();
        touch(p, undefined, now);
        return ok({ product: renderProduct(ctx.state.render, p) });
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^products/${ID}/variants\\.json$`),
      scope: 'read_products',
      handle: (ctx) => {
        const p = productAt(ctx.state, ctx.params[0]);
        if (!p) return notFound();
        return list(ctx, {
          root: 'variants',
          resource: `products/${ctx.params[0]}/variants.json`,
          select: (f) => {
            const since = f.since_id === undefined ? -Infinity : Number(f.since_id);
            return p.variants.filter((v) => toShopifyId('variant', v.id) > since);
          },
          key: (v) => toShopifyId('variant', v.id),
          render: (v) => renderVariant(ctx.state.render, p, v),
        });
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^products/${ID}/variants/count\\.json$`),
      scope: 'read_products',
      handle: (ctx) => {
        const p = productAt(ctx.state, ctx.params[0]);
        return p ? ok({ count: p.variants.length }) : notFound();
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^products/${ID}/images\\.json$`),
      scope: 'read_products',
      handle: (ctx) => {
        const p = productAt(ctx.state, ctx.params[0]);
        if (!p) return notFound();
        const fields = fieldsOf(ctx.req.query);
        return ok({ images: p.images.map((i) => pickFields(renderImage(ctx.state.render, p, i), fields)) });
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^products/${ID}/images/count\\.json$`),
      scope: 'read_products',
      handle: (ctx) => {
        const p = productAt(ctx.state, ctx.params[0]);
        return p ? ok({ count: p.images.length }) : notFound();
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^variants/${ID}\\.json$`),
      scope: 'read_products',
      handle: (ctx) => {
        const v = variantAt(ctx.state, ctx.params[0]);
        return v ? single(ctx, 'variant', renderVariant(ctx.state.render, productOfVariant(ctx.state, v), v)) : notFound();
      },
    },
    {
      method: 'PUT',
      pattern: new RegExp(`^variants/${ID}\\.json$`),
      scope: 'write_products',
      handle: (ctx) => {
        const v = variantAt(ctx.state, ctx.params[0]);
        if (!v) return notFound();
        const body = rootBody(ctx.req, 'variant');
        if (!body.ok) return body.response;
        const errors: FieldErrors = {};
        const changes = planVariantUpdate(v, body.value, errors);
        if (Object.keys(errors).length > 0) return unprocessable(errors);
        for (const change of changes) change();
        const product = productOfVariant(ctx.state, v);
        touch(product, v, ctx.state.stamp());
        return ok({ variant: renderVariant(ctx.state.render, product, v) });
      },
    },
  ];
}
