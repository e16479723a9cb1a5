/**
 * The unified eCommerce model (../shared/platforms/unified-model.md, Part B): one shape per
 * entity whatever the platform. Ids are strings, money is a decimal string in the record's
 * `currency`, timestamps are ISO 8601 UTC (`…Z`). These schemas validate connector output in
 * tests and generate the OpenAPI document, so code, docs and tests cannot drift apart.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Money = Type.String({ pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: 'Decimal amount as a string, in the record\'s currency.', examples: ['19.90'] });
export const Timestamp = Type.String({ format: 'date-time', pattern: 'Z$', description: 'ISO 8601 in UTC.', examples: ['2025-03-01T09:30:00Z'] });
export const Id = Type.String({ minLength: 1, description: 'The platform\'s id, as a string.' });

export const Image = Type.Object(
  {
    id: Nullable(Id),
    url: Type.String({ description: 'Absolute URL of the image.' }),
    position: Type.Integer({ minimum: 0, description: 'Order among the product\'s images (0 first).' }),
    alt: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const Weight = Type.Object(
  { value: Money, unit: Type.Union([Type.Literal('kg'), Type.Literal('g'), Type.Literal('lb'), Type.Literal('oz')]) },
  { additionalProperties: false },
);

export const VariantOption = Type.Object({ name: Type.String(), value: Type.String() }, { additionalProperties: false });

export const Variant = Type.Object(
  {
    id: Id,
    product_id: Id,
    sku: Nullable(Type.String()),
    name: Nullable(Type.String({ description: 'Variant title, e.g. "Red / L".' })),
    options: Type.Array(VariantOption),
    price: Nullable(Money),
    sale_price: Nullable(Type.Union([Money], { description: 'Current price when on sale (price is then the regular price).' })),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    quantity: Nullable(Type.Integer({ description: 'Sellable stock; null when stock is not tracked.' })),
    in_stock: Type.Boolean(),
    weight: Nullable(Weight),
    barcode: Nullable(Type.String()),
    image_url: Nullable(Type.String()),
    created_at: Nullable(Timestamp),
    updated_at: Nullable(Timestamp),
    raw: Type.Optional(Type.Unknown({ description: 'The platform record (include=raw).' })),
  },
  { additionalProperties: false },
);

export const ProductType = Type.Union(
  ['simple', 'configurable', 'bundle', 'virtual', 'other'].map((t) => Type.Literal(t)),
  { description: 'simple (no variants), configurable (has variants), bundle, virtual (not shipped) or other.' },
);

export const Product = Type.Object(
  {
    id: Id,
    sku: Nullable(Type.String()),
    name: Type.String(),
    description: Nullable(Type.String({ description: 'HTML as the platform stores it.' })),
    short_description: Nullable(Type.String()),
    type: ProductType,
    status: Type.Union([Type.Literal('active'), Type.Literal('draft'), Type.Literal('archived')], { description: 'Sellable (active), not yet (draft) or retired (archived).' }),
    visible: Type.Boolean({ description: 'Shown in the storefront catalog.' }),
    price: Nullable(Money),
    sale_price: Nullable(Money),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    quantity: Nullable(Type.Integer({ description: 'Sum over variants and sellable locations; null when not tracked.' })),
    in_stock: Type.Boolean(),
    weight: Nullable(Weight),
    brand: Nullable(Type.String()),
    category_ids: Type.Array(Id),
    images: Type.Array(Image),
    variants: Type.Array(Variant, { description: 'The product\'s variants (one for a simple product where the platform has one).' }),
    created_at: Nullable(Timestamp),
    updated_at: Nullable(Timestamp),
    raw: Type.Optional(Type.Unknown({ description: 'The platform record (include=raw).' })),
  },
  { additionalProperties: false },
);

export const Address = Type.Object(
  {
    first_name: Nullable(Type.String()),
    last_name: Nullable(Type.String()),
    company: Nullable(Type.String()),
    line1: Nullable(Type.String()),
    line2: Nullable(Type.String()),
    city: Nullable(Type.String()),
    region: Nullable(Type.String()),
    postal_code: Nullable(Type.String()),
    country_code: Nullable(Type.String({ pattern: '^[A-Z]{2}$' })),
    phone: Nullable(Type.String()),
    email: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const NORMALIZED_ORDER_STATUSES = [
  'draft',
  'pending_payment',
  'on_hold',
  'processing',
  'partially_shipped',
  'shipped',
  'completed',
  'cancelled',
  'refunded',
  'partially_refunded',
  'failed',
  'unknown',
] as const;

export type NormalizedOrderStatus = (typeof NORMALIZED_ORDER_STATUSES)[number];

export const OrderStatus = Type.Object(
  {
    normalized: Type.Union(NORMALIZED_ORDER_STATUSES.map((s) => Type.Literal(s)), { description: 'Unigate\'s vocabulary (unified-model.md B7).' }),
    native: Type.String({ description: 'The platform\'s own status code or id.' }),
    label: Nullable(Type.String({ description: 'The platform\'s display name, when it has one.' })),
  },
  { additionalProperties: false },
);

export const OrderItem = Type.Object(
  {
    id: Id,
    product_id: Nullable(Id),
    variant_id: Nullable(Id),
    sku: Nullable(Type.String()),
    name: Type.String(),
    quantity: Type.Integer({ minimum: 0 }),
    price: Money,
    total: Money,
  },
  { additionalProperties: false },
);

export const Order = Type.Object(
  {
    id: Id,
    number: Type.String({ description: 'The number merchants and buyers see (#1001, 100000012…).' }),
    status: OrderStatus,
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    totals: Type.Object(
      { total: Money, subtotal: Money, shipping: Money, tax: Money, discount: Money },
      { additionalProperties: false },
    ),
    customer: Type.Object(
      { id: Nullable(Id), email: Nullable(Type.String()), first_name: Nullable(Type.String()), last_name: Nullable(Type.String()) },
      { additionalProperties: false },
    ),
    billing_address: Nullable(Address),
    shipping_address: Nullable(Address),
    payment_method: Nullable(Type.String()),
    shipping_method: Nullable(Type.String()),
    items: Type.Array(OrderItem),
    created_at: Nullable(Timestamp),
    updated_at: Nullable(Timestamp),
    raw: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export const Customer = Type.Object(
  {
    id: Id,
    email: Nullable(Type.String()),
    first_name: Nullable(Type.String()),
    last_name: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    group_ids: Type.Array(Id),
    newsletter: Nullable(Type.Boolean()),
    addresses: Type.Array(Address),
    created_at: Nullable(Timestamp),
    updated_at: Nullable(Timestamp),
    raw: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export const Category = Type.Object(
  {
    id: Id,
    parent_id: Nullable(Id),
    name: Type.String(),
    description: Nullable(Type.String()),
    visible: Type.Boolean(),
    position: Nullable(Type.Integer()),
    raw: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export const Store = Type.Object(
  {
    platform: Type.String(),
    name: Nullable(Type.String()),
    url: Nullable(Type.String()),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    timezone: Nullable(Type.String()),
    weight_unit: Nullable(Type.String()),
    prices_include_tax: Nullable(Type.Boolean()),
    country_code: Nullable(Type.String()),
    email: Nullable(Type.String()),
    raw: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export type ProductRecord = Static<typeof Product>;
export type VariantRecord = Static<typeof Variant>;
export type OrderRecord = Static<typeof Order>;
export type CustomerRecord = Static<typeof Customer>;
export type CategoryRecord = Static<typeof Category>;
export type StoreRecord = Static<typeof Store>;
export type AddressRecord = Static<typeof Address>;
