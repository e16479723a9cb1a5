import { describe, expect, it } from 'vitest';
import { addMoney, compareMoney, formatMoney, isDecimal, multiplyMoney, subtractMoney } from './decimal.js';

describe('decimal money', () => {
  it('formats strings and numbers to at least two decimals, keeping significant ones', () => {
    expect(formatMoney('38.0000')).toBe('38.00');
    expect(formatMoney('62.6793')).toBe('62.6793');
    expect(formatMoney('8')).toBe('8.00');
    expect(formatMoney(24.5)).toBe('24.50');
    expect(formatMoney(19.99)).toBe('19.99');
    expect(formatMoney(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatMoney(1e21)).toBe('1000000000000000000000.00');
    expect(formatMoney(1.5e-7)).toBe('0.00000015');
    expect(formatMoney('-0.00')).toBe('0.00');
    expect(formatMoney('-3.5')).toBe('-3.50');
    expect(formatMoney(' 7.10 ')).toBe('7.10');
    // Already-canonical cents are returned as they are; near misses take the general path.
    expect(formatMoney('129.00')).toBe('129.00');
    expect(formatMoney('0.50')).toBe('0.50');
    expect(formatMoney('00.50')).toBe('0.50');
    expect(formatMoney('012.30')).toBe('12.30');
    expect(formatMoney('1.2a')).toBeUndefined();
    expect(formatMoney('a.20')).toBeUndefined();
    expect(formatMoney('.20')).toBeUndefined();
    expect(formatMoney('-0.00')).toBe('0.00');
    expect(formatMoney(-0)).toBe('0.00');
    expect(formatMoney(12)).toBe('12.00');
    expect(formatMoney(-12.5)).toBe('-12.50');
    expect(formatMoney(2.553, 0)).toBe('2.553');
    expect(formatMoney(3, 0)).toBe('3');
  });

  it('tells absent from unreadable', () => {
    expect(formatMoney(null)).toBeNull();
    expect(formatMoney('')).toBeNull();
    expect(formatMoney(undefined)).toBeNull();
    expect(formatMoney('12,50')).toBeUndefined();
    expect(formatMoney(Number.NaN)).toBeUndefined();
    expect(formatMoney({})).toBeUndefined();
  });

  it('adds, subtracts and multiplies without float error', () => {
    expect(addMoney('0.10', '0.20')).toBe('0.30');
    expect(addMoney(0.1, 0.2)).toBe('0.30');
    expect(addMoney('1.005', '2')).toBe('3.005');
    expect(subtractMoney('62.97', '0.0100')).toBe('62.96');
    expect(multiplyMoney('18.50', 3)).toBe('55.50');
    expect(multiplyMoney('0.07', 100)).toBe('7.00');
    expect(multiplyMoney('1.00', 1.5)).toBeUndefined();
    expect(addMoney('x', '1')).toBeUndefined();
  });

  it('compares at any scale', () => {
    expect(compareMoney('22.00', '18.5')).toBe(1);
    expect(compareMoney('18.5000', 18.5)).toBe(0);
    expect(compareMoney('-1', '0')).toBe(-1);
    expect(compareMoney('a', '0')).toBeUndefined();
    expect(isDecimal('19.99')).toBe(true);
    expect(isDecimal('19.')).toBe(false);
    expect(isDecimal(19.99)).toBe(false);
  });
});
