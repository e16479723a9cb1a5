/**
 * A policy config that passed the schema but cannot be built (a bad regex, an unknown template
 * variable, a schema ajv refuses), with the path inside the policy's config. The config
 * compiler reports it with the route's path; a factory throws it with the route's name.
 */
import { XmlCodecError } from '../../codecs/xml/errors.js';
import { TransformError } from '../../transform/errors.js';

export class PolicyConfigError extends Error {
  constructor(
    /** Path inside the policy's config, such as `headers[0].value`. */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PolicyConfigError';
  }
}

/** Runs a library compile step; its errors become PolicyConfigErrors at `at` (or the library's own path). */
export function compiling<T>(at: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof PolicyConfigError) throw err;
    if (err instanceof TransformError) throw new PolicyConfigError(err.location.path || at, err.message, { cause: err });
    if (err instanceof XmlCodecError) throw new PolicyConfigError(at, err.message, { cause: err });
    throw err;
  }
}

/** The error a factory throws: the route and the config path first, so the operator finds the line. */
export function routeConfigError(route: string, key: string, err: unknown): Error {
  if (!(err instanceof PolicyConfigError)) return err as Error;
  return new Error(`route "${route}": policies.${key}.${err.path}: ${err.message}`, { cause: err });
}
