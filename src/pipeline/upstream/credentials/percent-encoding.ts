/** Percent-encoding as request signatures need it (RFC 3986 §2.3, RFC 5849 §3.6). */

/** Encodes everything but the unreserved characters ALPHA / DIGIT / "-" / "." / "_" / "~". */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Decodes a query component as servers do (`+` is a space); malformed escapes stay as they are. */
export function decodeComponent(value: string): string {
  const spaced = value.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** A raw query (without '?') as decoded name/value pairs, in order; `a` alone is `a=`. */
export function queryPairs(query: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pairs.push(eq === -1 ? [decodeComponent(part), ''] : [decodeComponent(part.slice(0, eq)), decodeComponent(part.slice(eq + 1))]);
  }
  return pairs;
}
