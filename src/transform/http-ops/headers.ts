/**
 * Header operations (set, append, remove, rename) compiled once into one function that edits
 * a header map in place. Names are case-insensitive; the map's keys are lower case, as Node
 * gives and takes them. Template values are checked against RFC 9110 §5.5 at run time, so a
 * client-supplied value cannot smuggle CR/LF into a header.
 *
 *   - { op: set, name: Authorization, value: "Bearer {token}" }
 *   - { op: rename, from: X-Request-Id, to: X-Correlation-Id }
 */
import { isHopByHop } from '../../server/hop-by-hop.js';
import { compileTemplate, TemplateError, type CompiledTemplate, type TemplateScope, type TemplateValues } from '../template/template.js';
import { checkKeys, HttpOpsError } from './errors.js';
import { HEADER_NAME_PATTERN, type HeaderOpInput } from './schema.js';

/** Lower-case header names to values, as in Node's IncomingHttpHeaders and OutgoingHttpHeaders. */
export type HeaderMap = Record<string, string | string[] | number | undefined>;

/** Edits `headers` in place (it is the message's own copy). */
export type HeaderTransform = (headers: HeaderMap, values: TemplateValues) => void;

export interface HeaderOpsOptions {
  /** Variables templates may use. */
  readonly scope: TemplateScope;
  /** Config path of the list, prefixed to error paths, e.g. `routes[0].transform.headers`. */
  readonly at?: string;
}

const NAME = new RegExp(HEADER_NAME_PATTERN);
// RFC 9110 §5.5: field-vchar, SP and HTAB; obs-text (0x80-0xFF) is tolerated as Node sends it.
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// Framing is the engine's job (RFC 9112 §6), Host comes from the route (preserve_host) and the
// target, and hop-by-hop headers describe one connection (RFC 9110 §7.6.1).
const FRAMING = new Set(['content-length', 'host']);

type Step = (headers: HeaderMap, values: TemplateValues) => void;

export function compileHeaderOps(ops: readonly HeaderOpInput[], options: HeaderOpsOptions): HeaderTransform {
  const steps = ops.map((op, index) => compileStep(op, options, `${options.at ?? ''}[${index}]`));
  if (steps.length === 0) return () => {};
  return function applyHeaderOps(headers, values) {
    for (const step of steps) step(headers, values);
  };
}

const KEYS: Record<HeaderOpInput['op'], readonly string[]> = {
  set: ['op', 'name', 'value', 'ifAbsent'],
  append: ['op', 'name', 'value'],
  remove: ['op', 'name'],
  rename: ['op', 'from', 'to'],
};

function compileStep(op: HeaderOpInput, options: HeaderOpsOptions, at: string): Step {
  const keys = KEYS[op.op];
  if (keys === undefined) throw new HttpOpsError('invalid_config', `unknown header operation "${String(op.op)}"`, 'compile', { path: `${at}.op` });
  checkKeys(op, keys, at);
  switch (op.op) {
    case 'set': {
      const name = checkName(op.name, `${at}.name`);
      const value = compileValue(op.value, options.scope, `${at}.value`);
      const ifAbsent = op.ifAbsent === true;
      return (headers, values) => {
        if (ifAbsent && headers[name] !== undefined) return;
        const text = renderValue(value, values, name);
        if (text !== undefined) headers[name] = text;
      };
    }
    case 'append': {
      const name = checkName(op.name, `${at}.name`);
      const value = compileValue(op.value, options.scope, `${at}.value`);
      return (headers, values) => {
        const text = renderValue(value, values, name);
        if (text === undefined) return;
        const existing = headers[name];
        if (existing === undefined) headers[name] = text;
        else if (Array.isArray(existing)) headers[name] = [...existing, text];
        else headers[name] = [String(existing), text];
      };
    }
    case 'remove': {
      const name = checkName(op.name, `${at}.name`);
      return (headers) => {
        delete headers[name];
      };
    }
    case 'rename': {
      const from = checkName(op.from, `${at}.from`);
      const to = checkName(op.to, `${at}.to`);
      if (from === to) return () => {};
      return (headers) => {
        const value = headers[from];
        if (value === undefined) return;
        delete headers[from];
        headers[to] = value;
      };
    }
  }
}

function checkName(name: string, path: string): string {
  if (!NAME.test(name)) throw new HttpOpsError('invalid_header_name', `"${name}" is not a valid header name (RFC 9110 §5.1 token)`, 'compile', { path });
  const lower = name.toLowerCase();
  if (FRAMING.has(lower) || isHopByHop(lower)) {
    throw new HttpOpsError('forbidden_header', `the ${name} header is managed by the proxy and cannot be changed by a transform`, 'compile', { path });
  }
  return lower;
}

function compileValue(source: string, scope: TemplateScope, path: string): CompiledTemplate {
  let template: CompiledTemplate;
  try {
    template = compileTemplate(source, { scope, encoding: 'none' });
  } catch (err) {
    if (err instanceof TemplateError) throw new HttpOpsError('invalid_config', err.message, 'compile', { path }, { cause: err });
    throw err;
  }
  if (template.constant !== undefined) {
    const trimmed = template.constant.trim();
    if (!VALUE.test(trimmed)) throw new HttpOpsError('invalid_header_value', `the header value at ${path} has characters a header cannot carry`, 'compile', { path });
  }
  return template;
}

function renderValue(template: CompiledTemplate, values: TemplateValues, name: string): string | undefined {
  const text = template.render(values);
  if (text === undefined) return undefined;
  // RFC 9110 §5.5: leading and trailing whitespace is not part of the value.
  const trimmed = text.trim();
  if (template.constant === undefined && !VALUE.test(trimmed)) {
    throw new HttpOpsError('invalid_header_value', `the value for the ${name} header has characters a header cannot carry (CR, LF, NUL or non-Latin-1)`, 'run');
  }
  return trimmed;
}
