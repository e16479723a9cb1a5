/**
 * Time zones for date coercions: `UTC`, a fixed offset (`+02:00`), or an IANA name
 * (`Europe/Paris`) resolved through Intl, so daylight saving time follows the tz database.
 */
export interface Zone {
  readonly name: string;
  readonly isUtc: boolean;
  /** Minutes east of UTC in force at this instant. */
  offsetAt(utcMs: number): number;
  /** The instant at which this zone's wall clock shows `wallMs` (wall time written as if UTC). */
  toUtc(wallMs: number): number;
}

const FIXED = /^([+-])(\d{2}):(\d{2})$/;

/** Undefined when the name is not a zone this runtime knows. */
export function compileZone(name: string): Zone | undefined {
  if (name === 'UTC' || name === 'Z') return { name, isUtc: true, offsetAt: () => 0, toUtc: (wall) => wall };
  const fixed = FIXED.exec(name);
  if (fixed !== null) {
    const minutes = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
    if (Math.abs(minutes) > 18 * 60) return undefined;
    return { name, isUtc: false, offsetAt: () => minutes, toUtc: (wall) => wall - minutes * 60_000 };
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  const offsetAt = (utcMs: number): number => {
    const fields: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(utcMs))) if (part.type !== 'literal') fields[part.type] = Number(part.value);
    const wall = wallTime(fields.year!, fields.month!, fields.day!, fields.hour!, fields.minute!, fields.second!, 0);
    const whole = utcMs - (((utcMs % 1000) + 1000) % 1000);
    return Math.round((wall - whole) / 60_000);
  };
  return {
    name,
    isUtc: false,
    offsetAt,
    toUtc(wall) {
      // Two passes settle the offset across a DST change; a wall time inside a spring-forward
      // gap lands one offset later, as most libraries do.
      const first = offsetAt(wall);
      const guess = wall - first * 60_000;
      const second = offsetAt(guess);
      return second === first ? guess : wall - second * 60_000;
    },
  };
}

/** Wall-clock fields as milliseconds since the epoch, reading them as UTC (years 0-99 included). */
export function wallTime(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}
