/**
 * Safe JSON parsing for untrusted input: a checker (./scan.ts) enforces limits and refuses
 * duplicate and prototype-polluting keys, then the native JSON.parse builds the value.
 * Guards compile their limits once:
 *
 *   const guard = createJsonGuard({ maxDepth: 32 });
 *   const body = guard.parse(buffer);   // throws JsonGuardError with kind, offset, line, column, path
 */
import { JsonGuardError } from './errors.js';
import { scanJson, type ScanLimits } from './scan.js';
import type { JsonGuardOptionsInput } from './schema.js';

export { JsonGuardError, type JsonGuardErrorKind } from './errors.js';
export { JsonGuardOptions, type JsonGuardOptionsInput } from './schema.js';

export interface JsonGuard {
  /** Checks and parses UTF-8 bytes or a string. */
  parse(input: string | Uint8Array): unknown;
  /** Checks without building a value, for bodies that are forwarded as they are. */
  check(input: string | Uint8Array): void;
}

export function createJsonGuard(options: JsonGuardOptionsInput = {}): JsonGuard {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const limits: ScanLimits = {
    maxDepth: options.maxDepth ?? 64,
    maxStringLength: options.maxStringLength ?? 1_000_000,
    maxKeys: options.maxKeys ?? 10_000,
    maxArrayLength: options.maxArrayLength ?? 100_000,
    rejectDuplicateKeys: (options.duplicateKeys ?? 'reject') === 'reject',
    rejectProtoKeys: (options.protoKeys ?? 'reject') === 'reject',
  };
  const decoder = new TextDecoder('utf-8', { fatal: true });

  function toText(input: string | Uint8Array): string {
    if (typeof input === 'string') {
      // Each character is at least one byte and at most three (a surrogate pair is four for two).
      if (input.length > maxBytes || (input.length * 3 > maxBytes && Buffer.byteLength(input) > maxBytes)) throw tooLarge();
      return input;
    }
    if (input.byteLength > maxBytes) throw tooLarge();
    try {
      return decoder.decode(input);
    } catch (err) {
      throw new JsonGuardError('bad_encoding', 'the body is not valid UTF-8 (RFC 8259 §8.1)', {}, { cause: err });
    }
  }

  function tooLarge(): JsonGuardError {
    return new JsonGuardError('too_large', `the JSON is larger than ${maxBytes} bytes`);
  }

  return {
    parse(input) {
      const text = toText(input);
      const start = scanJson(text, limits);
      return JSON.parse(start === 0 ? text : text.slice(start));
    },
    check(input) {
      scanJson(toText(input), limits);
    },
  };
}
