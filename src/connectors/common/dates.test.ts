import { describe, expect, it } from 'vitest';
import { filterIsoUtc, filterRfc2822, parseTimestamp, toUtcTimestamp } from './dates.js';

describe('timestamps', () => {
  it('reads ISO 8601 with an offset or Z (Shopify, BigCommerce V3)', () => {
    expect(toUtcTimestamp('2024-04-02T08:59:11-05:00')).toBe('2024-04-02T13:59:11Z');
    expect(toUtcTimestamp('2024-02-11T13:05:27+00:00')).toBe('2024-02-11T13:05:27Z');
    expect(toUtcTimestamp('2024-01-15T17:02:44Z')).toBe('2024-01-15T17:02:44Z');
    expect(toUtcTimestamp('2024-06-19T12:02:04+0000')).toBe('2024-06-19T12:02:04Z');
    expect(toUtcTimestamp('2024-06-19T12:02:04.250+05:30')).toBe('2024-06-19T06:32:04.250Z');
  });

  it('reads RFC 2822 (BigCommerce V2) with any offset', () => {
    expect(toUtcTimestamp('Mon, 03 Jun 2024 19:20:11 +0000')).toBe('2024-06-03T19:20:11Z');
    expect(toUtcTimestamp('Mon, 03 Jun 2024 14:20:11 -0500')).toBe('2024-06-03T19:20:11Z');
    expect(toUtcTimestamp('3 Jun 2024 19:20:11 GMT')).toBe('2024-06-03T19:20:11Z');
  });

  it('reads zone-less values in the zone given (UTC by default), across DST', () => {
    expect(toUtcTimestamp('2024-06-03 19:20:11')).toBe('2024-06-03T19:20:11Z');
    expect(toUtcTimestamp('2024-06-03 15:20:11', 'America/New_York')).toBe('2024-06-03T19:20:11Z');
    expect(toUtcTimestamp('2024-01-03 14:20:11', 'America/New_York')).toBe('2024-01-03T19:20:11Z');
    expect(toUtcTimestamp('2024-03-31 03:30:00', 'Europe/Paris')).toBe('2024-03-31T01:30:00Z');
  });

  it('reads Unix seconds, and gives null for absent or unreadable values', () => {
    expect(toUtcTimestamp(1717443000)).toBe('2024-06-03T19:30:00Z');
    expect(toUtcTimestamp('')).toBeNull();
    expect(toUtcTimestamp(null)).toBeNull();
    expect(toUtcTimestamp('yesterday')).toBeNull();
    expect(toUtcTimestamp('Mon, 03 Foo 2024 19:20:11 +0000')).toBeNull();
    expect(Number.isNaN(parseTimestamp({}))).toBe(true);
  });

  it('writes filter values at second precision, rounded down', () => {
    const at = new Date('2024-06-03T19:20:11.999Z');
    expect(filterIsoUtc(at)).toBe('2024-06-03T19:20:11Z');
    expect(filterRfc2822(at)).toBe('Mon, 03 Jun 2024 19:20:11 +0000');
  });
});
