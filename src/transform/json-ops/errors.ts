import { TransformError, type ErrorLocation, type ErrorPhase } from '../errors.js';

export type JsonOpsErrorKind =
  /** A path that is neither a JSON Pointer nor a dotted path, or uses a forbidden key. */
  | 'invalid_path'
  /** An operation config that cannot work (move into its own child, unknown time zone, bad date pattern…). */
  | 'invalid_op'
  /** The document does not have the shape an operation needs (a path through a scalar, `map` over a non-array, an index past the end). */
  | 'path_conflict'
  /** A value that the coercion cannot convert (and `on_error` is `error`). */
  | 'coercion_failed'
  /** Depth, array size or operation budget exceeded. */
  | 'limit_exceeded';

export class JsonOpsError extends TransformError<JsonOpsErrorKind> {
  constructor(kind: JsonOpsErrorKind, message: string, phase: ErrorPhase, location: ErrorLocation = {}, options?: { cause?: unknown }) {
    super('JsonOpsError', kind, message, phase, location, options);
  }
}
