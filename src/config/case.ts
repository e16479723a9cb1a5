/**
 * snake_case (YAML, as users write it) → camelCase (code), guided by the schema so that
 * user-chosen keys (upstream names, header names) are never renamed.
 */
import type { TSchema } from '@sinclair/typebox';

type SnakeToCamel<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<SnakeToCamel<Tail>>}`
  : S;

/** The camelCase view of a snake_case config type; records keep their keys. */
export type CamelCased<T> = T extends readonly (infer U)[]
  ? CamelCased<U>[]
  : T extends object
    ? string extends keyof T
      ? { [K in keyof T]: CamelCased<T[K]> }
      : { [K in keyof T as K extends string ? SnakeToCamel<K> : K]: CamelCased<T[K]> }
    : T;

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function camelizeBySchema(value: unknown, schema: TSchema | undefined): unknown {
  if (schema === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = schema.items as TSchema | undefined;
    return value.map((item) => camelizeBySchema(item, items));
  }
  const source = value as Record<string, unknown>;
  const branches = schema.anyOf as TSchema[] | undefined;
  if (branches !== undefined) return camelizeBySchema(value, unionBranch(branches, source));
  const properties = schema.properties as Record<string, TSchema> | undefined;
  const patternProperties = schema.patternProperties as Record<string, TSchema> | undefined;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(source)) {
    if (properties !== undefined && key in properties) {
      out[snakeToCamel(key)] = camelizeBySchema(child, properties[key]);
    } else if (patternProperties !== undefined) {
      const recordSchema = Object.values(patternProperties)[0];
      out[key] = camelizeBySchema(child, recordSchema);
    } else if (typeof schema.additionalProperties === 'object') {
      out[key] = camelizeBySchema(child, schema.additionalProperties as TSchema);
    } else {
      out[key] = child;
    }
  }
  return out;
}

/** The object branch of a union that holds every key of the value (and whose `const` keys match, e.g. `op`). */
function unionBranch(branches: TSchema[], source: Record<string, unknown>): TSchema | undefined {
  return branches.find((branch) => {
    const properties = branch.properties as Record<string, TSchema> | undefined;
    if (properties === undefined) return false;
    return Object.entries(source).every(([key, child]) => key in properties && (properties[key]!.const === undefined || properties[key]!.const === child));
  });
}
