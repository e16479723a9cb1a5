/**
 * Error normalization: an upstream error response (JSON, XML or text, in whatever shape the
 * vendor chose) becomes Unigate's envelope. Where the vendor keeps its message is data:
 * JSON paths and XML element names, tried in order. Our `message` stays ours; the vendor's
 * status and text go only under `details.upstream`.
 *
 *   {"errors":{"title":["can't be blank"]}}  →  details.upstream.message: "title: can't be blank"
 */
import { createXmlToJson } from '../../codecs/xml/index.js';
import { ERROR_CODES } from '../../errors/codes.js';
import type { ErrorEnvelope } from '../../errors/envelope.js';
import { createJsonGuard } from '../../transform/json-guard/index.js';
import { getIn, parsePath, type PathTokens } from '../../transform/json-ops/pointer.js';
import { compiling } from '../message/config-error.js';
import { isJson, isXml } from '../message/media-type.js';

const MAX_MESSAGE = 1024;
const MAX_DESCRIBE_DEPTH = 4;

export interface ErrorNormalizer {
  /** The vendor's message from a decoded error body, if one can be found. */
  message(type: string, body: Buffer): string | undefined;
  /** The envelope for the client. */
  envelope(status: number, upstreamStatus: number, requestId: string, message: string | undefined): Buffer;
}

export function compileErrorNormalizer(config: { messagePaths: string[]; xmlElements: string[] }, maxBytes: number): ErrorNormalizer {
  const paths: PathTokens[] = config.messagePaths.map((p, i) => compiling(`normalize_errors.message_paths[${i}]`, () => parsePath(p, `normalize_errors.message_paths[${i}]`)));
  // Error bodies are read leniently: a vendor's odd JSON should still yield its message.
  const guard = createJsonGuard({ maxBytes, duplicateKeys: 'allow', protoKeys: 'allow' });
  const xml = createXmlToJson({ namespaces: 'strip', maxBytes });
  const elements = config.xmlElements;

  function message(type: string, body: Buffer): string | undefined {
    try {
      if (isJson(type)) {
        const value = guard.parse(body);
        for (const tokens of paths) {
          const text = describe(getIn(value, tokens), 0);
          if (text !== undefined) return cap(text);
        }
        return undefined;
      }
      if (isXml(type)) {
        const value = xml(body);
        for (const name of elements) {
          const text = describe(findElement(value, name, 0), 0);
          if (text !== undefined) return cap(text);
        }
        return undefined;
      }
      if (type === 'text/plain') return cap(body.toString('utf8').trim()) || undefined;
    } catch {
      // An unreadable error body still gets the envelope, just without the vendor's words.
    }
    return undefined;
  }

  function envelope(status: number, upstreamStatus: number, requestId: string, text: string | undefined): Buffer {
    const body: ErrorEnvelope = {
      error: {
        code: 'UPSTREAM_ERROR',
        message: ERROR_CODES.UPSTREAM_ERROR.message,
        status,
        request_id: requestId,
        details: { upstream: text === undefined ? { status: upstreamStatus } : { status: upstreamStatus, message: text } },
      },
    };
    return Buffer.from(JSON.stringify(body), 'utf8');
  }

  return { message, envelope };
}

/** Readable text of a vendor value: a string, the `message` or `#text` of an object, or the parts joined. */
function describe(value: unknown, depth: number): string | undefined {
  if (value === undefined || value === null || depth > MAX_DESCRIBE_DEPTH) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return joined(value.map((v) => describe(v, depth + 1)));
  const object = value as Record<string, unknown>;
  for (const key of ['message', '#text']) {
    const text = Object.hasOwn(object, key) ? describe(object[key], depth + 1) : undefined;
    if (text !== undefined) return text;
  }
  return joined(
    Object.entries(object)
      .filter(([key]) => !key.startsWith('@'))
      .map(([key, v]) => {
        const text = describe(v, depth + 1);
        return text === undefined ? undefined : `${key}: ${text}`;
      }),
  );
}

function joined(parts: (string | undefined)[]): string | undefined {
  const kept = parts.filter((p): p is string => p !== undefined);
  return kept.length === 0 ? undefined : kept.join('; ');
}

/** The first element of that name in document order (depth first). */
function findElement(value: unknown, name: string, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findElement(item, name, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const object = value as Record<string, unknown>;
  if (Object.hasOwn(object, name)) return object[name];
  for (const [key, child] of Object.entries(object)) {
    if (key.startsWith('@') || key.startsWith('#')) continue;
    const found = findElement(child, name, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function cap(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 3)}...` : text;
}
