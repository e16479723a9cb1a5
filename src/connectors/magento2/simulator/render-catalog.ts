/**
 * Catalog shapes (magento2.md §5–§7): products with prices as numbers, `status` 1/2,
 * `visibility` 1–4, UTC "YYYY-MM-DD HH:MM:SS" dates, EAV values in `custom_attributes` as
 * strings (`category_ids` a string array), configurable parents with
 * `configurable_product_options`/`configurable_product_links`; legacy stock items, MSI
 * source items, category trees and flat categories.
 */
import { slugify, type StoreCategory, type StoreProduct } from '../../simulator-kit/dataset.js';
import { OPTIONS } from '../../simulator-kit/words.js';
import { categoryId, DEFAULT_CATEGORY_ID, ROOT_CATEGORY_ID, stockOf, createdAt, updatedAt, type MagentoProduct, type MagentoSimulatorState } from './state.js';

/** `2024-02-11 09:14:03`, UTC (§12). */
export function mDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Select attributes and their option ids: color is 93 on a stock install, the others are ours. */
const ATTRIBUTE_IDS: Record<string, number> = { color: 93, size: 144, material: 145 };

export function attributeOf(optionName: string): { code: string; id: number } {
  const code = slugify(optionName);
  return { code, id: ATTRIBUTE_IDS[code] ?? 150 };
}

export function optionId(optionName: string, value: string): number {
  const index = OPTIONS.findIndex((o) => o.name === optionName);
  const values = OPTIONS[index]?.values ?? [];
  return 50 + Math.max(0, index) * 20 + Math.max(0, values.indexOf(value));
}

/** "29.000000": EAV decimals as strings with six places ([I] stored as decimal(20,6)). */
function decimal(cents: number): string {
  return (cents / 100).toFixed(6);
}

function customAttributes(state: MagentoSimulatorState, m: MagentoProduct): Array<{ attribute_code: string; value: string | string[] }> {
  const p = m.product;
  const child = m.parentId !== null;
  const attrs: Array<{ attribute_code: string; value: string | string[] }> = [];
  if (!child) attrs.push({ attribute_code: 'description', value: p.descriptionHtml });
  attrs.push({ attribute_code: 'url_key', value: child ? slugify(m.sku) : p.handle });
  attrs.push({ attribute_code: 'tax_class_id', value: m.variant?.taxable === false ? '0' : '2' });
  if (!child) attrs.push({ attribute_code: 'category_ids', value: p.categoryIds.map((c) => String(categoryId(c))) });
  attrs.push({ attribute_code: 'options_container', value: 'container2' });
  attrs.push({ attribute_code: 'required_options', value: '0' });
  attrs.push({ attribute_code: 'has_options', value: m.typeId === 'configurable' ? '1' : '0' });
  if (m.variant?.salePriceCents != null) attrs.push({ attribute_code: 'special_price', value: decimal(m.variant.salePriceCents) });
  if (m.variant && m.variant.costCents > 0 && !child) attrs.push({ attribute_code: 'cost', value: decimal(m.variant.costCents) });
  if (child && m.variant) {
    p.options.forEach((o, k) => attrs.push({ attribute_code: attributeOf(o.name).code, value: String(optionId(o.name, m.variant?.optionValues[k] ?? '')) }));
  }
  return attrs;
}

export function renderStockItem(state: MagentoSimulatorState, m: MagentoProduct): Record<string, unknown> {
  const s = stockOf(state, m);
  const backorders = m.variant?.continueSellingWhenOutOfStock ? 1 : 0;
  return {
    item_id: m.id,
    product_id: m.id,
    stock_id: 1,
    qty: s.qty,
    is_in_stock: s.inStock,
    is_qty_decimal: false,
    show_default_notification_message: false,
    use_config_min_qty: true,
    min_qty: 0,
    use_config_min_sale_qty: 1,
    min_sale_qty: 1,
    use_config_max_sale_qty: true,
    max_sale_qty: 10000,
    use_config_backorders: backorders === 0,
    backorders,
    use_config_notify_stock_qty: true,
    notify_stock_qty: 1,
    use_config_qty_increments: true,
    qty_increments: 0,
    use_config_enable_qty_inc: true,
    enable_qty_increments: false,
    use_config_manage_stock: s.managed,
    manage_stock: s.managed,
    low_stock_date: null,
    is_decimal_divided: false,
    stock_status_changed_auto: 0,
  };
}

function mediaEntries(m: MagentoProduct): Array<Record<string, unknown>> {
  const p = m.product;
  const images = m.parentId === null ? p.images : p.images.filter((i) => i.id === m.variant?.imageId);
  return [...images]
    .sort((a, b) => a.position - b.position)
    .map((i, k) => ({
      id: i.id,
      media_type: 'image',
      label: i.alt ?? '',
      position: k + 1,
      disabled: false,
      types: k === 0 ? ['image', 'small_image', 'thumbnail'] : [],
      // Relative to <base media url>catalog/product (§5).
      file: `/${i.fileName[0]}/${i.fileName[1] ?? '_'}/${i.fileName}.jpg`,
    }));
}

export function productPrice(state: MagentoSimulatorState, m: MagentoProduct): number {
  if (m.variant === null) return (state.parentPrice.get(m.id) ?? 0) / 100;
  return m.variant.priceCents / 100;
}

export function productStatus(p: StoreProduct): 1 | 2 {
  return p.status === 'active' ? 1 : 2;
}

/** `stock_item` only on single GETs (§5: not in lists). */
export function renderProduct(state: MagentoSimulatorState, m: MagentoProduct, withStock: boolean): Record<string, unknown> {
  const p = m.product;
  const child = m.parentId !== null;
  const name = child ? `${p.title}-${m.variant?.optionValues.join('-')}` : p.title;
  const extension: Record<string, unknown> = {
    website_ids: [1],
    category_links: child ? [] : p.categoryIds.map((c, k) => ({ position: k, category_id: String(categoryId(c)) })),
  };
  if (withStock) extension.stock_item = renderStockItem(state, m);
  if (m.typeId === 'configurable') {
    extension.configurable_product_options = renderConfigurableOptions(m);
    extension.configurable_product_links = m.childIds;
  }
  const out: Record<string, unknown> = {
    id: m.id,
    sku: m.sku,
    name,
    attribute_set_id: 4,
    price: productPrice(state, m),
    status: productStatus(p),
    // Children are sold through their parent and hidden on their own (§5 [I]).
    visibility: child ? 1 : 4,
    type_id: m.typeId,
    created_at: mDate(createdAt(m)),
    updated_at: mDate(updatedAt(m)),
  };
  if (m.typeId !== 'virtual' && m.variant !== null) out.weight = m.variant.weightGrams / 1000;
  Object.assign(out, {
    extension_attributes: extension,
    product_links: [],
    options: [],
    media_gallery_entries: mediaEntries(m),
    tier_prices: [],
    custom_attributes: customAttributes(state, m),
  });
  return out;
}

export function renderConfigurableOptions(m: MagentoProduct): Array<Record<string, unknown>> {
  return m.product.options.map((o, k) => {
    const attr = attributeOf(o.name);
    return {
      id: m.id * 10 + k,
      attribute_id: String(attr.id),
      label: o.name,
      position: k,
      values: o.values.map((v) => ({ value_index: optionId(o.name, v) })),
      product_id: m.id,
    };
  });
}

export function renderSourceItem(state: MagentoSimulatorState, m: MagentoProduct): Record<string, unknown> {
  const s = stockOf(state, m);
  return { sku: m.sku, source_code: 'default', quantity: s.qty, status: s.inStock ? 1 : 0 };
}

// ---- categories ----

export interface CategoryNode {
  id: number;
  parentId: number;
  name: string;
  level: number;
  position: number;
  isActive: boolean;
  path: string;
  childIds: number[];
  source: StoreCategory | null;
  createdAt: number;
  updatedAt: number;
}

/** The category tree with Magento's two fixed roots on top (§7). */
export function categoryNodes(state: MagentoSimulatorState): Map<number, CategoryNode> {
  const { dataset } = state;
  const nodes = new Map<number, CategoryNode>();
  const at = dataset.periodStart;
  nodes.set(ROOT_CATEGORY_ID, { id: 1, parentId: 0, name: 'Root Catalog', level: 0, position: 0, isActive: true, path: '1', childIds: [], source: null, createdAt: at, updatedAt: at });
  nodes.set(DEFAULT_CATEGORY_ID, { id: 2, parentId: 1, name: 'Default Category', level: 1, position: 1, isActive: true, path: '1/2', childIds: [], source: null, createdAt: at, updatedAt: at });
  (nodes.get(1) as CategoryNode).childIds.push(2);
  // Parents come before children in the neutral list (parents are the first 40%).
  for (const c of dataset.categories) {
    const parent = nodes.get(c.parentId === 0 ? DEFAULT_CATEGORY_ID : categoryId(c.parentId)) as CategoryNode;
    const id = categoryId(c.id);
    parent.childIds.push(id);
    nodes.set(id, {
      id,
      parentId: parent.id,
      name: c.name,
      level: parent.level + 1,
      position: parent.childIds.length,
      isActive: c.visible,
      path: `${parent.path}/${id}`,
      childIds: [],
      source: c,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    });
  }
  return nodes;
}

function productCounts(state: MagentoSimulatorState): Map<number, number> {
  const counts = new Map<number, number>();
  for (const p of state.dataset.products) for (const c of p.categoryIds) counts.set(categoryId(c), (counts.get(categoryId(c)) ?? 0) + 1);
  return counts;
}

export function renderTree(state: MagentoSimulatorState, nodes: Map<number, CategoryNode>, rootId: number, depth: number | undefined): Record<string, unknown> | undefined {
  const counts = productCounts(state);
  const walk = (id: number, remaining: number | undefined): Record<string, unknown> => {
    const n = nodes.get(id) as CategoryNode;
    return {
      id: n.id,
      parent_id: n.parentId,
      name: n.name,
      is_active: n.isActive,
      position: n.position,
      level: n.level,
      product_count: counts.get(n.id) ?? 0,
      children_data: remaining === 0 ? [] : n.childIds.map((c) => walk(c, remaining === undefined ? undefined : remaining - 1)),
    };
  };
  return nodes.has(rootId) ? walk(rootId, depth) : undefined;
}

export function renderCategory(n: CategoryNode): Record<string, unknown> {
  const attrs: Array<{ attribute_code: string; value: string }> = [];
  if (n.source) {
    attrs.push({ attribute_code: 'url_key', value: n.source.handle }, { attribute_code: 'url_path', value: n.source.handle });
    if (n.source.descriptionHtml !== '') attrs.push({ attribute_code: 'description', value: n.source.descriptionHtml });
  }
  attrs.push({ attribute_code: 'display_mode', value: 'PRODUCTS' }, { attribute_code: 'is_anchor', value: '1' }, { attribute_code: 'path', value: n.path });
  attrs.push({ attribute_code: 'children_count', value: String(n.childIds.length) });
  return {
    id: n.id,
    parent_id: n.parentId,
    name: n.name,
    is_active: n.isActive,
    position: n.position,
    level: n.level,
    // A comma-separated id string, not an array (§7).
    children: n.childIds.join(','),
    created_at: mDate(n.createdAt),
    updated_at: mDate(n.updatedAt),
    path: n.path,
    available_sort_by: [],
    include_in_menu: n.source === null ? n.id === DEFAULT_CATEGORY_ID : n.source.visible,
    custom_attributes: attrs,
  };
}
