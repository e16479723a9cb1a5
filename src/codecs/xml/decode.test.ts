import { describe, expect, it } from 'vitest';
import { createXmlToJson, decodeXml, XmlCodecError } from './index.js';

function thrown(fn: () => unknown): XmlCodecError {
  try {
    fn();
  } catch (err) {
    if (err instanceof XmlCodecError) return err;
    throw err;
  }
  throw new Error('expected an XmlCodecError');
}

const utf16 = (text: string, bom: 'le' | 'be') => {
  const le = Buffer.from(text, 'utf16le');
  if (bom === 'le') return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
  const be = Buffer.from(le);
  be.swap16();
  return Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
};

describe('decodeXml', () => {
  it('reads UTF-8 with or without a BOM', () => {
    expect(decodeXml(Buffer.from('<r>é</r>'))).toBe('<r>é</r>');
    expect(decodeXml(Buffer.from('\uFEFF<r>é</r>'))).toBe('<r>é</r>');
  });

  it('reads UTF-16 with a BOM in both byte orders', () => {
    const xml = '<?xml version="1.0" encoding="UTF-16"?><r>日本</r>';
    expect(decodeXml(utf16(xml, 'le'))).toBe(xml);
    expect(decodeXml(utf16(xml, 'be'))).toBe(xml);
  });

  it('follows a declared ISO-8859-1 encoding', () => {
    const bytes = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><r>caf'), Buffer.from([0xe9]), Buffer.from('</r>')]);
    expect(createXmlToJson()(bytes)).toEqual({ r: 'café' });
  });

  it('refuses bytes that are not UTF-8, with the offset of the first bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('<r>caf'), Buffer.from([0xe9]), Buffer.from('</r>')]);
    const err = thrown(() => decodeXml(bytes));
    expect(err.kind).toBe('bad_encoding');
    expect(err.location.offset).toBe(6);
    expect(thrown(() => decodeXml(Buffer.from([0x3c, 0x72, 0x3e, 0xed, 0xa0, 0x80, 0x3c, 0x2f, 0x72, 0x3e]))).location.offset).toBe(3);
    expect(thrown(() => decodeXml(Buffer.from([0x3c, 0x72, 0x3e, 0xc0, 0xaf]))).location.offset).toBe(3);
  });

  it('refuses a US-ASCII declaration over non-ASCII bytes', () => {
    const err = thrown(() => decodeXml(Buffer.from('<?xml version="1.0" encoding="US-ASCII"?><r>é</r>')));
    expect(err.kind).toBe('bad_encoding');
    expect(err.location.offset).toBe(44);
  });

  it('refuses unsupported or contradictory encodings', () => {
    expect(thrown(() => decodeXml(Buffer.from('<?xml version="1.0" encoding="EBCDIC-US"?><r/>'))).kind).toBe('unsupported_encoding');
    expect(thrown(() => decodeXml(Buffer.from('<?xml version="1.0" encoding="UTF-16"?><r/>'))).kind).toBe('bad_encoding');
    expect(thrown(() => decodeXml(Buffer.from('<r/>', 'utf16le'))).kind).toBe('bad_encoding');
    expect(thrown(() => decodeXml(Buffer.from('\uFEFF<?xml version="1.0" encoding="ISO-8859-1"?><r/>'))).kind).toBe('bad_encoding');
    expect(thrown(() => decodeXml(utf16('<?xml version="1.0" encoding="UTF-8"?><r/>', 'le'))).kind).toBe('bad_encoding');
  });
});
