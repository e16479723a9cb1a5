/**
 * Catalog routes (woocommerce.md §3): products, variations and their batch endpoints, and
 * product categories. Reads of a missing id are 404, updates of one 400 (§10.8); every
 * update bumps `date_modified`.
 */
import type { StoreProduct } from '../../simulator-kit/dataset.js';
import type { SimResponse } from '../../simulator-kit/server.js';
import { CATEGORY_PARAMS, PRODUCT_PARAMS, selectCategories, selectProducts, selectVariations, VARIATION_PARAMS } from './filters.js';
import { parseParams, ParsedParams, type ParamSpec } from './params.js';
import { categoryCounts, renderCategory, renderProduct, renderVariation } from './render-catalog.js';
import { denied, invalidId, listPage, ok, single, wcError, type Route, type RouteContext } from './respond.js';
import { fromWcId, isVariable, productById, variationOf } from './state.js';
import { planProductUpdate, planVariationUpdate, type Plan } from './writes.js';

const ID = '(\\d+)';
const VIEW: Record<string, ParamSpec> = { context: { type: 'string', enum: ['view', 'edit'] } };

export function params(ctx: RouteContext, specs: Record<string, ParamSpec>): ParsedParams | SimResponse {
  return parseParams(ctx.input, specs, ctx.state.dataset.store.timezone);
}

function productAt(ctx: RouteContext): StoreProduct | undefined {
  return productById(ctx.state, Number(ctx.params[0]));
}

/** Apply a plan and bump the modification time; the caller renders the result. */
function apply(ctx: RouteContext, plan: Plan, touch: Array<{ updatedAt: number }>): SimResponse | undefined {
  if (!plan.ok) return plan.response;
  for (const change of plan.changes) change();
  const now = ctx.state.stamp();
  for (const t of touch) t.updatedAt = now;
  return undefined;
}

function updateProduct(ctx: RouteContext, p: StoreProduct, input: Map<string, unknown>): SimResponse {
  const failed = apply(ctx, planProductUpdate(ctx.state, p, input), [p]);
  return failed ?? ok(renderProduct(ctx, p));
}

function updateVariation(ctx: RouteContext, p: StoreProduct, variationId: number, input: Map<string, unknown>): SimResponse {
  const v = variationOf(p, variationId);
  if (!v) return invalidId('product_variation', 400);
  const touch = ctx.state.settings.variationWriteTouchesParent ? [v, p] : [v];
  const failed = apply(ctx, planVariationUpdate(ctx.state, v, input), touch);
  return failed ?? ok(renderVariation(ctx, p, v));
}

/**
 * `POST …/batch` (§3): only `update` is simulated; `create` and `delete` items come back
 * with a per-item error. More than the limit of objects is a 413.
 */
function batch(ctx: RouteContext, update: (item: Record<string, unknown>) => SimResponse): SimResponse {
  const no = denied(ctx, 'batch');
  if (no) return no;
  const lists = ['create', 'update', 'delete'].map((k) => (Array.isArray(ctx.input.get(k)) ? (ctx.input.get(k) as unknown[]) : []));
  const total = lists.reduce((s, l) => s + l.length, 0);
  const limit = ctx.state.settings.batchLimit;
  if (total > limit) return wcError(413, 'woocommerce_rest_request_entity_too_large', `Unable to accept more than ${limit} items for this request.`);
  const [create, updates, remove] = lists as [unknown[], unknown[], unknown[]];
  const unsupported = (id: unknown): Record<string, unknown> => ({
    id: typeof id === 'number' ? id : 0,
    error: { code: 'woocommerce_rest_simulator_unsupported', message: 'Only updates are simulated in batches.', data: { status: 400 } },
  });
  const out: Record<string, unknown[]> = {};
  if (create.length > 0) out.create = create.map(() => unsupported(0));
  if (updates.length > 0) {
    out.update = updates.map((raw) => {
      const item = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
      const res = update(item);
      const body = res.body as Record<string, unknown>;
      // A failed item carries its id and the error object (WC_REST_Controller::batch_items).
      return res.status === 200 ? body : { id: Number(item.id ?? 0), error: { code: body.code, message: body.message, data: body.data } };
    });
  }
  if (remove.length > 0) out.delete = remove.map((id) => unsupported(id));
  return ok(out);
}

function inputOf(item: Record<string, unknown>): Map<string, unknown> {
  return new Map(Object.entries(item).filter(([k]) => k !== 'id'));
}

export function catalogRoutes(): Route[] {
  return [
    {
      methods: ['GET'],
      pattern: /^\/products$/,
      handle: (ctx) => {
        const p = params(ctx, PRODUCT_PARAMS);
        if (!(p instanceof ParsedParams)) return p;
        return denied(ctx, 'list') ?? listPage(ctx, p, selectProducts(ctx.state, p), (x) => renderProduct(ctx, x), '/products');
      },
    },
    {
      methods: ['POST'],
      pattern: /^\/products\/batch$/,
      handle: (ctx) =>
        batch(ctx, (item) => {
          const p = productById(ctx.state, Number(item.id));
          return p ? updateProduct(ctx, p, inputOf(item)) : invalidId('product', 400);
        }),
    },
    {
      methods: ['GET'],
      pattern: new RegExp(`^/products/${ID}$`),
      handle: (ctx) => {
        const p = params(ctx, VIEW);
        if (!(p instanceof ParsedParams)) return p;
        // A missing object passes the permission check and fails as not found (§6).
        const product = productAt(ctx);
        if (!product) return invalidId('product', 404);
        return denied(ctx, 'view') ?? single(ctx, renderProduct(ctx, product));
      },
    },
    {
      methods: ['PUT', 'PATCH', 'POST'],
      pattern: new RegExp(`^/products/${ID}$`),
      handle: (ctx) => {
        const no = denied(ctx, 'edit');
        if (no) return no;
        const product = productAt(ctx);
        return product ? updateProduct(ctx, product, ctx.input) : invalidId('product', 400);
      },
    },
    {
      methods: ['GET'],
      pattern: new RegExp(`^/products/${ID}/variations$`),
      handle: (ctx) => {
        const p = params(ctx, VARIATION_PARAMS);
        if (!(p instanceof ParsedParams)) return p;
        const no = denied(ctx, 'list');
        if (no) return no;
        const product = productAt(ctx);
        // Simple products have no variations: an empty list, as a parent without children gives.
        const all = product && isVariable(product) ? selectVariations(ctx.state, product, p) : [];
        return listPage(ctx, p, all, (v) => renderVariation(ctx, product as StoreProduct, v), `/products/${ctx.params[0]}/variations`);
      },
    },
    {
      methods: ['POST'],
      pattern: new RegExp(`^/products/${ID}/variations/batch$`),
      handle: (ctx) => {
        const product = productAt(ctx);
        return batch(ctx, (item) => (product ? updateVariation(ctx, product, Number(item.id), inputOf(item)) : invalidId('product_variation', 400)));
      },
    },
    {
      methods: ['GET'],
      pattern: new RegExp(`^/products/${ID}/variations/${ID}$`),
      handle: (ctx) => {
        const p = params(ctx, VIEW);
        if (!(p instanceof ParsedParams)) return p;
        const product = productAt(ctx);
        const v = product && variationOf(product, Number(ctx.params[1]));
        if (!product || !v) return invalidId('product_variation', 404);
        return denied(ctx, 'view') ?? single(ctx, renderVariation(ctx, product, v));
      },
    },
    {
      methods: ['PUT', 'PATCH', 'POST'],
      pattern: new RegExp(`^/products/${ID}/variations/${ID}$`),
      handle: (ctx) => {
        const no = denied(ctx, 'edit');
        if (no) return no;
        const product = productAt(ctx);
        return product ? updateVariation(ctx, product, Number(ctx.params[1]), ctx.input) : invalidId('product_variation', 400);
      },
    },
    {
      methods: ['GET'],
      pattern: /^\/products\/categories$/,
      handle: (ctx) => {
        const p = params(ctx, CATEGORY_PARAMS);
        if (!(p instanceof ParsedParams)) return p;
        const no = denied(ctx, 'list');
        if (no) return no;
        const counts = categoryCounts(ctx.state);
        return listPage(ctx, p, selectCategories(ctx.state, p, counts), (c) => renderCategory(ctx, c, counts), '/products/categories');
      },
    },
    {
      methods: ['GET'],
      pattern: new RegExp(`^/products/categories/${ID}$`),
      handle: (ctx) => {
        const no = denied(ctx, 'view');
        if (no) return no;
        const n = fromWcId('category', Number(ctx.params[0]));
        const c = n === undefined ? undefined : ctx.state.dataset.categoryById.get(n);
        // Terms use their own not-found error (§6).
        if (!c) return wcError(404, 'woocommerce_rest_term_invalid', "Resource doesn't exist.");
        return single(ctx, renderCategory(ctx, c, categoryCounts(ctx.state)));
      },
    },
    {
      methods: ['GET'],
      pattern: /^\/reports\/products\/totals$/,
      handle: (ctx) => {
        const no = denied(ctx, 'list');
        if (no) return no;
        const variable = ctx.state.dataset.products.filter(isVariable).length;
        const types: Array<[string, string, number]> = [
          ['external', 'External/Affiliate product', 0],
          ['grouped', 'Grouped product', 0],
          ['simple', 'Simple product', ctx.state.dataset.products.length - variable],
          ['variable', 'Variable product', variable],
        ];
        return ok(types.map(([slug, name, total]) => ({ slug, name, total })));
      },
    },
  ];
}
