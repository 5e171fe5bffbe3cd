/**
 * Reporting periods. A report covers civil dates [from, to] in one time zone
 * (the customer's, Beijing time by default) and is cut into calendar months,
 * quarters, half years or years of that zone. Pure: instants in, buckets out.
 */
import { DateTime } from 'luxon';

export const REPORT_PERIODS = ['MONTH', 'QUARTER', 'HALF_YEAR', 'YEAR'] as const;
export type ReportPeriodValue = (typeof REPORT_PERIODS)[number];

export interface Bucket {
  /** 2026-03, 2026-Q1, 2026-H1, 2026 */
  readonly key: string;
  /** [start, end) */
  readonly start: Date;
  readonly end: Date;
}

export interface Range {
  readonly start: Date;
  readonly end: Date;
}

export type RangeError_ = { readonly field: 'from' | 'to' | 'timeZone'; readonly message: string };

const MONTHS: Record<ReportPeriodValue, number> = { MONTH: 1, QUARTER: 3, HALF_YEAR: 6, YEAR: 12 };

/** Civil dates, both inclusive, as the instants [from 00:00, day after to 00:00) in the zone. */
export function civilRange(from: string, to: string, timeZone: string): { ok: true; value: Range } | { ok: false; error: RangeError_ } {
  const zone = DateTime.local().setZone(timeZone);
  if (!zone.isValid) return { ok: false, error: { field: 'timeZone', message: `unknown time zone ${timeZone}` } };
  const a = DateTime.fromISO(from, { zone: timeZone });
  const b = DateTime.fromISO(to, { zone: timeZone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !a.isValid)
    return { ok: false, error: { field: 'from', message: `${from} is not a date (YYYY-MM-DD)` } };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(to) || !b.isValid)
    return { ok: false, error: { field: 'to', message: `${to} is not a date (YYYY-MM-DD)` } };
  if (b < a) return { ok: false, error: { field: 'to', message: 'to is before from' } };
  if (b.diff(a, 'days').days > 3 * 366) return { ok: false, error: { field: 'to', message: 'a report covers at most three years' } };
  return { ok: true, value: { start: a.startOf('day').toJSDate(), end: b.plus({ days: 1 }).startOf('day').toJSDate() } };
}

export function bucketOf(at: Date, period: ReportPeriodValue, timeZone: string): Bucket {
  const t = DateTime.fromJSDate(at, { zone: timeZone });
  const span = MONTHS[period];
  const firstMonth = Math.floor((t.month - 1) / span) * span + 1;
  const start = DateTime.fromObject({ year: t.year, month: firstMonth, day: 1 }, { zone: timeZone });
  const end = start.plus({ months: span });
  return { key: keyOf(t.year, firstMonth, period), start: start.toJSDate(), end: end.toJSDate() };
}

/** Every bucket that overlaps the range, in order (empty ones too: a month without incidents is a result). */
export function bucketsOf(range: Range, period: ReportPeriodValue, timeZone: string): Bucket[] {
  const out: Bucket[] = [];
  let b = bucketOf(range.start, period, timeZone);
  while (b.start < range.end) {
    out.push(b);
    b = bucketOf(b.end, period, timeZone);
  }
  return out;
}

function keyOf(year: number, firstMonth: number, period: ReportPeriodValue): string {
  switch (period) {
    case 'MONTH':
      return `${year}-${String(firstMonth).padStart(2, '0')}`;
    case 'QUARTER':
      return `${year}-Q${(firstMonth - 1) / 3 + 1}`;
    case 'HALF_YEAR':
      return `${year}-H${firstMonth === 1 ? 1 : 2}`;
    case 'YEAR':
      return `${year}`;
  }
}

export const inRange = (at: Date, range: Range): boolean => at >= range.start && at < range.end;

/**
 * The instant outcomes that are still open are judged at: the end of the
 * range, or now while the range is still running. For a closed period it is
 * fixed, so a report over it does not depend on when it is run.
 */
export const asOfFor = (range: Range, now: Date): Date => (now < range.end ? now : range.end);
