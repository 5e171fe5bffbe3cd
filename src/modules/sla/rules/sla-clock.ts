/**
 * One SLA clock (response, on-site or restore) as an immutable value built
 * from events. All time accounting is in covered time (business-time.ts):
 * a pause during the night of a 5x8 plan saves nothing, a budget of P1D in a
 * 5x8 plan is 9 covered hours.
 *
 * Only raw facts are stored (start, pauses, stop, budget changes); due time
 * and usage are derived on demand, so a late-arriving holiday calendar or a
 * corrected coverage re-computes everything consistently.
 */
import { WorkingCalendar } from '../../calendar/rules/working-calendar';
import { addCoveredMs, coveredElapsed } from './business-time';
import { Coverage } from './coverage';
import { Result, err, ok } from './result';

export type ClockKind = 'RESPONSE' | 'ON_SITE' | 'RESTORE';
export const CLOCK_KINDS: readonly ClockKind[] = ['RESPONSE', 'ON_SITE', 'RESTORE'];

export type PauseReason = 'AWAITING_CUSTOMER' | 'REOPEN_GAP' | (string & {});

export interface PauseInterval {
  readonly from: Date;
  /** Absent while the pause is still open. */
  readonly to?: Date;
  readonly reason?: PauseReason;
}

export interface SlaClock {
  readonly kind: ClockKind;
  readonly startedAt: Date;
  /** Milliseconds of covered time allowed (see coveredBudgetMs()). */
  readonly budgetMs: number;
  readonly pauses: readonly PauseInterval[];
  /** Target reached (responded / on site / restored). */
  readonly stoppedAt?: Date;
  /** Incident cancelled: the clock is void from here on. */
  readonly cancelledAt?: Date;
  /** Last budget change; the deadline can never be earlier than this. */
  readonly rebaselinedAt?: Date;
  /** A breach under an earlier budget. Kept so a later, longer budget cannot erase a missed deadline that already escalated. */
  readonly breachedAt?: Date;
  /** Latest event time, to reject out-of-order events. */
  readonly lastEventAt: Date;
}

export type ClockError =
  | { readonly code: 'OUT_OF_ORDER'; readonly at: Date; readonly lastEventAt: Date }
  | { readonly code: 'CLOCK_STOPPED'; readonly kind: ClockKind }
  | { readonly code: 'CLOCK_NOT_STOPPED'; readonly kind: ClockKind }
  | { readonly code: 'CLOCK_CANCELLED'; readonly kind: ClockKind }
  | { readonly code: 'ALREADY_PAUSED'; readonly kind: ClockKind }
  | { readonly code: 'NOT_PAUSED'; readonly kind: ClockKind }
  | { readonly code: 'INVALID_BUDGET'; readonly budgetMs: number }
  | { readonly code: 'NOT_STARTED' };

export type ClockResult = Result<SlaClock, ClockError>;

export function startClock(kind: ClockKind, at: Date, budgetMs: number): ClockResult {
  if (!validBudget(budgetMs)) return err({ code: 'INVALID_BUDGET', budgetMs });
  return ok({ kind, startedAt: at, budgetMs, pauses: [], lastEventAt: at });
}

export function pauseClock(clock: SlaClock, at: Date, reason?: PauseReason): ClockResult {
  const e = guard(clock, at);
  if (e) return err(e);
  if (openPause(clock)) return err({ code: 'ALREADY_PAUSED', kind: clock.kind });
  return ok({ ...clock, pauses: [...clock.pauses, reason === undefined ? { from: at } : { from: at, reason }], lastEventAt: at });
}

export function resumeClock(clock: SlaClock, at: Date): ClockResult {
  const e = guard(clock, at);
  if (e) return err(e);
  if (!openPause(clock)) return err({ code: 'NOT_PAUSED', kind: clock.kind });
  return ok({ ...clock, pauses: closeOpenPause(clock.pauses, at), lastEventAt: at });
}

/** Target met. An open pause ends at the stop: nothing is counted after it anyway. */
export function stopClock(clock: SlaClock, at: Date): ClockResult {
  const e = guard(clock, at);
  if (e) return err(e);
  return ok({ ...clock, pauses: closeOpenPause(clock.pauses, at), stoppedAt: at, lastEventAt: at });
}

/**
 * A restored incident is reopened: the clock resumes with the usage it had at
 * the stop. The time it spent "restored" is recorded as a pause because the
 * provider could not have worked on a fault it had been told was fixed.
 */
export function reopenClock(clock: SlaClock, at: Date): ClockResult {
  if (clock.cancelledAt) return err({ code: 'CLOCK_CANCELLED', kind: clock.kind });
  if (!clock.stoppedAt) return err({ code: 'CLOCK_NOT_STOPPED', kind: clock.kind });
  if (at < clock.lastEventAt) return err({ code: 'OUT_OF_ORDER', at, lastEventAt: clock.lastEventAt });
  const { stoppedAt, ...rest } = clock;
  return ok({ ...rest, pauses: [...clock.pauses, { from: stoppedAt, to: at, reason: 'REOPEN_GAP' }], lastEventAt: at });
}

export function cancelClock(clock: SlaClock, at: Date): ClockResult {
  const e = guard(clock, at);
  if (e) return err(e);
  return ok({ ...clock, pauses: closeOpenPause(clock.pauses, at), cancelledAt: at, lastEventAt: at });
}

/**
 * Severity changed: new budget, usage so far is kept, pauses are kept. The
 * resulting deadline is `at + (newBudget - used)` in covered time; if the
 * usage already exceeds the new budget the clock is breached at `at` (not at
 * some past instant — the stricter target did not exist before). A breach
 * that had already happened under the old budget stays recorded.
 */
export function rebaselineClock(
  clock: SlaClock,
  newBudgetMs: number,
  at: Date,
  coverage: Coverage,
  calendar: WorkingCalendar,
): ClockResult {
  const e = guard(clock, at);
  if (e) return err(e);
  if (!validBudget(newBudgetMs)) return err({ code: 'INVALID_BUDGET', budgetMs: newBudgetMs });
  const before = clockStatus(clock, at, coverage, calendar);
  const breachedAt = clock.breachedAt ?? (before.breached ? before.breachedAt : undefined);
  const next: SlaClock = { ...clock, budgetMs: newBudgetMs, rebaselinedAt: at, lastEventAt: at };
  return ok(breachedAt ? { ...next, breachedAt } : next);
}

export type ClockEvent =
  | { readonly type: 'START'; readonly at: Date; readonly kind: ClockKind; readonly budgetMs: number }
  | { readonly type: 'PAUSE'; readonly at: Date; readonly reason?: PauseReason }
  | { readonly type: 'RESUME'; readonly at: Date }
  | { readonly type: 'STOP'; readonly at: Date }
  | { readonly type: 'REOPEN'; readonly at: Date }
  | { readonly type: 'CANCEL'; readonly at: Date }
  | { readonly type: 'REBASELINE'; readonly at: Date; readonly budgetMs: number };

/** Folds stored events (in order) into a clock; the first failing event aborts with its error. */
export function replayClock(events: readonly ClockEvent[], coverage: Coverage, calendar: WorkingCalendar): ClockResult {
  const [first, ...rest] = events;
  if (!first || first.type !== 'START') return err({ code: 'NOT_STARTED' });
  let r = startClock(first.kind, first.at, first.budgetMs);
  for (const ev of rest) {
    if (!r.ok) return r;
    r = applyClockEvent(r.value, ev, coverage, calendar);
  }
  return r;
}

export function applyClockEvent(clock: SlaClock, ev: ClockEvent, coverage: Coverage, calendar: WorkingCalendar): ClockResult {
  switch (ev.type) {
    case 'START':
      return err({ code: 'OUT_OF_ORDER', at: ev.at, lastEventAt: clock.lastEventAt });
    case 'PAUSE':
      return pauseClock(clock, ev.at, ev.reason);
    case 'RESUME':
      return resumeClock(clock, ev.at);
    case 'STOP':
      return stopClock(clock, ev.at);
    case 'REOPEN':
      return reopenClock(clock, ev.at);
    case 'CANCEL':
      return cancelClock(clock, ev.at);
    case 'REBASELINE':
      return rebaselineClock(clock, ev.budgetMs, ev.at, coverage, calendar);
  }
}

export interface ClockStatus {
  readonly kind: ClockKind;
  /** Deadline. While paused: the deadline if the clock resumed now. Once stopped: the deadline that was in force. */
  readonly dueAt: Date;
  readonly budgetMs: number;
  readonly usedMs: number;
  readonly remainingMs: number;
  readonly overdueMs: number;
  readonly breached: boolean;
  /** When the deadline was missed (set iff breached). */
  readonly breachedAt?: Date;
  /** Stopped within the target. */
  readonly met: boolean;
  readonly stopped: boolean;
  readonly cancelled: boolean;
  readonly paused: boolean;
  /** Usage reached the warn ratio on a clock that is still running and not yet breached. */
  readonly warning: boolean;
  readonly calendarIncomplete: boolean;
}

export interface ClockStatusOptions {
  /** Fraction of the budget at which `warning` turns on; default 0.75. */
  readonly warnAtRatio?: number;
}

export function clockStatus(
  clock: SlaClock,
  now: Date,
  coverage: Coverage,
  calendar: WorkingCalendar,
  options: ClockStatusOptions = {},
): ClockStatus {
  const warnAtRatio = options.warnAtRatio ?? 0.75;
  const endedAt = clock.stoppedAt ?? clock.cancelledAt;
  // Status "as of" the stop when stopped, so a met clock keeps reading as met forever.
  const evalMs = Math.max(clock.startedAt.getTime(), endedAt ? Math.min(now.getTime(), endedAt.getTime()) : now.getTime());
  const evalAt = new Date(evalMs);
  const active = activeIntervals(clock, evalMs);

  let incomplete = false;
  let used = 0;
  let crossing: Date | undefined;
  for (const [a, b] of active) {
    const seg = coveredElapsed(new Date(a), new Date(b), coverage, calendar);
    incomplete ||= seg.calendarIncomplete;
    if (crossing === undefined && used + seg.ms >= clock.budgetMs) {
      const c = addCoveredMs(new Date(a), clock.budgetMs - used, coverage, calendar);
      incomplete ||= c.calendarIncomplete;
      crossing = c.due;
    }
    used += seg.ms;
  }
  if (crossing === undefined) {
    // Not yet used up: project forward from the evaluation instant (running: now; paused: "if resumed now"; stopped: at the stop).
    const c = addCoveredMs(evalAt, clock.budgetMs - used, coverage, calendar);
    incomplete ||= c.calendarIncomplete;
    crossing = c.due;
  }
  const dueAt = clock.rebaselinedAt && clock.rebaselinedAt.getTime() > crossing.getTime() ? clock.rebaselinedAt : crossing;

  const pause = endedAt ? undefined : openPause(clock);
  const paused = pause !== undefined;
  const overBudget = used > clock.budgetMs;
  // Running past the deadline is a breach even if no covered time has passed
  // since (due Friday 17:30, now Saturday 10:00); a clock paused exactly at or
  // before its deadline is not.
  const runningUntil = pause ? Math.max(pause.from.getTime(), clock.startedAt.getTime()) : evalMs;
  const pastDue = runningUntil > dueAt.getTime();
  const breached = clock.breachedAt !== undefined || overBudget || pastDue;
  const breachedAt = breached ? (clock.breachedAt ?? dueAt) : undefined;
  const stopped = clock.stoppedAt !== undefined;
  const cancelled = clock.cancelledAt !== undefined;
  const ratio = clock.budgetMs === 0 ? 1 : used / clock.budgetMs;

  return {
    kind: clock.kind,
    dueAt,
    budgetMs: clock.budgetMs,
    usedMs: used,
    remainingMs: Math.max(0, clock.budgetMs - used),
    overdueMs: Math.max(0, used - clock.budgetMs),
    breached,
    ...(breachedAt ? { breachedAt } : {}),
    met: stopped && !breached,
    stopped,
    cancelled,
    paused,
    warning: !breached && !endedAt && ratio >= warnAtRatio,
    calendarIncomplete: incomplete,
  };
}

/** [start, end) intervals in which the clock was counting, up to `untilMs`, with overlapping pauses merged. */
function activeIntervals(clock: SlaClock, untilMs: number): [number, number][] {
  const start = clock.startedAt.getTime();
  if (untilMs <= start) return [];
  const pauses = clock.pauses
    .map((p) => [Math.max(start, p.from.getTime()), Math.min(untilMs, p.to ? p.to.getTime() : untilMs)] as [number, number])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  let cursor = start;
  for (const [a, b] of pauses) {
    if (a > cursor) out.push([cursor, a]);
    cursor = Math.max(cursor, b);
  }
  if (cursor < untilMs) out.push([cursor, untilMs]);
  return out;
}

function openPause(clock: SlaClock): PauseInterval | undefined {
  return clock.pauses.find((p) => p.to === undefined);
}

function closeOpenPause(pauses: readonly PauseInterval[], at: Date): PauseInterval[] {
  return pauses.map((p) => (p.to === undefined ? { ...p, to: at } : p));
}

function guard(clock: SlaClock, at: Date): ClockError | undefined {
  if (clock.cancelledAt) return { code: 'CLOCK_CANCELLED', kind: clock.kind };
  if (clock.stoppedAt) return { code: 'CLOCK_STOPPED', kind: clock.kind };
  if (at < clock.lastEventAt) return { code: 'OUT_OF_ORDER', at, lastEventAt: clock.lastEventAt };
  return undefined;
}

function validBudget(ms: number): boolean {
  return Number.isFinite(ms) && ms >= 0;
}
