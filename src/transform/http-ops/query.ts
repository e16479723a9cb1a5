/**
 * Query operations (set, remove, rename) over a raw query string. Parameters the operations
 * do not touch keep their position and their bytes exactly as the client sent them; names are
 * matched after decoding (`%xx`, and `+` as space per application/x-www-form-urlencoded).
 *
 *   - { op: rename, from: page_size, to: per_page }
 *   - { op: set, name: limit, value: "{query.page_size}" }
 */
import { compileTemplate, encodeComponent, TemplateError, type CompiledTemplate, type TemplateScope, type TemplateValues } from '../template/template.js';
import { checkKeys, HttpOpsError } from './errors.js';
import type { QueryOpInput } from './schema.js';

/** Takes and returns a raw query string without the leading `?` (`''` when empty). */
export type QueryTransform = (query: string, values: TemplateValues) => string;

export interface QueryOpsOptions {
  readonly scope: TemplateScope;
  /** Config path of the list, prefixed to error paths. */
  readonly at?: string;
}

interface Param {
  /** The `name=value` text as sent. */
  raw: string;
  /** Decoded name, for matching. */
  name: string;
}

type Step = (params: Param[], values: TemplateValues) => Param[];

export function compileQueryOps(ops: readonly QueryOpInput[], options: QueryOpsOptions): QueryTransform {
  const steps = ops.map((op, index) => compileStep(op, options.scope, `${options.at ?? ''}[${index}]`));
  if (steps.length === 0) return (query) => query;
  return function applyQueryOps(query, values) {
    let params = parseQuery(query);
    for (const step of steps) params = step(params, values);
    let out = '';
    for (let i = 0; i < params.length; i++) out += i === 0 ? params[i]!.raw : `&${params[i]!.raw}`;
    return out;
  };
}

const KEYS: Record<QueryOpInput['op'], readonly string[]> = {
  set: ['op', 'name', 'value'],
  remove: ['op', 'name'],
  rename: ['op', 'from', 'to'],
};

function compileStep(op: QueryOpInput, scope: TemplateScope, at: string): Step {
  const keys = KEYS[op.op];
  if (keys === undefined) throw new HttpOpsError('invalid_config', `unknown query operation "${String(op.op)}"`, 'compile', { path: `${at}.op` });
  checkKeys(op, keys, at);
  switch (op.op) {
    case 'set': {
      const name = op.name;
      const prefix = `${encodeComponent(name)}=`;
      const value = compileValue(op.value, scope, `${at}.value`);
      return (params, values) => {
        const text = value.render(values);
        if (text === undefined) return params;
        const param: Param = { raw: prefix + text, name };
        const first = params.findIndex((p) => p.name === name);
        if (first === -1) {
          params.push(param);
          return params;
        }
        params[first] = param;
        return params.filter((p, i) => i <= first || p.name !== name);
      };
    }
    case 'remove': {
      const name = op.name;
      return (params) => params.filter((p) => p.name !== name);
    }
    case 'rename': {
      const { from, to } = op;
      const encodedTo = encodeComponent(to);
      return (params) => {
        for (const p of params) {
          if (p.name !== from) continue;
          const eq = p.raw.indexOf('=');
          p.raw = eq === -1 ? encodedTo : encodedTo + p.raw.slice(eq);
          p.name = to;
        }
        return params;
      };
    }
  }
}

// Literal text goes out as written, so it must already be valid in a query value (RFC 3986 §3.4).
const NOT_QUERY_VALUE = /[\s&#\x00-\x1f\x7f]/;

function compileValue(source: string, scope: TemplateScope, path: string): CompiledTemplate {
  if (NOT_QUERY_VALUE.test(source)) {
    throw new HttpOpsError('invalid_config', 'literal text in a query value cannot hold spaces, "&" or "#"; write them percent-encoded', 'compile', { path });
  }
  try {
    return compileTemplate(source, { scope, encoding: 'component' });
  } catch (err) {
    if (err instanceof TemplateError) throw new HttpOpsError('invalid_config', err.message, 'compile', { path }, { cause: err });
    throw err;
  }
}

function parseQuery(query: string): Param[] {
  const params: Param[] = [];
  if (query === '') return params;
  for (const raw of query.split('&')) {
    const eq = raw.indexOf('=');
    params.push({ raw, name: decodeName(eq === -1 ? raw : raw.slice(0, eq)) });
  }
  return params;
}

function decodeName(raw: string): string {
  const plus = raw.includes('+') ? raw.replace(/\+/g, ' ') : raw;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    // Malformed escapes match only a name written the same way.
    return plus;
  }
}
