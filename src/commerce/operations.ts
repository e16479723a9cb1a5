/**
 * The unified API's operations: one table that the HTTP routes (REST paths and the method
 * aliases integration developers know from hosted unified APIs), the OpenAPI document and
 * the docs are all built from.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { Category, Customer, Order, Product, Store, Variant } from './models.js';

export type OperationKind = 'list' | 'count' | 'get' | 'info' | 'variants' | 'update';
export type Resource = 'products' | 'orders' | 'customers' | 'categories' | 'store';

export interface Operation {
  /** Method name, e.g. `product.list` (also the alias path `/v1/product.list`). */
  readonly name: string;
  readonly resource: Resource;
  readonly kind: OperationKind;
  readonly method: 'GET' | 'PUT' | 'PATCH';
  /** REST path below `/v1/connections/{connection}`. */
  readonly path: string;
  readonly summary: string;
  /** The record schema of what it returns. */
  readonly record: TSchema;
}

export const OPERATIONS: readonly Operation[] = [
  { name: 'store.info', resource: 'store', kind: 'info', method: 'GET', path: '/store', summary: 'The store: name, URL, currency, time zone.', record: Store },
  { name: 'product.list', resource: 'products', kind: 'list', method: 'GET', path: '/products', summary: 'Products with their variants and images.', record: Product },
  { name: 'product.count', resource: 'products', kind: 'count', method: 'GET', path: '/products/count', summary: 'How many products match the filters.', record: Product },
  { name: 'product.info', resource: 'products', kind: 'get', method: 'GET', path: '/products/{id}', summary: 'One product.', record: Product },
  { name: 'product.variant.list', resource: 'products', kind: 'variants', method: 'GET', path: '/products/{id}/variants', summary: 'A product\'s variants.', record: Variant },
  { name: 'product.update', resource: 'products', kind: 'update', method: 'PATCH', path: '/products/{id}', summary: 'Price, sale price and stock, of the product or of its variants.', record: Product },
  { name: 'category.list', resource: 'categories', kind: 'list', method: 'GET', path: '/categories', summary: 'Categories (collections on Shopify).', record: Category },
  { name: 'order.list', resource: 'orders', kind: 'list', method: 'GET', path: '/orders', summary: 'Orders with line items; status normalized, native kept.', record: Order },
  { name: 'order.count', resource: 'orders', kind: 'count', method: 'GET', path: '/orders/count', summary: 'How many orders match the filters.', record: Order },
  { name: 'order.info', resource: 'orders', kind: 'get', method: 'GET', path: '/orders/{id}', summary: 'One order.', record: Order },
  { name: 'customer.list', resource: 'customers', kind: 'list', method: 'GET', path: '/customers', summary: 'Customers with their addresses.', record: Customer },
  { name: 'customer.count', resource: 'customers', kind: 'count', method: 'GET', path: '/customers/count', summary: 'How many customers match the filters.', record: Customer },
  { name: 'customer.info', resource: 'customers', kind: 'get', method: 'GET', path: '/customers/{id}', summary: 'One customer.', record: Customer },
];

const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 with a zone.' });

/** Query parameters of list and count operations (snake_case, as sent). */
export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250, default: 50, description: 'Records per page (per store in a fan-out), whatever the platform\'s own page size.' })),
    cursor: Type.Optional(Type.String({ minLength: 1, description: 'next_cursor of the previous page.' })),
    fields: Type.Optional(Type.String({ minLength: 1, description: 'Only these fields, e.g. id,name,variants(id,price).' })),
    include: Type.Optional(Type.Literal('raw', { description: 'raw: add each record\'s platform record under `raw`.' })),
    modified_since: Type.Optional(Timestamp),
    created_since: Type.Optional(Timestamp),
    ids: Type.Optional(Type.String({ pattern: '^[^,]+(,[^,]+)*$', description: 'Comma-separated ids.' })),
    status: Type.Optional(Type.String({ minLength: 1, description: 'Products: active, draft or archived. Orders: a normalized status.' })),
    sku: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const GetQuery = Type.Object(
  {
    fields: Type.Optional(Type.String({ minLength: 1 })),
    include: Type.Optional(Type.Literal('raw')),
  },
  { additionalProperties: false },
);

const MoneyInput = Type.String({ pattern: '^[0-9]+(\\.[0-9]{1,4})?$', description: 'Decimal amount, in the store currency.' });

export const ProductUpdateBody = Type.Object(
  {
    price: Type.Optional(MoneyInput),
    sale_price: Type.Optional(Type.Union([MoneyInput, Type.Null()], { description: 'null ends a sale.' })),
    quantity: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'Absolute stock.' })),
    variants: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Type.String({ minLength: 1 }),
            price: Type.Optional(MoneyInput),
            sale_price: Type.Optional(Type.Union([MoneyInput, Type.Null()])),
            quantity: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
          },
          { additionalProperties: false, minProperties: 2 },
        ),
        { minItems: 1, maxItems: 250 },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
