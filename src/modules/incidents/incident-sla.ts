/**
 * The glue between an incident row and the pure SLA rules: the stored shape
 * of the three clocks, applying state-machine clock effects, re-baselining on
 * a severity or contract change, and which timers must exist. Pure: no
 * database, deterministic given `now`.
 */
import type { WorkingCalendar } from '../calendar/rules/working-calendar';
import { addCoveredMs } from '../sla/rules/business-time';
import type { Coverage } from '../sla/rules/coverage';
import type { EscalationPolicy } from '../sla/rules/escalation';
import {
  CLOCK_KINDS,
  ClockError,
  ClockKind,
  ClockStatus,
  SlaClock,
  cancelClock,
  clockStatus,
  pauseClock,
  rebaselineClock,
  reopenClock,
  resumeClock,
  startClock,
  stopClock,
} from '../sla/rules/sla-clock';
import type { ClockEffect } from './rules/state-machine';
import { err, ok, Result } from '../sla/rules/result';

/** JSON form of a SlaClock plus what the hub has already done about it. */
export interface StoredClock {
  readonly kind: ClockKind;
  /** ISO-8601 target the budget came from (for display). */
  readonly target: string;
  readonly startedAt: string;
  readonly budgetMs: number;
  readonly pauses: ReadonlyArray<{ readonly from: string; readonly to?: string; readonly reason?: string }>;
  readonly stoppedAt?: string;
  readonly cancelledAt?: string;
  readonly rebaselinedAt?: string;
  readonly breachedAt?: string;
  readonly lastEventAt: string;
  /** The warning for this budget went out (a new budget may warn again). */
  readonly warnedBudgetMs?: number;
  /** The breach was recorded and escalated; a clock escalates once. */
  readonly breachHandledAt?: string;
}

export type StoredClocks = Partial<Record<ClockKind, StoredClock>>;

export interface SlaContext {
  readonly coverage: Coverage;
  readonly calendar: WorkingCalendar;
  readonly policy: EscalationPolicy;
}

export interface Target {
  readonly iso: string;
  readonly budgetMs: number;
}

const iso = (d: Date | undefined) => d?.toISOString();

export function toSlaClock(s: StoredClock): SlaClock {
  return {
    kind: s.kind,
    startedAt: new Date(s.startedAt),
    budgetMs: s.budgetMs,
    pauses: s.pauses.map((p) => ({
      from: new Date(p.from),
      ...(p.to ? { to: new Date(p.to) } : {}),
      ...(p.reason ? { reason: p.reason } : {}),
    })),
    ...(s.stoppedAt ? { stoppedAt: new Date(s.stoppedAt) } : {}),
    ...(s.cancelledAt ? { cancelledAt: new Date(s.cancelledAt) } : {}),
    ...(s.rebaselinedAt ? { rebaselinedAt: new Date(s.rebaselinedAt) } : {}),
    ...(s.breachedAt ? { breachedAt: new Date(s.breachedAt) } : {}),
    lastEventAt: new Date(s.lastEventAt),
  };
}

export function fromSlaClock(c: SlaClock, keep: Pick<StoredClock, 'target' | 'warnedBudgetMs' | 'breachHandledAt'>): StoredClock {
  const out: Record<string, unknown> = {
    kind: c.kind,
    target: keep.target,
    startedAt: c.startedAt.toISOString(),
    budgetMs: c.budgetMs,
    pauses: c.pauses.map((p) => ({
      from: p.from.toISOString(),
      ...(p.to ? { to: p.to.toISOString() } : {}),
      ...(p.reason ? { reason: p.reason } : {}),
    })),
    stoppedAt: iso(c.stoppedAt),
    cancelledAt: iso(c.cancelledAt),
    rebaselinedAt: iso(c.rebaselinedAt),
    breachedAt: iso(c.breachedAt),
    lastEventAt: c.lastEventAt.toISOString(),
    warnedBudgetMs: keep.warnedBudgetMs,
    breachHandledAt: keep.breachHandledAt,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as unknown as StoredClock;
}

/** Events must not go back in time; two hub instances' clocks may differ by a few ms. */
function notBefore(s: StoredClock, at: Date): Date {
  const last = Date.parse(s.lastEventAt);
  return at.getTime() < last ? new Date(last) : at;
}

export function startClocks(targets: Partial<Record<ClockKind, Target>>, at: Date): StoredClocks {
  const out: StoredClocks = {};
  for (const kind of CLOCK_KINDS) {
    const t = targets[kind];
    if (!t) continue;
    const r = startClock(kind, at, t.budgetMs);
    if (!r.ok) throw new RangeError(`cannot start ${kind} clock: ${r.error.code}`);
    out[kind] = fromSlaClock(r.value, { target: t.iso });
  }
  return out;
}

export function status(s: StoredClock, now: Date, ctx: SlaContext): ClockStatus {
  return clockStatus(toSlaClock(s), now, ctx.coverage, ctx.calendar, { warnAtRatio: ctx.policy.warnAtRatio });
}

/**
 * Applies the clock effects of a legal transition. Effects are intents: a
 * STOP on a clock that already stopped, a RESUME on one that is not paused,
 * change nothing (state-machine.ts leaves that filtering to the caller).
 */
export function applyClockEffects(clocks: StoredClocks, effects: readonly ClockEffect[], at: Date): Result<StoredClocks, ClockError> {
  const out: StoredClocks = { ...clocks };
  for (const effect of effects) {
    const s = out[effect.clock];
    if (!s || s.cancelledAt) continue;
    const c = toSlaClock(s);
    const when = notBefore(s, at);
    const open = c.pauses.some((p) => !p.to);
    let r: Result<SlaClock, ClockError> | null = null;
    switch (effect.action) {
      case 'STOP':
        if (!c.stoppedAt) r = stopClock(c, when);
        break;
      case 'PAUSE':
        if (!c.stoppedAt && !open) r = pauseClock(c, when, 'AWAITING_CUSTOMER');
        break;
      case 'RESUME':
        if (!c.stoppedAt && open) r = resumeClock(c, when);
        break;
      case 'REOPEN':
        if (c.stoppedAt) r = reopenClock(c, when);
        break;
      case 'CANCEL':
        if (!c.stoppedAt) r = cancelClock(c, when);
        break;
    }
    if (!r) continue;
    if (!r.ok) return err(r.error);
    out[effect.clock] = fromSlaClock(r.value, s);
  }
  return ok(out);
}

/**
 * New budgets for the clocks still running (a severity change, new contract
 * targets). Used time and every pause are kept (rebaselineClock); clocks that
 * already stopped keep their outcome. A clock the new targets no longer have
 * (a remote-only severity) is cancelled; one they newly have starts as if it
 * had run since the report, so the new promise is not extended by the delay.
 */
export function rebaselineClocks(
  clocks: StoredClocks,
  targets: Partial<Record<ClockKind, Target>>,
  reportedAt: Date,
  at: Date,
  ctx: SlaContext,
): Result<StoredClocks, ClockError> {
  const out: StoredClocks = { ...clocks };
  for (const kind of CLOCK_KINDS) {
    const s = clocks[kind];
    const t = targets[kind];
    if (s && (s.stoppedAt || s.cancelledAt)) continue;
    if (s && t) {
      if (s.budgetMs === t.budgetMs && s.target === t.iso) continue;
      const r = rebaselineClock(toSlaClock(s), t.budgetMs, notBefore(s, at), ctx.coverage, ctx.calendar);
      if (!r.ok) return err(r.error);
      out[kind] = fromSlaClock(r.value, { ...s, target: t.iso });
    } else if (s && !t) {
      const r = cancelClock(toSlaClock(s), notBefore(s, at));
      if (!r.ok) return err(r.error);
      out[kind] = fromSlaClock(r.value, s);
    } else if (!s && t) {
      const r = startClock(kind, reportedAt, t.budgetMs);
      if (!r.ok) return err(r.error);
      out[kind] = { ...fromSlaClock(r.value, { target: t.iso }), lastEventAt: at.toISOString() };
    }
  }
  return ok(out);
}

export interface ClocksSummary {
  readonly breached: boolean;
  /** Earliest deadline among clocks that are counting now. */
  readonly nextDueAt: Date | null;
  readonly calendarIncomplete: boolean;
}

export function summarize(clocks: StoredClocks, now: Date, ctx: SlaContext): ClocksSummary {
  let breached = false;
  let nextDueAt: Date | null = null;
  let calendarIncomplete = false;
  for (const kind of CLOCK_KINDS) {
    const s = clocks[kind];
    if (!s) continue;
    const st = status(s, now, ctx);
    breached ||= st.breached;
    calendarIncomplete ||= st.calendarIncomplete;
    if (!st.stopped && !st.cancelled && !st.paused && (!nextDueAt || st.dueAt < nextDueAt)) nextDueAt = st.dueAt;
  }
  return { breached, nextDueAt, calendarIncomplete };
}

export type TimerPhase = 'WARN' | 'BREACH';

export interface PlannedTimer {
  readonly clock: ClockKind;
  readonly phase: TimerPhase;
  readonly dueAt: Date;
}

/**
 * Timers that must exist for the clocks as they are now: a warning at the
 * policy's share of the budget (once per budget) and the breach at the due
 * time, for clocks that are counting. A breach that happened but was not yet
 * escalated (the clock stopped late, or the hub was down) is due at once.
 */
export function planTimers(clocks: StoredClocks, now: Date, ctx: SlaContext): PlannedTimer[] {
  const out: PlannedTimer[] = [];
  for (const kind of CLOCK_KINDS) {
    const s = clocks[kind];
    if (!s || s.cancelledAt) continue;
    const st = status(s, now, ctx);
    if (st.breached) {
      // Keyed on the breach instant, which is stable: re-planning does not churn the job while it waits to fire.
      if (!s.breachHandledAt) out.push({ clock: kind, phase: 'BREACH', dueAt: st.breachedAt ?? now });
      continue;
    }
    if (st.stopped || st.paused) continue;
    if (s.warnedBudgetMs !== s.budgetMs) {
      const warnAtMs = Math.ceil(s.budgetMs * ctx.policy.warnAtRatio);
      const dueAt = st.usedMs >= warnAtMs ? now : addCoveredMs(now, warnAtMs - st.usedMs, ctx.coverage, ctx.calendar).due;
      if (dueAt < st.dueAt) out.push({ clock: kind, phase: 'WARN', dueAt });
    }
    out.push({ clock: kind, phase: 'BREACH', dueAt: st.dueAt });
  }
  return out;
}

/** Fixed-width keys: a key is never a prefix of another, so Scheduler.cancel(key) cancels exactly that job. */
export function timerKey(incidentId: string, what: string, dueAt: Date): string {
  return `incident:${incidentId}:${what}:${String(dueAt.getTime()).padStart(15, '0')}`;
}

export function formatMs(ms: number): string {
  const neg = ms < 0;
  let rest = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(rest / 86_400);
  rest -= d * 86_400;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const parts = [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', s || (!d && !h && !m) ? `${s}s` : ''].filter(Boolean);
  return `${neg ? '-' : ''}${parts.join(' ')}`;
}
