import { describe, expect, it } from 'vitest';
import { readConfig, schemaAccepts } from '../../transform/test-support/config.js';
import { createJsonToXml, createXmlToJson, JsonToXmlOptions, XmlToJsonOptions } from './index.js';

describe('XML codec options', () => {
  it('reads the documented YAML, with defaults, into working converters', () => {
    const options = readConfig(
      XmlToJsonOptions,
      `
always_array: [product, /prestashop/products/product]
namespaces: map
namespace_map: { "http://www.w3.org/1999/xlink": xlink }
parse_numbers: true
`,
    );
    expect(options).toMatchObject({ attributePrefix: '@', textKey: '#text', cdata: 'text', parseNumbers: true, trimText: true, maxDepth: 64 });
    expect(options.namespaceMap).toEqual({ 'http://www.w3.org/1999/xlink': 'xlink' });
    const convert = createXmlToJson(options);
    expect(convert('<prestashop xmlns:l="http://www.w3.org/1999/xlink"><products><product l:href="u">1</product></products></prestashop>')).toEqual({
      prestashop: { products: { product: [{ '@xlink:href': 'u', '#text': 1 }] } },
    });

    const toXml = createJsonToXml(readConfig(JsonToXmlOptions, '{ root_name: request, xml_declaration: false, namespaces: { "": "urn:example:orders" } }'));
    expect(toXml({ a: 1, b: 2 })).toBe('<request xmlns="urn:example:orders"><a>1</a><b>2</b></request>');
  });

  it('refuses unknown keys and bad values', () => {
    expect(schemaAccepts(XmlToJsonOptions, '{ attributes_prefix: "@" }')).toBe(false);
    expect(schemaAccepts(XmlToJsonOptions, '{ namespaces: drop }')).toBe(false);
    expect(schemaAccepts(XmlToJsonOptions, '{ attribute_prefix: "" }')).toBe(false);
    expect(schemaAccepts(XmlToJsonOptions, '{ max_depth: 0 }')).toBe(false);
    expect(schemaAccepts(JsonToXmlOptions, '{ root_name: "" }')).toBe(false);
  });
});
