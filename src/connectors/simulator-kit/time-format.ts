/**
 * Timestamp formats platforms use: ISO 8601 with a zone's offset (Shopify), ISO 8601 UTC
 * (BigCommerce V3) and RFC 2822 (BigCommerce V2), plus lenient parsing of filter values.
 */

// One implementation for the simulators and the connectors that read their answers.
import { zoneOffsetMinutes } from '../common/dates.js';

export { zoneOffsetMinutes };

const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0');

/** `2024-04-02T08:59:11-05:00`: seconds precision, the zone's offset, never `Z`. */
export function formatIsoInZone(ms: number, timeZone: string): string {
  const offset = zoneOffsetMinutes(ms, timeZone);
  const local = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  return `${local}${sign}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** `2024-02-11T13:05:27+00:00` (or with `Z` when asked). */
export function formatIsoUtc(ms: number, suffix: '+00:00' | 'Z' = '+00:00'): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}${suffix}`;
}

/** `Mon, 03 Jun 2024 19:20:11 +0000` (RFC 2822, always UTC). */
export function formatRfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

const NO_ZONE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;

/**
 * Parse a filter timestamp. ISO 8601 with an offset or `Z`, and RFC 2822, are taken as
 * written; a value without a zone is read as local time in `timeZone`. NaN when unreadable.
 */
export function parseTimestamp(text: string, timeZone = 'UTC'): number {
  const value = text.trim();
  if (NO_ZONE.test(value)) {
    const asUtc = Date.parse(`${value.replace(' ', 'T')}${value.length === 10 ? 'T00:00:00' : ''}Z`);
    if (Number.isNaN(asUtc)) return NaN;
    return asUtc - zoneOffsetMinutes(asUtc, timeZone) * 60_000;
  }
  return Date.parse(value);
}
