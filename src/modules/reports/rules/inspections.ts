/**
 * Inspections planned vs done vs reported on time. A visit is on time when it
 * is made by the end of its due day; a report when it is submitted within the
 * deadline after the visit. Outcomes not decided by asOf are pending, those
 * whose deadline passed by then are late (they can only stay late).
 */
import { deadlineStatus } from '../../inspections/rules/deadline';
import { percent } from './stats';

export interface InspectionFact {
  readonly status: string;
  readonly kind: string;
  readonly createdAt: Date;
  readonly visitDueAt: Date;
  readonly visitedAt: Date | null;
  readonly reportDueAt: Date | null;
  readonly reportSubmittedAt: Date | null;
  readonly cancelledAt: Date | null;
}

export interface InspectionFigures {
  readonly planned: number;
  readonly preHoliday: number;
  readonly cancelled: number;
  readonly visited: number;
  readonly visitedOnTime: number;
  readonly visitLate: number;
  readonly visitPending: number;
  readonly visitOnTimePercent: number | null;
  readonly reported: number;
  readonly reportedOnTime: number;
  readonly reportLate: number;
  readonly reportPending: number;
  readonly reportOnTimePercent: number | null;
}

export function inspectionFigures(all: readonly InspectionFact[], asOf: Date): InspectionFigures {
  const cancelled = all.filter((i) => i.cancelledAt && i.cancelledAt <= asOf);
  const planned = all.filter((i) => !cancelled.includes(i));
  const visits = planned.map((i) => deadlineStatus({ startedAt: i.createdAt, dueAt: i.visitDueAt, stoppedAt: i.visitedAt }, asOf).outcome);
  const visited = planned.filter((i) => i.visitedAt && i.visitedAt <= asOf);
  const reports = visited.map(
    (i) => deadlineStatus({ startedAt: i.visitedAt!, dueAt: i.reportDueAt ?? i.visitedAt!, stoppedAt: i.reportSubmittedAt }, asOf).outcome,
  );
  const n = (xs: string[], o: string) => xs.filter((x) => x === o).length;
  const visitedOnTime = n(visits, 'MET');
  const visitLate = n(visits, 'BREACHED');
  const reportedOnTime = n(reports, 'MET');
  const reportLate = n(reports, 'BREACHED');
  return {
    planned: planned.length,
    preHoliday: planned.filter((i) => i.kind === 'PRE_HOLIDAY').length,
    cancelled: cancelled.length,
    visited: visited.length,
    visitedOnTime,
    visitLate,
    visitPending: n(visits, 'RUNNING'),
    visitOnTimePercent: percent(visitedOnTime, visitedOnTime + visitLate),
    reported: visited.filter((i) => i.reportSubmittedAt && i.reportSubmittedAt <= asOf).length,
    reportedOnTime,
    reportLate,
    reportPending: n(reports, 'RUNNING'),
    reportOnTimePercent: percent(reportedOnTime, reportedOnTime + reportLate),
  };
}
