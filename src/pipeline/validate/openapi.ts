/**
 * Request (and response) schemas from an upstream's OpenAPI 3.0 or 3.1 document, compiled once
 * at load. Operations are matched by method and path template; literal paths win over templated
 * ones (OpenAPI 3.1 §4.8.8). 3.0 schemas are turned into JSON Schema first (`nullable`, boolean
 * `exclusiveMinimum`); 3.1 schemas already are. Only local `$ref`s (`#/…`) are followed.
 *
 *   openapi: { file: ./vendor/orders-api.yaml, path_prefix: /api/v2 }
 */
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { PolicyConfigError } from '../message/config-error.js';
import { mediaType, isJson } from '../message/media-type.js';
import { compileSchema, createCompilers } from './ajv.js';
import { convertOpenApi30 } from './openapi-30.js';

type Json = Record<string, unknown>;

export interface BodySchemas {
  readonly required: boolean;
  /** Media types the operation accepts (lower case, maybe `type/*`). */
  readonly types: readonly string[];
  /** Schema of a JSON body, when the document gives one. */
  readonly json: ValidateFunction | undefined;
}

export interface Operation {
  /** `POST /orders/{id}`, for messages and logs. */
  readonly name: string;
  readonly path: ValidateFunction | undefined;
  readonly query: ValidateFunction | undefined;
  readonly headers: ValidateFunction | undefined;
  /** Query parameters sent comma-separated (`explode: false` arrays). */
  readonly commaSeparated: ReadonlySet<string>;
  readonly body: BodySchemas | undefined;
  /** Response body schemas by status (`200`, `2XX`, `default`); undefined when a response has no JSON schema. */
  readonly responses: ReadonlyMap<string, ValidateFunction | undefined>;
}

export interface OpenApiOperations {
  find(method: string, path: string): { operation: Operation; params: Record<string, string> } | undefined;
  byId(operationId: string): Operation | undefined;
}

interface Template {
  readonly regex: RegExp;
  readonly names: readonly string[];
  readonly operations: ReadonlyMap<string, Operation>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// OpenAPI 3.1 §4.8.12.1: these header parameters are ignored (other fields describe them).
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);
let documents = 0;

export function loadOpenApi(file: string, withResponses: boolean): OpenApiOperations {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'), { maxAliasCount: 1000 });
  } catch (err) {
    throw new PolicyConfigError('openapi.file', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (!isObject(doc) || typeof doc.openapi !== 'string' || !/^3\.[01]\./.test(doc.openapi) || !isObject(doc.paths)) {
    throw new PolicyConfigError('openapi.file', `${file} is not an OpenAPI 3.0 or 3.1 document (openapi: 3.0.x or 3.1.x, with paths)`);
  }
  if (doc.openapi.startsWith('3.0.')) convertOpenApi30(doc);
  const id = `urn:unigate:openapi:${++documents}`;
  doc.$id = id;
  const compilers = createCompilers(true);
  compilers.body.addSchema(doc as object);
  compilers.params.addSchema(doc as object);
  const ref = (pointer: string) => ({ $ref: `${id}#${pointer.split('/').map((t) => encodeURIComponent(t)).join('/')}` });

  const resolve = (node: unknown, pointer: string, hops = 0): { node: Json; pointer: string } => {
    if (!isObject(node)) throw new PolicyConfigError('openapi.file', `${file}: expected an object at ${pointer}`);
    if (typeof node.$ref !== 'string') return { node, pointer };
    if (!node.$ref.startsWith('#/') || hops > 20) throw new PolicyConfigError('openapi.file', `${file}: only local $refs are followed (${node.$ref} at ${pointer})`);
    const target = node.$ref.slice(1);
    return resolve(atPointer(doc as Json, target), target, hops + 1);
  };

  const compile = (group: 'body' | 'params', schema: unknown, where: string): ValidateFunction => {
    try {
      return compileSchema(compilers[group], schema);
    } catch (err) {
      throw new PolicyConfigError('openapi.file', `${file}: the schema at ${where} cannot be compiled: ${(err as Error).message}`, { cause: err });
    }
  };

  function operation(template: string, method: string, item: Json, op: Json, at: string): Operation {
    const params = new Map<string, { param: Json; pointer: string }>();
    for (const [list, listAt] of [[item.parameters, `${at}/parameters`], [op.parameters, `${at}/${method}/parameters`]] as const) {
      if (!Array.isArray(list)) continue;
      list.forEach((raw, i) => {
        const { node, pointer } = resolve(raw, `${listAt}/${i}`);
        if (typeof node.name === 'string' && typeof node.in === 'string') params.set(`${node.in}:${node.name}`, { param: node, pointer });
      });
    }
    const groups: Record<'path' | 'query' | 'header', { properties: Json; required: string[] }> = {
      path: { properties: {}, required: [] },
      query: { properties: {}, required: [] },
      header: { properties: {}, required: [] },
    };
    const commaSeparated = new Set<string>();
    for (const { param, pointer } of params.values()) {
      const place = param.in as string;
      if ((place !== 'path' && place !== 'query' && place !== 'header') || !isObject(param.schema)) continue;
      const name = place === 'header' ? (param.name as string).toLowerCase() : (param.name as string);
      if (place === 'header' && IGNORED_HEADERS.has(name)) continue;
      groups[place].properties[name] = ref(`${pointer}/schema`);
      if (param.required === true || place === 'path') groups[place].required.push(name);
      if (place === 'query' && param.explode === false && resolve(param.schema, `${pointer}/schema`).node.type === 'array') commaSeparated.add(name);
    }
    const group = (place: 'path' | 'query' | 'header') =>
      Object.keys(groups[place].properties).length === 0 ? undefined : compile('params', { type: 'object', ...groups[place] }, `${at}/${method}/parameters`);

    let body: BodySchemas | undefined;
    if (op.requestBody !== undefined) {
      const { node, pointer } = resolve(op.requestBody, `${at}/${method}/requestBody`);
      const content = isObject(node.content) ? node.content : {};
      const types = Object.keys(content).map((t) => mediaType(t));
      const jsonKey = Object.keys(content).find((t) => isJson(mediaType(t)) && isObject((content[t] as Json | undefined)?.schema));
      body = { required: node.required === true, types, json: jsonKey === undefined ? undefined : compile('body', ref(`${pointer}/content/${escape(jsonKey)}/schema`), pointer) };
    }

    const responses = new Map<string, ValidateFunction | undefined>();
    if (withResponses && isObject(op.responses)) {
      for (const [status, raw] of Object.entries(op.responses)) {
        const { node, pointer } = resolve(raw, `${at}/${method}/responses/${escape(status)}`);
        const content = isObject(node.content) ? node.content : {};
        const jsonKey = Object.keys(content).find((t) => isJson(mediaType(t)) && isObject((content[t] as Json | undefined)?.schema));
        responses.set(status.toUpperCase(), jsonKey === undefined ? undefined : compile('body', ref(`${pointer}/content/${escape(jsonKey)}/schema`), pointer));
      }
    }
    return {
      name: `${method.toUpperCase()} ${template}`,
      path: group('path'),
      query: group('query'),
      headers: group('header'),
      commaSeparated,
      body,
      responses,
    };
  }

  const templates: Template[] = [];
  const byId = new Map<string, Operation>();
  for (const [template, rawItem] of Object.entries(doc.paths as Json)) {
    const at = `/paths/${escape(template)}`;
    const { node: item } = resolve(rawItem, at);
    const operations = new Map<string, Operation>();
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const built = operation(template, method, item, op, at);
      operations.set(method.toUpperCase(), built);
      if (typeof op.operationId === 'string') byId.set(op.operationId, built);
    }
    templates.push({ ...templateMatcher(template), operations });
  }
  // Literal paths first, then fewer parameters, then longer templates.
  templates.sort((a, b) => a.names.length - b.names.length || b.regex.source.length - a.regex.source.length);

  return {
    find(method, path) {
      for (const template of templates) {
        const match = template.regex.exec(path);
        if (match === null) continue;
        const operation = template.operations.get(method) ?? (method === 'HEAD' ? template.operations.get('GET') : undefined);
        if (operation === undefined) continue;
        const params: Record<string, string> = {};
        template.names.forEach((name, i) => (params[name] = decode(match[i + 1]!)));
        return { operation, params };
      }
      return undefined;
    },
    byId: (operationId) => byId.get(operationId),
  };
}

function templateMatcher(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template.replace(/\{([^}]+)\}|[^{]+/g, (part, name: string | undefined) => {
    if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** One JSON Pointer token (RFC 6901 §3). */
function escape(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function atPointer(root: Json, pointer: string): unknown {
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Json)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
