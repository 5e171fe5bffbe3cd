/**
 * Which preventive inspections a plan owes, as civil dates in the site's
 * calendar. Pure: the caller supplies the working calendar and the start days
 * of the named periods (see holiday-periods.ts); nothing here reads a clock.
 *
 * Routine inspections: the year is cut into N equal slots (MONTHLY = 12,
 * QUARTERLY = 4, TIMES_PER_YEAR = N). When N divides 12 the slots follow the
 * months (so a quarter is a real quarter); otherwise they are equal runs of
 * days. The visit is planned on the first working day on or after the plan's
 * `dayOfSlot`-th day of the slot, and is due by the slot's last day.
 *
 * Pre-holiday inspections: one per named period, planned `leadWorkingDays`
 * working days before the period starts (so the engineer is not booked on the
 * last afternoon before everybody leaves) and due by the eve of the period.
 */
import { IsoDate, WorkingCalendar, epochDayOf, isWorkingEpochDay, isoDateOfEpochDay } from '../../calendar/rules/working-calendar';

export const HOLIDAY_PERIODS = ['NEW_YEAR', 'SPRING_FESTIVAL', 'TWO_SESSIONS', 'LABOUR_DAY', 'NATIONAL_DAY'] as const;
export type HolidayPeriod = (typeof HOLIDAY_PERIODS)[number];

export type InspectionFrequency = 'MONTHLY' | 'QUARTERLY' | 'TIMES_PER_YEAR';

export interface PlanRule {
  readonly frequency: InspectionFrequency;
  /** Only for TIMES_PER_YEAR: 1 to 12. */
  readonly timesPerYear?: number | null;
  /** 1-based day within the slot on which the visit is wanted (moved to the next working day). */
  readonly dayOfSlot: number;
  readonly preHolidayPeriods: readonly HolidayPeriod[];
  readonly leadWorkingDays: number;
  readonly startsOn: IsoDate;
  readonly endsOn: IsoDate | null;
}

/** The first day of a named period in one year. */
export interface PeriodStart {
  readonly period: HolidayPeriod;
  readonly year: number;
  readonly startsOn: IsoDate;
}

export type InspectionKindValue = 'ROUTINE' | 'PRE_HOLIDAY';

export interface PlannedInspection {
  /** Stable per plan: the unique key that makes generation idempotent. */
  readonly key: string;
  readonly kind: InspectionKindValue;
  readonly label: string;
  readonly scheduledDate: IsoDate;
  /** Last civil day on which the visit counts as on time. */
  readonly dueBy: IsoDate;
  readonly period: HolidayPeriod | null;
}

export type PlanRuleError =
  | { readonly field: 'timesPerYear'; readonly message: string }
  | { readonly field: 'dayOfSlot'; readonly message: string }
  | { readonly field: 'leadWorkingDays'; readonly message: string }
  | { readonly field: 'endsOn'; readonly message: string };

export function validatePlanRule(rule: PlanRule): PlanRuleError[] {
  const errors: PlanRuleError[] = [];
  const n = slotsPerYear(rule);
  if (rule.frequency === 'TIMES_PER_YEAR' && !(Number.isInteger(n) && n >= 1 && n <= 12))
    errors.push({ field: 'timesPerYear', message: 'timesPerYear must be a whole number from 1 to 12' });
  if (!Number.isInteger(rule.dayOfSlot) || rule.dayOfSlot < 1 || rule.dayOfSlot > 28)
    errors.push({ field: 'dayOfSlot', message: 'dayOfSlot must be from 1 to 28 (every slot has at least 28 days)' });
  if (!Number.isInteger(rule.leadWorkingDays) || rule.leadWorkingDays < 1 || rule.leadWorkingDays > 20)
    errors.push({ field: 'leadWorkingDays', message: 'leadWorkingDays must be from 1 to 20' });
  if (rule.endsOn && rule.endsOn < rule.startsOn) errors.push({ field: 'endsOn', message: 'endsOn is before startsOn' });
  return errors;
}

export function slotsPerYear(rule: Pick<PlanRule, 'frequency' | 'timesPerYear'>): number {
  if (rule.frequency === 'MONTHLY') return 12;
  if (rule.frequency === 'QUARTERLY') return 4;
  return rule.timesPerYear ?? 0;
}

interface Slot {
  readonly first: number;
  readonly last: number;
  readonly label: string;
}

/** Slot i (0-based) of a year, as epoch days [first, last]. */
function slotOf(year: number, n: number, i: number): Slot {
  if (12 % n === 0) {
    const months = 12 / n;
    const firstMonth = i * months + 1;
    const first = epochDayOf(`${year}-${pad(firstMonth)}-01`);
    const nextFirst = firstMonth + months > 12 ? epochDayOf(`${year + 1}-01-01`) : epochDayOf(`${year}-${pad(firstMonth + months)}-01`);
    return { first, last: nextFirst - 1, label: slotLabel(year, n, i) };
  }
  const start = epochDayOf(`${year}-01-01`);
  const days = epochDayOf(`${year + 1}-01-01`) - start;
  return {
    first: start + Math.floor((i * days) / n),
    last: start + Math.floor(((i + 1) * days) / n) - 1,
    label: slotLabel(year, n, i),
  };
}

function slotLabel(year: number, n: number, i: number): string {
  if (n === 12) return `${year}-${pad(i + 1)}`;
  if (n === 4) return `${year}-Q${i + 1}`;
  if (n === 2) return `${year}-H${i + 1}`;
  if (n === 1) return `${year}`;
  return `${year}-${i + 1}/${n}`;
}

/** Routine inspections whose planned date lies in [from, to]. */
export function routineInspections(rule: PlanRule, cal: WorkingCalendar, from: IsoDate, to: IsoDate): PlannedInspection[] {
  const n = slotsPerYear(rule);
  if (!(n >= 1 && n <= 12)) return [];
  const lo = Math.max(epochDayOf(from), epochDayOf(rule.startsOn));
  const hi = Math.min(epochDayOf(to), rule.endsOn ? epochDayOf(rule.endsOn) : Number.POSITIVE_INFINITY);
  if (lo > hi) return [];
  const out: PlannedInspection[] = [];
  const startsOn = epochDayOf(rule.startsOn);
  // Slots never cross a year boundary, so the years of the window are all there is to scan.
  for (let year = yearOf(lo); year <= yearOf(hi); year++) {
    for (let i = 0; i < n; i++) {
      const slot = slotOf(year, n, i);
      if (slot.last < startsOn) continue;
      const earliest = Math.max(slot.first + rule.dayOfSlot - 1, startsOn);
      let day = firstWorkingDayIn(cal, Math.min(earliest, slot.last), slot.last);
      // Nothing left in the slot after the wanted day (or the plan's start): take the last working day before it.
      day ??= lastWorkingDayIn(cal, Math.max(slot.first, startsOn), Math.min(earliest, slot.last));
      if (day === null || day < lo || day > hi) continue;
      out.push({
        key: `R:${slot.label}`,
        kind: 'ROUTINE',
        label: slot.label,
        scheduledDate: isoDateOfEpochDay(day),
        dueBy: isoDateOfEpochDay(slot.last),
        period: null,
      });
    }
  }
  return out;
}

const PERIOD_LABEL: Record<HolidayPeriod, string> = {
  NEW_YEAR: 'New Year',
  SPRING_FESTIVAL: 'Spring Festival',
  TWO_SESSIONS: 'Two Sessions',
  LABOUR_DAY: 'Labour Day',
  NATIONAL_DAY: 'National Day',
};

export const periodLabel = (period: HolidayPeriod): string => PERIOD_LABEL[period];

/** Pre-holiday inspections for the plan's periods whose planned date lies in [from, to]. */
export function preHolidayInspections(
  rule: PlanRule,
  cal: WorkingCalendar,
  periods: readonly PeriodStart[],
  from: IsoDate,
  to: IsoDate,
): PlannedInspection[] {
  const lo = Math.max(epochDayOf(from), epochDayOf(rule.startsOn));
  const hi = Math.min(epochDayOf(to), rule.endsOn ? epochDayOf(rule.endsOn) : Number.POSITIVE_INFINITY);
  const out: PlannedInspection[] = [];
  const seen = new Set<string>();
  for (const p of periods) {
    if (!rule.preHolidayPeriods.includes(p.period)) continue;
    const key = `H:${p.period}:${p.year}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const start = epochDayOf(p.startsOn);
    const day = nthWorkingDayBefore(cal, start, rule.leadWorkingDays);
    if (day < lo || day > hi) continue;
    out.push({
      key,
      kind: 'PRE_HOLIDAY',
      label: `Before ${PERIOD_LABEL[p.period]} ${p.year}`,
      scheduledDate: isoDateOfEpochDay(day),
      dueBy: isoDateOfEpochDay(start - 1),
      period: p.period,
    });
  }
  return out;
}

/** Everything the plan owes in [from, to], by date (routine before pre-holiday on the same day). */
export function planInspections(
  rule: PlanRule,
  cal: WorkingCalendar,
  periods: readonly PeriodStart[],
  from: IsoDate,
  to: IsoDate,
): PlannedInspection[] {
  return [...routineInspections(rule, cal, from, to), ...preHolidayInspections(rule, cal, periods, from, to)].sort((a, b) =>
    a.scheduledDate === b.scheduledDate ? a.key.localeCompare(b.key) : a.scheduledDate < b.scheduledDate ? -1 : 1,
  );
}

/** The n-th working day strictly before `epochDay` (a calendar always has a working weekday, so this ends). */
export function nthWorkingDayBefore(cal: WorkingCalendar, epochDay: number, n: number): number {
  let left = n;
  let d = epochDay;
  for (;;) {
    d--;
    if (isWorkingEpochDay(cal, d) && --left === 0) return d;
  }
}

function firstWorkingDayIn(cal: WorkingCalendar, first: number, last: number): number | null {
  for (let d = first; d <= last; d++) if (isWorkingEpochDay(cal, d)) return d;
  return null;
}

function lastWorkingDayIn(cal: WorkingCalendar, first: number, last: number): number | null {
  for (let d = last; d >= first; d--) if (isWorkingEpochDay(cal, d)) return d;
  return null;
}

const pad = (n: number) => String(n).padStart(2, '0');
const yearOf = (epochDay: number) => Number(isoDateOfEpochDay(epochDay).slice(0, 4));
