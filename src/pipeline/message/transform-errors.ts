/**
 * Run-time errors of the transform libraries and the XML codec → UnigateError codes.
 * On the request side the client sent something the route cannot take (400, 413); on the
 * response side the upstream did (502). Compile-time errors never get here: they are config
 * errors found when the route is built.
 */
import { UnigateError } from '../../errors/unigate-error.js';
import { XmlCodecError } from '../../codecs/xml/errors.js';
import { TransformError } from '../../transform/errors.js';
import { CodingError } from './coding.js';

/** Where in the request a validation problem is. */
export type Part = 'body' | 'query' | 'headers' | 'path';

/** One entry of `details.errors` in a VALIDATION_FAILED envelope. */
export interface Violation {
  in: Part;
  /** JSON Pointer into the part ('' for the whole part). */
  path: string;
  /** The rule broken: a JSON Schema keyword, or a kind such as `duplicate_key`. */
  rule: string;
  message: string;
  line?: number;
  column?: number;
}

export function validationFailed(errors: Violation[]): UnigateError {
  return new UnigateError('VALIDATION_FAILED', { details: { errors } });
}

function located(err: { location: { line?: number; column?: number } }): { line?: number; column?: number } {
  const { line, column } = err.location;
  return { ...(line === undefined ? {} : { line }), ...(column === undefined ? {} : { column }) };
}

/** A request-side failure of a transform or a JSON guard, as the client's error. */
export function requestError(err: unknown, part: Part = 'body'): UnigateError {
  if (err instanceof CodingError) {
    if (err.kind === 'too_large') return new UnigateError('PAYLOAD_TOO_LARGE', { message: 'The decoded request body is larger than this route allows', cause: err });
    return new UnigateError('BAD_REQUEST', { message: 'The request body cannot be decoded', details: { reason: 'content_coding', message: err.message }, cause: err });
  }
  if (err instanceof XmlCodecError) {
    return validationFailed([{ in: part, path: err.location.path ?? '', rule: err.kind, message: err.message }]);
  }
  if (!(err instanceof TransformError)) throw err;
  switch (err.name) {
    case 'JsonGuardError':
      if (err.kind === 'too_large') return new UnigateError('PAYLOAD_TOO_LARGE', { message: 'The JSON body is larger than this route allows', cause: err });
      return validationFailed([{ in: part, path: err.location.path ?? '', rule: err.kind === 'syntax' ? 'json_syntax' : err.kind, message: err.message, ...located(err) }]);
    case 'HttpOpsError':
    case 'TemplateError':
      return new UnigateError('BAD_REQUEST', { message: 'The request cannot be forwarded as this route rewrites it', details: { reason: err.kind, message: err.message }, cause: err });
    default:
      return validationFailed([{ in: part, path: err.location.path ?? '', rule: err.kind, message: err.message }]);
  }
}

/** A response-side failure: the upstream sent what the route cannot transform. */
export function responseError(err: unknown): UnigateError {
  if (err instanceof CodingError) {
    if (err.kind === 'too_large') return new UnigateError('RESPONSE_TOO_LARGE', { message: err.message, cause: err });
    return new UnigateError('UPSTREAM_BAD_RESPONSE', { details: { reason: 'content_coding', message: err.message }, cause: err });
  }
  if (err instanceof XmlCodecError) {
    const details = { reason: err.kind, message: err.message, ...located(err) };
    if (err.kind === 'limit_exceeded') return new UnigateError('TRANSFORM_FAILED', { details, cause: err });
    return new UnigateError('UPSTREAM_BAD_RESPONSE', { message: 'The upstream sent XML that cannot be converted', details, cause: err });
  }
  if (!(err instanceof TransformError)) throw err;
  const details = { reason: err.kind, message: err.message, ...(err.location.path === undefined ? {} : { path: err.location.path }), ...located(err) };
  if (err.name === 'JsonGuardError') {
    if (err.kind === 'too_large') return new UnigateError('RESPONSE_TOO_LARGE', { message: err.message, cause: err });
    if (err.kind === 'syntax' || err.kind === 'bad_encoding') {
      return new UnigateError('UPSTREAM_BAD_RESPONSE', { message: 'The upstream sent JSON that cannot be parsed', details, cause: err });
    }
  }
  return new UnigateError('TRANSFORM_FAILED', { details, cause: err });
}
