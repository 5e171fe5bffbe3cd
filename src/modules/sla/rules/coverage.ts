/**
 * Coverage = when the SLA clock is allowed to run. Contracts either promise
 * round-the-clock service (7x24) or service during business hours on working
 * days (e.g. 5x8: Mon-Fri 08:30-17:30, with the Chinese holiday calendar).
 */
import { IANAZone } from 'luxon';
import { Result, err, ok } from './result';

/** Local wall-clock window 'HH:mm'-'HH:mm' on a working day; '24:00' is allowed as an end. */
export interface CoverageWindow {
  readonly start: string;
  readonly end: string;
}

export interface Coverage24x7 {
  readonly kind: '24x7';
}

export interface BusinessHoursCoverage {
  readonly kind: 'BUSINESS_HOURS';
  /** Same windows on every working day, in the site's time zone. */
  readonly windows: readonly CoverageWindow[];
  /** IANA zone of the site, e.g. 'Asia/Shanghai'. */
  readonly timeZone: string;
}

export type Coverage = Coverage24x7 | BusinessHoursCoverage;

export const COVERAGE_24X7: Coverage24x7 = Object.freeze({ kind: '24x7' });

export type CoverageError =
  | { readonly code: 'INVALID_TIME_ZONE'; readonly timeZone: string }
  | { readonly code: 'NO_WINDOWS' }
  | { readonly code: 'INVALID_WINDOW'; readonly window: CoverageWindow; readonly reason: 'BAD_TIME' | 'EMPTY_OR_OVERNIGHT' }
  | { readonly code: 'OVERLAPPING_WINDOWS'; readonly first: CoverageWindow; readonly second: CoverageWindow };

/** Minutes since local midnight; windows never cross midnight, so 0..1440 covers everything. */
export interface WindowMinutes {
  readonly start: number;
  readonly end: number;
}

const CLOCK = /^([01]\d|2[0-4]):([0-5]\d)$/;

export function parseClockTime(hhmm: string): number | undefined {
  const m = CLOCK.exec(hhmm);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 1440 ? minutes : undefined;
}

/**
 * Validates and normalises (sorts) a business-hours coverage. Overnight
 * windows are rejected rather than split: a window's working-day status would
 * otherwise be ambiguous (the day it starts or the day it ends?) — model them
 * as two windows ('22:00'-'24:00' and '00:00'-'06:00') instead.
 */
export function businessHoursCoverage(
  windows: readonly CoverageWindow[],
  timeZone = 'Asia/Shanghai',
): Result<BusinessHoursCoverage, CoverageError> {
  // create() is cached per zone name; isValidZone() builds an Intl formatter on every call.
  if (!IANAZone.create(timeZone).isValid) return err({ code: 'INVALID_TIME_ZONE', timeZone });
  if (windows.length === 0) return err({ code: 'NO_WINDOWS' });
  const parsed: { w: CoverageWindow; m: WindowMinutes }[] = [];
  for (const w of windows) {
    const start = parseClockTime(w.start);
    const end = parseClockTime(w.end);
    if (start === undefined || end === undefined || start === 1440) return err({ code: 'INVALID_WINDOW', window: w, reason: 'BAD_TIME' });
    if (end <= start) return err({ code: 'INVALID_WINDOW', window: w, reason: 'EMPTY_OR_OVERNIGHT' });
    parsed.push({ w, m: { start, end } });
  }
  parsed.sort((a, b) => a.m.start - b.m.start);
  for (let i = 1; i < parsed.length; i++) {
    if (parsed[i].m.start < parsed[i - 1].m.end) {
      return err({ code: 'OVERLAPPING_WINDOWS', first: parsed[i - 1].w, second: parsed[i].w });
    }
  }
  return ok({ kind: 'BUSINESS_HOURS', windows: parsed.map((p) => ({ start: p.w.start, end: p.w.end })), timeZone });
}

export function validateCoverage(c: Coverage): Result<Coverage, CoverageError> {
  return c.kind === '24x7' ? ok(c) : businessHoursCoverage(c.windows, c.timeZone);
}

/** The common Chinese "5x8" plan. */
export const CHINA_5X8: BusinessHoursCoverage = Object.freeze({
  kind: 'BUSINESS_HOURS',
  windows: Object.freeze([{ start: '08:30', end: '17:30' }]),
  timeZone: 'Asia/Shanghai',
}) as BusinessHoursCoverage;

/** Throws on invalid coverage: callers reach this only with coverage that passed validateCoverage(). */
export function windowMinutes(c: BusinessHoursCoverage): WindowMinutes[] {
  const v = businessHoursCoverage(c.windows, c.timeZone);
  if (!v.ok) throw new RangeError(`Invalid coverage: ${JSON.stringify(v.error)}`);
  return v.value.windows.map((w) => ({ start: parseClockTime(w.start)!, end: parseClockTime(w.end)! }));
}

/** Covered milliseconds in one working day (by wall clock). */
export function dailyCoveredMs(c: BusinessHoursCoverage): number {
  return windowMinutes(c).reduce((sum, w) => sum + (w.end - w.start) * 60_000, 0);
}
