/**
 * Cache-Control (RFC 9111 §5.2) parsed into a map of lower-case directive names to their
 * argument (true when they have none). Quoted arguments are unquoted; a qualified
 * `no-cache="Set-Cookie"` or `private="X"` keeps its argument, and callers treat it as the
 * unqualified form (the stricter reading).
 */
export type Directives = ReadonlyMap<string, string | true>;

const EMPTY: Directives = new Map();

export function parseCacheControl(value: string | readonly string[] | undefined): Directives {
  if (value === undefined) return EMPTY;
  const text = typeof value === 'string' ? value : value.join(',');
  if (text === '') return EMPTY;
  const out = new Map<string, string | true>();
  for (const part of splitOutsideQuotes(text)) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (name === '') continue;
    let argument = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (argument.startsWith('"') && argument.endsWith('"') && argument.length >= 2) argument = argument.slice(1, -1).replace(/\\(.)/g, '$1');
    // §4.2.1: with a duplicated directive, the first one counts.
    if (!out.has(name)) out.set(name, argument === '' ? true : argument);
  }
  return out;
}

function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** A delta-seconds argument (§1.2.2) in ms; undefined when absent; 0 when not a number (treated as stale). */
export function deltaMs(directives: Directives, name: string): number | undefined {
  const value = directives.get(name);
  if (value === undefined) return undefined;
  if (value === true || !/^\d+$/.test(value)) return 0;
  return Math.min(Number(value), 2 ** 31) * 1000;
}

/** The request's directives: Cache-Control, or `Pragma: no-cache` when there is none (§5.4). */
export function requestDirectives(cacheControl: string | undefined, pragma: string | undefined): Directives {
  if (cacheControl !== undefined) return parseCacheControl(cacheControl);
  return pragma !== undefined && /(^|,)\s*no-cache\s*(,|$)/i.test(pragma) ? new Map([['no-cache', true]]) : EMPTY;
}
