/**
 * XML → JSON on the strict saxes parser (chosen over fast-xml-parser's validator because it
 * rejects every sample of ./test-support/malformed-corpus.ts; see parser-choice.test.ts).
 * Malformed XML is never converted: the parser's message, line and column come back in an
 * XmlCodecError. DOCTYPE is refused, so only the five predefined entities and character
 * references are ever expanded (XML 1.0 §4.6, §4.1): no entity bombs, no XXE.
 *
 *   <product id="7"><name><![CDATA[Tee]]></name><tag>a</tag><tag>b</tag></product>
 *   → { "product": { "@id": "7", "name": "Tee", "tag": ["a", "b"] } }
 */
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { decodeXml } from './decode.js';
import { XmlCodecError } from './errors.js';
import type { XmlToJsonOptionsInput } from './options.js';

export type XmlToJson = (input: string | Uint8Array) => unknown;

interface Frame {
  readonly key: string;
  /** Absolute path of output keys, only tracked when always_array has paths. */
  readonly path: string;
  object: Record<string, unknown> | undefined;
  text: string;
  cdata: string;
}

// Canonical number text: what String(Number(text)) gives back unchanged.
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?(e[+-]?[0-9]+)?$/;
const XMLNS = 'http://www.w3.org/2000/xmlns/';

export function createXmlToJson(input: XmlToJsonOptionsInput = {}): XmlToJson {
  const attributePrefix = input.attributePrefix ?? '@';
  const textKey = input.textKey ?? '#text';
  const cdataAsKey = (input.cdata ?? 'text') === 'key';
  const cdataKey = input.cdataKey ?? '#cdata';
  const namespaces = input.namespaces ?? 'keep';
  const namespaceMap = new Map(Object.entries(input.namespaceMap ?? {}));
  const parseNumbers = input.parseNumbers ?? false;
  const parseBooleans = input.parseBooleans ?? false;
  const trimText = input.trimText ?? true;
  const emptyValue = (input.emptyAsNull ?? false) ? null : '';
  const maxBytes = input.maxBytes ?? 10 * 1024 * 1024;
  const maxDepth = input.maxDepth ?? 64;
  const maxElements = input.maxElements ?? 100_000;
  const maxAttributes = input.maxAttributes ?? 256;
  const arrayNames = new Set<string>();
  const arrayPaths = new Set<string>();
  for (const entry of input.alwaysArray ?? []) (entry.startsWith('/') ? arrayPaths : arrayNames).add(entry);
  const trackPaths = arrayPaths.size > 0;
  if (attributePrefix === '' || textKey === '' || cdataKey === '') throw new XmlCodecError('invalid_option', 'attribute_prefix, text_key and cdata_key cannot be empty');
  if (namespaces !== 'keep' && namespaces !== 'strip' && namespaces !== 'map') throw new XmlCodecError('invalid_option', `namespaces must be keep, strip or map, not "${String(namespaces)}"`);

  const scalar = (text: string): unknown => {
    if (parseNumbers && NUMBER.test(text)) {
      const n = Number(text);
      if (Number.isFinite(n) && String(n) === text) return n;
    }
    if (parseBooleans && (text === 'true' || text === 'false')) return text === 'true';
    return text;
  };

  const nameOf = (qualified: string, local: string, uri: string): string => {
    if (namespaces === 'keep') return qualified;
    if (namespaces === 'strip' || uri === '') return local;
    const mapped = namespaceMap.get(uri);
    if (mapped === undefined) return qualified;
    return mapped === '' ? local : `${mapped}:${local}`;
  };

  return function xmlToJson(source) {
    const size = typeof source === 'string' ? (source.length * 3 <= maxBytes ? source.length : Buffer.byteLength(source)) : source.byteLength;
    if (size > maxBytes) throw new XmlCodecError('limit_exceeded', `the XML document is larger than ${maxBytes} bytes`);
    const text = typeof source === 'string' ? source : decodeXml(source);

    const parser = new SaxesParser({ xmlns: true, position: true });
    const stack: Frame[] = [];
    let elements = 0;
    let result: Record<string, unknown> | undefined;

    const fail = (kind: 'limit_exceeded' | 'doctype_forbidden', message: string): never => {
      throw new XmlCodecError(kind, `${message} (line ${parser.line}, column ${parser.column})`, { line: parser.line, column: parser.column, offset: parser.position });
    };

    parser.on('doctype', () => fail('doctype_forbidden', 'DOCTYPE declarations are not allowed (no DTDs, no entity expansion)'));
    parser.on('opentag', (tag: SaxesTagNS) => {
      if (++elements > maxElements) fail('limit_exceeded', `more than ${maxElements} elements`);
      if (stack.length >= maxDepth) fail('limit_exceeded', `elements nested deeper than ${maxDepth} levels`);
      const key = nameOf(tag.name, tag.local, tag.uri);
      const parent = stack[stack.length - 1];
      const frame: Frame = { key, path: trackPaths ? `${parent?.path ?? ''}/${key}` : '', object: undefined, text: '', cdata: '' };
      let count = 0;
      for (const name in tag.attributes) {
        if (++count > maxAttributes) fail('limit_exceeded', `an element has more than ${maxAttributes} attributes`);
        const attribute: SaxesAttributeNS = tag.attributes[name]!;
        if (attribute.uri === XMLNS && namespaces !== 'keep') continue;
        frame.object ??= {};
        setOwn(frame.object, attributePrefix + nameOf(attribute.name, attribute.local, attribute.uri), scalar(attribute.value));
      }
      stack.push(frame);
    });
    parser.on('text', (chunk: string) => {
      const frame = stack[stack.length - 1];
      if (frame !== undefined) frame.text += chunk;
    });
    parser.on('cdata', (chunk: string) => {
      const frame = stack[stack.length - 1]!;
      if (cdataAsKey) frame.cdata += chunk;
      else frame.text += chunk;
    });
    parser.on('closetag', () => {
      const frame = stack.pop()!;
      const value = valueOf(frame);
      const parent = stack[stack.length - 1];
      if (parent === undefined) {
        result = {};
        setOwn(result, frame.key, value);
        return;
      }
      parent.object ??= {};
      const forced = arrayNames.has(frame.key) || (trackPaths && arrayPaths.has(frame.path));
      const existing = Object.hasOwn(parent.object, frame.key) ? parent.object[frame.key] : undefined;
      // Element values are never arrays, so an array here is the list of repeated elements.
      if (existing === undefined) setOwn(parent.object, frame.key, forced ? [value] : value);
      else if (Array.isArray(existing)) existing.push(value);
      else setOwn(parent.object, frame.key, [existing, value]);
    });

    function valueOf(frame: Frame): unknown {
      const text = trimText ? frame.text.trim() : frame.text;
      if (frame.object === undefined && frame.cdata === '') return text === '' ? emptyValue : scalar(text);
      const object = frame.object ?? {};
      // Whitespace-only text beside children or attributes is layout, not content.
      if (text.trim() !== '') setOwn(object, textKey, scalar(text));
      if (frame.cdata !== '') setOwn(object, cdataKey, frame.cdata);
      return object;
    }

    try {
      parser.write(text).close();
    } catch (err) {
      if (err instanceof XmlCodecError) throw err;
      // saxes reports "line:column: message"; keep its message and position.
      const message = (err as Error).message.replace(/^\d+:\d+:\s*/, '');
      throw new XmlCodecError('malformed', `malformed XML: ${message} (line ${parser.line}, column ${parser.column})`, { line: parser.line, column: parser.column, offset: parser.position }, { cause: err });
    }
    return result;
  };
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // An element named __proto__ must become data, not a prototype change.
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
