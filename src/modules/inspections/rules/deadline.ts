/**
 * A wall-clock deadline: started at some instant, due a fixed duration later,
 * stopped when the promised thing happens. Used for the inspection report
 * ("within 7 days of the visit") and the complaint clocks ("first reply within
 * 15 minutes"); both are promised in elapsed time, not business time, because
 * the complaint line and the report desk are staffed around the clock.
 *
 * Pure and derived from stored facts: give it `asOf` and it says what was true
 * then, so reports over a closed period never depend on when they run.
 */
import { DateTime } from 'luxon';
import { parseSlaDuration } from '../../sla/rules/sla-duration';

export type DeadlineOutcome = 'MET' | 'BREACHED' | 'RUNNING';

export interface DeadlineFacts {
  readonly startedAt: Date;
  readonly dueAt: Date;
  readonly stoppedAt: Date | null;
}

export interface DeadlineStatus {
  readonly outcome: DeadlineOutcome;
  /** Elapsed from start to the stop (or to asOf while running). */
  readonly elapsedMs: number;
  readonly remainingMs: number;
  readonly overdueMs: number;
}

/** Facts after `asOf` did not happen yet as far as this answer is concerned. */
export function deadlineStatus(facts: DeadlineFacts, asOf: Date): DeadlineStatus {
  const stop = facts.stoppedAt && facts.stoppedAt.getTime() <= asOf.getTime() ? facts.stoppedAt : null;
  const end = (stop ?? asOf).getTime();
  const due = facts.dueAt.getTime();
  const elapsedMs = Math.max(0, end - facts.startedAt.getTime());
  const outcome: DeadlineOutcome = stop ? (end <= due ? 'MET' : 'BREACHED') : end > due ? 'BREACHED' : 'RUNNING';
  return { outcome, elapsedMs, remainingMs: Math.max(0, due - end), overdueMs: Math.max(0, end - due) };
}

/** When the warning goes out: at `ratio` of the allowed time. */
export function warnAt(startedAt: Date, dueAt: Date, ratio: number): Date {
  return new Date(startedAt.getTime() + Math.ceil((dueAt.getTime() - startedAt.getTime()) * ratio));
}

/**
 * Milliseconds of an ISO-8601 duration in elapsed time (P1D = 24 h). Years,
 * months and weeks are refused like for SLA targets: a contract that says
 * "within a month" must say how many days.
 */
export function elapsedDurationMs(iso: string): number | null {
  const r = parseSlaDuration(iso);
  if (!r.ok) return null;
  const ms = Math.round(r.value.days * 86_400_000) + r.value.timeMs;
  return ms > 0 ? ms : null;
}

/** The instant a civil day ends in a zone (local midnight after it): "due by 30 Sep" means before 1 Oct 00:00 there. */
export function endOfCivilDay(isoDate: string, timeZone: string): Date {
  return DateTime.fromISO(isoDate, { zone: timeZone }).plus({ days: 1 }).startOf('day').toJSDate();
}

/** The civil date of an instant in a zone. */
export function civilDateOf(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate() as string;
}

export const MANAGEMENT_LADDER = ['ENGINEER', 'TEAM_LEAD', 'SERVICE_MANAGER', 'DIRECTOR'] as const;
export type ManagementRung = (typeof MANAGEMENT_LADDER)[number];

/** One step up, or null at the top: a breach tells the next level of management, once per clock. */
export function nextManagementLevel(level: string): ManagementRung | null {
  const i = MANAGEMENT_LADDER.indexOf(level as ManagementRung);
  return i >= 0 && i < MANAGEMENT_LADDER.length - 1 ? MANAGEMENT_LADDER[i + 1] : null;
}
