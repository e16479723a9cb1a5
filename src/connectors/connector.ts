/**
 * What a platform connector is: its definition (data: endpoints, auth, paging, limits),
 * mappings from native records to the unified model, and the operations the unified API
 * calls. Connectors speak to their platform only through a PlatformClient, which sends
 * through Unigate's engine (credential injection, outbound shield, retries, breaker).
 */
import type { CategoryRecord, CustomerRecord, OrderRecord, ProductRecord, StoreRecord, VariantRecord } from '../commerce/models.js';

export type Platform = 'shopify' | 'bigcommerce' | 'woocommerce' | 'magento2';

/** A native request as the connector builds it; the client adds base URL and credentials. */
export interface PlatformRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the connection's base URL, e.g. `/admin/api/2024-04/products.json`. */
  path: string;
  query?: Record<string, string | number | boolean | readonly (string | number)[] | undefined>;
  body?: unknown;
}

export interface PlatformResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string | string[]>;
  /** Parsed JSON when the platform sent JSON, else the text. */
  body: unknown;
}

export interface PlatformClient {
  send(request: PlatformRequest): Promise<PlatformResponse>;
}

/** What went wrong at the platform, as the unified API reports it. */
export type PlatformErrorKind = 'auth' | 'forbidden' | 'not_found' | 'invalid' | 'unsupported' | 'rate_limited' | 'unavailable' | 'bad_response';

export class PlatformError extends Error {
  constructor(
    readonly kind: PlatformErrorKind,
    message: string,
    /** The platform's status and its own message, shown under `details.upstream`. */
    readonly upstream: { status: number; message: string | undefined },
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}

/** Connector-specific continuation state; the unified cursor carries it opaquely. */
export type NativeCursor = Record<string, unknown>;

export interface ListFilters {
  modifiedSince?: Date;
  createdSince?: Date;
  ids?: string[];
  status?: string;
  sku?: string;
}

export interface ListQuery extends ListFilters {
  /** 1–250; a connector fetches several native pages when its page size is smaller. */
  limit: number;
  /** Where to continue; undefined for the first page. */
  cursor: NativeCursor | undefined;
}

export interface ListResult<T> {
  items: T[];
  /** Continuation for the next page; undefined at the end. */
  next: NativeCursor | undefined;
}

export interface VariantUpdate {
  id: string;
  price?: string;
  sale_price?: string | null;
  quantity?: number;
}

export interface ProductUpdate {
  price?: string;
  sale_price?: string | null;
  quantity?: number;
  variants?: VariantUpdate[];
}

/** How a connector serves a filter: by the platform itself, or emulated (filter + sort client-side). */
export type Support = 'native' | 'emulated' | 'unsupported';

export interface Capabilities {
  modified_since: Support;
  created_since: Support;
  ids: Support;
  status: Support;
  sku: Support;
  /** Native page size limit the connector works with. */
  native_page_size: number;
}

export interface ResourceOps<T> {
  list(client: PlatformClient, query: ListQuery): Promise<ListResult<T>>;
  count(client: PlatformClient, filters: ListFilters): Promise<number>;
  get(client: PlatformClient, id: string): Promise<T | undefined>;
}

export interface Connector {
  readonly platform: Platform;
  readonly capabilities: Record<'products' | 'orders' | 'customers' | 'categories', Capabilities>;
  storeInfo(client: PlatformClient): Promise<StoreRecord>;
  readonly products: ResourceOps<ProductRecord> & {
    variants(client: PlatformClient, productId: string): Promise<VariantRecord[]>;
    update(client: PlatformClient, id: string, update: ProductUpdate): Promise<ProductRecord>;
  };
  readonly categories: Pick<ResourceOps<CategoryRecord>, 'list'>;
  readonly orders: ResourceOps<OrderRecord>;
  readonly customers: ResourceOps<CustomerRecord>;
}
