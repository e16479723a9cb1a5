/**
 * Why Fastify could not read a request body, in our own words (parser messages can quote the
 * body, and the body may hold a secret). The admin API and the unified API say it alike.
 */
const BODY_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'is empty but Content-Type says JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'must be JSON (Content-Type: application/json)',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'does not match its Content-Length',
};

/** "is not valid JSON" and the like, or undefined when `err` is not about reading the body. */
export function unreadableBody(err: unknown): string | undefined {
  const code = (err as { code?: string }).code ?? '';
  return BODY_ERRORS[code] ?? (err instanceof SyntaxError ? BODY_ERRORS.FST_ERR_CTP_INVALID_JSON_BODY : undefined);
}
