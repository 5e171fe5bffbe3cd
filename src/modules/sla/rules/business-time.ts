/**
 * Covered-time arithmetic: "due = start + N of covered time" and "how much
 * covered time lies between two instants".
 *
 * DAY UNITS — DECISION: in a BUSINESS_HOURS plan a day unit means one WORKING
 * DAY, not 24 covered hours. We implement it as "one working day's worth of
 * covered time" (the summed length of the daily windows, 9 h for
 * 08:30-17:30). Because every working day has the same windows this is
 * exactly "the same clock time on the next working day" — P1D from Friday
 * 17:00 is Monday 17:00 — and it composes with hour units (P1DT2H = next
 * working day, then two more covered hours) and with pauses, which are
 * measured in covered time too. Reading P1D as 24 covered hours would make a
 * "next working day" promise stretch over almost three working days, which no
 * contract means. Hour/minute/second units are covered time. In 7x24 plans a
 * day is simply 24 h of elapsed time.
 *
 * Boundary convention: the due instant is the EARLIEST instant at which the
 * required covered time has elapsed, so a budget that ends exactly at closing
 * time is due at 17:30, not at next morning's 08:30.
 *
 * Calendar years without official data fall back to "weekdays work, no
 * holidays" (the calendar simply has no entries for them) and the result is
 * flagged calendarIncomplete so the caller can re-compute once data arrives.
 */
import { Duration, IANAZone } from 'luxon';
import { WorkingCalendar, isKnownYear, isWorkingEpochDay, isoDateOfEpochDay, yearOfIso } from '../../calendar/rules/working-calendar';
import { BusinessHoursCoverage, Coverage, WindowMinutes, dailyCoveredMs, windowMinutes } from './coverage';
import { SlaDuration, parseSlaDurationOrThrow } from './sla-duration';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** If no working day shows up for this many days the calendar data is broken; fail instead of spinning. */
const MAX_NON_WORKING_RUN = 3660;

export interface DueResult {
  readonly due: Date;
  readonly calendarIncomplete: boolean;
}

export interface ElapsedResult {
  readonly ms: number;
  readonly calendarIncomplete: boolean;
}

/**
 * Converts an SLA duration into milliseconds of covered time under the given
 * coverage (see the day-unit decision above). Throws InvalidDurationError for
 * malformed input; validate user input first with parseSlaDuration().
 */
export function coveredBudgetMs(duration: string | Duration | SlaDuration, coverage: Coverage): number {
  const d = parseSlaDurationOrThrow(duration);
  const perDay = coverage.kind === '24x7' ? DAY : dailyCoveredMs(coverage);
  return Math.round(d.days * perDay) + d.timeMs;
}

export function addBusinessDuration(
  start: Date,
  duration: string | Duration | SlaDuration,
  coverage: Coverage,
  calendar: WorkingCalendar,
): DueResult {
  return addCoveredMs(start, coveredBudgetMs(duration, coverage), coverage, calendar);
}

/** Earliest instant t with businessElapsed(start, t) >= ms. */
export function addCoveredMs(start: Date, ms: number, coverage: Coverage, calendar: WorkingCalendar): DueResult {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Covered time must be a non-negative number of ms, got ${ms}`);
  const startMs = start.getTime();
  if (coverage.kind === '24x7') return { due: new Date(startMs + ms), calendarIncomplete: false };
  if (ms === 0) return { due: new Date(startMs), calendarIncomplete: false };

  const tz = new ZoneClock(coverage);
  let remaining = ms;
  let incomplete = false;
  let idle = 0;
  for (let d = tz.localDay(startMs); ; d++) {
    const iso = isoDateOfEpochDay(d);
    if (!isKnownYear(calendar, yearOfIso(iso))) incomplete = true;
    if (!isWorkingEpochDay(calendar, d, iso)) {
      if (++idle > MAX_NON_WORKING_RUN) throw new RangeError(`No working day within ${MAX_NON_WORKING_RUN} days of ${iso}`);
      continue;
    }
    idle = 0;
    for (const w of tz.windows) {
      const we = tz.at(d, w.end);
      if (we <= startMs) continue;
      const s = Math.max(tz.at(d, w.start), startMs);
      const avail = we - s;
      if (remaining <= avail) return { due: new Date(s + remaining), calendarIncomplete: incomplete };
      remaining -= avail;
    }
  }
}

/** Milliseconds of covered time in [from, to); 0 when to <= from. */
export function businessElapsed(from: Date, to: Date, coverage: Coverage, calendar: WorkingCalendar): number {
  return coveredElapsed(from, to, coverage, calendar).ms;
}

export function coveredElapsed(from: Date, to: Date, coverage: Coverage, calendar: WorkingCalendar): ElapsedResult {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return { ms: 0, calendarIncomplete: false };
  if (coverage.kind === '24x7') return { ms: b - a, calendarIncomplete: false };

  const tz = new ZoneClock(coverage);
  let ms = 0;
  let incomplete = false;
  const last = tz.localDay(b);
  for (let d = tz.localDay(a); d <= last; d++) {
    const iso = isoDateOfEpochDay(d);
    if (!isKnownYear(calendar, yearOfIso(iso))) incomplete = true;
    if (!isWorkingEpochDay(calendar, d, iso)) continue;
    for (const w of tz.windows) {
      const overlap = Math.min(tz.at(d, w.end), b) - Math.max(tz.at(d, w.start), a);
      if (overlap > 0) ms += overlap;
    }
  }
  return { ms, calendarIncomplete: incomplete };
}

/** Whether the clock would be counting at this instant. */
export function isCovered(at: Date, coverage: Coverage, calendar: WorkingCalendar): boolean {
  if (coverage.kind === '24x7') return true;
  const t = at.getTime();
  const tz = new ZoneClock(coverage);
  const d = tz.localDay(t);
  if (!isWorkingEpochDay(calendar, d)) return false;
  return tz.windows.some((w) => tz.at(d, w.start) <= t && t < tz.at(d, w.end));
}

/** The instant counting starts for something reported at `at`: `at` itself if covered, else the next window opening. */
export function nextCoveredInstant(at: Date, coverage: Coverage, calendar: WorkingCalendar): { at: Date; calendarIncomplete: boolean } {
  if (coverage.kind === '24x7') return { at, calendarIncomplete: false };
  const t = at.getTime();
  const tz = new ZoneClock(coverage);
  let incomplete = false;
  let idle = 0;
  for (let d = tz.localDay(t); ; d++) {
    const iso = isoDateOfEpochDay(d);
    if (!isKnownYear(calendar, yearOfIso(iso))) incomplete = true;
    if (!isWorkingEpochDay(calendar, d, iso)) {
      if (++idle > MAX_NON_WORKING_RUN) throw new RangeError(`No working day within ${MAX_NON_WORKING_RUN} days of ${iso}`);
      continue;
    }
    idle = 0;
    for (const w of tz.windows) {
      if (tz.at(d, w.end) > t) return { at: new Date(Math.max(tz.at(d, w.start), t)), calendarIncomplete: incomplete };
    }
  }
}

// ---------------------------------------------------------------------------
// Local wall time → UTC for the site's zone: the zone offset is resolved once per
// local day (cached; DateTime.fromObject per instant dominates year-long loops),
// exactly per instant only on days that contain a UTC-offset change.
// ---------------------------------------------------------------------------

const midnightOffsetCache = new Map<string, Map<number, number>>();
const CACHE_LIMIT = 50_000;

class ZoneClock {
  readonly windows: readonly WindowMinutes[];
  private readonly zone: IANAZone;
  private readonly cache: Map<number, number>;
  private cachedDay = NaN;
  private cachedOffset: number | null = null;

  constructor(coverage: BusinessHoursCoverage) {
    this.windows = windowMinutes(coverage);
    this.zone = IANAZone.create(coverage.timeZone);
    let c = midnightOffsetCache.get(coverage.timeZone);
    if (!c || c.size > CACHE_LIMIT) {
      c = new Map();
      midnightOffsetCache.set(coverage.timeZone, c);
    }
    this.cache = c;
  }

  localDay(utcMs: number): number {
    return Math.floor((utcMs + this.zone.offset(utcMs) * MINUTE) / DAY);
  }

  /** UTC ms of local wall time `minute` minutes after midnight of epoch day `day`. */
  at(day: number, minute: number): number {
    const off = this.uniformOffset(day);
    const local = day * DAY + minute * MINUTE;
    return off === null ? this.localToUtc(local) : local - off * MINUTE;
  }

  /** The day's UTC offset in minutes, or null if it changes during the day (DST). */
  private uniformOffset(day: number): number | null {
    if (day !== this.cachedDay) {
      const a = this.midnightOffset(day);
      const b = this.midnightOffset(day + 1);
      this.cachedDay = day;
      this.cachedOffset = a === b ? a : null;
    }
    return this.cachedOffset;
  }

  private midnightOffset(day: number): number {
    let off = this.cache.get(day);
    if (off === undefined) {
      const utc = this.localToUtc(day * DAY);
      off = this.zone.offset(utc);
      this.cache.set(day, off);
    }
    return off;
  }

  // Luxon's fixOffset rule, but seeded with a deterministic guess (luxon seeds
  // with the offset at Date.now()): wall times in a spring-forward gap move
  // forward by the gap, and fall-back (ambiguous) times resolve deterministically.
  private localToUtc(localMs: number): number {
    const o1 = this.zone.offset(localMs);
    let utc = localMs - o1 * MINUTE;
    const o2 = this.zone.offset(utc);
    if (o1 === o2) return utc;
    utc -= (o2 - o1) * MINUTE;
    const o3 = this.zone.offset(utc);
    if (o2 === o3) return utc;
    return localMs - Math.min(o2, o3) * MINUTE;
  }
}
