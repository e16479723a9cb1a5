/**
 * Media types and proactive negotiation (RFC 9110 §8.3, §12.5): what a Content-Type names,
 * whether it is JSON or XML, and how much a client's Accept or Accept-Encoding wants a value.
 */
type HeaderValue = string | string[] | number | undefined;

/** `type/subtype` in lower case without parameters; '' when absent. */
export function mediaType(value: HeaderValue): string {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return '';
  const semi = String(text).indexOf(';');
  return (semi === -1 ? String(text) : String(text).slice(0, semi)).trim().toLowerCase();
}

/** application/json and any `+json` structured syntax suffix (RFC 6839 §3.1). */
export function isJson(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

/** application/xml, text/xml and any `+xml` suffix (RFC 7303 §4.1). */
export function isXml(type: string): boolean {
  return type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml');
}

interface Range {
  value: string;
  q: number;
}

function ranges(header: HeaderValue): Range[] {
  const text = Array.isArray(header) ? header.join(',') : header === undefined ? '' : String(header);
  const out: Range[] = [];
  for (const part of text.split(',')) {
    const [head, ...params] = part.split(';');
    const value = head!.trim().toLowerCase();
    if (value === '') continue;
    let q = 1;
    for (const param of params) {
      const [name, raw] = param.split('=');
      if (name?.trim().toLowerCase() !== 'q') continue;
      const parsed = Number(raw?.trim());
      q = Number.isFinite(parsed) ? Math.min(1, Math.max(0, parsed)) : 0;
    }
    out.push({ value, q });
  }
  return out;
}

/**
 * The quality an Accept header gives a media type: the most specific matching range wins
 * (§12.5.1). Undefined when the header is absent; 0 when nothing matches.
 */
export function acceptQuality(accept: HeaderValue, type: string): number | undefined {
  if (accept === undefined) return undefined;
  const slash = type.indexOf('/');
  const major = `${type.slice(0, slash)}/*`;
  let best = -1;
  let q = 0;
  for (const range of ranges(accept)) {
    const specificity = range.value === type ? 2 : range.value === major ? 1 : range.value === '*/*' ? 0 : -1;
    if (specificity > best) {
      best = specificity;
      q = range.q;
    }
  }
  return q;
}

/** The quality Accept-Encoding gives a content coding; `*` matches any coding not listed (§12.5.3). */
export function codingQuality(acceptEncoding: HeaderValue, coding: string): number {
  let star: number | undefined;
  for (const range of ranges(acceptEncoding)) {
    if (range.value === coding || (coding === 'gzip' && range.value === 'x-gzip')) return range.q;
    if (range.value === '*') star = range.q;
  }
  return star ?? 0;
}
