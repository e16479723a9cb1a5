/**
 * Parser for field selections as clients write them in `?fields=`:
 *
 *   fields   = item *( "," item )
 *   item     = path [ "(" fields ")" ]      ; a group selects sub-fields: variants(id,price)
 *   path     = name *( "." name )           ; variants.price = variants(price)
 *   name     = 1*( any character but , . ( ) and whitespace )
 *
 * Whitespace around items is allowed. Selections merge (`variants.id,variants.sku`), and a
 * whole field wins over its sub-fields (`variants,variants.id` keeps all of `variants`).
 */
import { TransformError, type ErrorPhase } from '../errors.js';

export type ProjectionErrorKind = 'syntax' | 'too_complex' | 'too_deep';

export class ProjectionError extends TransformError<ProjectionErrorKind> {
  constructor(kind: ProjectionErrorKind, message: string, phase: ErrorPhase, offset?: number) {
    super('ProjectionError', kind, message, phase, offset === undefined ? {} : { offset, column: offset + 1 });
  }
}

/** Field name → `true` for the whole field, or the sub-selection. Insertion order is request order. */
export type Selection = ReadonlyMap<string, Selection | true>;
type MutableSelection = Map<string, MutableSelection | true>;

export interface ProjectionLimits {
  /** Longest selection text. Default 2048. */
  readonly maxLength?: number;
  /** Most field names in one selection. Default 256. */
  readonly maxFields?: number;
  /** Deepest nesting of names. Default 16. */
  readonly maxDepth?: number;
}

const DELIMITER = new Set([',', '.', '(', ')']);

export function parseFields(text: string, limits: ProjectionLimits = {}): Selection {
  const maxLength = limits.maxLength ?? 2048;
  if (text.length > maxLength) throw new ProjectionError('too_complex', `the field selection is longer than ${maxLength} characters`, 'run');
  const parser = new Parser(text, limits.maxFields ?? 256, limits.maxDepth ?? 16);
  const selection = parser.list(0);
  parser.skipSpace();
  if (parser.pos < text.length) {
    const ch = text[parser.pos];
    throw parser.error(ch === ')' ? 'unbalanced ")"' : `unexpected "${ch}"`);
  }
  return selection;
}

class Parser {
  pos = 0;
  private fields = 0;

  constructor(
    private readonly text: string,
    private readonly maxFields: number,
    private readonly maxDepth: number,
  ) {}

  list(depth: number): MutableSelection {
    const selection: MutableSelection = new Map();
    for (;;) {
      this.item(selection, depth);
      this.skipSpace();
      if (this.text[this.pos] !== ',') return selection;
      this.pos++;
    }
  }

  private item(into: MutableSelection, depth: number): void {
    this.skipSpace();
    const names = [this.name()];
    while (this.text[this.pos] === '.') {
      this.pos++;
      names.push(this.name());
    }
    if (depth + names.length > this.maxDepth) throw new ProjectionError('too_complex', `fields are nested deeper than ${this.maxDepth} levels`, 'run', this.pos);
    this.skipSpace();
    let sub: MutableSelection | true = true;
    if (this.text[this.pos] === '(') {
      const open = this.pos;
      this.pos++;
      sub = this.list(depth + names.length);
      this.skipSpace();
      if (this.text[this.pos] !== ')') throw this.error(this.pos >= this.text.length ? `"(" at column ${open + 1} is not closed` : `expected "," or ")"`);
      this.pos++;
    }
    insert(into, names, sub);
  }

  private name(): string {
    this.skipSpace();
    const start = this.pos;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (DELIMITER.has(ch) || ch.trim() === '') break;
      this.pos++;
    }
    if (this.pos === start) throw this.error('expected a field name');
    if (++this.fields > this.maxFields) throw new ProjectionError('too_complex', `more than ${this.maxFields} fields`, 'run', start);
    return this.text.slice(start, this.pos);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && this.text[this.pos]!.trim() === '') this.pos++;
  }

  error(what: string): ProjectionError {
    const found = this.pos >= this.text.length ? 'the end' : `"${this.text[this.pos]}"`;
    return new ProjectionError('syntax', `invalid field selection at column ${this.pos + 1}: ${what}, found ${found}`, 'run', this.pos);
  }
}

function insert(into: MutableSelection, names: readonly string[], sub: MutableSelection | true): void {
  let node = into;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const last = i === names.length - 1;
    const existing = node.get(name);
    if (existing === true) return;
    if (last) {
      if (sub === true || existing === undefined) node.set(name, sub);
      else for (const [k, v] of sub) insert(existing, [k], v);
      return;
    }
    if (existing === undefined) {
      const child: MutableSelection = new Map();
      node.set(name, child);
      node = child;
    } else {
      node = existing;
    }
  }
}
