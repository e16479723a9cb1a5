/**
 * Config schemas of the XML codec.
 *
 *   xml_to_json:
 *     always_array: [product, /prestashop/products/product]
 *     namespaces: map
 *     namespace_map: { "http://www.w3.org/1999/xlink": xlink }
 *     parse_numbers: true
 *   json_to_xml: { root_name: request, namespaces: { "": "urn:example:orders" } }
 */
import { Type, type Static } from '@sinclair/typebox';
import type { CamelCased } from '../../config/case.js';

const AttributePrefix = Type.String({ minLength: 1, default: '@', description: 'Prefix of keys that hold attributes: `<a id="1">` → `{ "@id": "1" }`.' });
const TextKey = Type.String({ minLength: 1, default: '#text', description: 'Key of an element\'s text when it also has attributes or children.' });
const CdataKey = Type.String({ minLength: 1, default: '#cdata', description: 'Key of CDATA sections when `cdata` is `key`.' });

export const XmlToJsonOptions = Type.Object(
  {
    attribute_prefix: AttributePrefix,
    text_key: TextKey,
    cdata: Type.Union([Type.Literal('text'), Type.Literal('key')], {
      default: 'text',
      description: 'CDATA sections: merged into the text, or kept apart under `cdata_key`.',
      expected: 'text or key',
    }),
    cdata_key: CdataKey,
    always_array: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Elements that always become arrays, even when they occur once: a name (`product`) or an absolute path of output keys (`/prestashop/products/product`).',
    }),
    namespaces: Type.Union([Type.Literal('keep'), Type.Literal('strip'), Type.Literal('map')], {
      default: 'keep',
      description: 'Names as written (`xlink:href`, xmlns attributes kept), local names only, or prefixes chosen by namespace URI through `namespace_map`.',
      expected: 'keep, strip or map',
    }),
    namespace_map: Type.Record(Type.String({ minLength: 1 }), Type.String(), {
      default: {},
      description: 'Namespace URI → prefix used in keys when `namespaces` is `map` ("" for none); unmapped namespaces keep their prefix.',
    }),
    parse_numbers: Type.Boolean({ default: false, description: 'Turn text that is a number in canonical form (`42`, `-1.5`, not `007` or `1.50`) into a JSON number.' }),
    parse_booleans: Type.Boolean({ default: false, description: 'Turn `true` and `false` into JSON booleans.' }),
    trim_text: Type.Boolean({ default: true, description: 'Trim whitespace around text; whitespace-only text between elements is always dropped.' }),
    empty_as_null: Type.Boolean({ default: false, description: 'Give empty elements (`<a/>`) the value null instead of "".' }),
    max_bytes: Type.Integer({ minimum: 1, default: 10 * 1024 * 1024, description: 'Largest document in bytes.' }),
    max_depth: Type.Integer({ minimum: 1, maximum: 1000, default: 64, description: 'Deepest element nesting.' }),
    max_elements: Type.Integer({ minimum: 1, default: 100_000, description: 'Most elements in one document.' }),
    max_attributes: Type.Integer({ minimum: 1, default: 256, description: 'Most attributes on one element.' }),
  },
  { additionalProperties: false, description: 'XML → JSON conversion. DOCTYPE declarations are always refused.' },
);

export const JsonToXmlOptions = Type.Object(
  {
    attribute_prefix: AttributePrefix,
    text_key: TextKey,
    cdata_key: CdataKey,
    root_name: Type.String({
      minLength: 1,
      default: 'root',
      description: 'Root element used when the value is not an object with exactly one member (that member is the root otherwise).',
    }),
    xml_declaration: Type.Boolean({ default: true, description: 'Start with `<?xml version="1.0" encoding="UTF-8"?>`.' }),
    namespaces: Type.Record(Type.String(), Type.String({ minLength: 1 }), {
      default: {},
      description: 'Prefix → namespace URI declared on the root element ("" for the default namespace).',
    }),
    max_depth: Type.Integer({ minimum: 1, maximum: 1000, default: 64, description: 'Deepest nesting of the JSON value.' }),
  },
  { additionalProperties: false, description: 'JSON → XML conversion for requests to XML backends.' },
);

export type XmlToJsonOptionsInput = Partial<CamelCased<Static<typeof XmlToJsonOptions>>>;
export type JsonToXmlOptionsInput = Partial<CamelCased<Static<typeof JsonToXmlOptions>>>;
