/**
 * Shopify collections (shopify.md §3, §7): custom collections are the neutral categories
 * (flattened; Shopify collections have no parent), smart collections group products by
 * product type with a `type equals` rule, and collects link products to custom collections.
 */
import type { StoreCategory, StoreProduct } from '../../simulator-kit/dataset.js';
import { collectionDatePredicate, type Filters } from './filters.js';
import { fromShopifyId, toShopifyId } from './ids.js';
import { renderCustomCollection, renderProduct, renderSmartCollection, ts, type SmartCollection } from './render-catalog.js';
import { count, list, notFound, pathId, type Route } from './respond.js';
import { productAt, single } from './routes-catalog.js';
import { inCollection, type ShopifySimulatorState } from './state.js';

const ID = '(\\d+)';

function productsInCategory(state: ShopifySimulatorState, category: StoreCategory): number {
  return state.dataset.products.reduce((n, p) => n + (p.categoryIds.includes(category.id) ? 1 : 0), 0);
}

function productsOfType(state: ShopifySimulatorState, smart: SmartCollection): number {
  return state.dataset.products.reduce((n, p) => n + (p.productType === smart.productType ? 1 : 0), 0);
}

/** Collections filter on ids/since_id/title/handle/updated_at/product_id like products do (§3). */
function collectionFilter<T>(
  state: ShopifySimulatorState,
  filters: Filters,
  kind: 'customCollection' | 'smartCollection',
  read: (c: T) => { id: number; title: string; handle: string; updatedAt: number; publishedAt: number | null; contains(p: StoreProduct): boolean },
): (c: T) => boolean {
  const ids = filters.ids === undefined ? undefined : new Set(filters.ids.split(',').map((s) => Number(s.trim())));
  const since = filters.since_id === undefined ? undefined : Number(filters.since_id);
  const product = filters.product_id === undefined ? undefined : productAt(state, filters.product_id);
  const dates = collectionDatePredicate(filters, state.render.timezone);
  return (c) => {
    const r = read(c);
    const id = toShopifyId(kind, r.id);
    if (ids && !ids.has(id)) return false;
    if (since !== undefined && !(id > since)) return false;
    if (filters.title !== undefined && r.title !== filters.title) return false;
    if (filters.handle !== undefined && r.handle !== filters.handle) return false;
    if (filters.product_id !== undefined && (product === undefined || !r.contains(product))) return false;
    return dates({ updatedAt: r.updatedAt, publishedAt: r.publishedAt });
  };
}

function customCollections(state: ShopifySimulatorState, filters: Filters): StoreCategory[] {
  return state.dataset.categories.filter(
    collectionFilter<StoreCategory>(state, filters, 'customCollection', (c) => ({
      id: c.id,
      title: c.name,
      handle: c.handle,
      updatedAt: c.updatedAt,
      publishedAt: c.visible ? c.createdAt : null,
      contains: (p) => p.categoryIds.includes(c.id),
    })),
  );
}

function smartCollections(state: ShopifySimulatorState, filters: Filters): SmartCollection[] {
  return state.smartCollections.filter(
    collectionFilter<SmartCollection>(state, filters, 'smartCollection', (c) => ({
      id: c.id,
      title: `All ${c.productType}`,
      handle: c.productType.toLowerCase(),
      updatedAt: c.createdAt,
      publishedAt: c.createdAt,
      contains: (p) => p.productType === c.productType,
    })),
  );
}

export function collectionRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^custom_collections\.json$/,
      scope: 'read_products',
      handle: (ctx) =>
        list(ctx, {
          root: 'custom_collections',
          resource: 'custom_collections.json',
          select: (f) => customCollections(ctx.state, f),
          key: (c) => toShopifyId('customCollection', c.id),
          render: (c) => renderCustomCollection(ctx.state.render, c, productsInCategory(ctx.state, c)),
        }),
    },
    {
      method: 'GET',
      pattern: /^custom_collections\/count\.json$/,
      scope: 'read_products',
      handle: (ctx) => count(() => customCollections(ctx.state, Object.fromEntries(ctx.req.query)).length),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^custom_collections/${ID}\\.json$`),
      scope: 'read_products',
      handle: (ctx) => {
        const n = fromShopifyId('customCollection', pathId(ctx.params[0]));
        const c = n === undefined ? undefined : ctx.state.dataset.categoryById.get(n);
        return c ? single(ctx, 'custom_collection', renderCustomCollection(ctx.state.render, c, productsInCategory(ctx.state, c))) : notFound();
      },
    },
    {
      method: 'GET',
      pattern: /^smart_collections\.json$/,
      scope: 'read_products',
      handle: (ctx) =>
        list(ctx, {
          root: 'smart_collections',
          resource: 'smart_collections.json',
          select: (f) => smartCollections(ctx.state, f),
          key: (c) => toShopifyId('smartCollection', c.id),
          render: (c) => renderSmartCollection(ctx.state.render, c, productsOfType(ctx.state, c)),
        }),
    },
    {
      method: 'GET',
      pattern: /^smart_collections\/count\.json$/,
      scope: 'read_products',
      handle: (ctx) => count(() => smartCollections(ctx.state, Object.fromEntries(ctx.req.query)).length),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^smart_collections/${ID}\\.json$`),
      scope: 'read_products',
      handle: (ctx) => {
        const n = fromShopifyId('smartCollection', pathId(ctx.params[0]));
        const c = n === undefined ? undefined : ctx.state.smartCollections[n - 1];
        return c ? single(ctx, 'smart_collection', renderSmartCollection(ctx.state.render, c, productsOfType(ctx.state, c))) : notFound();
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^collections/${ID}\\.json$`),
      scope: 'read_products',
      handle: (ctx) => {
        const id = pathId(ctx.params[0]);
        const custom = fromShopifyId('customCollection', id);
        const smart = fromShopifyId('smartCollection', id);
        const category = custom === undefined ? undefined : ctx.state.dataset.categoryById.get(custom);
        if (category) {
          const c = renderCustomCollection(ctx.state.render, category, productsInCategory(ctx.state, category));
          return single(ctx, 'collection', { ...c, collection_type: 'custom' });
        }
        const rule = smart === undefined ? undefined : ctx.state.smartCollections[smart - 1];
        if (rule) {
          const c = renderSmartCollection(ctx.state.render, rule, productsOfType(ctx.state, rule));
          return single(ctx, 'collection', { ...c, collection_type: 'smart' });
        }
        return notFound();
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^collections/${ID}/products\\.json$`),
      scope: 'read_products',
      handle: (ctx) => {
        const id = pathId(ctx.params[0]);
        const known =
          fromShopifyId('customCollection', id) !== undefined
            ? ctx.state.dataset.categoryById.has(fromShopifyId('customCollection', id) as number)
            : ctx.state.smartCollections[(fromShopifyId('smartCollection', id) ?? 0) - 1] !== undefined;
        if (!known) return notFound();
        return list(ctx, {
          root: 'products',
          resource: `collections/${ctx.params[0]}/products.json`,
          select: () => ctx.state.dataset.products.filter((p) => p.status === 'active' && inCollection(ctx.state, id, p)),
          key: (p) => toShopifyId('product', p.id),
          render: (p) => renderProduct(ctx.state.render, p),
        });
      },
    },
    {
      method: 'GET',
      pattern: /^collects\.json$/,
      scope: 'read_products',
      handle: (ctx) =>
        list(ctx, {
          root: 'collects',
          resource: 'collects.json',
          select: (f) => collects(ctx.state, f),
          key: (c) => toShopifyId('collect', c.id),
          render: (c) => ({
            id: toShopifyId('collect', c.id),
            collection_id: toShopifyId('customCollection', c.categoryId),
            product_id: toShopifyId('product', c.productId),
            created_at: ts(ctx.state.render, c.createdAt),
            updated_at: ts(ctx.state.render, c.createdAt),
            position: c.position,
            sort_value: String(c.position).padStart(10, '0'),
          }),
        }),
    },
    {
      method: 'GET',
      pattern: /^collects\/count\.json$/,
      scope: 'read_products',
      handle: (ctx) => count(() => collects(ctx.state, Object.fromEntries(ctx.req.query)).length),
    },
  ];
}

function collects(state: ShopifySimulatorState, f: Filters): ShopifySimulatorState['collects'] {
  const collection = f.collection_id === undefined ? undefined : fromShopifyId('customCollection', Number(f.collection_id));
  const product = f.product_id === undefined ? undefined : fromShopifyId('product', Number(f.product_id));
  return state.collects.filter(
    (c) => (f.collection_id === undefined || c.categoryId === collection) && (f.product_id === undefined || c.productId === product),
  );
}
