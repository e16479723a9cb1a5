/**
 * Catalog routes (magento2.md §4, §5, §7): products (list, get by SKU, save), configurable
 * children and options, the category tree, the flat category list and single categories.
 */
import { slugify } from '../../simulator-kit/dataset.js';
import { categoryNodes, mDate, productPrice, productStatus, renderCategory, renderConfigurableOptions, renderProduct, renderTree, type CategoryNode } from './render-catalog.js';
import { jsonBody, noSuchEntity, ok, productNotFound, wrongType, type Route, type RouteContext } from './respond.js';
import { searchList, type Fields } from './search-criteria.js';
import { categoryId, createdAt, DEFAULT_CATEGORY_ID, touch, updatedAt, type MagentoProduct } from './state.js';
import { planProductSave } from './writes.js';

const PRODUCTS = 'Magento_Catalog::products';
const CATEGORIES = 'Magento_Catalog::categories';

export const PRODUCT_FIELDS: Fields<MagentoProduct> = {
  entity_id: (m) => m.id,
  id: (m) => m.id,
  sku: (m) => m.sku,
  name: (m) => (m.parentId === null ? m.product.title : `${m.product.title}-${m.variant?.optionValues.join('-')}`),
  type_id: (m) => m.typeId,
  status: (m) => productStatus(m.product),
  visibility: (m) => (m.parentId === null ? 4 : 1),
  attribute_set_id: () => 4,
  created_at: (m) => mDate(createdAt(m)),
  updated_at: (m) => mDate(updatedAt(m)),
  url_key: (m) => (m.parentId === null ? m.product.handle : slugify(m.sku)),
  weight: (m) => (m.variant === null ? null : m.variant.weightGrams / 1000),
  special_price: (m) => (m.variant?.salePriceCents == null ? null : m.variant.salePriceCents / 100),
  // The repository's collection processor joins category assignments for this one (§3).
  category_id: (m) => (m.parentId === null ? m.product.categoryIds.map(categoryId) : []),
};
// `price` reads state (parent prices written through the API), so it is bound per request.
const withPrice = (ctx: RouteContext): Fields<MagentoProduct> => ({ ...PRODUCT_FIELDS, price: (m) => productPrice(ctx.state, m) });

const CATEGORY_FIELDS: Fields<CategoryNode> = {
  entity_id: (n) => n.id,
  id: (n) => n.id,
  name: (n) => n.name,
  parent_id: (n) => n.parentId,
  level: (n) => n.level,
  position: (n) => n.position,
  path: (n) => n.path,
  is_active: (n) => (n.isActive ? 1 : 0),
  created_at: (n) => mDate(n.createdAt),
  updated_at: (n) => mDate(n.updatedAt),
};

function productBySku(ctx: RouteContext): MagentoProduct | undefined {
  return ctx.state.productBySku.get(decodeURIComponent(ctx.params[0] ?? ''));
}

function optionalInt(ctx: RouteContext, name: string): number | undefined | ReturnType<typeof wrongType> {
  const raw = ctx.req.query.get(name);
  if (raw === null || raw === '') return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : wrongType(raw, 'int');
}

export function catalogRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/V1\/products$/,
      resource: PRODUCTS,
      handle: (ctx) => searchList(ctx, withPrice(ctx), ctx.state.products, 'eav', (m) => renderProduct(ctx.state, m, false)),
    },
    {
      method: 'GET',
      pattern: /^\/V1\/products\/([^/]+)$/,
      resource: PRODUCTS,
      handle: (ctx) => {
        const m = productBySku(ctx);
        return m ? ok(renderProduct(ctx.state, m, true)) : productNotFound();
      },
    },
    {
      method: 'PUT',
      pattern: /^\/V1\/products\/([^/]+)$/,
      resource: PRODUCTS,
      handle: (ctx) => {
        // [U] Saving an unknown SKU creates a product in Magento; the simulator does not create.
        const m = productBySku(ctx);
        if (!m) return productNotFound();
        const body = jsonBody(ctx.req);
        if (!body.ok) return body.response;
        const plan = planProductSave(ctx.state, m, body.value);
        if (!plan.ok) return plan.response;
        for (const change of plan.changes) change();
        touch(ctx.state, m);
        return ok(renderProduct(ctx.state, m, true));
      },
    },
    {
      method: 'GET',
      pattern: /^\/V1\/configurable-products\/([^/]+)\/children$/,
      resource: PRODUCTS,
      handle: (ctx) => {
        const m = productBySku(ctx);
        if (!m) return productNotFound();
        return ok(m.childIds.map((id) => renderProduct(ctx.state, ctx.state.productById.get(id) as MagentoProduct, false)));
      },
    },
    {
      method: 'GET',
      pattern: /^\/V1\/configurable-products\/([^/]+)\/options\/all$/,
      resource: PRODUCTS,
      handle: (ctx) => {
        const m = productBySku(ctx);
        if (!m) return productNotFound();
        return ok(m.typeId === 'configurable' ? renderConfigurableOptions(m) : []);
      },
    },
    {
      method: 'GET',
      pattern: /^\/V1\/categories$/,
      resource: CATEGORIES,
      handle: (ctx) => {
        // The tree starts at the store's root category; searchCriteria is ignored (§7).
        const root = optionalInt(ctx, 'rootCategoryId');
        const depth = optionalInt(ctx, 'depth');
        if (typeof root === 'object') return root;
        if (typeof depth === 'object') return depth;
        const tree = renderTree(ctx.state, categoryNodes(ctx.state), root ?? DEFAULT_CATEGORY_ID, depth);
        return tree ? ok(tree) : noSuchEntity('id', root ?? DEFAULT_CATEGORY_ID);
      },
    },
    {
      method: 'GET',
      pattern: /^\/V1\/categories\/list$/,
      resource: CATEGORIES,
      handle: (ctx) => searchList(ctx, CATEGORY_FIELDS, [...categoryNodes(ctx.state).values()], 'eav', renderCategory),
    },
    {
      method: 'GET',
      pattern: /^\/V1\/categories\/(\d+)$/,
      resource: CATEGORIES,
      handle: (ctx) => {
        const id = Number(ctx.params[0]);
        const n = categoryNodes(ctx.state).get(id);
        return n ? ok(renderCategory(n)) : noSuchEntity('id', id);
      },
    },
    {
      method: 'GET',
      pattern: /^\/V1\/categories\/(\d+)\/products$/,
      resource: CATEGORIES,
      handle: (ctx) => {
        const id = Number(ctx.params[0]);
        if (!categoryNodes(ctx.state).has(id)) return noSuchEntity('id', id);
        const rows = ctx.state.products.filter((m) => m.parentId === null && m.product.categoryIds.some((c) => categoryId(c) === id));
        return ok(rows.map((m, k) => ({ sku: m.sku, position: k, category_id: String(id) })));
      },
    },
  ];
}
