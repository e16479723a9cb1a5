/**
 * Shopify inventory endpoints (shopify.md §3, §10.8): inventory items, levels per location,
 * and the only way to change stock, `inventory_levels/set` and `adjust`. Variant
 * `inventory_quantity` is the read-only sum over locations.
 */
import type { StoreVariant } from '../../simulator-kit/dataset.js';
import { gid, toShopifyId } from './ids.js';
import { renderInventoryItem, ts } from './render-catalog.js';
import { fail, jsonBody, list, notFound, ok, type Route, type RouteContext } from './respond.js';
import { touch } from './routes-catalog.js';
import { locationById, productOfVariant, setStockAt, stockAt, variantByInventoryItem, type ShopifySimulatorState } from './state.js';

function renderLevel(state: ShopifySimulatorState, variant: StoreVariant, locationId: number): Record<string, unknown> {
  const itemId = toShopifyId('inventoryItem', variant.id);
  const locId = toShopifyId('location', locationId);
  const updated = state.levelUpdatedAt.get(`${variant.id}:${locationId}`) ?? variant.updatedAt;
  return {
    inventory_item_id: itemId,
    location_id: locId,
    available: stockAt(state, variant, locationId),
    updated_at: ts(state.render, updated),
    admin_graphql_api_id: gid('InventoryLevel', locId) + `?inventory_item_id=${itemId}`,
  };
}

function inventoryWrite(ctx: RouteContext, mode: 'set' | 'adjust'): ReturnType<typeof ok> {
  const body = jsonBody(ctx.req, 'inventory_item_id');
  if (!body.ok) return body.response;
  const field = mode === 'set' ? 'available' : 'available_adjustment';
  for (const name of ['location_id', 'inventory_item_id', field]) {
    if (typeof body.value[name] !== 'number' || !Number.isInteger(body.value[name])) {
      return fail(400, { [name]: 'Required parameter missing or invalid' });
    }
  }
  const variant = variantByInventoryItem(ctx.state, body.value.inventory_item_id as number);
  const location = locationById(ctx.state, body.value.location_id as number);
  if (!variant || !location) return notFound();
  const amount = body.value[field] as number;
  const next = mode === 'set' ? amount : stockAt(ctx.state, variant, location.id) + amount;
  const now = ctx.state.stamp();
  setStockAt(ctx.state, variant, location.id, next);
  ctx.state.levelUpdatedAt.set(`${variant.id}:${location.id}`, now);
  // A stock change counts as an update of the variant and its product (brief; Product.updated_at note in the vendor spec).
  touch(productOfVariant(ctx.state, variant), variant, now);
  return ok({ inventory_level: renderLevel(ctx.state, variant, location.id) });
}

export function inventoryRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^inventory_items\.json$/,
      scope: 'read_inventory',
      handle: (ctx) => {
        const ids = ctx.req.query.get('ids');
        if (ids === null || ids.trim() === '') return fail(400, { ids: 'Required parameter missing or invalid' });
        const items = ids
          .split(',')
          .map((s) => variantByInventoryItem(ctx.state, Number(s.trim())))
          .filter((v): v is StoreVariant => v !== undefined)
          .sort((a, b) => a.id - b.id);
        return ok({ inventory_items: items.map((v) => renderInventoryItem(ctx.state.render, productOfVariant(ctx.state, v), v)) });
      },
    },
    {
      method: 'GET',
      pattern: /^inventory_levels\.json$/,
      scope: 'read_inventory',
      handle: (ctx) => {
        const q = ctx.req.query;
        const pageInfo = q.has('page_info');
        if (!pageInfo && !q.get('inventory_item_ids') && !q.get('location_ids')) {
          // One of the two is required (§3) [U: exact status and wording].
          return fail(422, ['inventory_item_ids or location_ids must be present']);
        }
        return list(ctx, {
          root: 'inventory_levels',
          resource: 'inventory_levels.json',
          select: (f) => {
            const items = f.inventory_item_ids?.split(',').map((s) => variantByInventoryItem(ctx.state, Number(s.trim())));
            const locations = f.location_ids?.split(',').map((s) => locationById(ctx.state, Number(s.trim())));
            const variants = items ? items.filter((v): v is StoreVariant => v !== undefined) : [...ctx.state.dataset.variantById.values()];
            const locs = locations ? locations.filter((l) => l !== undefined) : ctx.state.locations;
            const out: Array<{ v: StoreVariant; loc: number }> = [];
            for (const v of [...variants].sort((a, b) => a.id - b.id)) for (const l of locs) out.push({ v, loc: l.id });
            return out;
          },
          key: (x) => x.v.id * 1000 + x.loc,
          render: (x) => renderLevel(ctx.state, x.v, x.loc),
        });
      },
    },
    { method: 'POST', pattern: /^inventory_levels\/set\.json$/, scope: 'write_inventory', handle: (ctx) => inventoryWrite(ctx, 'set') },
    { method: 'POST', pattern: /^inventory_levels\/adjust\.json$/, scope: 'write_inventory', handle: (ctx) => inventoryWrite(ctx, 'adjust') },
    {
      method: 'GET',
      pattern: /^locations\.json$/,
      scope: 'read_locations',
      handle: (ctx) => {
        const s = ctx.state.dataset.store;
        return ok({
          locations: ctx.state.locations.map((l) => {
            const id = toShopifyId('location', l.id);
            return {
              id,
              name: l.name,
              address1: s.address1,
              address2: null,
              city: s.place.city,
              zip: s.place.zip,
              province: s.place.province,
              country: s.place.countryCode,
              phone: s.phone,
              created_at: ts(ctx.state.render, s.createdAt),
              updated_at: ts(ctx.state.render, s.updatedAt),
              country_code: s.place.countryCode,
              country_name: s.place.country,
              province_code: s.place.provinceCode,
              legacy: false,
              active: true,
              admin_graphql_api_id: gid('Location', id),
              localized_country_name: s.place.country,
              localized_province_name: s.place.province,
            };
          }),
        });
      },
    },
    { method: 'GET', pattern: /^locations\/count\.json$/, scope: 'read_locations', handle: (ctx) => ok({ count: ctx.state.locations.length }) },
  ];
}
