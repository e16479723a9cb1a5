/**
 * Why saxes: both installed candidates run over the malformed corpus with their default
 * strictness, and the one that rejects the most is the codec's parser (DESIGN.md: "the
 * strictest on malformed input"). The codec itself must then reject every sample.
 */
import { XMLValidator } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { MALFORMED_XML } from './test-support/malformed-corpus.js';
import { createXmlToJson, XmlCodecError } from './index.js';

type Candidate = (xml: string) => boolean;

/** Each candidate answers true when it rejects the document. */
const CANDIDATES: Record<string, Candidate> = {
  saxes(xml) {
    try {
      new SaxesParser({ xmlns: true }).write(xml).close();
      return false;
    } catch {
      return true;
    }
  },
  'fast-xml-parser XMLValidator'(xml) {
    return XMLValidator.validate(xml) !== true;
  },
};

// DTD samples are refused by the codec's DOCTYPE rule, not by the parser's grammar check.
const DTD_ONLY = new Set(['external parameter entity (XXE)']);

describe('XML parser choice', () => {
  const results = MALFORMED_XML.map((sample) => ({
    sample: sample.name,
    ...Object.fromEntries(Object.entries(CANDIDATES).map(([name, rejects]) => [name, rejects(sample.xml) ? 'rejected' : 'ACCEPTED'])),
  })) as ({ sample: string } & Record<string, string>)[];
  const rejectedBy = (name: string) => results.filter((r) => r[name] === 'rejected').length;

  it('records what each candidate rejects', () => {
    console.table(results);
    // saxes is the strictest, so it is the codec's parser.
    expect(rejectedBy('saxes')).toBeGreaterThan(rejectedBy('fast-xml-parser XMLValidator'));
    for (const r of results) if (!DTD_ONLY.has(r.sample)) expect(r.saxes, r.sample).toBe('rejected');
  });

  it('the corpus is worth its name: the lax candidate misses several kinds', () => {
    // If the validator ever catches everything, the choice should be looked at again.
    expect(rejectedBy('fast-xml-parser XMLValidator')).toBeLessThan(MALFORMED_XML.length - 5);
  });

  it('well-formed documents pass both candidates', () => {
    for (const xml of ['<a/>', '<?xml version="1.0"?><a x="1"><b>t&amp;</b><![CDATA[<c>]]><!-- c --></a>', '<p:a xmlns:p="urn:x"><p:b/></p:a>']) {
      for (const [name, rejects] of Object.entries(CANDIDATES)) expect(rejects(xml), `${name}: ${xml}`).toBe(false);
    }
  });

  it.each(MALFORMED_XML.map((s) => [s.name, s] as const))('the codec rejects: %s', (_name, sample) => {
    const convert = createXmlToJson();
    let error: unknown;
    try {
      convert(sample.xml);
    } catch (err) {
      error = err;
    }
    expect(error, sample.why).toBeInstanceOf(XmlCodecError);
    const codecError = error as XmlCodecError;
    expect(['malformed', 'doctype_forbidden']).toContain(codecError.kind);
    expect(codecError.location.line).toBeGreaterThanOrEqual(1);
    expect(codecError.location.column).toBeGreaterThanOrEqual(0);
    expect(codecError.message).toMatch(/\(line \d+, column \d+\)$/);
  });
});
