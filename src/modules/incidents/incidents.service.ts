import { In, Not } from 'typeorm';
import { actorLabel, schedulerActor } from '../../platform/auth/actor';
import type { Principal } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { AppError, badInput, conflict, ErrorCode, notFound } from '../../platform/errors';
import { Connection, paginate } from '../../platform/graphql/connection';
import type { Hub } from '../../platform/hub';
import type { EventEnvelope } from '../../platform/kafka/event-bus';
import type { JobContext } from '../../platform/scheduler/scheduler';
import { CalendarService } from '../calendar/calendar.service';
import type { WorkingCalendar } from '../calendar/rules/working-calendar';
import { ServiceContract } from '../contracts/contract.entity';
import { ContractsService, coverageLabel } from '../contracts/contracts.service';
import { Device, DistanceClass, Site } from '../customers/customer.entity';
import { addCoveredMs, coveredBudgetMs, nextCoveredInstant } from './rules/business-time';
import type { Coverage } from './rules/coverage';
import { applyEscalation, decideEscalation, MANAGEMENT_LEVELS, SupportTier } from './rules/escalation';
import { CLOCK_KINDS, ClockKind, ClockStatus } from './rules/sla-clock';
import { parseSlaDurationOrThrow } from './rules/sla-duration';
import { allowedTransitions, assertTransition, isTerminal, TransitionError } from './rules/state-machine';
import {
  EmergencyReport,
  Incident,
  IncidentDiagnosis,
  IncidentEscalation,
  IncidentEvent,
} from './incident.entity';
import {
  EscalationKind,
  EscalationTrigger,
  IncidentChannel,
  IncidentEventType,
  IncidentStatus,
  IncidentUpdateKind,
  ManagementLevel,
  Severity,
} from './incident.enums';
import {
  applyClockEffects,
  formatMs,
  planTimers,
  rebaselineClocks,
  SlaContext,
  startClocks,
  status,
  StoredClock,
  summarize,
  Target,
  timerKey,
} from './incident-sla';
import {
  ALL_INCIDENTS,
  escalatedEvent,
  INCIDENT_UPDATED,
  IncidentSnapshot,
  IncidentUpdatePayload,
  slaBreachedEvent,
} from './incidents.events';
import type { DiagnosisInput, EmergencyReportInput, IncidentFilter, ReportIncidentInput } from './incidents.inputs';
import { groupByKey } from '../../platform/graphql/batch';

export const CLOCK_TIMER = 'incident.clock';
export const PROGRESS_TIMER = 'incident.progress';

const CLOCK_LABEL: Record<ClockKind, string> = { RESPONSE: 'Response', ON_SITE: 'On-site', RESTORE: 'Restore' };
/** Status in which an emergency no longer needs hourly updates: the service is back (or the case is over). */
const EMERGENCY_OVER: readonly IncidentStatus[] = [IncidentStatus.RESTORED, IncidentStatus.CLOSED, IncidentStatus.CANCELLED];
/** Clients' clocks drift; a fault "occurring" slightly in the future is tolerated, one an hour ahead is a bug. */
const OCCURRED_AT_SKEW_MS = 5 * 60_000;

export interface SlaDeadlineView {
  clock: ClockKind;
  target: string;
  budgetMs: number;
  startsAt: Date;
  dueAt: Date;
  calendarIncomplete: boolean;
}

export interface SlaPreviewResult {
  contractId: string;
  severity: Severity;
  at: Date;
  timeZone: string;
  calendarRegion: string;
  distanceClass: DistanceClass;
  coverage: string;
  response: SlaDeadlineView;
  onSite: SlaDeadlineView | null;
  restore: SlaDeadlineView;
  calendarIncomplete: boolean;
}

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
class IncidentWork {
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

/** Reacts to an incident's new timeline entries inside the transaction that wrote them (notifications, day-based steps). */
export type IncidentChangeListener = (tx: Tx, incident: Incident, events: readonly IncidentEvent[]) => Promise<void>;
/** A contract's response target (ISO-8601) for a reporting channel, or null: the severity's applies. */
export type ChannelResponseTarget = (tx: Tx, contractId: string, channel: IncidentChannel) => Promise<string | null>;

export class IncidentsService {
  private readonly changeListeners: IncidentChangeListener[] = [];
  private channelResponseTarget: ChannelResponseTarget | null = null;

  constructor(private readonly hub: Hub) {}

  /** Other modules hook in here instead of being called from this one (no import cycle). */
  onChange(listener: IncidentChangeListener): void {
    this.changeListeners.push(listener);
  }

  /** The contacts module's escalation plan supplies per-channel response targets (no import cycle). */
  setChannelResponseTarget(lookup: ChannelResponseTarget): void {
    this.channelResponseTarget = lookup;
  }

  private get contracts(): ContractsService {
    return this.hub.get(ContractsService);
  }
  private get calendars(): CalendarService {
    return this.hub.get(CalendarService);
  }

  // ===========================================================================
  // Queries
  // ===========================================================================

  /** Not found and not visible look the same to a tenant. */
  async get(principal: Principal, id: string): Promise<Incident> {
    const incident = await this.hub.db.manager.findOneBy(Incident, { id });
    if (!incident || !canSee(principal, Incident, incident)) throw notFound('Incident', id);
    return incident;
  }

  list(
    principal: Principal,
    filter: IncidentFilter | undefined,
    page: { first?: number | null; after?: string | null },
  ): Promise<Connection<Incident>> {
    const qb = scopeQuery(this.hub.db.manager.createQueryBuilder(Incident, 'i'), principal, Incident);
    const f = filter ?? {};
    if (f.status?.length) qb.andWhere('i.status IN (:...status)', { status: f.status });
    if (f.severity?.length) qb.andWhere('i.severity IN (:...severity)', { severity: f.severity });
    if (f.customerId) qb.andWhere('i.customerId = :customerId', { customerId: f.customerId });
    if (f.siteId) qb.andWhere('i.siteId = :siteId', { siteId: f.siteId });
    if (f.deviceId) qb.andWhere('i.deviceId = :deviceId', { deviceId: f.deviceId });
    // A running clock past its due time is breached even before its timer has fired (within the poll interval).
    const now = new Date();
    if (f.breached === true) qb.andWhere('(i.breached = 1 OR i.nextDueAt < :now)', { now });
    if (f.breached === false) qb.andWhere('i.breached = 0 AND (i.nextDueAt IS NULL OR i.nextDueAt >= :now)', { now });
    if (f.dueBefore) qb.andWhere('i.nextDueAt < :dueBefore', { dueBefore: f.dueBefore });
    return paginate(qb, page, { sortColumn: 'reportedAt', descending: true, maxPageSize: this.hub.config.graphql.maxPageSize });
  }

  /** A device's service history, newest first, for many devices in one statement (the principal's incidents only). */
  async historyForDevices(principal: Principal, deviceIds: readonly string[]): Promise<Incident[][]> {
    const rows = await scopeQuery(this.hub.db.manager.createQueryBuilder(Incident, 'i'), principal, Incident)
      .andWhere('i.deviceId IN (:...deviceIds)', { deviceIds: [...deviceIds] })
      .orderBy('i.reportedAt', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .getMany();
    return groupByKey(deviceIds, rows, (r) => r.deviceId);
  }

  async eventsFor(incidentIds: readonly string[]): Promise<IncidentEvent[][]> {
    const rows = await this.hub.db.manager.find(IncidentEvent, { where: { incidentId: In([...incidentIds]) }, order: { seq: 'ASC' } });
    return groupByKey(incidentIds, rows, (r) => r.incidentId);
  }

  async escalationsFor(incidentIds: readonly string[]): Promise<IncidentEscalation[][]> {
    const rows = await this.hub.db.manager.find(IncidentEscalation, {
      where: { incidentId: In([...incidentIds]) },
      order: { seq: 'ASC' },
    });
    return groupByKey(incidentIds, rows, (r) => r.incidentId);
  }

  async diagnosesFor(incidentIds: readonly string[]): Promise<Array<IncidentDiagnosis | null>> {
    const rows = await this.hub.db.manager.findBy(IncidentDiagnosis, { incidentId: In([...incidentIds]) });
    return incidentIds.map((id) => rows.find((r) => r.incidentId === id) ?? null);
  }

  async emergencyReportsFor(incidentIds: readonly string[]): Promise<Array<EmergencyReport | null>> {
    const rows = await this.hub.db.manager.findBy(EmergencyReport, { incidentId: In([...incidentIds]) });
    return incidentIds.map((id) => rows.find((r) => r.incidentId === id) ?? null);
  }

  /** Clock statuses as of `now`, for display. */
  clockStatuses(incident: Incident, calendar: WorkingCalendar, contract: ServiceContract | null, now = new Date()) {
    const ctx: SlaContext = { coverage: incident.coverage, calendar, policy: this.contracts.policy(contract) };
    return CLOCK_KINDS.flatMap((kind) => {
      const stored = incident.clocks[kind];
      return stored ? [{ stored, status: status(stored, now, ctx) }] : [];
    });
  }

  /** The deadlines an incident reported at `at` would get under a contract (and at a site). */
  async slaPreview(principal: Principal, contractId: string, severity: Severity, at: Date, siteId?: string | null): Promise<SlaPreviewResult> {
    const contract = await this.contracts.get(principal, contractId);
    let site: Site | null = null;
    if (siteId) {
      site = await this.hub.db.manager.findOneBy(Site, { id: siteId });
      if (!site || !canSee(principal, Site, site)) throw notFound('Site', siteId);
      if (contract.customerId && contract.customerId !== site.customerId)
        throw badInput(`Contract ${contract.code} is not available at this site`, { field: 'siteId' });
    }
    const timeZone = site?.timeZone ?? contract.timeZone;
    const distanceClass = site?.distanceClass ?? DistanceClass.URBAN;
    const calendarRegion = this.contracts.calendarRegion(contract, site?.calendarRegion ?? null);
    const coverage = this.contracts.coverage(contract, timeZone);
    const calendar = await this.calendars.calendar(calendarRegion);
    const targets = this.contracts.targets(contract, severity, distanceClass);
    const start = nextCoveredInstant(at, coverage, calendar);
    const deadline = (clock: ClockKind): SlaDeadlineView | null => {
      const t = targets[clock];
      if (!t) return null;
      const budgetMs = coveredBudgetMs(t, coverage);
      const due = addCoveredMs(at, budgetMs, coverage, calendar);
      return {
        clock,
        target: t.iso,
        budgetMs,
        startsAt: start.at,
        dueAt: due.due,
        calendarIncomplete: due.calendarIncomplete || start.calendarIncomplete,
      };
    };
    const response = deadline('RESPONSE')!;
    const onSite = deadline('ON_SITE');
    const restore = deadline('RESTORE')!;
    return {
      contractId: contract.id,
      severity,
      at,
      timeZone,
      calendarRegion,
      distanceClass,
      coverage: coverageLabel(contract.coverage),
      response,
      onSite,
      restore,
      calendarIncomplete: [response, onSite, restore].some((d) => d?.calendarIncomplete),
    };
  }

  // ===========================================================================
  // Commands
  // ===========================================================================

  /**
   * Opens an incident with its clocks running. With an externalRef the call
   * is idempotent per customer: a retry returns the incident the first call
   * created, also when retries race (the unique index decides, the losers
   * read the winner's row).
   */
  async report(principal: Principal, input: ReportIncidentInput): Promise<Incident> {
    if (!input.deviceSerial && !input.siteId) throw badInput('Give the device serial or the site of the fault', { field: 'deviceSerial' });
    if (input.occurredAt && input.occurredAt.getTime() > Date.now() + OCCURRED_AT_SKEW_MS)
      throw badInput('occurredAt is in the future', { field: 'occurredAt' });
    const externalRef = input.externalRef?.trim() || null;
    let customerId: string | null = null;
    try {
      return await this.hub.db.transaction(async (tx) => {
        const now = new Date();
        let device: Device | null = null;
        if (input.deviceSerial) {
          device = await tx.em.findOneBy(Device, { serialNumber: input.deviceSerial });
          if (!device || !canSee(principal, Device, device)) throw notFound('Device', input.deviceSerial);
          if (!device.active) throw badInput(`Device ${device.serialNumber} is decommissioned`, { field: 'deviceSerial' });
          if (input.siteId && input.siteId !== device.siteId)
            throw badInput(`Device ${device.serialNumber} is not at site ${input.siteId}`, { field: 'siteId' });
        }
        const siteId = device?.siteId ?? input.siteId!;
        const site = await tx.em.findOneBy(Site, { id: siteId });
        if (!site || !canSee(principal, Site, site)) throw notFound('Site', siteId);
        customerId = site.customerId;
        if (externalRef) {
          const existing = await tx.em.findOneBy(Incident, { customerId, externalRef });
          if (existing) return existing;
        }
        const resolved = await this.contracts.resolve(tx.em, customerId, device, now);
        if (!resolved)
          throw badInput(`No service contract covers ${device ? `device ${device.serialNumber}` : `site ${site.name}`}`, {
            reason: 'NO_CONTRACT',
            field: input.deviceSerial ? 'deviceSerial' : 'siteId',
          });
        const { contract } = resolved;
        const coverage = this.contracts.coverage(contract, site.timeZone);
        const calendarRegion = this.contracts.calendarRegion(contract, site.calendarRegion);
        const calendar = await this.calendars.calendarInTx(calendarRegion, tx.em);
        const channelResponse = (await this.channelResponseTarget?.(tx, contract.id, input.channel)) ?? null;
        const targets = this.targetsFor(contract, input.severity, site.distanceClass, coverage, channelResponse);
        const incident = Object.assign(new Incident(), {
          id: newId(),
          customerId,
          siteId: site.id,
          deviceId: device?.id ?? null,
          contractId: contract.id,
          assignedCentreId: null,
          supportTier: 1,
          managementLevel: ManagementLevel.ENGINEER,
          severity: input.severity,
          status: IncidentStatus.NEW,
          channel: input.channel,
          summary: input.summary.trim(),
          description: input.description ?? null,
          externalRef,
          emergencyKind: input.emergency ?? null,
          emergencyActive: false,
          emergencyActivatedAt: null,
          nextProgressDueAt: null,
          lastProgressAt: null,
          occurredAt: input.occurredAt ?? null,
          reportedAt: now,
          reportedBy: principal.name,
          coverage,
          calendarRegion,
          distanceClass: site.distanceClass,
          clocks: startClocks(targets, now),
          jobKeys: [],
          nextDueAt: null,
          breached: false,
          calendarIncomplete: false,
          acknowledgedAt: null,
          restoredAt: null,
          closedAt: null,
          closedBy: null,
          closureConsentRef: null,
          satisfaction: null,
          customerComment: null,
          eventSeq: 0,
          updatedAt: now,
        });
        const ctx: SlaContext = { coverage, calendar, policy: this.contracts.policy(contract) };
        const w = new IncidentWork(incident, true, now, principal.name, ctx, contract, null);
        w.channelResponse = channelResponse;
        const message = `${input.severity} reported via ${input.channel}: ${incident.summary}`;
        w.event(IncidentEventType.REPORTED, message, {
          toStatus: IncidentStatus.NEW,
          details: {
            contract: contract.code,
            contractReason: resolved.reason,
            targets: Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, t?.iso])),
            calendarRegion,
            distanceClass: site.distanceClass,
          },
        });
        w.update(IncidentUpdateKind.REPORTED, message);
        await this.flush(tx, w);
        return incident;
      });
    } catch (error) {
      if (externalRef && customerId && isUniqueViolation(error)) {
        const winner = await this.hub.db.manager.findOneBy(Incident, { customerId, externalRef });
        if (winner) return winner;
      }
      throw error;
    }
  }

  acknowledge(principal: Principal, id: string, note?: string | null): Promise<Incident> {
    return this.transition(principal, id, IncidentStatus.ACKNOWLEDGED, note);
  }

  /** Any move the state machine allows, except CLOSED: closing needs the customer's say (see the two closure commands). */
  transition(principal: Principal, id: string, to: IncidentStatus, note?: string | null): Promise<Incident> {
    return this.command(principal, id, (w) => this.moveTo(w, to, note ?? null));
  }

  /** The customer confirms the fix; only a key of that customer gets here (the incident is invisible to others). */
  confirmClosure(principal: Principal, id: string, satisfaction?: number | null, comment?: string | null): Promise<Incident> {
    assertRating(satisfaction);
    return this.command(principal, id, (w) => {
      this.moveTo(w, IncidentStatus.CLOSED, comment ?? null, { consent: true });
      Object.assign(w.incident, { satisfaction: satisfaction ?? null, customerComment: comment ?? null, closedBy: w.actor });
      w.event(IncidentEventType.CLOSURE_CONFIRMED, `Customer confirmed the restoration${satisfaction ? ` (satisfaction ${satisfaction}/5)` : ''}`, {
        details: { satisfaction: satisfaction ?? null, comment: comment ?? null },
      });
    });
  }

  /** An operator closes on the customer's consent given elsewhere (phone, e-mail), which must be referenced. */
  closeWithConsent(
    principal: Principal,
    id: string,
    consentReference: string,
    note?: string | null,
    satisfaction?: number | null,
  ): Promise<Incident> {
    const ref = consentReference?.trim();
    if (!ref) throw badInput('The customer consent must be referenced (call record, e-mail id, signed form)', { field: 'consentReference' });
    assertRating(satisfaction);
    return this.command(principal, id, (w) => {
      this.moveTo(w, IncidentStatus.CLOSED, note ?? `Closed on customer consent ${ref}`, { consent: true });
      Object.assign(w.incident, { closureConsentRef: ref, closedBy: w.actor, satisfaction: satisfaction ?? null });
    });
  }

  changeSeverity(principal: Principal, id: string, severity: Severity, reason: string): Promise<Incident> {
    if (!reason?.trim()) throw badInput('A reason is required', { field: 'reason' });
    return this.command(principal, id, (w) => {
      const inc = w.incident;
      if (isTerminal(inc.status)) throw badInput(`Incident is ${inc.status}`, { reason: 'INCIDENT_CLOSED' });
      if (inc.severity === severity) throw badInput(`Incident is already ${severity}`, { field: 'severity' });
      const from = inc.severity;
      this.applySeverity(w, severity);
      const message = `Severity ${from} → ${severity}: ${reason.trim()}`;
      w.event(IncidentEventType.SEVERITY_CHANGED, message, { details: { from, to: severity, reason: reason.trim() } });
      w.update(IncidentUpdateKind.SEVERITY_CHANGED, message);
    });
  }

  assign(principal: Principal, id: string, centreId: string | null | undefined, supportTier: number | null | undefined): Promise<Incident> {
    if (centreId === undefined && (supportTier === undefined || supportTier === null))
      throw badInput('Give a centre, a support tier or both', { field: 'centreId' });
    if (supportTier !== undefined && supportTier !== null && ![1, 2, 3].includes(supportTier))
      throw badInput('supportTier must be 1, 2 or 3', { field: 'supportTier' });
    return this.command(principal, id, (w) => {
      const inc = w.incident;
      if (isTerminal(inc.status)) throw badInput(`Incident is ${inc.status}`, { reason: 'INCIDENT_CLOSED' });
      if (centreId !== undefined) inc.assignedCentreId = centreId || null;
      if (supportTier) inc.supportTier = supportTier;
      const message = `Assigned to ${inc.assignedCentreId ?? 'no centre'}, support tier ${inc.supportTier}`;
      w.event(IncidentEventType.ASSIGNED, message, { details: { centreId: inc.assignedCentreId, supportTier: inc.supportTier } });
      w.update(IncidentUpdateKind.ASSIGNED, message);
    });
  }

  /** Replaces the diagnosis report (each revision is in the timeline). */
  recordDiagnosis(principal: Principal, id: string, input: DiagnosisInput): Promise<Incident> {
    return this.command(principal, id, async (w, tx) => {
      const inc = w.incident;
      if (inc.status === IncidentStatus.CANCELLED) throw badInput('Incident is cancelled', { reason: 'INCIDENT_CLOSED' });
      const existing = await tx.em.findOne(IncidentDiagnosis, { where: { incidentId: inc.id }, lock: this.hub.db.lockMode() });
      const row = Object.assign(existing ?? new IncidentDiagnosis(), {
        id: existing?.id ?? newId(),
        incidentId: inc.id,
        customerId: inc.customerId,
        findings: input.findings,
        cause: input.cause,
        actions: input.actions,
        partsUsed: input.partsUsed.map((p) => ({
          partNumber: p.partNumber,
          description: p.description ?? null,
          quantity: p.quantity,
          serialNumber: p.serialNumber ?? null,
        })),
        recordedBy: w.actor,
        recordedAt: w.now,
        revision: (existing?.revision ?? 0) + 1,
      });
      if (existing) await tx.em.update(IncidentDiagnosis, { id: row.id }, row);
      else await tx.em.insert(IncidentDiagnosis, row);
      const message = `Diagnosis recorded (revision ${row.revision}): ${input.cause}`;
      w.event(IncidentEventType.DIAGNOSIS_RECORDED, message, { details: { revision: row.revision, parts: row.partsUsed.length } });
      w.update(IncidentUpdateKind.DIAGNOSIS_RECORDED, message);
    });
  }

  /** A progress note; on an emergency it also satisfies the recurring progress deadline. */
  postProgress(principal: Principal, id: string, message: string): Promise<Incident> {
    if (!message?.trim()) throw badInput('The progress message is empty', { field: 'message' });
    return this.command(principal, id, (w) => {
      const inc = w.incident;
      if (isTerminal(inc.status)) throw badInput(`Incident is ${inc.status}`, { reason: 'INCIDENT_CLOSED' });
      inc.lastProgressAt = w.now;
      if (inc.emergencyActive) inc.nextProgressDueAt = new Date(w.now.getTime() + this.contracts.progressIntervalMs(w.contract));
      w.event(IncidentEventType.PROGRESS_POSTED, message.trim(), {
        details: inc.emergencyActive ? { nextProgressDueAt: inc.nextProgressDueAt?.toISOString() } : undefined,
      });
      w.update(IncidentUpdateKind.PROGRESS_POSTED, message.trim());
    });
  }

  /** The report an emergency ends with: accepted once service is restored (or closed); resubmitting revises it. */
  submitEmergencyReport(principal: Principal, id: string, input: EmergencyReportInput): Promise<EmergencyReport> {
    let saved: EmergencyReport | null = null;
    return this.command(principal, id, async (w, tx) => {
      const inc = w.incident;
      if (!inc.emergencyActivatedAt) throw badInput('This incident never ran the emergency plan', { reason: 'NOT_AN_EMERGENCY' });
      if (inc.status !== IncidentStatus.RESTORED && inc.status !== IncidentStatus.CLOSED)
        throw new AppError(ErrorCode.INVALID_TRANSITION, 'The emergency report is written once service is restored', {
          from: inc.status,
          allowed: [IncidentStatus.RESTORED, IncidentStatus.CLOSED],
          reason: 'EMERGENCY_NOT_OVER',
        });
      const existing = await tx.em.findOne(EmergencyReport, { where: { incidentId: inc.id }, lock: this.hub.db.lockMode() });
      saved = Object.assign(existing ?? new EmergencyReport(), {
        id: existing?.id ?? newId(),
        incidentId: inc.id,
        customerId: inc.customerId,
        ...input,
        submittedBy: w.actor,
        submittedAt: w.now,
      });
      if (existing) await tx.em.update(EmergencyReport, { id: saved.id }, saved);
      else await tx.em.insert(EmergencyReport, saved);
      const message = `Emergency report ${existing ? 'revised' : 'submitted'}: ${input.summary}`;
      w.event(IncidentEventType.EMERGENCY_REPORT_SUBMITTED, message);
      w.update(IncidentUpdateKind.EMERGENCY_REPORT_SUBMITTED, message);
    }).then(() => saved!);
  }

  // ===========================================================================
  // Timers (scheduler handlers): run inside the transaction that marks the job done
  // ===========================================================================

  async onClockTimer({ job, tx, firedAt }: JobContext): Promise<void> {
    const { incidentId, clock, phase } = job.payload as { incidentId: string; clock: ClockKind; phase: 'WARN' | 'BREACH' };
    // Evaluated just past the planned instant: a timer that fires exactly on time must see the clock crossed.
    const now = new Date(Math.max(firedAt.getTime(), job.dueAt.getTime() + 1));
    await this.system(tx, incidentId, 'sla-timer', now, job.jobKey, (w) => {
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
    await this.system(tx, incidentId, 'sla-timer', now, job.jobKey, (w) => {
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
        this.recordEscalation(w, EscalationKind.RAISE_MANAGEMENT_LEVEL, EscalationTrigger.PROGRESS_OVERDUE, null, inc.managementLevel, to,
          `emergency progress update missed: notify ${to} (was ${inc.managementLevel})`);
        inc.managementLevel = to as ManagementLevel;
      }
      // Recurring: the next update is due one interval after the missed one, not after the escalation.
      const interval = this.contracts.progressIntervalMs(w.contract);
      const next = dueAt.getTime() + interval;
      inc.nextProgressDueAt = new Date(next > now.getTime() ? next : now.getTime() + interval);
    });
  }

  /**
   * Day-based step (escalation-steps module): one management level up because
   * the incident is still unresolved. Returns the level reached, or null when
   * nothing moved (resolved, closed, already at the top).
   */
  async stepUpUnresolved(tx: Tx, incidentId: string, now: Date, firingKey: string, period: string): Promise<ManagementLevel | null> {
    let reached: ManagementLevel | null = null;
    await this.system(tx, incidentId, actorLabel(schedulerActor('escalation-step')), now, firingKey, (w) => {
      const inc = w.incident;
      if (isTerminal(inc.status) || inc.status === IncidentStatus.RESTORED) return;
      const to = MANAGEMENT_LEVELS[MANAGEMENT_LEVELS.indexOf(inc.managementLevel) + 1];
      if (!to) return;
      this.recordEscalation(w, EscalationKind.RAISE_MANAGEMENT_LEVEL, EscalationTrigger.UNRESOLVED_PERIOD, null, inc.managementLevel, to,
        `unresolved after another ${period}: notify ${to} (was ${inc.managementLevel})`);
      inc.managementLevel = to as ManagementLevel;
      reached = inc.managementLevel;
    });
    return reached;
  }

  // ===========================================================================
  // Reactions to other modules' changes (run in their transaction)
  // ===========================================================================

  /** Holidays changed: deadlines of open business-hours incidents in the region move. */
  async onCalendarChanged(tx: Tx, region: string): Promise<void> {
    const open = await tx.em.find(Incident, {
      where: { calendarRegion: region, status: Not(In([IncidentStatus.CLOSED, IncidentStatus.CANCELLED])) },
      select: { id: true, coverage: true },
    });
    const affected = open.filter((i) => i.coverage.kind !== '24x7');
    if (affected.length === 0) return;
    const calendar = await this.calendars.calendar(region, tx.em);
    for (const { id } of affected) await this.system(tx, id, 'calendar', new Date(), null, () => undefined, calendar);
  }

  /** New contract targets: open incidents re-baseline at their current severity, keeping used time and pauses. */
  async onContractChanged(tx: Tx, contract: ServiceContract): Promise<void> {
    const open = await tx.em.find(Incident, {
      where: { contractId: contract.id, status: Not(In([IncidentStatus.CLOSED, IncidentStatus.CANCELLED])) },
      select: { id: true },
    });
    for (const { id } of open) {
      await this.system(tx, id, 'contract', new Date(), null, (w) => {
        this.applySeverity(w, w.incident.severity);
        const message = `Targets re-baselined: contract ${contract.code} changed (version ${contract.version})`;
        w.event(IncidentEventType.TARGETS_CHANGED, message, { details: { contract: contract.code, version: contract.version } });
        w.update(IncidentUpdateKind.TARGETS_CHANGED, message);
      });
    }
  }

  // ===========================================================================
  // Internals
  // ===========================================================================

  private targetsFor(
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

  private async command(
    principal: Principal,
    id: string,
    work: (w: IncidentWork, tx: Tx) => void | Promise<void>,
  ): Promise<Incident> {
    return this.hub.db.transaction(async (tx) => {
      const incident = await tx.em.findOne(Incident, { where: { id }, lock: this.hub.db.lockMode() });
      if (!incident || !canSee(principal, Incident, incident)) throw notFound('Incident', id);
      const w = await this.work(tx, incident, new Date(), principal.name, null);
      await work(w, tx);
      await this.flush(tx, w);
      return incident;
    });
  }

  private async system(
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

  private async work(
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

  private moveTo(w: IncidentWork, to: IncidentStatus, note: string | null, options: { consent?: boolean } = {}): void {
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

  private applySeverity(w: IncidentWork, severity: Severity): void {
    const inc = w.incident;
    const targets = this.targetsFor(w.contract, severity, inc.distanceClass, inc.coverage, w.channelResponse);
    const r = rebaselineClocks(inc.clocks, targets, inc.reportedAt, w.now, w.ctx);
    if (!r.ok) throw conflict(`SLA clock refused the change: ${r.error.code}`, { reason: r.error.code });
    inc.clocks = r.value;
    inc.severity = severity;
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
    w.event(IncidentEventType.CLOCK_BREACHED, message, { clock: stored.kind, details: { dueAt: st.dueAt.toISOString(), usedMs: st.usedMs } });
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
    if (after.severity !== before.severity) this.applySeverity(w, after.severity as Severity);
    for (const step of steps) {
      this.recordEscalation(w, step.kind as EscalationKind, EscalationTrigger.CLOCK_BREACH, stored.kind, String(step.from), String(step.to), step.reason);
    }
  }

  private recordEscalation(
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
  private async flush(tx: Tx, w: IncidentWork): Promise<void> {
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
    // Listeners see the entries before the insert, which may rewrite the objects it is given.
    if (w.events.length > 0) for (const listener of this.changeListeners) await listener(tx, inc, w.events);
    if (w.events.length > 0) await tx.em.insert(IncidentEvent, w.events);
    if (w.escalations.length > 0) await tx.em.insert(IncidentEscalation, w.escalations);
    if (w.outbound.length > 0) {
      for (const e of w.outbound) {
        const p = e.payload as Record<string, unknown>;
        if ('managementLevel' in p) Object.assign(p, { severity: inc.severity, managementLevel: inc.managementLevel, supportTier: inc.supportTier });
      }
      await this.hub.outbox.enqueue(tx, this.hub.config.kafka.topics.hubEvents, w.outbound);
    }
    if (w.updates.length > 0) {
      const snapshot = snapshotOf(inc);
      const at = w.now.toISOString();
      tx.afterCommit(() => {
        for (const u of w.updates) {
          const payload: IncidentUpdatePayload = { kind: u.kind, message: u.message, at, clock: u.clock, incident: snapshot };
          this.hub.pubsub.publishToEach(INCIDENT_UPDATED, [ALL_INCIDENTS, inc.customerId], payload);
        }
      });
    }
  }
}

function transitionError(e: TransitionError): AppError {
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

function assertRating(satisfaction: number | null | undefined): void {
  if (satisfaction !== undefined && satisfaction !== null && !(Number.isInteger(satisfaction) && satisfaction >= 1 && satisfaction <= 5))
    throw badInput('satisfaction must be 1 to 5', { field: 'satisfaction' });
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

const DATE_FIELDS = [
  'emergencyActivatedAt',
  'nextProgressDueAt',
  'lastProgressAt',
  'occurredAt',
  'reportedAt',
  'nextDueAt',
  'acknowledgedAt',
  'restoredAt',
  'closedAt',
  'updatedAt',
] as const;

export function snapshotOf(incident: Incident): IncidentSnapshot {
  const out: Record<string, unknown> = { ...incident };
  for (const f of DATE_FIELDS) out[f] = incident[f] ? (incident[f] as Date).toISOString() : null;
  return JSON.parse(JSON.stringify(out)) as IncidentSnapshot;
}

export function incidentFromSnapshot(snapshot: IncidentSnapshot): Incident {
  const out = Object.assign(new Incident(), snapshot) as unknown as Record<string, unknown>;
  for (const f of DATE_FIELDS) out[f] = snapshot[f] ? new Date(snapshot[f] as string) : null;
  return out as unknown as Incident;
}
