/**
 * Whether the loaner promise was kept. The pure loaner rule (loaner-rule.ts)
 * says when a repair exceeds its threshold (local midnight starting working day
 * N+1). The loaner is due by the end of that working day: the hub learns of the
 * breach at that midnight at the latest (earlier when the repair is projected to
 * overrun), and the depot gets that one day to deliver.
 */
import { DateTime } from 'luxon';
import { DEFAULT_SITE_TIME_ZONE } from './loaner-rule';

export const LOANER_COMPLIANCE = ['NOT_REQUIRED', 'PENDING', 'KEPT', 'LATE', 'BREACHED'] as const;
export type LoanerCompliance = (typeof LOANER_COMPLIANCE)[number];

export function loanerDueAt(deadline: Date, timeZone: string = DEFAULT_SITE_TIME_ZONE): Date {
  return DateTime.fromJSDate(deadline, { zone: timeZone }).plus({ days: 1 }).startOf('day').toJSDate();
}

export interface LoanerComplianceInput {
  readonly required: boolean;
  readonly dueAt: Date | null;
  readonly deliveredAt: Date | null;
  /** The customer had a working unit again (own unit back, replacement, advance replacement). */
  readonly serviceRestoredAt: Date | null;
  readonly now: Date;
}

/**
 * NOT_REQUIRED: the repair never exceeded the threshold.
 * KEPT: a loaner was delivered by the due time, or the customer's service was
 *   restored by then so none was needed any more.
 * LATE: a loaner arrived, after the due time.
 * PENDING: required, nothing delivered yet, still within the due time.
 * BREACHED: due time passed with neither a loaner nor the unit back.
 */
export function loanerCompliance(input: LoanerComplianceInput): LoanerCompliance {
  if (!input.required) return 'NOT_REQUIRED';
  const due = input.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
  if (input.deliveredAt) return input.deliveredAt.getTime() <= due ? 'KEPT' : 'LATE';
  if (input.serviceRestoredAt && input.serviceRestoredAt.getTime() <= due) return 'KEPT';
  if (input.serviceRestoredAt) return 'BREACHED';
  return input.now.getTime() <= due ? 'PENDING' : 'BREACHED';
}

/** The repair promise is broken right now: open, past the loaner deadline, and the customer still without a working unit. */
export function repairOverdue(input: {
  readonly closed: boolean;
  readonly serviceRestoredAt: Date | null;
  readonly loanerDeadline: Date | null;
  readonly now: Date;
}): boolean {
  return !input.closed && !input.serviceRestoredAt && !!input.loanerDeadline && input.loanerDeadline.getTime() <= input.now.getTime();
}
