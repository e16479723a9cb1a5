/** The README's error table and the catalogue in src/errors/codes.ts list exactly the same codes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors/codes.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function documentedRows(): Map<string, { status: number; meaning: string }> {
  const start = readme.indexOf('<!-- error-codes:start -->');
  const end = readme.indexOf('<!-- error-codes:end -->');
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  const rows = new Map<string, { status: number; meaning: string }>();
  for (const line of readme.slice(start, end).split('\n')) {
    const match = /^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/.exec(line);
    if (match) rows.set(match[1]!, { status: Number(match[2]), meaning: match[3]! });
  }
  return rows;
}

describe('error catalogue', () => {
  it('is documented in the README with the same status and meaning, and nothing else', () => {
    const rows = documentedRows();
    expect([...rows.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(rows.get(code), code).toEqual({ status: spec.status, meaning: spec.meaning });
    }
  });

  it('uses stable upper snake case codes', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
  });
});
