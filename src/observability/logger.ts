/**
 * pino logger: JSON lines, asynchronous writes, and redaction of every field that could
 * carry a credential, whatever a caller passes in.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'authorization',
  'proxyAuthorization',
  'cookie',
  'token',
  'secret',
  'password',
  'apiKey',
  'headers.authorization',
  'headers.cookie',
  'headers["proxy-authorization"]',
  'headers["x-api-key"]',
  '*.authorization',
  '*.token',
  '*.secret',
  '*.password',
  '*.apiKey',
  '*.api_key',
  '*.client_secret',
  '*.access_token',
  '*.refresh_token',
];

export interface LoggerOptions {
  level: string;
  /** Where lines go; stdout (asynchronously) when absent. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  // Asynchronous: lines written while a write is in flight are batched into the next one.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  return pino(
    {
      level: options.level,
      base: { service: 'unigate' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
