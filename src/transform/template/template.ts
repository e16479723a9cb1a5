/**
 * String templates compiled once into a render function over a lookup object.
 * `{ns.key}` reads `values[ns][key]`, `{name}` reads `values[name]`; `{{` and `}}` are literal
 * braces. Which variables exist is declared up front (the scope), so an unknown variable is a
 * compile-time error and a secret can only be reached if the scope names it.
 *
 *   compileTemplate('/v2/items/{params.id}', { scope: { params: { keys: ['id'] } }, encoding: 'path' })
 *     .render({ params: { id: 'a b' } })  // → '/v2/items/a%20b'
 */
import { TransformError, type ErrorPhase } from '../errors.js';

export type TemplateErrorKind = 'syntax' | 'unknown_variable' | 'unsafe_value';

export class TemplateError extends TransformError<TemplateErrorKind> {
  constructor(kind: TemplateErrorKind, message: string, phase: ErrorPhase, offset?: number) {
    super('TemplateError', kind, message, phase, offset === undefined ? {} : { offset, column: offset + 1 });
  }
}

/**
 * How inserted values are written:
 * - `none`: verbatim (header values; the caller validates the result).
 * - `component`: percent-encoded except RFC 3986 §2.3 unreserved characters (query names and values).
 * - `path`: as `component` (so `/` in a value is `%2F`), except that a `*` key (a wildcard
 *   path param) keeps its `/`; a value that would form a `.` or `..` segment is refused,
 *   as RFC 3986 §5.2.4 would resolve it away from the intended path.
 */
export type TemplateEncoding = 'none' | 'component' | 'path';

export interface VariableSpec {
  /** Keys allowed under this namespace (`*` for any); absent means a bare variable `{name}`. */
  readonly keys?: '*' | readonly string[];
  /** Insert this namespace's values as they are, even under a URL encoding (already-encoded text such as regex captures of a raw path). */
  readonly verbatim?: boolean;
}

export type TemplateScope = Readonly<Record<string, VariableSpec>>;

export type TemplateScalar = string | number | boolean | null | undefined;
export type TemplateValues = Readonly<Record<string, TemplateScalar | Readonly<Record<string, TemplateScalar>>>>;

export interface CompileTemplateOptions {
  readonly scope: TemplateScope;
  readonly encoding?: TemplateEncoding;
}

export interface CompiledTemplate {
  readonly source: string;
  /** Variables used, as written (`params.id`). */
  readonly variables: readonly string[];
  /** The text when the template has no variables. */
  readonly constant: string | undefined;
  /**
   * The rendered text, or undefined when a referenced value is missing (undefined or null).
   * Throws a TemplateError `unsafe_value` when a value cannot be placed safely.
   */
  render(values: TemplateValues): string | undefined;
}

type Part = string | ((values: TemplateValues) => string | undefined);

const NAMESPACE = /^[A-Za-z_][A-Za-z0-9_]*$|^[0-9]+$/;
const KEY = /^(\*|[A-Za-z0-9_$@-][A-Za-z0-9_.$@:-]*)$/;

export function compileTemplate(source: string, options: CompileTemplateOptions): CompiledTemplate {
  const encoding = options.encoding ?? 'none';
  const parts: Part[] = [];
  const variables: string[] = [];
  let literal = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '}') {
      if (source[i + 1] !== '}') throw new TemplateError('syntax', `unmatched "}" at column ${i + 1} (write "}}" for a literal brace)`, 'compile', i);
      literal += '}';
      i += 2;
      continue;
    }
    if (ch !== '{') {
      literal += ch;
      i++;
      continue;
    }
    if (source[i + 1] === '{') {
      literal += '{';
      i += 2;
      continue;
    }
    const end = source.indexOf('}', i + 1);
    if (end === -1) throw new TemplateError('syntax', `unclosed "{" at column ${i + 1} (write "{{" for a literal brace)`, 'compile', i);
    const name = source.slice(i + 1, end).trim();
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push(compileVariable(name, options.scope, encoding, i + 1));
    variables.push(name);
    i = end + 1;
  }
  if (literal !== '') parts.push(literal);

  if (variables.length === 0) {
    const constant = parts.join('');
    return { source, variables, constant, render: () => constant };
  }
  return {
    source,
    variables,
    constant: undefined,
    render(values) {
      let out = '';
      for (const part of parts) {
        if (typeof part === 'string') {
          out += part;
          continue;
        }
        const text = part(values);
        if (text === undefined) return undefined;
        out += text;
      }
      return out;
    },
  };
}

function compileVariable(name: string, scope: TemplateScope, encoding: TemplateEncoding, offset: number): (values: TemplateValues) => string | undefined {
  const dot = name.indexOf('.');
  const namespace = dot === -1 ? name : name.slice(0, dot);
  const key = dot === -1 ? undefined : name.slice(dot + 1);
  if (!NAMESPACE.test(namespace) || (key !== undefined && !KEY.test(key))) {
    throw new TemplateError('syntax', `"{${name}}" at column ${offset} is not a variable name (expected {name} or {namespace.key})`, 'compile', offset);
  }
  const spec = Object.hasOwn(scope, namespace) ? scope[namespace] : undefined;
  if (spec === undefined) {
    throw new TemplateError('unknown_variable', `unknown variable "{${name}}" at column ${offset}; available: ${describeScope(scope)}`, 'compile', offset);
  }
  if ((spec.keys === undefined) !== (key === undefined) || (key !== undefined && spec.keys !== '*' && !spec.keys!.includes(key))) {
    throw new TemplateError('unknown_variable', `unknown variable "{${name}}" at column ${offset}; available: ${describeScope(scope)}`, 'compile', offset);
  }
  const encode =
    spec.verbatim === true || encoding === 'none' ? verbatim : encoding === 'component' ? encodeComponent : key === '*' ? encodePath : encodeSegment;
  if (key === undefined) {
    return (values) => {
      const value = values[namespace];
      return value === undefined || value === null || typeof value === 'object' ? undefined : encode(String(value));
    };
  }
  return (values) => {
    const group = values[namespace];
    if (group === undefined || group === null || typeof group !== 'object') return undefined;
    const value = Object.hasOwn(group, key) ? group[key] : undefined;
    return value === undefined || value === null ? undefined : encode(String(value));
  };
}

function describeScope(scope: TemplateScope): string {
  const names = Object.entries(scope).map(([ns, spec]) =>
    spec.keys === undefined ? `{${ns}}` : spec.keys === '*' ? `{${ns}.*}` : spec.keys.map((k) => `{${ns}.${k}}`).join(', '),
  );
  return names.length === 0 ? 'none' : names.join(', ');
}

function verbatim(text: string): string {
  return text;
}

// encodeURIComponent leaves RFC 3986 sub-delims !'()* alone; encode them too so a value
// never carries syntax of its own into a path or query.
const SUB_DELIMS = /[!'()*]/g;
const hex = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;

/** Percent-encodes all but RFC 3986 unreserved characters. Throws on lone surrogates. */
export function encodeComponent(text: string): string {
  try {
    return encodeURIComponent(text).replace(SUB_DELIMS, hex);
  } catch {
    throw new TemplateError('unsafe_value', 'a value contains a lone surrogate and cannot be percent-encoded', 'run');
  }
}

function encodeSegment(text: string): string {
  if (text === '.' || text === '..') throw new TemplateError('unsafe_value', `the value "${text}" would form a dot segment in the path`, 'run');
  return encodeComponent(text);
}

function encodePath(text: string): string {
  const segments = text.split('/');
  for (let s = 0; s < segments.length; s++) segments[s] = encodeSegment(segments[s]!);
  return segments.join('/');
}
