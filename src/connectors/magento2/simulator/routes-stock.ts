/**
 * Stock routes (magento2.md §6): legacy single-source stock items by SKU, MSI source items
 * (list and save) and salable quantity. [U] Stock writes leave the product's `updated_at`
 * alone (they save the stock tables, not the product) unless `stockWritesTouchProduct`.
 */
import { renderSourceItem, renderStockItem } from './render-catalog.js';
import { jsonBody, mError, ok, productNotFound, required, type Route, type RouteContext } from './respond.js';
import { searchList, type Fields } from './search-criteria.js';
import { stockOf, touch, type MagentoProduct } from './state.js';
import { planSourceItems, planStock } from './writes.js';

const CATALOG_INVENTORY = 'Magento_CatalogInventory::cataloginventory';
const SOURCES = 'Magento_InventoryApi::source';

function afterStockWrite(ctx: RouteContext, products: MagentoProduct[]): void {
  if (ctx.state.settings.stockWritesTouchProduct) for (const m of products) touch(ctx.state, m);
}

export function stockRoutes(): Route[] {
  const sourceFields: Fields<MagentoProduct> = {
    sku: (m) => m.sku,
    source_code: () => 'default',
    quantity: (m) => m.variant?.inventory ?? 0,
  };
  return [
    {
      method: 'GET',
      pattern: /^\/V1\/stockItems\/([^/]+)$/,
      resource: CATALOG_INVENTORY,
      handle: (ctx) => {
        const m = ctx.state.productBySku.get(decodeURIComponent(ctx.params[0] ?? ''));
        return m ? ok(renderStockItem(ctx.state, m)) : productNotFound();
      },
    },
    {
      method: 'PUT',
      pattern: /^\/V1\/products\/([^/]+)\/stockItems\/([^/]+)$/,
      resource: CATALOG_INVENTORY,
      handle: (ctx) => {
        const m = ctx.state.productBySku.get(decodeURIComponent(ctx.params[0] ?? ''));
        if (!m) return productNotFound();
        const body = jsonBody(ctx.req);
        if (!body.ok) return body.response;
        const item = body.value.stockItem;
        if (typeof item !== 'object' || item === null || Array.isArray(item)) return required('stockItem');
        const changes: Array<() => void> = [];
        const failed = planStock(ctx.state, m, item as Record<string, unknown>, changes);
        if (failed) return failed;
        for (const change of changes) change();
        afterStockWrite(ctx, [m]);
        // The answer is the stock item id (§4).
        return ok(m.id);
      },
    },
    {
      method: 'GET',
      pattern: /^\/V1\/inventory\/source-items$/,
      resource: SOURCES,
      handle: (ctx) => {
        // Only simple products have source items; status reads state, so it is bound here.
        const fields = { ...sourceFields, status: (m: MagentoProduct) => (stockOf(ctx.state, m).inStock ? 1 : 0) };
        const simple = ctx.state.products.filter((m) => m.variant !== null);
        return searchList(ctx, fields, simple, 'flat', (m) => renderSourceItem(ctx.state, m));
      },
    },
    {
      method: 'POST',
      pattern: /^\/V1\/inventory\/source-items$/,
      resource: SOURCES,
      handle: (ctx) => {
        const body = jsonBody(ctx.req);
        if (!body.ok) return body.response;
        const plan = planSourceItems(ctx.state, body.value);
        if (!plan.ok) return plan.response;
        for (const change of plan.changes) change();
        const skus = (body.value.sourceItems as Array<{ sku: string }>).map((x) => x.sku);
        afterStockWrite(ctx, skus.map((s) => ctx.state.productBySku.get(s) as MagentoProduct));
        return ok([]);
      },
    },
    {
      method: 'GET',
      pattern: /^\/V1\/inventory\/get-product-salable-quantity\/([^/]+)\/(\d+)$/,
      resource: 'Magento_InventoryApi::stock',
      handle: (ctx) => {
        const m = ctx.state.productBySku.get(decodeURIComponent(ctx.params[0] ?? ''));
        if (!m) return productNotFound();
        if (ctx.params[1] !== '1') return mError(404, 'Stock with id "%value" does not exist.', { value: ctx.params[1] ?? '' });
        // [I] Types without source items (configurable, bundle…) cannot be asked.
        if (m.variant === null) return mError(400, "Can't check requested quantity for products without Source Items support.");
        const s = stockOf(ctx.state, m);
        return ok(s.managed ? Math.max(0, s.qty) : 0);
      },
    },
  ];
}
