/**
 * Admin errors in the one envelope. Whatever failed (a store constraint, a body Fastify could
 * not parse), the answer carries our own message: parser and driver messages can quote the
 * body, and the body may hold a secret.
 */
import type { FastifyReply } from 'fastify';
import { errorEnvelope } from '../../errors/envelope.js';
import { UnigateError, isUnigateError } from '../../errors/unigate-error.js';
import { StateStoreError } from '../../store/state/types.js';
import { unreadableBody } from '../unreadable-body.js';
import { validationFailed } from './validate.js';

export function toAdminError(err: unknown): UnigateError {
  if (isUnigateError(err)) return err;
  if (err instanceof StateStoreError) {
    switch (err.code) {
      case 'NOT_FOUND':
        return new UnigateError('NOT_FOUND', { message: 'A record the request refers to does not exist' });
      case 'CONFLICT':
        return new UnigateError('CONFLICT', { message: 'A record with this id already exists' });
      case 'INVALID_INPUT':
        // Store messages name the field and the rule, never the value.
        return validationFailed([{ path: '', message: err.message }]);
      default:
        return new UnigateError('INTERNAL_ERROR', { cause: err });
    }
  }
  if ((err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new UnigateError('PAYLOAD_TOO_LARGE', { message: 'The body is larger than the admin API accepts (1 MiB)' });
  const body = unreadableBody(err);
  if (body !== undefined) return validationFailed([{ path: '', message: `the body ${body}` }], 'The request body could not be read');
  if ((err as { statusCode?: number }).statusCode === 400) return new UnigateError('BAD_REQUEST');
  return new UnigateError('INTERNAL_ERROR', { cause: err });
}

export function sendEnvelope(reply: FastifyReply, err: UnigateError, requestId: string): void {
  void reply
    .code(err.status)
    .headers({ 'cache-control': 'no-store', 'x-request-id': requestId, ...err.headers })
    .type('application/json; charset=utf-8')
    .send(errorEnvelope(err, requestId));
}
