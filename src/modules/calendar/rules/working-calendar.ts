/**
 * A site's working-day calendar as plain data. Everything here is pure and
 * works on civil dates ('YYYY-MM-DD'); time zones are the caller's business
 * (see incidents/rules/business-time.ts), because "which day is it" depends on
 * the site, not on the server.
 */

/** A civil date, 'YYYY-MM-DD'. */
export type IsoDate = string;

/** Luxon / ISO-8601 weekday numbers: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const DEFAULT_WEEKEND: readonly IsoWeekday[] = [6, 7];

export interface WorkingCalendar {
  readonly region: string;
  /** Years for which official data is loaded; other years fall back to "weekdays work". */
  readonly knownYears: readonly number[];
  readonly holidays: ReadonlySet<IsoDate>;
  /** Weekend days that are working days (调休 make-up days). */
  readonly makeUpWorkdays: ReadonlySet<IsoDate>;
  readonly weekend: readonly number[];
}

export type CalendarDayKind = 'HOLIDAY' | 'MAKEUP_WORKDAY';

export interface CalendarDayEntry {
  readonly date: IsoDate;
  readonly kind: CalendarDayKind;
  readonly name?: string;
}

export interface WorkingCalendarInput {
  region: string;
  knownYears: Iterable<number>;
  holidays?: Iterable<IsoDate>;
  makeUpWorkdays?: Iterable<IsoDate>;
  weekend?: Iterable<number>;
}

export interface CalendarDataIssue {
  readonly code: 'INVALID_DATE' | 'INVALID_WEEKDAY' | 'INVALID_YEAR' | 'HOLIDAY_AND_WORKDAY' | 'NO_WORKING_WEEKDAY';
  readonly value: string;
}

/** Thrown only while building a calendar: bad reference data is a deployment fault, not a user input. */
export class InvalidCalendarDataError extends Error {
  readonly code = 'INVALID_CALENDAR_DATA' as const;
  constructor(readonly issues: readonly CalendarDataIssue[]) {
    super(`Invalid working-calendar data: ${issues.map((i) => `${i.code}(${i.value})`).join(', ')}`);
    this.name = 'InvalidCalendarDataError';
  }
}

export function createWorkingCalendar(input: WorkingCalendarInput): WorkingCalendar {
  const issues: CalendarDataIssue[] = [];
  const knownYears = [...new Set(input.knownYears)].sort((a, b) => a - b);
  for (const y of knownYears) {
    if (!Number.isInteger(y) || y < 1 || y > 9999) issues.push({ code: 'INVALID_YEAR', value: String(y) });
  }
  const weekend = [...new Set(input.weekend ?? DEFAULT_WEEKEND)].sort((a, b) => a - b);
  for (const d of weekend) {
    if (!Number.isInteger(d) || d < 1 || d > 7) issues.push({ code: 'INVALID_WEEKDAY', value: String(d) });
  }
  // A calendar without any regular working weekday would make every "next working day" search unbounded.
  if (weekend.length >= 7) issues.push({ code: 'NO_WORKING_WEEKDAY', value: weekend.join(',') });
  const holidays = collectDates(input.holidays ?? [], issues);
  const makeUpWorkdays = collectDates(input.makeUpWorkdays ?? [], issues);
  for (const d of makeUpWorkdays) {
    if (holidays.has(d)) issues.push({ code: 'HOLIDAY_AND_WORKDAY', value: d });
  }
  if (issues.length > 0) throw new InvalidCalendarDataError(issues);
  return { region: input.region, knownYears, holidays, makeUpWorkdays, weekend };
}

/** Builds a calendar from stored day entries (the shape the database keeps). */
export function calendarFromEntries(
  region: string,
  knownYears: Iterable<number>,
  entries: Iterable<CalendarDayEntry>,
  weekend: Iterable<number> = DEFAULT_WEEKEND,
): WorkingCalendar {
  const holidays: IsoDate[] = [];
  const makeUp: IsoDate[] = [];
  for (const e of entries) (e.kind === 'HOLIDAY' ? holidays : makeUp).push(e.date);
  return createWorkingCalendar({ region, knownYears, holidays, makeUpWorkdays: makeUp, weekend });
}

/**
 * Make-up days win over everything, then holidays, then the weekly weekend.
 * Dates in years without data simply have no entries, so they fall back to
 * "weekdays work" — callers detect that case with isKnownDate().
 */
export function isWorkingDay(cal: WorkingCalendar, isoDate: IsoDate): boolean {
  const day = epochDayOf(isoDate);
  return isWorkingEpochDay(cal, day, isoDate);
}

export function isKnownDate(cal: WorkingCalendar, isoDate: IsoDate): boolean {
  assertIsoDate(isoDate);
  return cal.knownYears.includes(Number(isoDate.slice(0, 4)));
}

export type DayClass = 'WORKDAY' | 'MAKEUP_WORKDAY' | 'HOLIDAY' | 'WEEKEND';

export function classifyDay(cal: WorkingCalendar, isoDate: IsoDate): DayClass {
  const day = epochDayOf(isoDate);
  if (cal.makeUpWorkdays.has(isoDate)) return 'MAKEUP_WORKDAY';
  if (cal.holidays.has(isoDate)) return 'HOLIDAY';
  return cal.weekend.includes(weekdayOfEpochDay(day)) ? 'WEEKEND' : 'WORKDAY';
}

/** Internal fast path for day loops: the caller already has both representations. */
export function isWorkingEpochDay(cal: WorkingCalendar, epochDay: number, isoDate: IsoDate = isoDateOfEpochDay(epochDay)): boolean {
  if (cal.makeUpWorkdays.has(isoDate)) return true;
  if (cal.holidays.has(isoDate)) return false;
  return !cal.weekend.includes(weekdayOfEpochDay(epochDay));
}

export function isKnownYear(cal: WorkingCalendar, year: number): boolean {
  return cal.knownYears.includes(year);
}

/** Working days d with from < d <= to (from's own day is not counted). */
export function countWorkingDaysAfter(cal: WorkingCalendar, from: IsoDate, to: IsoDate): { days: number; calendarIncomplete: boolean } {
  const a = epochDayOf(from);
  const b = epochDayOf(to);
  let days = 0;
  let incomplete = false;
  for (let d = a + 1; d <= b; d++) {
    const iso = isoDateOfEpochDay(d);
    if (!isKnownYear(cal, yearOfIso(iso))) incomplete = true;
    if (isWorkingEpochDay(cal, d, iso)) days++;
  }
  return { days, calendarIncomplete: incomplete };
}

/** The n-th working day strictly after `from` (n >= 1). */
export function nthWorkingDayAfter(cal: WorkingCalendar, from: IsoDate, n: number): { date: IsoDate; calendarIncomplete: boolean } {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  let d = epochDayOf(from);
  let left = n;
  let incomplete = false;
  for (;;) {
    d++;
    const iso = isoDateOfEpochDay(d);
    if (!isKnownYear(cal, yearOfIso(iso))) incomplete = true;
    if (isWorkingEpochDay(cal, d, iso) && --left === 0) return { date: iso, calendarIncomplete: incomplete };
  }
}

// ---------------------------------------------------------------------------
// Civil-date arithmetic on "epoch days" (days since 1970-01-01). Hand-rolled
// rather than luxon because day loops over long spans run this per day and
// must stay in the microsecond range.
// ---------------------------------------------------------------------------

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

function assertIsoDate(s: string): void {
  if (!isValidIsoDate(s)) throw new RangeError(`Not a valid ISO date (YYYY-MM-DD): ${JSON.stringify(s)}`);
}

export function epochDayOf(isoDate: IsoDate): number {
  assertIsoDate(isoDate);
  return daysFromCivil(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)), Number(isoDate.slice(8, 10)));
}

export function isoDateOfEpochDay(epochDay: number): IsoDate {
  const { y, m, d } = civilFromDays(epochDay);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** 1970-01-01 was a Thursday (4). */
export function weekdayOfEpochDay(epochDay: number): IsoWeekday {
  return (((((epochDay + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

export function yearOfIso(isoDate: IsoDate): number {
  return Number(isoDate.slice(0, 4));
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): { y: number; m: number; d: number } {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

function collectDates(dates: Iterable<string>, issues: CalendarDataIssue[]): Set<IsoDate> {
  const out = new Set<IsoDate>();
  for (const d of dates) {
    if (isValidIsoDate(d)) out.add(d);
    else issues.push({ code: 'INVALID_DATE', value: String(d) });
  }
  return out;
}
