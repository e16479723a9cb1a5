import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createXmlToJson, XmlCodecError } from './index.js';

const read = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

function thrown(fn: () => unknown): XmlCodecError {
  try {
    fn();
  } catch (err) {
    if (err instanceof XmlCodecError) return err;
    throw err;
  }
  throw new Error('expected an XmlCodecError');
}

const XLINK = 'http://www.w3.org/1999/xlink';
const lang = (id: string, text: string) => ({ '@id': id, '@xlink:href': `https://shop.example.com/api/languages/${id}`, '#text': text });

describe('xml-to-json on a PrestaShop webservice response', () => {
  const convert = createXmlToJson({ alwaysArray: ['product', 'language', 'category', 'combination'] });

  it('converts attributes, CDATA, namespaced attributes and arrays of one', () => {
    const out = convert(read('prestashop-products.xml')) as { prestashop: { products: { product: unknown[] } } };
    expect(out.prestashop['@xmlns:xlink' as keyof typeof out.prestashop]).toBe(XLINK);
    const [first, second] = out.prestashop.products.product;
    expect(first).toEqual({
      id: '1',
      id_manufacturer: { '@xlink:href': 'https://shop.example.com/api/manufacturers/1', '#text': '1' },
      id_default_image: { '@xlink:href': 'https://shop.example.com/api/images/products/1/1', '@notFilterable': 'true', '#text': '1' },
      reference: 'demo_1',
      price: '23.900000',
      quantity: { '@notFilterable': 'true', '#text': '300' },
      active: '1',
      date_upd: '2024-03-01 12:34:56',
      ean13: '',
      name: { language: [lang('1', 'Hummingbird printed t-shirt'), lang('2', 'T-shirt imprimé colibri')] },
      description_short: { language: [lang('1', '<p>Regular fit, round neckline & short sleeves.</p>')] },
      associations: {
        categories: { '@nodeType': 'category', '@api': 'categories', category: [{ '@xlink:href': 'https://shop.example.com/api/categories/2', id: '2' }] },
        combinations: {
          '@nodeType': 'combination',
          '@api': 'combinations',
          combination: [
            { '@xlink:href': 'https://shop.example.com/api/combinations/1', id: '1' },
            { '@xlink:href': 'https://shop.example.com/api/combinations/2', id: '2' },
          ],
        },
      },
    });
    expect(second).toEqual({
      id: '19',
      id_manufacturer: '',
      reference: 'demo_19',
      price: '13.9',
      quantity: { '@notFilterable': 'true', '#text': '0' },
      active: '0',
      date_upd: '0000-00-00 00:00:00',
      ean13: '',
      name: { language: [lang('1', 'Customizable mug')] },
      associations: { categories: { '@nodeType': 'category', '@api': 'categories' } },
    });
  });

  it('without always_array, one element is a value and repeated ones a list', () => {
    const out = createXmlToJson()(read('prestashop-products.xml')) as any;
    expect(Array.isArray(out.prestashop.products.product)).toBe(true);
    expect(out.prestashop.products.product[1].name.language).toEqual(lang('1', 'Customizable mug'));
    expect(out.prestashop.products.product[0].name.language).toHaveLength(2);
  });

  it('always_array paths only force the element at that path', () => {
    const out = createXmlToJson({ alwaysArray: ['/prestashop/products/product/name/language'] })(read('prestashop-products.xml')) as any;
    expect(out.prestashop.products.product[1].name.language).toEqual([lang('1', 'Customizable mug')]);
    expect(out.prestashop.products.product[0].description_short.language).toEqual(lang('1', '<p>Regular fit, round neckline & short sleeves.</p>'));
  });

  it('converts a PrestaShop error body', () => {
    expect(createXmlToJson({ namespaces: 'strip', parseNumbers: true })(read('prestashop-error.xml'))).toEqual({
      prestashop: { errors: { error: { code: 25, message: 'Resource of type "products" not found' } } },
    });
  });
});

describe('xml-to-json namespaces on a SOAP fault', () => {
  const fault = read('soap-fault.xml');

  it('keeps names as written, with the xmlns declarations', () => {
    expect(createXmlToJson()(fault)).toEqual({
      'soap:Envelope': {
        '@xmlns:soap': 'http://schemas.xmlsoap.org/soap/envelope/',
        '@xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
        'soap:Body': {
          'soap:Fault': {
            faultcode: 'soap:Client',
            faultstring: { '@xml:lang': 'en', '#text': 'Invalid API key: access denied' },
            detail: {
              'ns1:error': {
                '@xmlns:ns1': 'urn:example:errors',
                '@code': '401',
                '@xsi:type': 'ns1:AuthError',
                'ns1:message': 'Authentication failed & the session expired',
                'ns1:retryable': 'false',
              },
            },
          },
        },
      },
    });
  });

  it('strips prefixes and declarations', () => {
    expect(createXmlToJson({ namespaces: 'strip', parseBooleans: true })(fault)).toEqual({
      Envelope: {
        Body: {
          Fault: {
            faultcode: 'soap:Client',
            faultstring: { '@lang': 'en', '#text': 'Invalid API key: access denied' },
            detail: { error: { '@code': '401', '@type': 'ns1:AuthError', message: 'Authentication failed & the session expired', retryable: false } },
          },
        },
      },
    });
  });

  it('maps namespace URIs to chosen prefixes, whatever prefix the document used', () => {
    const map = createXmlToJson({ namespaces: 'map', namespaceMap: { 'http://schemas.xmlsoap.org/soap/envelope/': 'env', 'urn:example:errors': '' } });
    const out = map(fault) as any;
    expect(Object.keys(out)).toEqual(['env:Envelope']);
    expect(out['env:Envelope']['env:Body']['env:Fault'].detail).toEqual({
      error: { '@code': '401', '@xsi:type': 'ns1:AuthError', message: 'Authentication failed & the session expired', retryable: 'false' },
    });
    // The same document with other prefixes maps to the same keys.
    const renamed = fault.toString('utf8').replaceAll('<soap:', '<S:').replaceAll('</soap:', '</S:').replaceAll('xmlns:soap', 'xmlns:S');
    expect(renamed).toContain('<S:Envelope');
    expect(map(renamed)).toEqual(out);
  });
});

describe('xml-to-json text, CDATA and values', () => {
  const convert = createXmlToJson();

  it('keeps CDATA apart under a key when asked', () => {
    const xml = '<p id="1"><![CDATA[<b>bold</b>]]></p>';
    expect(convert(xml)).toEqual({ p: { '@id': '1', '#text': '<b>bold</b>' } });
    expect(createXmlToJson({ cdata: 'key' })(xml)).toEqual({ p: { '@id': '1', '#cdata': '<b>bold</b>' } });
    expect(createXmlToJson({ cdata: 'key', cdataKey: '$cdata' })('<p>a<![CDATA[b]]></p>')).toEqual({ p: { '#text': 'a', $cdata: 'b' } });
  });

  it('concatenates the text of mixed content and keeps the children', () => {
    expect(convert('<p>Hello <b>world</b>, and <i>bye</i>!</p>')).toEqual({ p: { '#text': 'Hello , and !', b: 'world', i: 'bye' } });
  });

  it('decodes the predefined entities and character references', () => {
    expect(convert('<t a="&quot;x&quot; &amp; &#x9;y">&lt;&gt;&amp;&apos;&quot; &#233;&#x1F600;</t>')).toEqual({ t: { '@a': '"x" & \ty', '#text': '<>&\'" é😀' } });
  });

  it('parses numbers in canonical form and booleans only when asked', () => {
    const xml = '<r n="-1.5"><a>42</a><b>007</b><c>1.50</c><d>1e3</d><e>true</e><f>12345678901234567890</f><g> 7 </g></r>';
    expect(convert(xml)).toEqual({ r: { '@n': '-1.5', a: '42', b: '007', c: '1.50', d: '1e3', e: 'true', f: '12345678901234567890', g: '7' } });
    expect(createXmlToJson({ parseNumbers: true, parseBooleans: true })(xml)).toEqual({
      r: { '@n': -1.5, a: 42, b: '007', c: '1.50', d: '1e3', e: true, f: '12345678901234567890', g: 7 },
    });
  });

  it('gives empty elements "" or null', () => {
    expect(convert('<r><a/><b></b><c>  </c></r>')).toEqual({ r: { a: '', b: '', c: '' } });
    expect(createXmlToJson({ emptyAsNull: true })('<r><a/><b x="1"/></r>')).toEqual({ r: { a: null, b: { '@x': '1' } } });
  });

  it('keeps whitespace when trim_text is off, except layout between elements', () => {
    const keep = createXmlToJson({ trimText: false });
    expect(keep('<r>\n  <a> padded </a>\n</r>')).toEqual({ r: { a: ' padded ' } });
  });

  it('makes an element named __proto__ plain data', () => {
    const out = convert('<r><__proto__><polluted>yes</polluted></__proto__></r>') as { r: Record<string, unknown> };
    expect(Object.getPrototypeOf(out.r)).toBe(Object.prototype);
    expect(Object.hasOwn(out.r, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts a BOM, a declaration, comments and processing instructions around the root', () => {
    expect(convert('\uFEFF<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!-- c --><?pi x?><r>1<!-- in --></r>\n<!-- end -->\n')).toEqual({ r: '1' });
  });
});

describe('xml-to-json safety', () => {
  const convert = createXmlToJson();

  it('refuses DOCTYPE, so neither entity bombs nor external entities are expanded', () => {
    const bomb = thrown(() => convert('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'));
    expect(bomb.kind).toBe('doctype_forbidden');
    expect(bomb.location.line).toBe(1);
    const xxe = thrown(() => convert('<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>'));
    expect(xxe.kind).toBe('doctype_forbidden');
    expect(xxe.message).not.toContain('root:');
    expect(thrown(() => convert('<!DOCTYPE html><html/>')).kind).toBe('doctype_forbidden');
  });

  it('refuses entities that were never declared', () => {
    const err = thrown(() => convert('<r>&nbsp;</r>'));
    expect(err.kind).toBe('malformed');
    expect(err.message).toContain('undefined entity');
  });

  it('reports the parser message with line and column', () => {
    const err = thrown(() => convert('<order>\n  <id>1</name>\n</order>'));
    expect(err.kind).toBe('malformed');
    expect(err.location).toMatchObject({ line: 2, column: 14 });
    expect(err.message).toBe('malformed XML: unexpected close tag. (line 2, column 14)');
  });

  it('limits size, depth, elements and attributes', () => {
    expect(thrown(() => createXmlToJson({ maxBytes: 10 })('<r>12345</r>')).kind).toBe('limit_exceeded');
    expect(thrown(() => createXmlToJson({ maxBytes: 10 })(Buffer.from('<r>12345</r>'))).kind).toBe('limit_exceeded');
    expect(createXmlToJson({ maxBytes: 12 })('<r>12345</r>')).toEqual({ r: '12345' });
    const nested = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(() => createXmlToJson({ maxDepth: 5 })(nested(5))).not.toThrow();
    const deep = thrown(() => createXmlToJson({ maxDepth: 5 })(nested(6)));
    expect(deep.kind).toBe('limit_exceeded');
    expect(deep.location.column).toBe(18);
    expect(thrown(() => createXmlToJson({ maxDepth: 64 })(nested(100_000))).kind).toBe('limit_exceeded');
    expect(thrown(() => createXmlToJson({ maxElements: 3 })('<r><a/><a/><a/></r>')).kind).toBe('limit_exceeded');
    expect(thrown(() => createXmlToJson({ maxAttributes: 2 })('<r a="1" b="2" c="3"/>')).kind).toBe('limit_exceeded');
  });

  it('refuses empty option keys', () => {
    expect(() => createXmlToJson({ attributePrefix: '' })).toThrow(XmlCodecError);
  });
});
