import { actorLabel, schedulerActor } from '../../platform/auth/actor';
import type { Tx } from '../../platform/db/database';
import type { Hub } from '../../platform/hub';
import type { JobContext } from '../../platform/scheduler/scheduler';
import { ContractsService } from '../contracts/contracts.service';
import { applyEscalation, decideEscalation, MANAGEMENT_LEVELS, type SupportTier } from '../sla/rules/escalation';
import type { ClockKind, ClockStatus } from '../sla/rules/sla-clock';
import { Severity } from '../sla/sla.enums';
import { IncidentChanges, IncidentWork } from './incident-changes';
import {
  EscalationKind,
  EscalationTrigger,
  IncidentEventType,
  IncidentStatus,
  IncidentUpdateKind,
  ManagementLevel,
} from './incident.enums';
import { formatMs, status, type StoredClock } from './incident-sla';
import { slaBreachedEvent } from './incidents.events';
import { isTerminal } from './rules/state-machine';

const CLOCK_LABEL: Record<ClockKind, string> = { RESPONSE: 'Response', ON_SITE: 'On-site', RESTORE: 'Restore' };

/** Scheduler handlers of the SLA clocks and emergency progress: run inside the transaction that marks the job done. */
export class IncidentTimers {
  constructor(private readonly hub: Hub) {}

  private get contracts(): ContractsService {
    return this.hub.get(ContractsService);
  }
  private get changes(): IncidentChanges {
    return this.hub.get(IncidentChanges);
  }

  async onClockTimer({ job, tx, firedAt }: JobContext): Promise<void> {
    const { incidentId, clock, phase } = job.payload as { incidentId: string; clock: ClockKind; phase: 'WARN' | 'BREACH' };
    // Evaluated just past the planned instant: a timer that fires exactly on time must see the clock crossed.
    const now = new Date(Math.max(firedAt.getTime(), job.dueAt.getTime() + 1));
    await this.changes.system(tx, incidentId, 'sla-timer', now, job.jobKey, (w) => {
      if (isTerminal(w.incident.status)) return;
      const stored = w.incident.clocks[clock];
      if (!stored) return;
      const st = status(stored, now, w.ctx);
      if (phase === 'WARN' && st.warning && stored.warnedBudgetMs !== stored.budgetMs) this.warn(w, stored, st);
      if (phase === 'BREACH' && st.breached && !stored.breachHandledAt) this.breach(w, stored, st);
    });
  }

  async onProgressTimer({ job, tx, firedAt }: JobContext): Promise<void> {
    const { incidentId } = job.payload as { incidentId: string };
    const now = new Date(Math.max(firedAt.getTime(), job.dueAt.getTime() + 1));
    await this.changes.system(tx, incidentId, 'sla-timer', now, job.jobKey, (w) => {
      const inc = w.incident;
      if (!inc.emergencyActive || !inc.nextProgressDueAt || inc.nextProgressDueAt > now) return;
      const dueAt = inc.nextProgressDueAt;
      const since = inc.lastProgressAt ?? inc.emergencyActivatedAt ?? inc.reportedAt;
      const message = `Emergency progress update overdue: due ${dueAt.toISOString()}, last one ${since.toISOString()}`;
      w.event(IncidentEventType.PROGRESS_OVERDUE, message, { details: { dueAt: dueAt.toISOString() } });
      w.update(IncidentUpdateKind.PROGRESS_OVERDUE, message);
      const i = MANAGEMENT_LEVELS.indexOf(inc.managementLevel);
      const to = MANAGEMENT_LEVELS[i + 1];
      if (to) {
        this.changes.recordEscalation(
          w,
          EscalationKind.RAISE_MANAGEMENT_LEVEL,
          EscalationTrigger.PROGRESS_OVERDUE,
          null,
          inc.managementLevel,
          to,
          `emergency progress update missed: notify ${to} (was ${inc.managementLevel})`,
        );
        inc.managementLevel = to as ManagementLevel;
      }
      // Recurring: the next update is due one interval after the missed one, not after the escalation.
      const interval = this.contracts.progressIntervalMs(w.contract);
      const next = dueAt.getTime() + interval;
      inc.nextProgressDueAt = new Date(next > now.getTime() ? next : now.getTime() + interval);
    });
  }

  /**
   * Day-based step (escalation-steps module): one management level up because the incident is still
   * unresolved. Returns the level reached, or null when nothing moved (resolved, closed, at the top).
   */
  async stepUpUnresolved(tx: Tx, incidentId: string, now: Date, firingKey: string, period: string): Promise<ManagementLevel | null> {
    let reached: ManagementLevel | null = null;
    await this.changes.system(tx, incidentId, actorLabel(schedulerActor('escalation-step')), now, firingKey, (w) => {
      const inc = w.incident;
      if (isTerminal(inc.status) || inc.status === IncidentStatus.RESTORED) return;
      const to = MANAGEMENT_LEVELS[MANAGEMENT_LEVELS.indexOf(inc.managementLevel) + 1];
      if (!to) return;
      this.changes.recordEscalation(
        w,
        EscalationKind.RAISE_MANAGEMENT_LEVEL,
        EscalationTrigger.UNRESOLVED_PERIOD,
        null,
        inc.managementLevel,
        to,
        `unresolved after another ${period}: notify ${to} (was ${inc.managementLevel})`,
      );
      inc.managementLevel = to as ManagementLevel;
      reached = inc.managementLevel;
    });
    return reached;
  }

  private warn(w: IncidentWork, stored: StoredClock, st: ClockStatus): void {
    const inc = w.incident;
    inc.clocks = { ...inc.clocks, [stored.kind]: { ...stored, warnedBudgetMs: stored.budgetMs } };
    const pct = Math.round((st.usedMs / Math.max(1, st.budgetMs)) * 100);
    const message = `${CLOCK_LABEL[stored.kind]} clock at ${pct}% of ${stored.target}: ${formatMs(st.remainingMs)} left, due ${st.dueAt.toISOString()}`;
    w.event(IncidentEventType.CLOCK_WARNING, message, {
      clock: stored.kind,
      details: { usedMs: st.usedMs, remainingMs: st.remainingMs, dueAt: st.dueAt.toISOString() },
    });
    w.update(IncidentUpdateKind.CLOCK_WARNING, message, stored.kind);
  }

  /** Records the breach once, then escalates as the contract's policy says. */
  private breach(w: IncidentWork, stored: StoredClock, st: ClockStatus): void {
    const inc = w.incident;
    const breachedAt = st.breachedAt ?? st.dueAt;
    inc.clocks = {
      ...inc.clocks,
      [stored.kind]: { ...stored, breachedAt: stored.breachedAt ?? breachedAt.toISOString(), breachHandledAt: w.now.toISOString() },
    };
    const message = `${CLOCK_LABEL[stored.kind]} deadline missed: due ${st.dueAt.toISOString()} (target ${stored.target})`;
    w.event(IncidentEventType.CLOCK_BREACHED, message, {
      clock: stored.kind,
      details: { dueAt: st.dueAt.toISOString(), usedMs: st.usedMs },
    });
    w.update(IncidentUpdateKind.CLOCK_BREACHED, message, stored.kind);
    w.outbound.push(
      slaBreachedEvent({
        incidentId: inc.id,
        customerId: inc.customerId,
        siteId: inc.siteId,
        deviceId: inc.deviceId,
        contractId: inc.contractId,
        severity: inc.severity,
        clock: stored.kind,
        target: stored.target,
        dueAt: st.dueAt.toISOString(),
        breachedAt: breachedAt.toISOString(),
      }),
    );
    const before = { severity: inc.severity, managementLevel: inc.managementLevel, supportTier: inc.supportTier as SupportTier };
    const steps = decideEscalation(before, stored.kind, w.ctx.policy);
    const after = applyEscalation(before, steps);
    inc.managementLevel = after.managementLevel as ManagementLevel;
    inc.supportTier = after.supportTier;
    if (after.severity !== before.severity) this.changes.applySeverity(w, after.severity as Severity);
    for (const step of steps) {
      this.changes.recordEscalation(
        w,
        step.kind as EscalationKind,
        EscalationTrigger.CLOCK_BREACH,
        stored.kind,
        String(step.from),
        String(step.to),
        step.reason,
      );
    }
  }
}
