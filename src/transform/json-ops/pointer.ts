/**
 * Paths into JSON documents: JSON Pointer (RFC 6901), or a dotted shorthand.
 *
 *   /variants/0/price     JSON Pointer: `~1` is "/", `~0` is "~"; "" is the whole document
 *   variants.0.price      dotted: the same tokens split on "."; for keys holding "." or
 *                         starting with "/", use a JSON Pointer
 *
 * A token addresses an array element only when the value is an array and the token is a
 * decimal index without leading zeros (RFC 6901 §4), or "-" (the end) when writing.
 */
import { JsonOpsError } from './errors.js';

export type PathTokens = readonly string[];

/** Parses a path at compile time. `__proto__` is refused: writing it would change a prototype. */
export function parsePath(source: string, configPath?: string): PathTokens {
  const where = configPath === undefined ? {} : { path: configPath };
  let tokens: string[];
  if (source === '') return [];
  if (source.startsWith('/')) {
    tokens = source.slice(1).split('/');
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      // RFC 6901 §3: "~" is only valid as "~0" or "~1"; §4: decode ~1 before ~0.
      if (/~(?![01])/.test(token)) throw new JsonOpsError('invalid_path', `"${source}" has a "~" that is not ~0 or ~1 (RFC 6901 §3)`, 'compile', where);
      tokens[i] = token.replace(/~1/g, '/').replace(/~0/g, '~');
    }
  } else {
    tokens = source.split('.');
    if (tokens.some((t) => t === '')) throw new JsonOpsError('invalid_path', `"${source}" has an empty segment (write a JSON Pointer such as /a/b)`, 'compile', where);
  }
  if (tokens.includes('__proto__')) throw new JsonOpsError('invalid_path', `"${source}" uses the key __proto__`, 'compile', where);
  return tokens;
}

/** Formats tokens as a JSON Pointer (RFC 6901 §5). */
export function toPointer(tokens: readonly (string | number)[]): string {
  let out = '';
  for (const token of tokens) out += `/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return out;
}

const INDEX = /^(0|[1-9][0-9]*)$/;

/** The array index a token names, or -1. */
export function arrayIndex(token: string, length: number): number {
  if (!INDEX.test(token)) return -1;
  const index = Number(token);
  return index < length ? index : -1;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The child of a container, or undefined when it has none (JSON has no undefined). */
export function childOf(node: unknown, token: string): unknown {
  if (Array.isArray(node)) {
    const index = arrayIndex(token, node.length);
    return index === -1 ? undefined : node[index];
  }
  if (isPlainObject(node)) return Object.hasOwn(node, token) ? node[token] : undefined;
  return undefined;
}

/** The value at a path, or undefined when the document does not have it. */
export function getIn(root: unknown, tokens: PathTokens): unknown {
  let node = root;
  for (const token of tokens) {
    node = childOf(node, token);
    if (node === undefined) return undefined;
  }
  return node;
}

/** Sets an own property even for the key `__proto__`, which plain assignment would turn into a prototype change. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
