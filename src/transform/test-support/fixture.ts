/** Reads a JSON fixture of src/transform/fixtures (a fresh copy each time, so tests can compare against it). */
import { readFileSync } from 'node:fs';

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}
