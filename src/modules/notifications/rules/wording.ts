/**
 * Durations in words and instants in the site's zone, in the reader's
 * language (luxon over the runtime's Intl data).
 */
import { DateTime, Duration } from 'luxon';

const UNITS = [
  ['days', 86_400_000],
  ['hours', 3_600_000],
  ['minutes', 60_000],
  ['seconds', 1000],
] as const;

/** "2 hours and 30 minutes" / "2小时、30分钟": the two largest non-zero units, whole seconds rounded up (time left is never shown as none). */
export function durationInWords(ms: number, language: string): string {
  let left = Math.ceil(Math.abs(ms) / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const [unit, size] of UNITS) {
    if (Object.keys(parts).length === 2) break;
    const n = Math.floor(left / size);
    if (n > 0 || (unit === 'seconds' && Object.keys(parts).length === 0)) {
      parts[unit] = n;
      left -= n * size;
    }
  }
  return Duration.fromObject(parts).reconfigure({ locale: language }).toHuman({ listStyle: 'long' });
}

/** "Dec 6, 2026, 2:13 PM GMT+8" / "2026年12月6日 GMT+8 14:13" in the site's zone. */
export function timeInZone(at: Date, timeZone: string, language: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone })
    .setLocale(language)
    .toLocaleString({ ...DateTime.DATETIME_MED, timeZoneName: 'short' });
}
