/**
 * "维修周期超过5个工作日，提供相同型号或性能相近的备用产品": if a repair takes
 * more than N working days (default 5) the customer gets a loaner.
 *
 * Counting convention (T+n, as in Chinese logistics and bank practice): the
 * day the unit leaves service is day 0 and is not counted; each later working
 * day counts in full from its local midnight. A unit that leaves on Monday
 * and is back on the following Monday took 5 working days — not exceeded; the
 * threshold is exceeded when the 6th working day begins. Working days come
 * from the site's calendar (holidays and 调休 make-up days), in the site's
 * time zone; business hours play no part.
 */
import { DateTime } from 'luxon';
import { WorkingCalendar, countWorkingDaysAfter, nthWorkingDayAfter } from '../../calendar/rules/working-calendar';

export const DEFAULT_LOANER_THRESHOLD_WORKING_DAYS = 5;
export const DEFAULT_SITE_TIME_ZONE = 'Asia/Shanghai';

export interface RepairPeriod {
  /** When the unit left service (was taken away or shut down for repair). */
  readonly repairStart: Date;
  /** Actual return time, or "now" for a repair still in progress. */
  readonly until: Date;
  readonly calendar: WorkingCalendar;
  readonly timeZone?: string;
}

export interface RepairWorkingDays {
  readonly workingDays: number;
  /** Some counted day lies in a year without official calendar data. */
  readonly calendarIncomplete: boolean;
}

export function repairWorkingDays(p: RepairPeriod): RepairWorkingDays {
  const zone = p.timeZone ?? DEFAULT_SITE_TIME_ZONE;
  if (p.until.getTime() <= p.repairStart.getTime()) return { workingDays: 0, calendarIncomplete: false };
  const { days, calendarIncomplete } = countWorkingDaysAfter(p.calendar, localDate(p.repairStart, zone), localDate(p.until, zone));
  return { workingDays: days, calendarIncomplete };
}

export interface LoanerDeadlineInput {
  readonly repairStart: Date;
  readonly calendar: WorkingCalendar;
  readonly timeZone?: string;
  readonly thresholdWorkingDays?: number;
}

export interface LoanerDeadline {
  /** First instant at which the repair has exceeded the threshold: local midnight starting working day N+1. */
  readonly deadline: Date;
  readonly calendarIncomplete: boolean;
}

export function loanerDeadline(input: LoanerDeadlineInput): LoanerDeadline {
  const zone = input.timeZone ?? DEFAULT_SITE_TIME_ZONE;
  const threshold = input.thresholdWorkingDays ?? DEFAULT_LOANER_THRESHOLD_WORKING_DAYS;
  if (!Number.isInteger(threshold) || threshold < 0)
    throw new RangeError(`thresholdWorkingDays must be a non-negative integer, got ${threshold}`);
  const { date, calendarIncomplete } = nthWorkingDayAfter(input.calendar, localDate(input.repairStart, zone), threshold + 1);
  const deadline = DateTime.fromISO(date, { zone }).startOf('day').toJSDate();
  return { deadline, calendarIncomplete };
}

export interface LoanerDecision {
  readonly required: boolean;
  readonly workingDays: number;
  readonly thresholdWorkingDays: number;
  readonly deadline: Date;
  readonly calendarIncomplete: boolean;
}

export function loanerRequired(p: RepairPeriod & { readonly thresholdWorkingDays?: number }): LoanerDecision {
  const threshold = p.thresholdWorkingDays ?? DEFAULT_LOANER_THRESHOLD_WORKING_DAYS;
  const used = repairWorkingDays(p);
  const dl = loanerDeadline({ repairStart: p.repairStart, calendar: p.calendar, timeZone: p.timeZone, thresholdWorkingDays: threshold });
  return {
    required: used.workingDays > threshold,
    workingDays: used.workingDays,
    thresholdWorkingDays: threshold,
    deadline: dl.deadline,
    // Covers the reported deadline too, which may reach further into the future than the repair so far.
    calendarIncomplete: used.calendarIncomplete || dl.calendarIncomplete,
  };
}

function localDate(at: Date, zone: string): string {
  const d = DateTime.fromJSDate(at, { zone });
  if (!d.isValid) throw new RangeError(`Invalid time zone or date: ${zone}`);
  return d.toISODate()!;
}
