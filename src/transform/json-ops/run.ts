/**
 * The state of one transform run and the copy-on-write edits operations use. Containers of
 * the input are never changed: the first write to one makes a shallow copy that this run owns
 * and may change again, so a chain of operations copies each touched container once and shares
 * everything else with the input. With `inPlace`, the input itself is edited.
 */
import type { TemplateValues } from '../template/template.js';
import { JsonOpsError } from './errors.js';
import { arrayIndex, childOf, isPlainObject, setOwn, toPointer, type PathTokens } from './pointer.js';

export interface Limits {
  readonly maxDepth: number;
  readonly maxArrayLength: number;
  readonly maxOperations: number;
}

/** What an edit callback returns to leave the value or to delete it. */
export const KEEP: unique symbol = Symbol('keep');
export const DELETE: unique symbol = Symbol('delete');
export type EditResult = unknown;

export class Run {
  private readonly owned: Set<object> | undefined;
  private budget: number;
  /** Pointer tokens of enclosing map elements, for error paths. */
  readonly scope: (string | number)[] = [];

  constructor(
    readonly limits: Limits,
    readonly values: TemplateValues,
    inPlace: boolean,
  ) {
    this.owned = inPlace ? undefined : new Set();
    this.budget = limits.maxOperations;
  }

  /** Counts one operation step against the budget. */
  step(): void {
    if (--this.budget < 0) throw new JsonOpsError('limit_exceeded', `the transform needs more than ${this.limits.maxOperations} operation steps`, 'run', { path: this.pointer([]) });
  }

  /** A container this run may change: itself when owned (or in place), else a shallow copy. */
  own<T extends object>(node: T): T {
    if (this.owned === undefined || this.owned.has(node)) return node;
    const copy = (Array.isArray(node) ? node.slice() : { ...node }) as T;
    this.owned.add(copy);
    return copy;
  }

  /** Marks a container built by this run as changeable. */
  adopt<T extends object>(node: T): T {
    this.owned?.add(node);
    return node;
  }

  pointer(tokens: PathTokens): string {
    return toPointer([...this.scope, ...tokens]);
  }

  conflict(tokens: PathTokens, message: string): JsonOpsError {
    return new JsonOpsError('path_conflict', message, 'run', { path: this.pointer(tokens) });
  }
}

/**
 * Replaces the value at `tokens` by `edit(current)`; `current` is undefined when missing.
 * Missing parents end the edit (KEEP) unless `create`, which makes them objects. Returns the
 * new root; unchanged containers are shared.
 */
export function editAt(run: Run, root: unknown, tokens: PathTokens, create: boolean, edit: (current: unknown) => EditResult): unknown {
  if (tokens.length === 0) {
    const next = edit(root);
    return next === KEEP || next === DELETE ? root : next;
  }
  // Walk down, recording the containers on the way.
  const chain: unknown[] = [root];
  let node = root;
  let depth = 0;
  for (; depth < tokens.length - 1; depth++) {
    if (node === null || typeof node !== 'object') {
      if (create) throw run.conflict(tokens.slice(0, depth + 1), 'the path runs through a value that is not an object or array');
      return root;
    }
    const child = childOf(node, tokens[depth]!);
    if (child === undefined) break;
    chain.push(child);
    node = child;
  }
  let leaf: unknown;
  if (depth < tokens.length - 1) {
    if (!create) return root;
    // Build the missing parents as objects this run owns.
    const next = edit(undefined);
    if (next === KEEP || next === DELETE) return root;
    leaf = next;
    for (let i = tokens.length - 1; i > depth; i--) leaf = run.adopt({ [tokens[i]!]: leaf });
  } else {
    if (node === null || typeof node !== 'object') {
      if (create) throw run.conflict(tokens, 'the path runs through a value that is not an object or array');
      return root;
    }
    const current = childOf(node, tokens[depth]!);
    const next = edit(current);
    if (next === KEEP || (next === DELETE && current === undefined)) return root;
    if (next !== DELETE && next === current) return root;
    leaf = next;
  }
  // Write back up the chain: chain[depth] receives leaf under tokens[depth]. A member is
  // removed by rebuilding its object without it: `delete` would leave a slow dictionary-mode object.
  let value: unknown = leaf;
  let from = depth;
  if (leaf === DELETE && isPlainObject(chain[depth])) {
    value = run.adopt(without(chain[depth] as Record<string, unknown>, tokens[depth]!));
    from = depth - 1;
  }
  for (let i = from; i >= 0; i--) {
    const container = run.own(chain[i] as object);
    write(run, container, tokens, i, value);
    value = container;
  }
  return value;
}

function write(run: Run, container: object, tokens: PathTokens, i: number, value: unknown): void {
  const token = tokens[i]!;
  if (Array.isArray(container)) {
    const index = token === '-' ? container.length : arrayIndex(token, container.length + 1);
    if (index === -1) throw run.conflict(tokens.slice(0, i + 1), `"${token}" is not an index of this array (length ${container.length})`);
    if (value === DELETE) {
      if (index < container.length) container.splice(index, 1);
    } else {
      container[index] = value;
    }
    return;
  }
  // Tokens never are __proto__ (refused when the path is parsed), so plain assignment is safe.
  if (isPlainObject(container)) container[token] = value;
}

function without(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(object)) if (k !== key) setOwn(out, k, object[k]);
  return out;
}

/** A deep copy for `copy`, bounded by the run's depth limit. */
export function cloneJson(run: Run, value: unknown, tokens: PathTokens, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > run.limits.maxDepth) throw new JsonOpsError('limit_exceeded', `a copied value is nested deeper than ${run.limits.maxDepth} levels`, 'run', { path: run.pointer(tokens) });
  if (Array.isArray(value)) return run.adopt(value.map((v) => cloneJson(run, v, tokens, depth + 1)));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const child = cloneJson(run, (value as Record<string, unknown>)[key], tokens, depth + 1);
    setOwn(out, key, child);
  }
  return run.adopt(out);
}
