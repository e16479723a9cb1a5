import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createJsonToXml, createXmlToJson, XmlCodecError } from './index.js';

function thrown(fn: () => unknown): XmlCodecError {
  try {
    fn();
  } catch (err) {
    if (err instanceof XmlCodecError) return err;
    throw err;
  }
  throw new Error('expected an XmlCodecError');
}

const toXml = createJsonToXml({ xmlDeclaration: false });

describe('json-to-xml', () => {
  it('writes a PrestaShop-style product update', () => {
    const body = {
      prestashop: {
        product: {
          id: 19,
          price: '13.90',
          active: true,
          name: { language: [{ '@id': 1, '#cdata': 'Customizable mug' }, { '@id': 2, '#cdata': 'Mug personnalisable' }] },
          ean13: null,
        },
      },
    };
    expect(createJsonToXml({ namespaces: { xlink: 'http://www.w3.org/1999/xlink' } })(body)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><prestashop xmlns:xlink="http://www.w3.org/1999/xlink"><product><id>19</id><price>13.90</price><active>true</active>' +
        '<name><language id="1"><![CDATA[Customizable mug]]></language><language id="2"><![CDATA[Mug personnalisable]]></language></name><ean13/></product></prestashop>',
    );
  });

  it('escapes text and attributes so they read back the same', () => {
    const value = { note: { '@title': 'a "quoted" <b> & \t tab\nline', '#text': 'x < y && y > z ]]> \r\n end' } };
    const xml = toXml(value);
    expect(xml).toBe('<note title="a &quot;quoted&quot; &lt;b&gt; &amp; &#9; tab&#10;line">x &lt; y &amp;&amp; y &gt; z ]]&gt; &#13;\n end</note>');
    expect(createXmlToJson({ trimText: false })(xml)).toEqual(value);
  });

  it('splits "]]>" across CDATA sections', () => {
    const xml = toXml({ c: { '#cdata': 'a]]>b' } });
    expect(xml).toBe('<c><![CDATA[a]]]]><![CDATA[>b]]></c>');
    expect(createXmlToJson()(xml)).toEqual({ c: 'a]]>b' });
  });

  it('wraps values that are not a single element in root_name', () => {
    expect(toXml({ a: 1, b: 2 })).toBe('<root><a>1</a><b>2</b></root>');
    expect(createJsonToXml({ xmlDeclaration: false, rootName: 'items' })([1, 2])).toBe('<items><item>1</item><item>2</item></items>');
    expect(toXml({ list: [1, 2] })).toBe('<root><list>1</list><list>2</list></root>');
    expect(toXml('text')).toBe('<root>text</root>');
    expect(toXml({ '@id': '1' })).toBe('<root id="1"/>');
  });

  it('declares a default namespace and keeps prefixed names', () => {
    const xml = createJsonToXml({ xmlDeclaration: false, namespaces: { '': 'urn:example:orders', x: 'urn:x' } })({ order: { 'x:ref': 'A1', '@x:kind': 'web' } });
    expect(xml).toBe('<order xmlns="urn:example:orders" xmlns:x="urn:x" x:kind="web"><x:ref>A1</x:ref></order>');
    expect(createXmlToJson({ namespaces: 'strip' })(xml)).toEqual({ order: { '@kind': 'web', ref: 'A1' } });
  });

  it('round-trips a converted document', () => {
    const options = { alwaysArray: ['language', 'product', 'category', 'combination'], namespaces: 'keep' as const };
    const json = createXmlToJson(options)(readFileSync(new URL('./fixtures/prestashop-products.xml', import.meta.url)));
    expect(createXmlToJson(options)(createJsonToXml()(json))).toEqual(json);
  });

  it('refuses keys that are not XML names', () => {
    for (const key of ['1abc', 'has space', 'a/b', '', 'a:b:c', ':a', 'x>']) {
      const err = thrown(() => toXml({ root: { [key]: 1 } }));
      expect(err.kind, key).toBe('invalid_name');
    }
    expect(thrown(() => toXml({ root: { inner: { 'bad key': 1 } } })).location.path).toBe('/root/inner/bad key');
    expect(thrown(() => toXml({ root: { '@bad attr': 1 } })).kind).toBe('invalid_name');
    expect(toXml({ 'ünïcode_名前': 'ok' })).toBe('<ünïcode_名前>ok</ünïcode_名前>');
  });

  it('refuses characters XML 1.0 cannot carry', () => {
    expect(thrown(() => toXml({ a: 'nul\u0000' })).kind).toBe('invalid_char');
    expect(thrown(() => toXml({ a: { '@x': 'bell\u0007' } })).kind).toBe('invalid_char');
    expect(thrown(() => toXml({ a: 'lone \uD800 surrogate' })).kind).toBe('invalid_char');
    expect(toXml({ a: 'emoji 😀' })).toBe('<a>emoji 😀</a>');
  });

  it('refuses values with no XML form and values nested too deep', () => {
    expect(thrown(() => toXml({ a: [[1]] })).kind).toBe('unsupported_value');
    expect(thrown(() => toXml({ a: { '@x': { y: 1 } } })).kind).toBe('unsupported_value');
    expect(thrown(() => toXml({ a: { '#text': [1] } })).kind).toBe('unsupported_value');
    let deep: unknown = 'x';
    for (let i = 0; i < 70; i++) deep = { d: deep };
    expect(thrown(() => createJsonToXml({ maxDepth: 64 })(deep)).kind).toBe('limit_exceeded');
    expect(() => createJsonToXml({ rootName: '1bad' })).toThrow(XmlCodecError);
  });
});
