/**
 * Typed errors of the transform libraries. Each carries a `kind` callers branch on, the
 * `phase` it was raised in (`compile`: a config problem found at load; `run`: a problem with
 * one request or response) and where it happened. The pipeline maps them to UnigateError codes.
 */
export type ErrorPhase = 'compile' | 'run';

export interface ErrorLocation {
  /** 0-based character offset in the text being parsed. */
  readonly offset?: number;
  /** 1-based line. */
  readonly line?: number;
  /** 1-based column. */
  readonly column?: number;
  /** JSON Pointer (RFC 6901) into the value, or a config path such as `ops[2].path`. */
  readonly path?: string;
}

export class TransformError<K extends string = string> extends Error {
  constructor(
    name: string,
    readonly kind: K,
    message: string,
    readonly phase: ErrorPhase,
    readonly location: ErrorLocation = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = name;
  }
}
