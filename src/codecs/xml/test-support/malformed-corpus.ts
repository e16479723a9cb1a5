/**
 * Malformed XML samples, one per kind of well-formedness error (XML 1.0 Fifth Edition),
 * plus the DTD attacks the codec must refuse. Used to choose the parser and to test the codec.
 */
export interface MalformedSample {
  readonly name: string;
  /** Why the sample is not acceptable, with the XML 1.0 section it breaks. */
  readonly why: string;
  readonly xml: string;
}

export const MALFORMED_XML: readonly MalformedSample[] = [
  { name: 'mismatched tags', why: '§3 WFC Element Type Match', xml: '<order><id>1</name></order>' },
  { name: 'unclosed tag', why: '§3 element must be closed', xml: '<order><id>1</id>' },
  { name: 'unclosed start tag', why: '§3.1 STag must end with >', xml: '<order><id 1</id></order>' },
  { name: 'bad character in element name', why: '§2.3 Name cannot start with a digit', xml: '<1order>1</1order>' },
  { name: 'bad character in attribute name', why: '§2.3 @ is not a NameChar', xml: '<order a@b="1"/>' },
  { name: 'attribute without quotes', why: '§3.1 AttValue is quoted', xml: '<order id=1/>' },
  { name: 'attribute without value', why: '§3.1 Attribute ::= Name Eq AttValue', xml: '<order paid/>' },
  { name: 'duplicate attribute', why: '§3.1 WFC Unique Att Spec', xml: '<order id="1" id="2"/>' },
  { name: 'two roots', why: '§2.1 document has exactly one root element', xml: '<order/><order/>' },
  { name: 'text after the root', why: '§2.1 only Misc after the root', xml: '<order/>trailing' },
  { name: 'text before the root', why: '§2.1 only prolog before the root', xml: 'leading<order/>' },
  { name: 'bad encoding declaration', why: '§4.3.3 EncName ::= [A-Za-z] ([A-Za-z0-9._] | "-")*', xml: '<?xml version="1.0" encoding="#utf 8"?><order/>' },
  { name: 'bad version in declaration', why: '§2.8 VersionNum ::= "1." [0-9]+', xml: '<?xml version="abc"?><order/>' },
  { name: 'XML declaration not at start', why: '§2.8 XMLDecl must be first', xml: '\n<?xml version="1.0"?><order/>' },
  { name: 'unescaped < in text', why: '§2.4 < must be escaped in character data', xml: '<order>a < b</order>' },
  { name: 'unescaped & in text', why: '§2.4 & must be escaped in character data', xml: '<order>Fish & Chips</order>' },
  { name: 'unescaped < in attribute', why: '§3.1 WFC No < in Attribute Values', xml: '<order note="a<b"/>' },
  { name: ']]> in text', why: '§2.4 CharData must not contain ]]>', xml: '<order>a ]]> b</order>' },
  { name: 'bad entity reference', why: '§4.1 EntityRef ::= & Name ;', xml: '<order>&amp</order>' },
  { name: 'undefined entity', why: '§4.1 WFC Entity Declared', xml: '<order>&nbsp;</order>' },
  { name: 'invalid character reference', why: '§4.1 WFC Legal Character (&#0; is not a Char)', xml: '<order>&#0;</order>' },
  { name: 'invalid hex character reference', why: '§4.1 WFC Legal Character (surrogate)', xml: '<order>&#xD800;</order>' },
  { name: 'control character in text', why: '§2.2 Char excludes U+0001', xml: '<order>a\u0001b</order>' },
  {
    name: 'DOCTYPE with internal entities (billion laughs)',
    why: 'entity expansion bomb; DTDs are refused',
    xml:
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>',
  },
  {
    name: 'external entity (XXE) SYSTEM reference',
    why: 'external entities read files or URLs; DTDs are refused',
    xml: '<?xml version="1.0"?><!DOCTYPE order [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><order>&xxe;</order>',
  },
  {
    name: 'external parameter entity (XXE)',
    why: 'parameter entities pull external DTDs; DTDs are refused',
    xml: '<?xml version="1.0"?><!DOCTYPE order [<!ENTITY % ext SYSTEM "http://127.0.0.1/evil.dtd"> %ext;]><order/>',
  },
  { name: 'CDATA not closed', why: '§2.7 CDEnd required', xml: '<order><![CDATA[abc</order>' },
  { name: 'comment with --', why: '§2.5 -- not allowed inside comments', xml: '<order><!-- a -- b --></order>' },
  { name: 'comment not closed', why: '§2.5 comment must end with -->', xml: '<order><!-- a </order>' },
  { name: 'processing instruction named xml in the middle', why: '§2.6 PITarget excludes xml', xml: '<order><?xml version="1.0"?></order>' },
  { name: 'close tag without open', why: '§3 WFC Element Type Match', xml: '<order></id></order>' },
  { name: 'unbound namespace prefix', why: 'Namespaces in XML 1.0 §5 NSC Prefix Declared', xml: '<p:order/>' },
  { name: 'empty document', why: '§2.1 document needs a root element', xml: '' },
  { name: 'only whitespace', why: '§2.1 document needs a root element', xml: '  \n\t ' },
];
