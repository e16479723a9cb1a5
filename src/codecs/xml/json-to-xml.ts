/**
 * JSON → XML for requests to XML backends, with the same conventions as xml-to-json:
 * `@`-prefixed keys are attributes, `#text` is text, `#cdata` a CDATA section, arrays repeat
 * their element. Keys must be XML names and text must be XML characters; anything else is an
 * error rather than a document the backend would misread.
 *
 *   { "order": { "@id": "7", "line": [{ "sku": "A" }, { "sku": "B" }] } }
 *   → <?xml version="1.0" encoding="UTF-8"?><order id="7"><line><sku>A</sku></line><line><sku>B</sku></line></order>
 */
import { XmlCodecError } from './errors.js';
import type { JsonToXmlOptionsInput } from './options.js';

export type JsonToXml = (value: unknown) => string;

// XML 1.0 (Fifth Edition) §2.3 NameStartChar and NameChar, without ":" (Namespaces in XML §3 NCName).
const NAME_START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
const NCNAME = `[${NAME_START}][${NAME_CHAR}]*`;
/** A QName: an NCName, optionally prefixed by another. */
const QNAME = new RegExp(`^(?:${NCNAME}:)?${NCNAME}$`, 'u');
// XML 1.0 §2.2 Char; with the u flag a lone surrogate is its own code point and does not match.
const NOT_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const TEXT_SPECIAL = /[&<>\r]/g;
const ATTRIBUTE_SPECIAL = /[&<>"\t\n\r]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

export function createJsonToXml(input: JsonToXmlOptionsInput = {}): JsonToXml {
  const attributePrefix = input.attributePrefix ?? '@';
  const textKey = input.textKey ?? '#text';
  const cdataKey = input.cdataKey ?? '#cdata';
  const rootName = input.rootName ?? 'root';
  const declaration = (input.xmlDeclaration ?? true) ? '<?xml version="1.0" encoding="UTF-8"?>' : '';
  const maxDepth = input.maxDepth ?? 64;
  if (!QNAME.test(rootName)) throw new XmlCodecError('invalid_option', `root_name "${rootName}" is not an XML name`);
  let namespaceDeclarations = '';
  for (const [prefix, uri] of Object.entries(input.namespaces ?? {})) {
    if (prefix !== '' && !new RegExp(`^${NCNAME}$`, 'u').test(prefix)) throw new XmlCodecError('invalid_option', `namespace prefix "${prefix}" is not an XML name`);
    namespaceDeclarations += ` ${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}="${escapeAttribute(uri, '')}"`;
  }

  function element(name: string, value: unknown, path: string, depth: number, rootAttributes: string): string {
    if (depth > maxDepth) throw new XmlCodecError('limit_exceeded', `the value is nested deeper than ${maxDepth} levels`, { path });
    checkName(name, path);
    if (value === null || value === undefined) return `<${name}${rootAttributes}/>`;
    if (typeof value !== 'object') return `<${name}${rootAttributes}>${escapeText(String(value), path)}</${name}>`;
    if (Array.isArray(value)) throw new XmlCodecError('unsupported_value', 'an array inside an array has no XML form', { path });
    let attributes = rootAttributes;
    let content = '';
    for (const [key, child] of Object.entries(value)) {
      const childPath = `${path}/${pointerToken(key)}`;
      if (key === textKey) {
        if (child !== null && typeof child === 'object') throw new XmlCodecError('unsupported_value', `${textKey} must be text, not an object or array`, { path: childPath });
        if (child !== null) content += escapeText(String(child), childPath);
      } else if (key === cdataKey) {
        if (child !== null && typeof child === 'object') throw new XmlCodecError('unsupported_value', `${cdataKey} must be text, not an object or array`, { path: childPath });
        if (child !== null) content += cdata(String(child), childPath);
      } else if (key.startsWith(attributePrefix)) {
        const attribute = key.slice(attributePrefix.length);
        checkName(attribute, childPath);
        if (child === null || child === undefined) continue;
        if (typeof child === 'object') throw new XmlCodecError('unsupported_value', 'an attribute value must be text, a number or a boolean', { path: childPath });
        attributes += ` ${attribute}="${escapeAttribute(String(child), childPath)}"`;
      } else if (Array.isArray(child)) {
        child.forEach((item, i) => (content += element(key, item, `${childPath}/${i}`, depth + 1, '')));
      } else {
        content += element(key, child, childPath, depth + 1, '');
      }
    }
    return content === '' ? `<${name}${attributes}/>` : `<${name}${attributes}>${content}</${name}>`;
  }

  return function jsonToXml(value) {
    const entries = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
    const only = entries.length === 1 ? entries[0]! : undefined;
    // A single member that is an element (not an attribute, text or a list) is the root.
    const isRoot = only !== undefined && !Array.isArray(only[1]) && only[0] !== textKey && only[0] !== cdataKey && !only[0].startsWith(attributePrefix);
    const body = isRoot ? element(only[0], only[1], `/${pointerToken(only[0])}`, 1, namespaceDeclarations) : element(rootName, Array.isArray(value) ? { item: value } : value, '', 1, namespaceDeclarations);
    return declaration + body;
  };
}

function checkName(name: string, path: string): void {
  if (!QNAME.test(name)) throw new XmlCodecError('invalid_name', `"${name}" is not an XML element or attribute name`, { path });
}

function escapeText(text: string, path: string): string {
  if (NOT_CHAR.test(text)) throw new XmlCodecError('invalid_char', 'the text has a character XML 1.0 cannot carry', { path });
  // ">" is escaped too, so "]]>" never appears in character data (XML 1.0 §2.4); "\r" would be normalized away (§2.11).
  return text.replace(TEXT_SPECIAL, (c) => ESCAPES[c]!);
}

function escapeAttribute(text: string, path: string): string {
  if (NOT_CHAR.test(text)) throw new XmlCodecError('invalid_char', 'the attribute value has a character XML 1.0 cannot carry', { path });
  // Whitespace characters as references survive attribute-value normalization (XML 1.0 §3.3.3).
  return text.replace(ATTRIBUTE_SPECIAL, (c) => ESCAPES[c]!);
}

function cdata(text: string, path: string): string {
  if (NOT_CHAR.test(text)) throw new XmlCodecError('invalid_char', 'the CDATA text has a character XML 1.0 cannot carry', { path });
  // A CDATA section cannot contain "]]>" (XML 1.0 §2.7): split it across two sections.
  return `<![CDATA[${text.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
