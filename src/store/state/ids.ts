/**
 * Record ids: a type prefix and 26 Crockford base32 characters (48-bit millisecond time,
 * then 80 random bits), so ids sort by creation time and lists page by id.
 */
import { randomBytes } from 'node:crypto';

export type IdPrefix = 'cons' | 'key' | 'conn';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const random = randomBytes(10);
  let rest = '';
  // 80 random bits as 16 characters of 5 bits.
  let acc = 0n;
  for (const byte of random) acc = (acc << 8n) | BigInt(byte);
  for (let i = 0; i < 16; i++) {
    rest = ALPHABET[Number(acc & 31n)]! + rest;
    acc >>= 5n;
  }
  return `${prefix}_${time}${rest}`;
}
