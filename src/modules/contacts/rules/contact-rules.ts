/**
 * Pure checks on contacts and on the people side of an escalation policy:
 * on-duty windows and the day-based step period. No database, no GraphQL.
 */
import { DateTime } from 'luxon';
import type { WorkingCalendar } from '../../calendar/rules/working-calendar';
import { nthWorkingDayAfter } from '../../calendar/rules/working-calendar';
import { parseSlaDuration } from '../../sla/rules/sla-duration';
import { err, ok, Result } from '../../sla/rules/result';

const HH_MM = /^([01]\d|2[0-4]):([0-5]\d)$/;

export interface OnDutyWindow {
  readonly fromMinute: number;
  readonly toMinute: number;
}

/** "08:30-17:30" → minutes of the day; a window that crosses midnight ("22:00-06:00") is allowed (night shift). */
export function parseOnDutyHours(text: string): Result<OnDutyWindow, string> {
  const [a, b, ...rest] = text.split('-');
  const m1 = HH_MM.exec(a?.trim() ?? '');
  const m2 = HH_MM.exec(b?.trim() ?? '');
  if (rest.length > 0 || !m1 || !m2) return err('onDutyHours must be HH:mm-HH:mm, e.g. 08:30-17:30');
  const fromMinute = Number(m1[1]) * 60 + Number(m1[2]);
  const toMinute = Number(m2[1]) * 60 + Number(m2[2]);
  if (fromMinute > 1440 || toMinute > 1440 || fromMinute === toMinute) return err('onDutyHours must be a non-empty window within a day');
  return ok({ fromMinute, toMinute });
}

/** Whether a contact is on duty at `at`, in the zone of the incident's site. No window (or an unreadable one) = always. */
export function isOnDuty(onDutyHours: string | null, at: Date, timeZone: string): boolean {
  if (!onDutyHours) return true;
  const w = parseOnDutyHours(onDutyHours);
  if (!w.ok) return true;
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  const { fromMinute, toMinute } = w.value;
  return fromMinute < toMinute ? minute >= fromMinute && minute < toMinute : minute >= fromMinute || minute < toMinute;
}

export type StepDayKind = 'CALENDAR' | 'WORKING';

export interface StepPeriod {
  readonly iso: string;
  readonly kind: StepDayKind;
  /** Calendar mode: the period in milliseconds. */
  readonly ms: number;
  /** Working mode: whole working days. */
  readonly workingDays: number;
}

/** Validates a day-based step period. Working days must be whole days (P1D, P2D): "a working day and a half" has no meaning. */
export function parseStepPeriod(iso: string, kind: StepDayKind): Result<StepPeriod, string> {
  const r = parseSlaDuration(iso);
  if (!r.ok) return err(`${iso} is not an ISO-8601 duration such as P1D or PT12H`);
  const ms = r.value.days * 86_400_000 + r.value.timeMs;
  if (ms < 1000) return err('the step period must be at least one second');
  if (kind === 'WORKING' && (r.value.timeMs !== 0 || !Number.isInteger(r.value.days)))
    return err('a period in working days must be whole days, e.g. P1D');
  return ok({ iso, kind, ms, workingDays: kind === 'WORKING' ? r.value.days : 0 });
}

/**
 * When the next step falls due, one period after `from`. Working days keep the
 * local time of day and skip weekends and holidays of the incident's calendar.
 */
export function nextStepDue(from: Date, period: StepPeriod, calendar: WorkingCalendar, timeZone: string): Date {
  if (period.kind === 'CALENDAR') return new Date(from.getTime() + period.ms);
  const local = DateTime.fromJSDate(from, { zone: timeZone });
  const { date } = nthWorkingDayAfter(calendar, local.toISODate()!, period.workingDays);
  const [y, m, d] = date.split('-').map(Number);
  return local.set({ year: y, month: m, day: d }).toJSDate();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface ContactFields {
  readonly customerId?: string | null;
  readonly centreId?: string | null;
  readonly email?: string | null;
  readonly imWebhookUrl?: string | null;
  readonly imChannel?: string | null;
  readonly onDutyHours?: string | null;
}

export interface ContactProblem {
  readonly field: string;
  readonly message: string;
}

/** Everything wrong with a contact, so it is fixed in one round trip. */
export function validateContact(c: ContactFields): ContactProblem[] {
  const problems: ContactProblem[] = [];
  if (c.customerId && c.centreId)
    problems.push({ field: 'centreId', message: 'a contact belongs to a customer or to a support centre, not both' });
  if (c.email && !EMAIL.test(c.email)) problems.push({ field: 'email', message: `${c.email} is not an e-mail address` });
  if (c.imWebhookUrl) {
    const url = URL.canParse(c.imWebhookUrl) ? new URL(c.imWebhookUrl) : null;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
      problems.push({ field: 'imWebhookUrl', message: 'the IM robot webhook must be an http(s) URL' });
    if (!c.imChannel)
      problems.push({ field: 'imChannel', message: 'say which kind of robot the webhook is (WECOM, DINGTALK, FEISHU or GENERIC)' });
  }
  if (c.onDutyHours) {
    const w = parseOnDutyHours(c.onDutyHours);
    if (!w.ok) problems.push({ field: 'onDutyHours', message: w.error });
  }
  return problems;
}
