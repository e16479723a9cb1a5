/**
 * The XML codec: strict XML → JSON for responses and JSON → XML for requests, with
 * declarative options (./options.ts). Build once per route, call per message.
 */
export { decodeXml } from './decode.js';
export { XmlCodecError, type XmlCodecErrorKind, type XmlErrorLocation } from './errors.js';
export { createJsonToXml, type JsonToXml } from './json-to-xml.js';
export { JsonToXmlOptions, XmlToJsonOptions, type JsonToXmlOptionsInput, type XmlToJsonOptionsInput } from './options.js';
export { createXmlToJson, type XmlToJson } from './xml-to-json.js';
