/**
 * Content codings (RFC 9110 §8.4) for policies that read bodies: decode gzip, deflate and
 * br before a transform, optionally encode the result again for the client. Decoding is
 * bounded by the caller's byte limit, so a small compressed body cannot expand without end.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { codingQuality } from './media-type.js';

type HeaderValue = string | string[] | number | undefined;

export type CodingErrorKind = 'unsupported' | 'corrupt' | 'too_large';

export class CodingError extends Error {
  constructor(
    readonly kind: CodingErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CodingError';
  }
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotliDecompress = promisify(zlib.brotliDecompress);
const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);
const brotliCompress = promisify(zlib.brotliCompress);

/** The codings a body policy can undo. */
const DECODABLE = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'identity']);
/** Preference on equal quality: br compresses JSON best; quality 5 keeps it fast enough for live traffic. */
const ENCODINGS = ['br', 'gzip', 'deflate'] as const;
/** Below this, compression costs more than it saves. */
export const MIN_ENCODE_BYTES = 1024;

/** Content codings listed in a Content-Encoding header, in the order they were applied. */
export function codingsOf(contentEncoding: HeaderValue): string[] {
  if (contentEncoding === undefined) return [];
  const text = Array.isArray(contentEncoding) ? contentEncoding.join(',') : String(contentEncoding);
  return text
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/** Undoes the codings in reverse order of application (§8.4), each output capped at `maxBytes`. */
export async function decodeBody(body: Buffer, contentEncoding: HeaderValue, maxBytes: number): Promise<Buffer> {
  const codings = codingsOf(contentEncoding);
  let out = body;
  for (let i = codings.length - 1; i >= 0; i--) out = await decodeOne(out, codings[i]!, maxBytes);
  return out;
}

async function decodeOne(body: Buffer, coding: string, maxBytes: number): Promise<Buffer> {
  const options = { maxOutputLength: maxBytes };
  try {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return await gunzip(body, options);
      case 'br':
        return await brotliDecompress(body, options);
      case 'deflate':
        // §8.4.1.2 says zlib format; some servers send raw deflate, which the zlib header check tells apart.
        try {
          return await inflate(body, options);
        } catch (err) {
          if ((err as { code?: string }).code !== 'Z_DATA_ERROR') throw err;
          return await inflateRaw(body, options);
        }
      default:
        throw new CodingError('unsupported', `the body uses the content coding "${coding}", which Unigate cannot decode`);
    }
  } catch (err) {
    if (err instanceof CodingError) throw err;
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new CodingError('too_large', `the ${coding}-decoded body is larger than ${maxBytes} bytes`, { cause: err });
    }
    throw new CodingError('corrupt', `the body is not valid ${coding} data: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The client's Accept-Encoding reduced to codings a body policy can decode, for the request
 * upstream; undefined when the client sent none (the upstream then sends identity).
 */
export function decodableAcceptEncoding(acceptEncoding: HeaderValue): string | undefined {
  if (acceptEncoding === undefined) return undefined;
  const text = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : String(acceptEncoding);
  const kept: string[] = [];
  for (const part of text.split(',')) {
    const name = part.split(';')[0]!.trim().toLowerCase();
    if (name === '*') kept.push(part.trim().replace(/^\*/, 'gzip'), part.trim().replace(/^\*/, 'br'));
    else if (DECODABLE.has(name)) kept.push(part.trim());
  }
  return kept.length === 0 ? 'identity' : kept.join(', ');
}

/** The body encoded with the coding the client prefers, or undefined to send it as it is. */
export async function encodeForClient(body: Buffer, acceptEncoding: HeaderValue): Promise<{ body: Buffer; coding: string } | undefined> {
  if (body.length < MIN_ENCODE_BYTES || acceptEncoding === undefined) return undefined;
  let chosen: (typeof ENCODINGS)[number] | undefined;
  let best = 0;
  for (const coding of ENCODINGS) {
    const q = codingQuality(acceptEncoding, coding);
    if (q > best) {
      best = q;
      chosen = coding;
    }
  }
  switch (chosen) {
    case 'br':
      return { body: await brotliCompress(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }), coding: 'br' };
    case 'gzip':
      return { body: await gzip(body), coding: 'gzip' };
    case 'deflate':
      return { body: await deflate(body), coding: 'deflate' };
    default:
      return undefined;
  }
}
