/**
 * Errors of the XML codec. `kind` says what went wrong; parse errors carry the parser's own
 * message with the line, column and offset where it stopped.
 */
export type XmlCodecErrorKind =
  /** Not well-formed XML (XML 1.0 and Namespaces in XML 1.0): the parser's message and position. */
  | 'malformed'
  /** A DOCTYPE declaration: refused, so no DTD, no entity expansion and no external entities (XXE). */
  | 'doctype_forbidden'
  /** Bytes that are not valid in the document's encoding, or an encoding declaration that contradicts the bytes. */
  | 'bad_encoding'
  /** An encoding other than UTF-8, UTF-16 (with a BOM), US-ASCII or ISO-8859-1/windows-1252. */
  | 'unsupported_encoding'
  /** Size, depth, element or attribute limits exceeded. */
  | 'limit_exceeded'
  /** json-to-xml: a key that is not an XML name (XML 1.0 §2.3, Namespaces in XML §3 QName). */
  | 'invalid_name'
  /** json-to-xml: a character XML 1.0 cannot carry (§2.2 Char), such as U+0000 or a lone surrogate. */
  | 'invalid_char'
  /** json-to-xml: a value with no XML form, such as an array inside an array or an object as attribute. */
  | 'unsupported_value'
  /** An option that cannot work (compile time). */
  | 'invalid_option';

export interface XmlErrorLocation {
  /** 1-based line. */
  readonly line?: number;
  /** 1-based column of the character where the problem was found. */
  readonly column?: number;
  /** 0-based offset in characters (or bytes, for encoding errors). */
  readonly offset?: number;
  /** JSON Pointer of the value (json-to-xml). */
  readonly path?: string;
}

export class XmlCodecError extends Error {
  constructor(
    readonly kind: XmlCodecErrorKind,
    message: string,
    readonly location: XmlErrorLocation = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'XmlCodecError';
  }

  /** `compile` for option problems, `run` for problems with one document. */
  get phase(): 'compile' | 'run' {
    return this.kind === 'invalid_option' ? 'compile' : 'run';
  }
}
