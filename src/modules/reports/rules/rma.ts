/**
 * RMA and loaner figures. Turnaround is counted in working days of the site's
 * calendar from the day the unit left service to the day the customer had a
 * working unit again (days strictly after the first day, up to and including
 * the last: out Monday, back Wednesday = 2). Loaner compliance uses the RMA
 * module's own rule, judged as of the report's asOf instant, with only the
 * facts known by then.
 */
import { countWorkingDaysAfter, WorkingCalendar } from '../../calendar/rules/working-calendar';
import { civilDateOf } from '../../inspections/rules/deadline';
import { loanerCompliance, LoanerCompliance } from '../../rma/rules/loaner-compliance';
import { mean, p90, percent, round } from './stats';

export interface RmaFact {
  readonly number: string;
  readonly status: string;
  readonly disposition: string;
  readonly dispositionReason: string;
  readonly serviceRestoredAt: Date | null;
  /** Working days from out of service to restored; null while not restored (as of asOf). */
  readonly turnaroundWorkingDays: number | null;
  readonly loanerRequired: boolean;
  readonly loanerDueAt: Date | null;
  readonly loanerDeliveredAt: Date | null;
  readonly expiredAt: Date | null;
}

export interface LoanFact {
  readonly dueBackAt: Date | null;
  readonly returnedAt: Date | null;
}

export interface RmaFigures {
  readonly rmas: number;
  readonly restored: number;
  readonly turnaroundAverageWorkingDays: number | null;
  readonly turnaroundP90WorkingDays: number | null;
  readonly turnaroundMaxWorkingDays: number | null;
  readonly loanerRequired: number;
  readonly loanerKept: number;
  readonly loanerLate: number;
  readonly loanerBreached: number;
  readonly loanerPending: number;
  /** Kept of the decided ones (kept + late + breached). */
  readonly loanerCompliancePercent: number | null;
  readonly secondFailureReplacements: number;
  readonly expired: number;
  readonly loans: number;
  /** Returned after their due-back date, or still out past it. */
  readonly loansLate: number;
}

export const SECOND_FAILURE_REASON = 'SECOND_QUALIFYING_FAILURE_IN_WARRANTY';

const known = (d: Date | null, asOf: Date): Date | null => (d && d <= asOf ? d : null);

export function loanerOutcome(f: RmaFact, asOf: Date): LoanerCompliance {
  return loanerCompliance({
    required: f.loanerRequired,
    dueAt: f.loanerDueAt,
    deliveredAt: known(f.loanerDeliveredAt, asOf),
    serviceRestoredAt: known(f.serviceRestoredAt, asOf),
    now: asOf,
  });
}

export function isSecondFailure(f: Pick<RmaFact, 'disposition' | 'dispositionReason'>): boolean {
  return f.disposition === 'REPLACE_WITH_NEW' && f.dispositionReason === SECOND_FAILURE_REASON;
}

export function rmaFigures(rmas: readonly RmaFact[], loans: readonly LoanFact[], asOf: Date): RmaFigures {
  const turnaround = rmas.flatMap((r) => (r.turnaroundWorkingDays === null ? [] : [r.turnaroundWorkingDays]));
  const outcomes = rmas.map((r) => loanerOutcome(r, asOf));
  const count = (o: LoanerCompliance) => outcomes.filter((x) => x === o).length;
  const kept = count('KEPT');
  const late = count('LATE');
  const breached = count('BREACHED');
  const average = mean(turnaround);
  return {
    rmas: rmas.length,
    restored: turnaround.length,
    turnaroundAverageWorkingDays: average === null ? null : round(average, 2),
    turnaroundP90WorkingDays: p90(turnaround),
    turnaroundMaxWorkingDays: turnaround.length ? Math.max(...turnaround) : null,
    loanerRequired: rmas.filter((r) => r.loanerRequired).length,
    loanerKept: kept,
    loanerLate: late,
    loanerBreached: breached,
    loanerPending: count('PENDING'),
    loanerCompliancePercent: percent(kept, kept + late + breached),
    secondFailureReplacements: rmas.filter(isSecondFailure).length,
    expired: rmas.filter((r) => known(r.expiredAt, asOf) !== null).length,
    loans: loans.length,
    loansLate: loans.filter((l) => {
      if (!l.dueBackAt) return false;
      const back = known(l.returnedAt, asOf);
      return back ? back > l.dueBackAt : l.dueBackAt < asOf;
    }).length,
  };
}

/** Working days strictly after the day the unit went out, up to and including the day it was back (site calendar). */
export function workingDaysBetween(calendar: WorkingCalendar, from: Date, to: Date, timeZone: string): number {
  return countWorkingDaysAfter(calendar, civilDateOf(from, timeZone), civilDateOf(to, timeZone)).days;
}
