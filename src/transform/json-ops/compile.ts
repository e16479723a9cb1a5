/**
 * Compiles JSON operations (see ./schema.ts) once into a function over documents. The input
 * is never changed unless `inPlace` is asked for: edited containers are copied on first write
 * and everything untouched is shared with the input. Work is bounded by the limits (path
 * depth, array length for map, total operation steps); exceeding one is a `limit_exceeded`.
 *
 *   const transform = compileJsonOps([{ op: 'rename', path: '/title', to: 'name' }]);
 *   transform({ title: 'Tee' })   // → { name: 'Tee' }
 */
import { parseFields, ProjectionError } from '../projection/parse.js';
import { project } from '../projection/project.js';
import { compileTemplate, TemplateError, type CompiledTemplate, type TemplateScope, type TemplateValues } from '../template/template.js';
import { compileConverter, type Converter } from './coerce/index.js';
import { JsonOpsError } from './errors.js';
import { getIn, isPlainObject, parsePath, setOwn, type PathTokens } from './pointer.js';
import { cloneJson, DELETE, editAt, KEEP, Run, type Limits } from './run.js';
import { MAX_MAP_NESTING, type JsonOpInput, type JsonOpsLimitsInput } from './schema.js';

export interface CompileJsonOpsOptions {
  readonly limits?: JsonOpsLimitsInput;
  /** Variables `set` templates may use; none when absent. */
  readonly scope?: TemplateScope;
  /** Config path of the list, prefixed to compile error paths, e.g. `routes[0].transform.body`. */
  readonly at?: string;
}

export interface ApplyOptions {
  /** Values for `set` templates. */
  readonly values?: TemplateValues;
  /** Edit the input itself instead of copying what changes (only for a value nobody else holds, such as a freshly parsed body). */
  readonly inPlace?: boolean;
}

export type JsonTransform = (value: unknown, options?: ApplyOptions) => unknown;

type Step = (run: Run, root: unknown) => unknown;

const ALLOWED_KEYS: Record<string, readonly string[]> = {
  set: ['op', 'path', 'value', 'template'],
  remove: ['op', 'path'],
  rename: ['op', 'path', 'to'],
  move: ['op', 'from', 'to'],
  copy: ['op', 'from', 'to'],
  wrap: ['op', 'path', 'key'],
  unwrap: ['op', 'path', 'key'],
  select: ['op', 'path', 'fields'],
  coerce: ['op', 'path', 'to', 'scale', 'rounding', 'decimalSeparator', 'groupSeparator', 'format', 'zone', 'output', 'outputZone', 'onError'],
  map: ['op', 'path', 'ops'],
};

const NO_VALUES: TemplateValues = {};

export function compileJsonOps(ops: readonly JsonOpInput[], options: CompileJsonOpsOptions = {}): JsonTransform {
  const limits: Limits = {
    maxDepth: options.limits?.maxDepth ?? 64,
    maxArrayLength: options.limits?.maxArrayLength ?? 10_000,
    maxOperations: options.limits?.maxOperations ?? 100_000,
  };
  const compiler = new Compiler(limits, options.scope ?? {});
  const steps = compiler.list(ops, options.at ?? '', 0, 1);
  return function applyJsonOps(value, apply = {}) {
    const run = new Run(limits, apply.values ?? NO_VALUES, apply.inPlace === true);
    let root = value;
    for (const step of steps) root = step(run, root);
    return root;
  };
}

class Compiler {
  constructor(
    private readonly limits: Limits,
    private readonly scope: TemplateScope,
  ) {}

  list(ops: readonly JsonOpInput[], at: string, depth: number, nesting: number): Step[] {
    if (!Array.isArray(ops)) throw new JsonOpsError('invalid_op', 'expected a list of operations', 'compile', { path: at });
    return ops.map((op, index) => {
      const step = this.op(op, `${at}[${index}]`, depth, nesting);
      return (run: Run, root: unknown) => {
        run.step();
        return step(run, root);
      };
    });
  }

  private op(op: JsonOpInput, at: string, depth: number, nesting: number): Step {
    const allowed = ALLOWED_KEYS[op.op];
    if (allowed === undefined) throw new JsonOpsError('invalid_op', `unknown operation "${String(op.op)}"`, 'compile', { path: `${at}.op` });
    for (const key of Object.keys(op)) {
      if (!allowed.includes(key)) throw new JsonOpsError('invalid_op', `"${key}" is not an option of ${op.op}`, 'compile', { path: `${at}.${key}` });
    }
    switch (op.op) {
      case 'set': {
        const tokens = this.path(op.path, `${at}.path`, depth);
        if ((op.value === undefined) === (op.template === undefined)) {
          throw new JsonOpsError('invalid_op', 'set needs exactly one of value and template', 'compile', { path: at });
        }
        if (op.template !== undefined) {
          const template = this.template(op.template, `${at}.template`);
          return (run, root) => {
            const text = template.render(run.values);
            return text === undefined ? root : editAt(run, root, tokens, true, () => text);
          };
        }
        const constant = op.value;
        const isContainer = constant !== null && typeof constant === 'object';
        // A container constant is cloned per run so no document ever shares it.
        return (run, root) => editAt(run, root, tokens, true, () => (isContainer ? cloneJson(run, constant, tokens) : constant));
      }
      case 'remove': {
        const tokens = this.path(op.path, `${at}.path`, depth);
        if (tokens.length === 0) throw new JsonOpsError('invalid_op', 'remove needs a path below the root', 'compile', { path: `${at}.path` });
        return (run, root) => editAt(run, root, tokens, false, () => DELETE);
      }
      case 'rename': {
        const tokens = this.path(op.path, `${at}.path`, depth);
        if (tokens.length === 0) throw new JsonOpsError('invalid_op', 'rename needs a path below the root', 'compile', { path: `${at}.path` });
        const to = this.key(op.to, `${at}.to`);
        const parent = tokens.slice(0, -1);
        const key = tokens[tokens.length - 1]!;
        if (key === to) return (_run, root) => root;
        return (run, root) =>
          editAt(run, root, parent, false, (object) => {
            if (!isPlainObject(object) || !Object.hasOwn(object, key)) return KEEP;
            // Rebuild to keep the member's position.
            const out: Record<string, unknown> = {};
            for (const k of Object.keys(object)) {
              if (k === key) setOwn(out, to, object[k]);
              else if (k !== to) setOwn(out, k, object[k]);
            }
            return run.adopt(out);
          });
      }
      case 'move':
      case 'copy': {
        const from = this.path(op.from, `${at}.from`, depth);
        const to = this.path(op.to, `${at}.to`, depth);
        const isMove = op.op === 'move';
        // RFC 6902 §4.4: a value cannot move into one of its own children.
        if (isMove && to.length > from.length && from.every((t, i) => t === to[i])) {
          throw new JsonOpsError('invalid_op', 'cannot move a value into one of its own children', 'compile', { path: `${at}.to` });
        }
        if (isMove && to.length === from.length && from.every((t, i) => t === to[i])) return (_run, root) => root;
        return (run, root) => {
          const value = getIn(root, from);
          if (value === undefined) return root;
          const placed = isMove ? value : cloneJson(run, value, from);
          const rest = isMove ? editAt(run, root, from, false, () => DELETE) : root;
          return editAt(run, rest, to, true, () => placed);
        };
      }
      case 'wrap': {
        const tokens = this.path(op.path ?? '', `${at}.path`, depth);
        const key = this.key(op.key, `${at}.key`);
        return (run, root) => editAt(run, root, tokens, false, (value) => (value === undefined ? KEEP : run.adopt({ [key]: value })));
      }
      case 'unwrap': {
        const tokens = this.path(op.path ?? '', `${at}.path`, depth);
        const key = this.key(op.key, `${at}.key`);
        return (run, root) => editAt(run, root, tokens, false, (value) => (isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : KEEP));
      }
      case 'select': {
        const tokens = this.path(op.path ?? '', `${at}.path`, depth);
        let selection;
        try {
          selection = parseFields(op.fields, { maxDepth: this.limits.maxDepth });
        } catch (err) {
          if (err instanceof ProjectionError) throw new JsonOpsError('invalid_op', err.message, 'compile', { path: `${at}.fields` }, { cause: err });
          throw err;
        }
        const maxNesting = this.limits.maxDepth;
        return (run, root) =>
          editAt(run, root, tokens, false, (value) => {
            if (value === undefined) return KEEP;
            try {
              return project(value, selection, maxNesting);
            } catch (err) {
              if (err instanceof ProjectionError) throw new JsonOpsError('limit_exceeded', err.message, 'run', { path: run.pointer(tokens) }, { cause: err });
              throw err;
            }
          });
      }
      case 'coerce': {
        const tokens = this.path(op.path, `${at}.path`, depth);
        let convert: Converter;
        try {
          convert = compileConverter(op);
        } catch (err) {
          throw new JsonOpsError('invalid_op', (err as Error).message, 'compile', { path: at }, { cause: err });
        }
        const onError = op.onError ?? 'error';
        const target = op.to;
        return (run, root) =>
          editAt(run, root, tokens, false, (value) => {
            if (value === undefined || value === null) return KEEP;
            const converted = convert(value);
            if (converted !== undefined) return converted;
            if (onError === 'keep') return KEEP;
            if (onError === 'null') return null;
            throw new JsonOpsError('coercion_failed', `cannot convert ${preview(value)} to ${target}`, 'run', { path: run.pointer(tokens) });
          });
      }
      case 'map': {
        if (nesting > MAX_MAP_NESTING) throw new JsonOpsError('invalid_op', `map nests deeper than ${MAX_MAP_NESTING} levels`, 'compile', { path: at });
        const tokens = this.path(op.path, `${at}.path`, depth);
        // Element paths continue below the array and its index.
        const nested = this.list(op.ops, `${at}.ops`, depth + tokens.length + 1, nesting + 1);
        const { maxArrayLength } = this.limits;
        return (run, root) =>
          editAt(run, root, tokens, false, (array) => {
            if (array === undefined || array === null) return KEEP;
            if (!Array.isArray(array)) throw run.conflict(tokens, 'map needs an array here');
            if (array.length > maxArrayLength) {
              throw new JsonOpsError('limit_exceeded', `map runs over ${array.length} elements, more than ${maxArrayLength}`, 'run', { path: run.pointer(tokens) });
            }
            const mark = run.scope.length;
            run.scope.push(...tokens);
            let out: unknown[] | undefined;
            for (let i = 0; i < array.length; i++) {
              run.scope.push(i);
              const before: unknown = array[i];
              let element = before;
              for (const step of nested) element = step(run, element);
              run.scope.pop();
              if (element !== before) {
                out ??= run.own(array);
                out[i] = element;
              }
            }
            run.scope.length = mark;
            return out ?? KEEP;
          });
      }
    }
  }

  private path(source: string, at: string, depth: number): PathTokens {
    if (typeof source !== 'string') throw new JsonOpsError('invalid_path', 'expected a path', 'compile', { path: at });
    const tokens = parsePath(source, at);
    if (depth + tokens.length > this.limits.maxDepth) {
      throw new JsonOpsError('invalid_op', `the path "${source}" reaches deeper than max_depth ${this.limits.maxDepth}`, 'compile', { path: at });
    }
    return tokens;
  }

  private key(key: string, at: string): string {
    if (typeof key !== 'string' || key === '' || key === '__proto__') throw new JsonOpsError('invalid_op', `"${String(key)}" cannot be used as a key`, 'compile', { path: at });
    return key;
  }

  private template(source: string, at: string): CompiledTemplate {
    try {
      return compileTemplate(source, { scope: this.scope, encoding: 'none' });
    } catch (err) {
      if (err instanceof TemplateError) throw new JsonOpsError('invalid_op', err.message, 'compile', { path: at }, { cause: err });
      throw err;
    }
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
