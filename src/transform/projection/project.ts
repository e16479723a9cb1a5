/**
 * Projects a JSON value onto a field selection: objects keep the selected keys (in selection
 * order), arrays project each element, fields the value does not have are ignored. Builds new
 * containers and shares the selected leaves; the input is never changed.
 *
 *   project({ id: 1, title: 'Tee', variants: [{ id: 9, price: '19.90', sku: 'T' }] }, parseFields('id,variants(price)'))
 *     // → { id: 1, variants: [{ price: '19.90' }] }
 */
import { getIn, setOwn, type PathTokens } from '../json-ops/pointer.js';
import { ProjectionError, type Selection } from './parse.js';

/** Deepest nesting of arrays inside arrays the projector walks (objects are bounded by the selection). */
const DEFAULT_MAX_ARRAY_NESTING = 64;

const NOTHING: unique symbol = Symbol('nothing');

export function project(value: unknown, selection: Selection, maxArrayNesting = DEFAULT_MAX_ARRAY_NESTING): unknown {
  const projected = projectNode(value, selection, 0, maxArrayNesting);
  return projected === NOTHING ? value : projected;
}

/**
 * Projects the value found at `at` (e.g. the `products` array of a list envelope) and leaves
 * the rest of the document as it is; a document without that path is returned unchanged.
 */
export function projectAt(value: unknown, at: PathTokens, selection: Selection, maxArrayNesting = DEFAULT_MAX_ARRAY_NESTING): unknown {
  if (at.length === 0) return project(value, selection, maxArrayNesting);
  const target = getIn(value, at);
  if (target === undefined) return value;
  return replaceAt(value, at, 0, project(target, selection, maxArrayNesting));
}

function replaceAt(node: unknown, at: PathTokens, index: number, replacement: unknown): unknown {
  if (index === at.length) return replacement;
  const token = at[index]!;
  if (Array.isArray(node)) {
    const copy = node.slice();
    const i = Number(token);
    copy[i] = replaceAt(node[i], at, index + 1, replacement);
    return copy;
  }
  const copy = { ...(node as Record<string, unknown>) };
  setOwn(copy, token, replaceAt((node as Record<string, unknown>)[token], at, index + 1, replacement));
  return copy;
}

function projectNode(value: unknown, selection: Selection, arrayNesting: number, max: number): unknown {
  if (value === null) return null;
  if (typeof value !== 'object') return NOTHING;
  if (Array.isArray(value)) {
    if (arrayNesting >= max) throw new ProjectionError('too_deep', `arrays are nested deeper than ${max} levels`, 'run');
    const out: unknown[] = [];
    for (const element of value) {
      const projected = projectNode(element, selection, arrayNesting + 1, max);
      if (projected !== NOTHING) out.push(projected);
    }
    return out;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of selection) {
    if (!Object.hasOwn(source, key)) continue;
    const child = source[key];
    if (sub === true) {
      setOwn(out, key, child);
      continue;
    }
    const projected = projectNode(child, sub, 0, max);
    if (projected !== NOTHING) setOwn(out, key, projected);
  }
  return out;
}
