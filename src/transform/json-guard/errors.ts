import { TransformError, type ErrorLocation } from '../errors.js';

export type JsonGuardErrorKind =
  /** Bytes that are not valid UTF-8 (RFC 8259 §8.1). */
  | 'bad_encoding'
  /** Not JSON: the message says what was expected. */
  | 'syntax'
  /** More bytes than `max_bytes`. */
  | 'too_large'
  /** Objects and arrays nested deeper than `max_depth`. */
  | 'too_deep'
  /** A string (or number) longer than `max_string_length`. */
  | 'string_too_long'
  /** An object with more than `max_keys` keys. */
  | 'too_many_keys'
  /** An array with more than `max_array_length` elements. */
  | 'array_too_long'
  /** The same key twice in one object (RFC 8259 §4: names SHOULD be unique; parsers disagree on which wins). */
  | 'duplicate_key'
  /** `__proto__`, or `prototype` inside a `constructor` object: prototype pollution payloads. */
  | 'forbidden_key'
  /** A number that overflows to Infinity. */
  | 'number_out_of_range';

/** Always a run-time error about one input; `location` has offset, line, column and the JSON Pointer being read. */
export class JsonGuardError extends TransformError<JsonGuardErrorKind> {
  constructor(kind: JsonGuardErrorKind, message: string, location: ErrorLocation = {}, options?: { cause?: unknown }) {
    super('JsonGuardError', kind, message, 'run', location, options);
  }
}
