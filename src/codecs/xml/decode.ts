/**
 * Bytes → text for XML (XML 1.0 §4.3.3 and Appendix F): a byte order mark wins, then the
 * encoding declaration, then UTF-8. Decoding is strict: invalid bytes are an error, never
 * replacement characters, and a declaration that contradicts the BOM is refused.
 */
import { TextDecoder } from 'node:util';
import { XmlCodecError } from './errors.js';

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'us-ascii';

const DECLARED: Record<string, Encoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'us-ascii': 'us-ascii',
  ascii: 'us-ascii',
  // WHATWG decoders read ISO-8859-1 as windows-1252, which is what servers declaring it send.
  'iso-8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'windows-1252': 'windows-1252',
  'utf-16': 'utf-16le',
};

const decoders = new Map<Encoding, TextDecoder>();

function decoder(encoding: Encoding): TextDecoder {
  let d = decoders.get(encoding);
  if (d === undefined) {
    d = new TextDecoder(encoding === 'us-ascii' ? 'utf-8' : encoding, { fatal: true, ignoreBOM: false });
    decoders.set(encoding, d);
  }
  return d;
}

const DECLARATION = /^<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']/;

export function decodeXml(bytes: Uint8Array): string {
  let bom: Encoding | undefined;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bom = 'utf-8';
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) bom = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) bom = 'utf-16be';
  else if ((bytes[0] === 0x00 && bytes[1] === 0x3c) || (bytes[0] === 0x3c && bytes[1] === 0x00)) {
    throw new XmlCodecError('bad_encoding', 'UTF-16 without a byte order mark (XML 1.0 §4.3.3 requires one)', { offset: 0 });
  }

  let encoding: Encoding = bom ?? 'utf-8';
  if (bom === undefined) {
    // The declaration is ASCII in every encoding we accept without a BOM.
    const head = String.fromCharCode(...bytes.subarray(0, Math.min(bytes.length, 256)));
    const declared = DECLARATION.exec(head)?.[1];
    if (declared !== undefined) {
      const known = DECLARED[declared.toLowerCase()];
      if (known === undefined) throw new XmlCodecError('unsupported_encoding', `the document declares the encoding "${declared}", which is not supported`, { offset: 0 });
      if (known === 'utf-16le') throw new XmlCodecError('bad_encoding', 'the document declares UTF-16 but has no byte order mark', { offset: 0 });
      encoding = known;
    }
  }

  let text: string;
  try {
    text = decoder(encoding).decode(bytes);
  } catch (err) {
    const offset = encoding === 'utf-8' || encoding === 'us-ascii' ? firstInvalidUtf8(bytes) : undefined;
    throw new XmlCodecError('bad_encoding', `the document is not valid ${encoding.toUpperCase()}${offset === undefined ? '' : ` (byte ${offset})`}`, offset === undefined ? {} : { offset }, { cause: err });
  }
  if (encoding === 'us-ascii') {
    const at = bytes.findIndex((b) => b > 0x7f);
    if (at !== -1) throw new XmlCodecError('bad_encoding', `the document declares US-ASCII but byte ${at} is not ASCII`, { offset: at });
  }
  if (bom !== undefined) {
    // With a BOM, a declaration naming another encoding is a fatal error (XML 1.0 §4.3.3).
    const declared = DECLARATION.exec(text)?.[1]?.toLowerCase();
    const agrees = declared === undefined || (bom === 'utf-8' ? DECLARED[declared] === 'utf-8' : /^utf-16(le|be)?$/.test(declared));
    if (!agrees) throw new XmlCodecError('bad_encoding', `the byte order mark says ${bom.toUpperCase()} but the declaration says "${declared}"`, { offset: 0 });
  }
  return text;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence (RFC 3629 §4). */
function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return undefined;
}
