import type { Tx } from '../../platform/db/database';
import { newId } from '../../platform/db/columns';
import { UnitOfWork } from '../../platform/db/unit-of-work';
import { AppError, conflict, ErrorCode } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import type { EventEnvelope } from '../../platform/kafka/event-bus';
import { CalendarService } from '../calendar/calendar.service';
import type { WorkingCalendar } from '../calendar/rules/working-calendar';
import type { ServiceContract } from '../contracts/contract.entity';
import { ContractsService } from '../contracts/contracts.service';
import type { DistanceClass } from '../customers/customer.entity';
import { coveredBudgetMs } from '../sla/rules/business-time';
import type { Coverage } from '../sla/rules/coverage';
import { CLOCK_KINDS, type ClockKind } from '../sla/rules/sla-clock';
import { parseSlaDurationOrThrow } from '../sla/rules/sla-duration';
import { Severity } from '../sla/sla.enums';
import { Incident, IncidentEscalation, IncidentEvent } from './incident.entity';
import {
  EscalationKind,
  EscalationTrigger,
  IncidentChannel,
  IncidentEventType,
  IncidentStatus,
  IncidentUpdateKind,
} from './incident.enums';
import { applyClockEffects, planTimers, rebaselineClocks, summarize, timerKey, type SlaContext, type Target } from './incident-sla';
import { snapshotOf } from './incident.snapshots';
import { ALL_INCIDENTS, escalatedEvent, INCIDENT_UPDATED, type IncidentUpdatePayload } from './incidents.events';
import { allowedTransitions, assertTransition, isTerminal, type TransitionError } from './rules/state-machine';

export const CLOCK_TIMER = 'incident.clock';
export const PROGRESS_TIMER = 'incident.progress';

/** Status in which an emergency no longer needs hourly updates: the service is back (or the case is over). */
const EMERGENCY_OVER: readonly IncidentStatus[] = [IncidentStatus.RESTORED, IncidentStatus.CLOSED, IncidentStatus.CANCELLED];

interface PendingUpdate {
  kind: IncidentUpdateKind;
  message: string;
  clock: ClockKind | null;
}

/**
 * Everything one command or one timer does to one incident, collected in
 * memory and written by IncidentsService.flush() in the command's
 * transaction: the row, timeline entries, escalation steps, outbound events
 * and, after commit, live updates.
 */
export class IncidentWork {
  readonly events: IncidentEvent[] = [];
  readonly escalations: IncidentEscalation[] = [];
  readonly updates: PendingUpdate[] = [];
  readonly outbound: EventEnvelope[] = [];
  /** The contract's response target for the incident's reporting channel, if it has one (replaces the severity's). */
  channelResponse: string | null = null;

  constructor(
    readonly incident: Incident,
    readonly isNew: boolean,
    readonly now: Date,
    readonly actor: string,
    readonly ctx: SlaContext,
    readonly contract: ServiceContract,
    /** The timer being handled, which the scheduler marks DONE after us. */
    readonly firingKey: string | null = null,
  ) {}

  event(
    type: IncidentEventType,
    message: string,
    extra: { fromStatus?: IncidentStatus; toStatus?: IncidentStatus; clock?: ClockKind; details?: Record<string, unknown> } = {},
  ): void {
    const inc = this.incident;
    inc.eventSeq += 1;
    this.events.push(
      Object.assign(new IncidentEvent(), {
        id: newId(),
        incidentId: inc.id,
        customerId: inc.customerId,
        seq: inc.eventSeq,
        at: this.now,
        type,
        actor: this.actor,
        fromStatus: extra.fromStatus ?? null,
        toStatus: extra.toStatus ?? null,
        clock: extra.clock ?? null,
        message: message.slice(0, 1000),
        details: extra.details ? JSON.stringify(extra.details) : null,
      }),
    );
  }

  update(kind: IncidentUpdateKind, message: string, clock: ClockKind | null = null): void {
    this.updates.push({ kind, message, clock });
  }
}

/**
 * How a change of an incident is made and written, shared by commands, timers and re-planning: load
 * the locked row into an IncidentWork, apply the common moves (status, severity, escalation steps,
 * the emergency plan), then `flush` the row, its timers and the unit of work.
 */
/** Reacts to an incident's new timeline entries inside the transaction that wrote them (notifications, day-based steps). */
export type IncidentChangeListener = (tx: Tx, incident: Incident, events: readonly IncidentEvent[]) => Promise<void>;
/** A contract's response target (ISO-8601) for a reporting channel, or null: the severity's applies. */
export type ChannelResponseTarget = (tx: Tx, contractId: string, channel: IncidentChannel) => Promise<string | null>;

export class IncidentChanges {
  constructor(private readonly hub: Hub) {}

  private readonly changeListeners: IncidentChangeListener[] = [];
  private channelResponseTarget: ChannelResponseTarget | null = null;

  /** Modules above incidents hook in here instead of being called from it (no import cycle). */
  onChange(listener: IncidentChangeListener): void {
    this.changeListeners.push(listener);
  }

  /** The contacts module's escalation plan supplies per-channel response targets. */
  setChannelResponseTarget(lookup: ChannelResponseTarget): void {
    this.channelResponseTarget = lookup;
  }

  channelResponseFor(tx: Tx, contractId: string, channel: IncidentChannel): Promise<string | null> {
    return this.channelResponseTarget ? this.channelResponseTarget(tx, contractId, channel) : Promise.resolve(null);
  }

  private get contracts(): ContractsService {
    return this.hub.get(ContractsService);
  }
  private get calendars(): CalendarService {
    return this.hub.get(CalendarService);
  }

  targetsFor(
    contract: ServiceContract,
    severity: Severity,
    distance: DistanceClass,
    coverage: Coverage,
    channelResponse: string | null = null,
  ): Partial<Record<ClockKind, Target>> {
    const targets = this.contracts.targets(contract, severity, distance);
    const out: Partial<Record<ClockKind, Target>> = {};
    for (const kind of CLOCK_KINDS) {
      const t = kind === 'RESPONSE' && channelResponse ? parseSlaDurationOrThrow(channelResponse) : targets[kind];
      if (t) out[kind] = { iso: t.iso, budgetMs: coveredBudgetMs(t, coverage) };
    }
    return out;
  }

  async system(
    tx: Tx,
    id: string,
    actor: string,
    now: Date,
    firingKey: string | null,
    work: (w: IncidentWork) => void,
    calendar?: WorkingCalendar,
  ): Promise<void> {
    const incident = await tx.em.findOne(Incident, { where: { id }, lock: this.hub.db.lockMode() });
    if (!incident) return;
    const w = await this.work(tx, incident, now, actor, firingKey, calendar);
    work(w);
    await this.flush(tx, w);
  }

  async work(
    tx: Tx,
    incident: Incident,
    now: Date,
    actor: string,
    firingKey: string | null,
    calendar?: WorkingCalendar,
  ): Promise<IncidentWork> {
    const contract = await this.contracts.find(tx.em, incident.contractId);
    const ctx: SlaContext = {
      coverage: incident.coverage,
      calendar: calendar ?? (await this.calendars.calendarInTx(incident.calendarRegion, tx.em)),
      policy: this.contracts.policy(contract),
    };
    const w = new IncidentWork(incident, false, now, actor, ctx, contract, firingKey);
    // Only a running response clock can be re-baselined: no lookup for the others.
    const response = incident.clocks.RESPONSE;
    if (this.channelResponseTarget && response && !response.stoppedAt && !response.cancelledAt)
      w.channelResponse = await this.channelResponseTarget(tx, contract.id, incident.channel);
    return w;
  }

  moveTo(w: IncidentWork, to: IncidentStatus, note: string | null, options: { consent?: boolean } = {}): void {
    const inc = w.incident;
    const from = inc.status;
    const r = assertTransition(from, to, { customerConsent: options.consent === true });
    if (!r.ok) throw transitionError(r.error);
    const clocks = applyClockEffects(inc.clocks, r.value.clockEffects, w.now);
    if (!clocks.ok) throw conflict(`SLA clock refused the change: ${clocks.error.code}`, { reason: clocks.error.code });
    inc.clocks = clocks.value;
    inc.status = to;
    if (to === IncidentStatus.ACKNOWLEDGED) inc.acknowledgedAt ??= w.now;
    if (to === IncidentStatus.RESTORED) inc.restoredAt = w.now;
    if (from === IncidentStatus.RESTORED && to === IncidentStatus.IN_PROGRESS) inc.restoredAt = null;
    if (to === IncidentStatus.CLOSED || to === IncidentStatus.CANCELLED) {
      inc.closedAt = w.now;
      inc.closedBy = w.actor;
    }
    const reopened = from === IncidentStatus.RESTORED && to === IncidentStatus.IN_PROGRESS;
    const message = `${from} → ${to}${reopened ? ' (reopened: restore clock resumes)' : ''}${note ? `: ${note}` : ''}`;
    w.event(IncidentEventType.STATUS_CHANGED, message, { fromStatus: from, toStatus: to, details: note ? { note } : undefined });
    w.update(IncidentUpdateKind.STATUS_CHANGED, message);
  }

  applySeverity(w: IncidentWork, severity: Severity): void {
    const inc = w.incident;
    const targets = this.targetsFor(w.contract, severity, inc.distanceClass, inc.coverage, w.channelResponse);
    const r = rebaselineClocks(inc.clocks, targets, inc.reportedAt, w.now, w.ctx);
    if (!r.ok) throw conflict(`SLA clock refused the change: ${r.error.code}`, { reason: r.error.code });
    inc.clocks = r.value;
    inc.severity = severity;
  }

  recordEscalation(
    w: IncidentWork,
    kind: EscalationKind,
    trigger: EscalationTrigger,
    clock: ClockKind | null,
    from: string,
    to: string,
    reason: string,
  ): void {
    const inc = w.incident;
    inc.eventSeq += 1;
    w.escalations.push(
      Object.assign(new IncidentEscalation(), {
        id: newId(),
        incidentId: inc.id,
        customerId: inc.customerId,
        seq: inc.eventSeq,
        at: w.now,
        kind,
        trigger,
        clock,
        fromValue: from,
        toValue: to,
        reason: reason.slice(0, 500),
        jobKey: w.firingKey,
      }),
    );
    const isSeverity = kind === EscalationKind.RAISE_SEVERITY;
    w.event(isSeverity ? IncidentEventType.SEVERITY_CHANGED : IncidentEventType.ESCALATED, reason, {
      clock: clock ?? undefined,
      details: { kind, trigger, from, to },
    });
    w.update(isSeverity ? IncidentUpdateKind.SEVERITY_CHANGED : IncidentUpdateKind.ESCALATED, reason, clock);
    // Levels after the step are filled in at flush time (later steps of the same breach may still change them).
    w.outbound.push(
      escalatedEvent({
        incidentId: inc.id,
        customerId: inc.customerId,
        assignedCentreId: inc.assignedCentreId,
        kind,
        trigger,
        clock,
        from,
        to,
        reason,
        at: w.now.toISOString(),
        severity: '',
        managementLevel: '',
        supportTier: 0,
      }),
    );
  }

  /** The emergency plan runs while a flagged incident is P1 and service is not yet restored. */
  private syncEmergency(w: IncidentWork): void {
    const inc = w.incident;
    const shouldRun = !!inc.emergencyKind && inc.severity === Severity.P1 && !EMERGENCY_OVER.includes(inc.status);
    if (shouldRun && !inc.emergencyActive) {
      inc.emergencyActive = true;
      inc.emergencyActivatedAt ??= w.now;
      inc.nextProgressDueAt = new Date(w.now.getTime() + this.contracts.progressIntervalMs(w.contract));
      const message = `Emergency plan active (${inc.emergencyKind}): progress updates due every ${w.contract.emergencyProgressInterval}, first by ${inc.nextProgressDueAt.toISOString()}`;
      w.event(IncidentEventType.EMERGENCY_ACTIVATED, message, { details: { interval: w.contract.emergencyProgressInterval } });
    } else if (!shouldRun && inc.emergencyActive) {
      inc.emergencyActive = false;
      inc.nextProgressDueAt = null;
    }
  }

  /** Writes one unit of work: row, timeline, escalations, timers, outbox; live updates after commit. */
  async flush(tx: Tx, w: IncidentWork): Promise<void> {
    const inc = w.incident;
    this.syncEmergency(w);
    const summary = summarize(inc.clocks, w.now, w.ctx);
    inc.breached = summary.breached;
    inc.nextDueAt = summary.nextDueAt;
    inc.calendarIncomplete = summary.calendarIncomplete;
    inc.updatedAt = w.now;

    const planned = new Map<string, { kind: string; dueAt: Date; payload: Record<string, unknown> }>();
    if (!isTerminal(inc.status)) {
      for (const t of planTimers(inc.clocks, w.now, w.ctx)) {
        let dueAt = t.dueAt;
        // The scheduler marks the firing job DONE after this handler: re-planning its exact key would be lost.
        if (timerKey(inc.id, `${t.clock}:${t.phase}`, dueAt) === w.firingKey) dueAt = new Date(dueAt.getTime() + 1);
        planned.set(timerKey(inc.id, `${t.clock}:${t.phase}`, dueAt), {
          kind: CLOCK_TIMER,
          dueAt,
          payload: { incidentId: inc.id, clock: t.clock, phase: t.phase },
        });
      }
      if (inc.emergencyActive && inc.nextProgressDueAt) {
        let dueAt = inc.nextProgressDueAt;
        if (timerKey(inc.id, 'PROGRESS', dueAt) === w.firingKey) dueAt = new Date(dueAt.getTime() + 1);
        planned.set(timerKey(inc.id, 'PROGRESS', dueAt), { kind: PROGRESS_TIMER, dueAt, payload: { incidentId: inc.id } });
      }
    }
    const previous = new Set(inc.jobKeys ?? []);
    if (w.firingKey) previous.delete(w.firingKey);
    for (const key of previous) if (!planned.has(key)) await this.hub.scheduler.cancel(tx, key);
    for (const [key, job] of planned) if (!previous.has(key)) await this.hub.scheduler.schedule(tx, { key, ...job });
    inc.jobKeys = [...planned.keys()];

    if (w.isNew) await tx.em.insert(Incident, inc);
    else {
      const { id, ...fields } = inc;
      await tx.em.update(Incident, { id }, fields);
    }
    // Listeners see the entries before they are written, in the same transaction.
    if (w.events.length > 0) for (const listener of this.changeListeners) await listener(tx, inc, w.events);
    const changes = new UnitOfWork(this.hub.outbox);
    for (const e of w.events) changes.timeline(IncidentEvent, e);
    for (const e of w.escalations) changes.timeline(IncidentEscalation, e);
    for (const e of w.outbound) {
      const p = e.payload as Record<string, unknown>;
      if ('managementLevel' in p)
        Object.assign(p, { severity: inc.severity, managementLevel: inc.managementLevel, supportTier: inc.supportTier });
    }
    changes.emit(this.hub.config.kafka.topics.hubEvents, ...w.outbound);
    if (w.updates.length > 0) {
      const snapshot = snapshotOf(inc);
      const at = w.now.toISOString();
      changes.afterCommit(() => {
        for (const u of w.updates) {
          const payload: IncidentUpdatePayload = { kind: u.kind, message: u.message, at, clock: u.clock, incident: snapshot };
          this.hub.pubsub.publishToEach(INCIDENT_UPDATED, [ALL_INCIDENTS, inc.customerId], payload);
        }
      });
    }
    await changes.record(tx);
  }
}

export function transitionError(e: TransitionError): AppError {
  if (e.code === 'INVALID_TRANSITION')
    return new AppError(ErrorCode.INVALID_TRANSITION, `An incident cannot move from ${e.from} to ${e.to}`, {
      from: e.from,
      to: e.to,
      allowed: e.allowed,
    });
  return new AppError(
    ErrorCode.INVALID_TRANSITION,
    "Only the customer's confirmation (confirmIncidentClosure) or an operator with the customer's recorded consent (closeIncidentWithConsent) closes an incident",
    { from: e.from, to: e.to, allowed: allowedTransitions(e.from).filter((s) => s !== 'CLOSED'), reason: 'CUSTOMER_CONSENT_REQUIRED' },
  );
}
