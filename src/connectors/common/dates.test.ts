import { describe, expect, it } from 'vitest';
import { filterIsoUtc, filterRfc2822, formatUtc, parseTimestamp, toUtcTimestamp } from './dates.js';

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

describe('timestamp fast paths agree with the general reader and Date', () => {
  it('formats every millisecond shape as toISOString does, across years 1000–9999 and leap days', () => {
    const samples = [Date.UTC(1000, 0, 1), Date.UTC(1970, 0, 1), Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2024, 1, 29, 12), Date.UTC(2100, 2, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999), -1, 0];
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      samples.push(Math.floor((seed / 2 ** 31) * Date.UTC(9999, 0, 1)) - 30_000_000_000_000 * (i % 2));
    }
    for (const ms of samples) {
      const iso = new Date(ms).toISOString();
      expect(formatUtc(ms)).toBe(iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso);
    }
  });

  it('reads the fixed shapes as the general reader does, and sends odd ones to it', () => {
    expect(toUtcTimestamp('2024-05-31T20:54:04-04:00')).toBe('2024-06-01T00:54:04Z');
    expect(toUtcTimestamp('2024-05-31T20:54:04+05:30')).toBe('2024-05-31T15:24:04Z');
    expect(toUtcTimestamp('2024-05-31 20:54:04')).toBe('2024-05-31T20:54:04Z');
    expect(toUtcTimestamp('2024-05-31T20:54:04Z')).toBe('2024-05-31T20:54:04Z');
    expect(toUtcTimestamp('2024-03-10 02:30:00', 'America/New_York')).toBe(toUtcTimestamp('2024-03-10T02:30:00', 'America/New_York'));
    expect(toUtcTimestamp('2024-05-31T20:54:04.250+02:00')).toBe('2024-05-31T18:54:04.250Z');
    expect(toUtcTimestamp(' 2024-05-31T20:54:04Z ')).toBe('2024-05-31T20:54:04Z');
    // Right length, wrong shape: the general reader refuses them too.
    expect(toUtcTimestamp('2024-05-31X20:54:04Z')).toBeNull();
    expect(toUtcTimestamp('2024-05-31T20:54:04*04:00')).toBeNull();
    expect(toUtcTimestamp('2024-05-3aT20:54:04Z')).toBeNull();
    expect(toUtcTimestamp('2024-05-31T20:54:04-0400')).toBe('2024-06-01T00:54:04Z');
  });
});
