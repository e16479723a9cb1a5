/**
 * Test helper: reads a YAML snippet the way the config loader does (JSON Schema validation
 * with defaults, then snake_case → camelCase), so tests exercise the schemas too.
 */
import { Ajv } from 'ajv';
import type { Static, TSchema } from '@sinclair/typebox';
import { parse } from 'yaml';
import { camelizeBySchema, type CamelCased } from '../../config/case.js';

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true });
ajv.addKeyword({ keyword: 'expected', schemaType: 'string' });

export function readConfig<T extends TSchema>(schema: T, yaml: string): CamelCased<Static<T>> {
  const data: unknown = parse(yaml);
  const validate = ajv.compile(schema);
  if (!validate(data)) throw new Error(`invalid config: ${ajv.errorsText(validate.errors)}`);
  return camelizeBySchema(data, schema) as CamelCased<Static<T>>;
}

/** True when the schema accepts the YAML. */
export function schemaAccepts(schema: TSchema, yaml: string): boolean {
  return ajv.validate(schema, parse(yaml));
}
