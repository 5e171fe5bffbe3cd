import type { TFunction } from 'i18next';

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1000],
] as const;

/** Milliseconds of an ISO-8601 duration as the hub writes targets (P1D, PT4H, PT30M, P1DT2H). */
export function isoDurationMs(iso: string): number | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m) return null;
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
}

/** A span in words, largest unit first, zero units left out: "30 min", "4 h", "1 d 2 h"; `parts` units of detail at most. */
export function duration(t: TFunction, ms: number, parts = 2, withSeconds = false): string {
  const units = withSeconds ? UNITS : UNITS.slice(0, 3);
  let rest = Math.max(0, Math.floor(ms / 1000) * 1000);
  const amounts = units.map(([unit, size]) => {
    const n = Math.floor(rest / size);
    rest -= n * size;
    return [unit, n] as const;
  });
  const first = amounts.findIndex(([, n]) => n > 0);
  if (first < 0) return t(`duration.${units[units.length - 1]![0]}`, { count: 0 });
  return amounts
    .slice(first, first + parts)
    .filter(([, n]) => n > 0)
    .map(([unit, n]) => t(`duration.${unit}`, { count: n }))
    .join(' ');
}

/** A target such as PT30M in words; the raw text if it is not a duration the page understands. */
export function target(t: TFunction, iso: string): string {
  const ms = isoDurationMs(iso);
  return ms === null ? iso : duration(t, ms, 2);
}

/** Date and time in the given zone with the zone shown, e.g. "2026-12-06 14:05 GMT+8". */
export function dateTime(iso: string | null | undefined, timeZone: string | undefined, language: string): string {
  if (!iso) return '–';
  const format = new Intl.DateTimeFormat(language === 'zh-CN' ? 'zh-CN' : 'en-CA', {
    timeZone: timeZone || undefined,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  const p = Object.fromEntries(format.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName ?? ''}`.trim();
}

/** Time of day in the given zone, e.g. "14:05:09". */
export function timeOfDay(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: timeZone || undefined,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}
