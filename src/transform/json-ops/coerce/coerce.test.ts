import { describe, expect, it } from 'vitest';
import { compileDate } from './date.js';
import { compileDecimal } from './decimal.js';
import { toBoolean, toInteger, toNumber, toText } from './scalar.js';
import { compileZone } from './zone.js';

describe('scalar coercions', () => {
  it('string → number accepts decimal text only', () => {
    expect(toNumber('19.90')).toBe(19.9);
    expect(toNumber(' -1.5e3 ')).toBe(-1500);
    expect(toNumber('007')).toBe(7);
    expect(toNumber('.5')).toBe(0.5);
    expect(toNumber(42)).toBe(42);
    for (const bad of ['', ' ', 'abc', '1,5', '0x10', '1_000', 'Infinity', 'NaN', '1e400', '12abc', true, null, {}]) {
      expect(toNumber(bad), String(bad)).toBeUndefined();
    }
  });

  it('refuses integers that would lose digits', () => {
    expect(toNumber('9007199254740991')).toBe(9007199254740991);
    expect(toNumber('12345678901234567890')).toBeUndefined();
    expect(toInteger('42')).toBe(42);
    expect(toInteger('4.5')).toBeUndefined();
    expect(toInteger('4.0')).toBe(4);
  });

  it('booleans from the forms APIs use', () => {
    expect([toBoolean('1'), toBoolean('0'), toBoolean('TRUE'), toBoolean('false'), toBoolean(1), toBoolean(0), toBoolean(true)]).toEqual([true, false, true, false, true, false, true]);
    expect(toBoolean('yes')).toBeUndefined();
    expect(toBoolean(2)).toBeUndefined();
  });

  it('number → string uses the shortest round-trip form', () => {
    expect(toText(632910392)).toBe('632910392');
    expect(toText(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(toText(false)).toBe('false');
    expect(toText({ a: 1 })).toBeUndefined();
  });
});

describe('decimal coercion', () => {
  const money = compileDecimal({ scale: 2, rounding: 'half_up' });

  it('writes money without binary float error', () => {
    expect(money(19.9)).toBe('19.90');
    expect(money('199.9')).toBe('199.90');
    expect(money(199)).toBe('199.00');
    expect(money(0.1 + 0.2)).toBe('0.30');
    expect(money(1.005)).toBe('1.01'); // 1.005 * 100 is 100.49999999999999 in floats
    expect(money(0.615)).toBe('0.62');
    expect(money('-0.005')).toBe('-0.01');
    expect(money('-0.004')).toBe('0.00');
    expect(money('1e3')).toBe('1000.00');
    expect(money(1e21)).toBe('1000000000000000000000.00');
    expect(money('12345678901234567890.129')).toBe('12345678901234567890.13');
    expect(money('+5')).toBe('5.00');
    expect(money('.5')).toBe('0.50');
  });

  it('pads values that already fit the scale, normalizing zeros and signs', () => {
    expect([money('-0.00'), money('-0'), money('007.5'), money('0.10'), money('5.'), money('-19.9'), money('+3')]).toEqual(['0.00', '0.00', '7.50', '0.10', '5.00', '-19.90', '3.00']);
    expect(compileDecimal({ scale: 0, rounding: 'half_up' })('5')).toBe('5');
    expect(compileDecimal({ scale: 0, rounding: 'half_up' })('-0')).toBe('0');
  });

  it('rounds half even or down when asked', () => {
    const even = compileDecimal({ scale: 2, rounding: 'half_even' });
    expect([even('0.125'), even('0.135'), even('0.1251'), even('-0.125')]).toEqual(['0.12', '0.14', '0.13', '-0.12']);
    const down = compileDecimal({ scale: 0, rounding: 'down' });
    expect([down('9.99'), down('-9.99')]).toEqual(['9', '-9']);
    const four = compileDecimal({ scale: 4, rounding: 'half_up' });
    expect(four('1.23456')).toBe('1.2346');
  });

  it('reads group and decimal separators when configured', () => {
    const us = compileDecimal({ scale: 2, rounding: 'half_up', groupSeparator: ',' });
    expect(us('1,234.5')).toBe('1234.50');
    expect(us('1,234,567')).toBe('1234567.00');
    expect(us('12,34.5')).toBeUndefined();
    expect(money('1,234.5')).toBeUndefined();
    const eu = compileDecimal({ scale: 2, rounding: 'half_up', decimalSeparator: ',', groupSeparator: '.' });
    expect(eu('1.234,5')).toBe('1234.50');
    expect(eu('19,9')).toBe('19.90');
    const commaOnly = compileDecimal({ scale: 2, rounding: 'half_up', decimalSeparator: ',' });
    expect(commaOnly('12.5')).toBeUndefined();
  });

  it('refuses what is not a number, and absurd magnitudes', () => {
    for (const bad of ['', 'abc', '1.2.3', '--1', '1e', '$5', NaN, Infinity, '1e999', '9'.repeat(100), true, null]) {
      expect(money(bad), String(bad)).toBeUndefined();
    }
  });
});

describe('date coercion', () => {
  const iso = (format: string, zone = 'UTC', output = 'iso8601', outputZone = 'UTC') => compileDate({ format, zone, output, outputZone });

  it('normalizes ISO 8601 with offsets to UTC', () => {
    const d = iso('iso8601');
    expect(d('2024-01-02T09:28:43-05:00')).toBe('2024-01-02T14:28:43Z');
    expect(d('2024-03-01T12:34:56.5+01:00')).toBe('2024-03-01T11:34:56.500Z');
    expect(d('2024-03-01T12:34:56.123456Z')).toBe('2024-03-01T12:34:56.123Z');
    expect(d('2024-03-01')).toBe('2024-03-01T00:00:00Z');
    expect(d('2024-03-01 12:00')).toBe('2024-03-01T12:00:00Z');
    expect(d('2024-03-01T12:00:00+0530')).toBe('2024-03-01T06:30:00Z');
  });

  it('reads wall times without offset in the configured zone, across DST', () => {
    const paris = iso('YYYY-MM-DD HH:mm:ss', 'Europe/Paris');
    expect(paris('2024-01-15 10:00:00')).toBe('2024-01-15T09:00:00Z');
    expect(paris('2024-07-15 10:00:00')).toBe('2024-07-15T08:00:00Z');
    const fixed = iso('YYYY-MM-DD HH:mm:ss', '-03:00');
    expect(fixed('2024-07-15 10:00:00')).toBe('2024-07-15T13:00:00Z');
    // WooCommerce-style local ISO without an offset.
    expect(iso('iso8601', 'America/New_York')('2024-03-01T12:34:56')).toBe('2024-03-01T17:34:56Z');
  });

  it('writes into a zone with its offset', () => {
    const d = iso('iso8601', 'UTC', 'iso8601', 'Europe/Berlin');
    expect(d('2024-07-01T10:00:00Z')).toBe('2024-07-01T12:00:00+02:00');
    expect(d('2024-12-01T10:00:00Z')).toBe('2024-12-01T11:00:00+01:00');
    expect(iso('iso8601', 'UTC', 'YYYY-MM-DD HH:mm:ss', 'Europe/Paris')('2024-07-01T10:00:00Z')).toBe('2024-07-01 12:00:00');
    expect(iso('iso8601', 'UTC', 'DD.MM.YYYY[T]H:mm Z', '+05:30')('2024-07-01T10:00:00Z')).toBe('01.07.2024T15:30 +05:30');
  });

  it('converts Unix seconds and milliseconds both ways', () => {
    expect(iso('unix')(1709296496)).toBe('2024-03-01T12:34:56Z');
    expect(iso('unix')('1709296496')).toBe('2024-03-01T12:34:56Z');
    expect(iso('unix_ms')(1709296496789)).toBe('2024-03-01T12:34:56.789Z');
    expect(iso('iso8601', 'UTC', 'unix')('2024-03-01T12:34:56.900Z')).toBe(1709296496);
    expect(iso('iso8601', 'UTC', 'unix_ms')('2024-03-01T12:34:56.900Z')).toBe(1709296496900);
    expect(iso('unix')('soon')).toBeUndefined();
  });

  it('reads and writes HTTP dates (RFC 9110 §5.6.7)', () => {
    expect(iso('http')('Fri, 01 Mar 2024 12:34:56 GMT')).toBe('2024-03-01T12:34:56Z');
    expect(iso('iso8601', 'UTC', 'http')('2024-03-01T12:34:56Z')).toBe('Fri, 01 Mar 2024 12:34:56 GMT');
    expect(iso('http')('Friday, 01-Mar-24 12:34:56 GMT')).toBeUndefined();
  });

  it('refuses impossible dates such as PrestaShop zero dates', () => {
    const d = iso('YYYY-MM-DD HH:mm:ss');
    for (const bad of ['0000-00-00 00:00:00', '2024-02-30 00:00:00', '2023-02-29 10:00:00', '2024-13-01 00:00:00', '2024-01-01 24:00:00', '2024-01-01 10:60:00', '2024-01-01', 123]) {
      expect(d(bad), String(bad)).toBeUndefined();
    }
    expect(d('2024-02-29 10:00:00')).toBe('2024-02-29T10:00:00Z');
    expect(iso('iso8601')('2024-03-01T12:34:56+25:00')).toBeUndefined();
    expect(iso('iso8601')('2024-03-01T12:34:56+01:75')).toBeUndefined();
    expect(iso('iso8601')('2024-03-01T12:34:56+01:00x')).toBeUndefined();
  });

  it('refuses unknown zones and bad patterns at compile time', () => {
    expect(() => iso('iso8601', 'Mars/Olympus')).toThrow(/unknown time zone/);
    expect(() => iso('YYYY-MM-DD hh:mm')).toThrow(/not a token/);
    expect(() => iso('YYYY-MM')).toThrow(/year, a month and a day/);
    expect(() => iso('YYYY-MM-DD [T')).toThrow(/unclosed/);
    expect(() => iso('YYYY-MM-DD MM')).toThrow(/repeats/);
  });

  it('zones know their offsets', () => {
    expect(compileZone('Asia/Kolkata')!.offsetAt(Date.UTC(2024, 0, 1))).toBe(330);
    expect(compileZone('+14:00')!.offsetAt(0)).toBe(840);
    expect(compileZone('+19:00')).toBeUndefined();
    expect(compileZone('Nowhere/Town')).toBeUndefined();
  });
});
