/** Durations in config: `250ms`, `5s`, `2m`, `1h`, `1d` (where a schema allows days), or integer milliseconds. */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/.exec(value);
  if (match === null) throw new Error(`invalid duration "${value}"`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}
