/**
 * A single-pass checker of JSON text (RFC 8259) that enforces threat-protection limits the
 * native parser cannot see: nesting depth, string length, keys per object, array length,
 * duplicate keys and prototype-polluting keys. It walks with an explicit stack, so hostile
 * nesting cannot overflow the call stack. Text it accepts is valid for JSON.parse.
 */
import { JsonGuardError, type JsonGuardErrorKind } from './errors.js';

export interface ScanLimits {
  readonly maxDepth: number;
  readonly maxStringLength: number;
  readonly maxKeys: number;
  readonly maxArrayLength: number;
  readonly rejectDuplicateKeys: boolean;
  readonly rejectProtoKeys: boolean;
}

interface Frame {
  readonly object: boolean;
  /** Members so far (array elements or object keys). */
  count: number;
  /** Current key (objects), for error paths and the constructor.prototype check. */
  key: string;
  /** Keys seen so far; a Set once the object grows past SMALL_OBJECT keys (a short array scan is faster below). */
  keys: string[] | undefined;
  keySet: Set<string> | undefined;
  /** This object is the value of a "constructor" key. */
  readonly underConstructor: boolean;
}

const SMALL_OBJECT = 12;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const WS_SPACE = 0x20;
const WS_TAB = 0x09;
const WS_LF = 0x0a;
const WS_CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Throws a JsonGuardError at the first problem; returns the offset where the value starts (after a BOM). */
export function scanJson(text: string, limits: ScanLimits): number {
  return new Scanner(text, limits).run();
}

class Scanner {
  private i = 0;
  private readonly stack: Frame[] = [];

  constructor(
    private readonly text: string,
    private readonly limits: ScanLimits,
  ) {}

  run(): number {
    const text = this.text;
    // RFC 8259 §8.1: a parser may ignore a byte order mark.
    const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.i = start;
    this.skipWs();
    for (;;) {
      // Read one value, descending into containers without recursion.
      while (this.value()) this.skipWs();
      // After a value: close containers or move to the next member.
      for (;;) {
        this.skipWs();
        const top = this.stack[this.stack.length - 1];
        if (top === undefined) {
          if (this.i < text.length) this.fail('syntax', 'unexpected data after the JSON value');
          return start;
        }
        const c = text.charCodeAt(this.i);
        if (c === 0x2c /* , */) {
          this.i++;
          this.skipWs();
          if (top.object) this.member(top);
          else if (++top.count > this.limits.maxArrayLength) this.fail('array_too_long', `an array has more than ${this.limits.maxArrayLength} elements`);
          break;
        }
        if (c === (top.object ? 0x7d /* } */ : 0x5d) /* ] */) {
          this.i++;
          this.stack.pop();
          continue;
        }
        this.fail('syntax', top.object ? 'expected "," or "}"' : 'expected "," or "]"');
      }
    }
  }

  /**
   * Reads one value token. A non-empty container is pushed on the stack and true returned:
   * the reader then stands at its first member's value.
   */
  private value(): boolean {
    const text = this.text;
    const c = text.charCodeAt(this.i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (this.stack.length >= this.limits.maxDepth) this.fail('too_deep', `nesting is deeper than ${this.limits.maxDepth} levels`);
      const parent = this.stack[this.stack.length - 1];
      const object = c === 0x7b;
      this.i++;
      this.skipWs();
      if (text.charCodeAt(this.i) === (object ? 0x7d : 0x5d)) {
        this.i++;
        return false;
      }
      const frame: Frame = { object, count: 1, key: '', keys: undefined, keySet: undefined, underConstructor: object && parent !== undefined && parent.object && parent.key === 'constructor' };
      this.stack.push(frame);
      if (object) this.member(frame);
      return true;
    }
    if (c === QUOTE) this.string();
    else if (c === 0x74 /* t */) this.literal('true');
    else if (c === 0x66 /* f */) this.literal('false');
    else if (c === 0x6e /* n */) this.literal('null');
    else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) this.number();
    else this.fail('syntax', this.i >= text.length ? 'unexpected end, expected a value' : 'expected a value');
    return false;
  }

  /** Reads `"key":` and the whitespace after it. */
  private member(frame: Frame): void {
    if (this.text.charCodeAt(this.i) !== QUOTE) this.fail('syntax', 'expected a key in double quotes');
    const keyAt = this.i;
    this.string();
    const raw = this.text.slice(keyAt + 1, this.i - 1);
    const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
    const keys = (frame.keys ??= []);
    frame.key = key;
    if (this.limits.rejectProtoKeys && (key === '__proto__' || (key === 'prototype' && frame.underConstructor))) {
      this.fail('forbidden_key', key === '__proto__' ? 'the key "__proto__" is not allowed' : 'the key "constructor.prototype" is not allowed', keyAt);
    }
    if (frame.keySet === undefined && keys.length >= SMALL_OBJECT) frame.keySet = new Set(keys);
    const seen = frame.keySet === undefined ? keys.includes(key) : frame.keySet.has(key);
    if (seen && this.limits.rejectDuplicateKeys) this.fail('duplicate_key', `the key ${JSON.stringify(key)} appears twice in one object`, keyAt);
    // The count limit is on distinct keys; a duplicate (when allowed) replaces the earlier value.
    if (!seen) {
      if (keys.length >= this.limits.maxKeys) this.fail('too_many_keys', `an object has more than ${this.limits.maxKeys} keys`, keyAt);
      keys.push(key);
      frame.keySet?.add(key);
    }
    this.skipWs();
    if (this.text.charCodeAt(this.i) !== 0x3a /* : */) this.fail('syntax', 'expected ":" after the key');
    this.i++;
    this.skipWs();
  }

  /** Reads a string token; the reader then stands after its closing quote. */
  private string(): void {
    const text = this.text;
    const start = this.i + 1;
    let i = start;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) {
        i++;
        continue;
      }
      if (c === QUOTE) break;
      this.i = i;
      if (c === BACKSLASH) {
        const e = text.charCodeAt(i + 1);
        if (e === 0x75 /* u */) {
          if (!HEX4.test(text.slice(i + 2, i + 6))) this.fail('syntax', 'invalid \\u escape');
          i += 6;
        } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          i += 2;
        } else {
          this.fail('syntax', 'invalid escape in a string');
        }
        continue;
      }
      if (Number.isNaN(c)) this.fail('syntax', 'unterminated string', start - 1);
      // RFC 8259 §7: control characters must be escaped.
      this.fail('syntax', 'unescaped control character in a string');
    }
    if (i - start > this.limits.maxStringLength) this.fail('string_too_long', `a string is longer than ${this.limits.maxStringLength} characters`, start - 1);
    this.i = i + 1;
  }

  private number(): void {
    const text = this.text;
    const start = this.i;
    let exponent = false;
    if (text.charCodeAt(this.i) === 0x2d) this.i++;
    // RFC 8259 §6: int = zero / ( digit1-9 *DIGIT ); no leading zeros.
    if (text.charCodeAt(this.i) === 0x30) this.i++;
    else if (!this.digits()) this.fail('syntax', 'invalid number');
    if (text.charCodeAt(this.i) === 0x2e /* . */) {
      this.i++;
      if (!this.digits()) this.fail('syntax', 'invalid number: digits expected after "."');
    }
    const e = text.charCodeAt(this.i);
    if (e === 0x65 || e === 0x45) {
      exponent = true;
      this.i++;
      const sign = text.charCodeAt(this.i);
      if (sign === 0x2b || sign === 0x2d) this.i++;
      if (!this.digits()) this.fail('syntax', 'invalid number: digits expected in the exponent');
    }
    const length = this.i - start;
    if (length > this.limits.maxStringLength) this.fail('string_too_long', `a number is longer than ${this.limits.maxStringLength} characters`, start);
    // Without an exponent only a number of over 300 digits can reach Infinity.
    if ((exponent || length > 300) && !Number.isFinite(Number(text.slice(start, this.i)))) {
      this.fail('number_out_of_range', 'a number is too large to represent', start);
    }
  }

  private digits(): boolean {
    const start = this.i;
    let c = this.text.charCodeAt(this.i);
    while (c >= 0x30 && c <= 0x39) c = this.text.charCodeAt(++this.i);
    return this.i > start;
  }

  private literal(word: string): void {
    if (!this.text.startsWith(word, this.i)) this.fail('syntax', 'expected a value');
    this.i += word.length;
  }

  private skipWs(): void {
    const text = this.text;
    let c = text.charCodeAt(this.i);
    while (c === WS_SPACE || c === WS_LF || c === WS_CR || c === WS_TAB) c = text.charCodeAt(++this.i);
  }

  private fail(kind: JsonGuardErrorKind, message: string, offset = this.i): never {
    const path = this.path();
    const { line, column } = lineAndColumn(this.text, offset);
    throw new JsonGuardError(kind, `${message} (line ${line}, column ${column}${path === '' ? '' : `, at ${path}`})`, { offset, line, column, path });
  }

  /** JSON Pointer (RFC 6901) of the member being read. */
  private path(): string {
    let out = '';
    for (const frame of this.stack) {
      const token = frame.object ? frame.key : String(frame.count - 1);
      out += `/${token.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    }
    return out;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
