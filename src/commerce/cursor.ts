/**
 * The unified API's one opaque cursor, whatever the platform pages with: base64url JSON of
 * the connection, the resource, the filters and the connector's native continuation (page
 * number, Link cursor, offset…). It is not signed: it can only name data of a connection
 * the caller may already read, and it is checked against the request it comes back with.
 */
import { UnigateError } from '../errors/unigate-error.js';
import type { ListFilters, NativeCursor } from '../connectors/connector.js';

export interface CursorState {
  /** Connection id → native continuation (several for a fan-out). */
  positions: Record<string, NativeCursor>;
  resource: string;
  filters: SerializedFilters;
}

export interface SerializedFilters {
  modifiedSince?: string;
  createdSince?: string;
  ids?: string[];
  status?: string;
  sku?: string;
}

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify({ v: 1, ...state }), 'utf8').toString('base64url');
}

export function decodeCursor(text: string, resource: string): CursorState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('not a cursor this API issued');
  }
  const state = parsed as Partial<CursorState> & { v?: number };
  if (state === null || typeof state !== 'object' || state.v !== 1 || typeof state.positions !== 'object' || state.positions === null) {
    throw invalidCursor('not a cursor this API issued');
  }
  if (state.resource !== resource) throw invalidCursor(`this cursor pages ${String(state.resource)}, not ${resource}`);
  return { positions: state.positions, resource, filters: state.filters ?? {} };
}

export function serializeFilters(filters: ListFilters): SerializedFilters {
  const out: SerializedFilters = {};
  if (filters.modifiedSince) out.modifiedSince = filters.modifiedSince.toISOString();
  if (filters.createdSince) out.createdSince = filters.createdSince.toISOString();
  if (filters.ids) out.ids = filters.ids;
  if (filters.status) out.status = filters.status;
  if (filters.sku) out.sku = filters.sku;
  return out;
}

export function deserializeFilters(filters: SerializedFilters): ListFilters {
  const out: ListFilters = {};
  if (filters.modifiedSince) out.modifiedSince = new Date(filters.modifiedSince);
  if (filters.createdSince) out.createdSince = new Date(filters.createdSince);
  if (filters.ids) out.ids = filters.ids;
  if (filters.status) out.status = filters.status;
  if (filters.sku) out.sku = filters.sku;
  return out;
}

function invalidCursor(reason: string): UnigateError {
  return new UnigateError('VALIDATION_FAILED', {
    message: 'The cursor is not valid for this request',
    details: { errors: [{ path: 'query.cursor', message: reason }] },
  });
}
