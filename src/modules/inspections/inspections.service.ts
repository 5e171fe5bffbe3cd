import { Between, In } from 'typeorm';
import { actorLabel, systemActor, type Actor } from '../../platform/auth/actor';
import type { Principal } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { UnitOfWork } from '../../platform/db/unit-of-work';
import { AppError, badInput, ErrorCode, notFound } from '../../platform/errors';
import { Connection, paginate } from '../../platform/graphql/connection';
import type { Hub } from '../../platform/hub';
import { EventEnvelope, makeEnvelope } from '../../platform/kafka/event-bus';
import type { JobContext } from '../../platform/scheduler/scheduler';
import { CalendarDay, CalendarDayKind } from '../calendar/calendar.entity';
import { CalendarService } from '../calendar/calendar.service';
import { epochDayOf, isoDateOfEpochDay } from '../calendar/rules/working-calendar';
import { ContractsService } from '../contracts/contracts.service';
import { Device, Site } from '../customers/customer.entity';
import { IncidentChannel, ManagementLevel } from '../incidents/incident.enums';
import { IncidentCommands } from '../incidents/incident.commands';
import { SupportCentre } from '../support-network/support-centre.entity';
import { SupportNetworkService } from '../support-network/support-network.service';
import { chooseCentre } from './rules/centre-choice';
import { civilDateOf, elapsedDurationMs, endOfCivilDay, nextManagementLevel, warnAt } from './rules/deadline';
import { periodStarts } from './rules/holiday-periods';
import { PlanRule, planInspections, validatePlanRule } from './rules/schedule';
import {
  Inspection,
  InspectionEvent,
  InspectionEventType,
  InspectionFrequency,
  InspectionItem,
  InspectionKind,
  InspectionPlan,
  InspectionStatus,
} from './inspection.entity';
import type {
  CreateInspectionPlanInput,
  InspectionFilter,
  InspectionReportInput,
  OpenInspectionIncidentInput,
  RecordInspectionVisitInput,
} from './inspections.inputs';
import { groupByKey } from '../../platform/graphql/batch';

export const GENERATE_JOB = 'inspections.generate';
export const VISIT_JOB = 'inspections.visit-due';
export const REPORT_JOB = 'inspections.report-clock';
export const INSPECTION_OVERDUE = 'InspectionOverdue';

/** Generation is idempotent, so running it daily costs little and picks up newly imported calendar years. */
const GENERATE_EVERY_MS = 24 * 3600 * 1000;
/** A client clock slightly ahead is tolerated for visitedAt; an hour ahead is a mistake. */
const FUTURE_SKEW_MS = 5 * 60_000;

/** Runs inside the transaction that stored the report, so a survey is issued exactly when the report is. */
export type InspectionReportedListener = (tx: Tx, inspection: Inspection) => Promise<void>;

const visitKey = (id: string) => `inspection:${id}:VISIT`;
const reportKey = (id: string, phase: 'WARN' | 'BREACH') => `inspection:${id}:REPORT:${phase}`;
const planJobKey = (planId: string) => `inspection-plan:${planId}:generate`;

/** What one command or timer did to one inspection, written together by flush(). */
class InspectionWork {
  readonly events: InspectionEvent[] = [];
  readonly outbound: EventEnvelope[] = [];
  constructor(
    readonly inspection: Inspection,
    readonly now: Date,
    readonly actor: string,
  ) {}

  event(type: InspectionEventType, message: string): void {
    const i = this.inspection;
    i.eventSeq += 1;
    this.events.push(
      Object.assign(new InspectionEvent(), {
        id: newId(),
        inspectionId: i.id,
        customerId: i.customerId,
        seq: i.eventSeq,
        at: this.now,
        type,
        actor: this.actor,
        message: message.slice(0, 1000),
      }),
    );
  }
}

export class InspectionsService {
  private readonly reportedListeners: InspectionReportedListener[] = [];

  constructor(private readonly hub: Hub) {}

  private get contracts() {
    return this.hub.get(ContractsService);
  }
  private get calendars() {
    return this.hub.get(CalendarService);
  }

  onReported(listener: InspectionReportedListener): void {
    this.reportedListeners.push(listener);
  }

  // ===========================================================================
  // Queries
  // ===========================================================================

  listPlans(principal: Principal, filter: { customerId?: string | null; contractId?: string | null }): Promise<InspectionPlan[]> {
    const qb = scopeQuery(this.hub.db.manager.createQueryBuilder(InspectionPlan, 'p'), principal, InspectionPlan);
    if (filter.customerId) qb.andWhere('p.customerId = :customerId', { customerId: filter.customerId });
    if (filter.contractId) qb.andWhere('p.contractId = :contractId', { contractId: filter.contractId });
    return qb.orderBy('p.createdAt', 'ASC').addOrderBy('p.id', 'ASC').getMany();
  }

  async getPlan(principal: Principal, id: string): Promise<InspectionPlan> {
    const plan = await this.hub.db.manager.findOneBy(InspectionPlan, { id });
    if (!plan || !canSee(principal, InspectionPlan, plan)) throw notFound('InspectionPlan', id);
    return plan;
  }

  async get(principal: Principal, id: string): Promise<Inspection> {
    const inspection = await this.hub.db.manager.findOneBy(Inspection, { id });
    if (!inspection || !canSee(principal, Inspection, inspection)) throw notFound('Inspection', id);
    return inspection;
  }

  list(
    principal: Principal,
    filter: InspectionFilter | undefined,
    page: { first?: number | null; after?: string | null },
  ): Promise<Connection<Inspection>> {
    const qb = scopeQuery(this.hub.db.manager.createQueryBuilder(Inspection, 'i'), principal, Inspection);
    const f = filter ?? {};
    for (const column of ['customerId', 'contractId', 'siteId', 'centreId', 'planId'] as const)
      if (f[column]) qb.andWhere(`i.${column} = :${column}`, { [column]: f[column] });
    if (f.status?.length) qb.andWhere('i.status IN (:...status)', { status: f.status });
    if (f.kind) qb.andWhere('i.kind = :kind', { kind: f.kind });
    if (f.from) qb.andWhere('i.scheduledDate >= :from', { from: f.from });
    if (f.to) qb.andWhere('i.scheduledDate <= :to', { to: f.to });
    if (f.overdue === true) qb.andWhere('(i.visitOverdueAt IS NOT NULL OR i.reportOverdueAt IS NOT NULL)');
    if (f.overdue === false) qb.andWhere('i.visitOverdueAt IS NULL AND i.reportOverdueAt IS NULL');
    return paginate(qb, page, { sortColumn: 'scheduledDate', maxPageSize: this.hub.config.graphql.maxPageSize });
  }

  async itemsFor(ids: readonly string[]): Promise<InspectionItem[][]> {
    const rows = await this.hub.db.manager.find(InspectionItem, { where: { inspectionId: In([...ids]) }, order: { serialNumber: 'ASC' } });
    return groupByKey(ids, rows, (r) => r.inspectionId);
  }

  async eventsFor(ids: readonly string[]): Promise<InspectionEvent[][]> {
    const rows = await this.hub.db.manager.find(InspectionEvent, { where: { inspectionId: In([...ids]) }, order: { seq: 'ASC' } });
    return groupByKey(ids, rows, (r) => r.inspectionId);
  }

  async plansByIds(ids: readonly string[]): Promise<Array<InspectionPlan | Error>> {
    const rows = await this.hub.db.manager.findBy(InspectionPlan, { id: In([...ids]) });
    return ids.map((id) => rows.find((r) => r.id === id) ?? notFound('InspectionPlan', id));
  }

  // ===========================================================================
  // Plans
  // ===========================================================================

  async createPlan(actor: Actor, input: CreateInspectionPlanInput): Promise<InspectionPlan> {
    const deadlineMs = elapsedDurationMs(input.reportDeadline);
    if (deadlineMs === null)
      throw badInput(`${input.reportDeadline} is not a usable ISO-8601 duration (days, hours, minutes, seconds; e.g. P7D)`, {
        field: 'reportDeadline',
      });
    if (input.frequency !== InspectionFrequency.TIMES_PER_YEAR && input.timesPerYear != null)
      throw badInput('timesPerYear is only for TIMES_PER_YEAR plans', { field: 'timesPerYear' });
    return this.hub.db.transaction(async (tx) => {
      const now = new Date();
      const contract = await this.contracts.find(tx.em, input.contractId);
      const site = await tx.em.findOneBy(Site, { id: input.siteId });
      if (!site) throw notFound('Site', input.siteId);
      if (contract.customerId && contract.customerId !== site.customerId)
        throw badInput(`Contract ${contract.code} belongs to another customer than the site`, { field: 'siteId' });
      if (input.centreId && !(await tx.em.findOneBy(SupportCentre, { id: input.centreId })))
        throw notFound('SupportCentre', input.centreId);
      const plan = Object.assign(new InspectionPlan(), {
        id: newId(),
        contractId: contract.id,
        customerId: site.customerId,
        siteId: site.id,
        centreId: input.centreId ?? null,
        frequency: input.frequency,
        timesPerYear: input.frequency === InspectionFrequency.TIMES_PER_YEAR ? (input.timesPerYear ?? null) : null,
        dayOfSlot: input.dayOfSlot,
        preHolidayPeriods: [...new Set(input.preHolidayPeriods)],
        leadWorkingDays: input.leadWorkingDays,
        reportDeadline: input.reportDeadline.trim(),
        startsOn: input.startsOn ?? civilDateOf(now, site.timeZone),
        endsOn: input.endsOn ?? null,
        horizonDays: input.horizonDays,
        active: true,
        generatedThrough: null,
        unplacedPeriods: [],
        createdBy: actorLabel(actor).slice(0, 120),
        createdAt: now,
        updatedAt: now,
      });
      const problems = validatePlanRule(ruleOf(plan));
      if (problems.length > 0) throw badInput(problems[0].message, { field: problems[0].field, problems });
      await tx.em.insert(InspectionPlan, plan);
      await this.generate(tx, plan, now);
      await this.hub.scheduler.schedule(tx, {
        kind: GENERATE_JOB,
        key: planJobKey(plan.id),
        dueAt: new Date(now.getTime() + GENERATE_EVERY_MS),
        payload: { planId: plan.id },
      });
      return plan;
    });
  }

  /** Stops the plan: no more generation, and visits not made yet are cancelled (their clocks with them). */
  async deactivatePlan(principal: Principal, id: string): Promise<InspectionPlan> {
    return this.hub.db.transaction(async (tx) => {
      const plan = await tx.em.findOne(InspectionPlan, { where: { id }, lock: this.hub.db.lockMode() });
      if (!plan || !canSee(principal, InspectionPlan, plan)) throw notFound('InspectionPlan', id);
      if (!plan.active) return plan;
      const now = new Date();
      plan.active = false;
      plan.updatedAt = now;
      await tx.em.update(InspectionPlan, { id }, { active: false, updatedAt: now });
      await this.hub.scheduler.cancel(tx, planJobKey(id));
      const pending = await tx.em.find(Inspection, {
        where: { planId: id, status: InspectionStatus.SCHEDULED },
        lock: this.hub.db.lockMode(),
      });
      for (const inspection of pending) {
        const w = new InspectionWork(inspection, now, principal.name);
        await this.cancelIn(tx, w, 'plan deactivated');
        await this.flush(tx, w);
      }
      return plan;
    });
  }

  /**
   * Creates the inspections the plan owes from today to the horizon, skipping
   * those that exist (the unique key per plan and slot makes a repeat or a
   * concurrent run harmless). Returns how many were created.
   */
  private async generate(tx: Tx, plan: InspectionPlan, now: Date): Promise<number> {
    const site = await tx.em.findOneBy(Site, { id: plan.siteId });
    if (!site) return 0;
    const contract = await this.contracts.find(tx.em, plan.contractId);
    const region = this.contracts.calendarRegion(contract, site.calendarRegion);
    const today = civilDateOf(now, site.timeZone);
    const from = today > plan.startsOn ? today : plan.startsOn;
    const to = isoDateOfEpochDay(epochDayOf(today) + plan.horizonDays);
    const calendar = await this.calendars.calendar(region, tx.em);
    const firstYear = Number(from.slice(0, 4));
    // The year after the window too: a New Year visit in late December belongs to next year's holiday.
    const years = Array.from({ length: Number(to.slice(0, 4)) + 1 - firstYear + 1 }, (_, i) => firstYear + i);
    const holidays = await tx.em.find(CalendarDay, {
      where: { region, kind: CalendarDayKind.HOLIDAY, date: Between(`${firstYear}-01-01`, `${years.at(-1)}-12-31`) },
      select: { date: true, kind: true, name: true },
    });
    const named = periodStarts(holidays, calendar.knownYears, years);
    const planned = from > to ? [] : planInspections(ruleOf(plan), calendar, named.starts, from, to);
    const existing = new Set(
      (await tx.em.find(Inspection, { where: { planId: plan.id }, select: { occurrenceKey: true } })).map((r) => r.occurrenceKey),
    );
    const fresh = planned.filter((p) => !existing.has(p.key));
    const centreId =
      plan.centreId ??
      (fresh.length > 0 ? (chooseCentre(await this.hub.get(SupportNetworkService).allCentres(tx.em), site.region)?.id ?? null) : null);
    for (const p of fresh) {
      const inspection = Object.assign(new Inspection(), {
        id: newId(),
        planId: plan.id,
        contractId: plan.contractId,
        customerId: plan.customerId,
        siteId: plan.siteId,
        centreId,
        kind: p.kind as InspectionKind,
        occurrenceKey: p.key,
        label: p.label,
        holidayPeriod: p.period,
        scheduledDate: p.scheduledDate,
        dueBy: p.dueBy,
        visitDueAt: endOfCivilDay(p.dueBy, site.timeZone),
        status: InspectionStatus.SCHEDULED,
        managementLevel: ManagementLevel.ENGINEER,
        visitedAt: null,
        engineer: null,
        visitOverdueAt: null,
        reportDeadline: plan.reportDeadline,
        reportDueAt: null,
        reportWarnedAt: null,
        reportOverdueAt: null,
        reportSubmittedAt: null,
        reportSubmittedBy: null,
        reportSummary: null,
        reportRecommendations: null,
        cancelledAt: null,
        cancelReason: null,
        eventSeq: 0,
        createdAt: now,
        updatedAt: now,
      });
      await tx.em.insert(Inspection, inspection);
      await this.hub.scheduler.schedule(tx, {
        kind: VISIT_JOB,
        key: visitKey(inspection.id),
        dueAt: inspection.visitDueAt,
        payload: { inspectionId: inspection.id },
      });
    }
    const unplaced = named.missing.filter((m) => plan.preHolidayPeriods.includes(m.period as never)).map((m) => `${m.period}:${m.year}`);
    Object.assign(plan, { generatedThrough: to, unplacedPeriods: unplaced, updatedAt: now });
    await tx.em.update(InspectionPlan, { id: plan.id }, { generatedThrough: to, unplacedPeriods: unplaced as never, updatedAt: now });
    return fresh.length;
  }

  // ===========================================================================
  // Visits and reports
  // ===========================================================================

  /** The visit with its per-device checklist. Recording again while the report is due amends the checklist. */
  recordVisit(principal: Principal, id: string, input: RecordInspectionVisitInput): Promise<Inspection> {
    const now = new Date();
    const visitedAt = input.visitedAt ?? now;
    if (visitedAt.getTime() > now.getTime() + FUTURE_SKEW_MS) throw badInput('visitedAt is in the future', { field: 'visitedAt' });
    const serials = input.checklist.map((c) => c.deviceSerial);
    const dup = serials.find((s, i) => serials.indexOf(s) !== i);
    if (dup) throw badInput(`${dup} is listed twice`, { field: 'checklist' });
    return this.command(principal, id, now, async (w, tx) => {
      const i = w.inspection;
      if (i.status !== InspectionStatus.SCHEDULED && i.status !== InspectionStatus.DONE)
        throw invalidTransition(i.status, InspectionStatus.DONE, 'The visit of a reported or cancelled inspection cannot be recorded');
      const devices = serials.length ? await tx.em.findBy(Device, { serialNumber: In(serials) }) : [];
      const existing = await tx.em.findBy(InspectionItem, { inspectionId: i.id });
      for (const check of input.checklist) {
        const device = devices.find((d) => d.serialNumber === check.deviceSerial);
        // Another customer's unit is reported as unknown, not confirmed.
        if (!device || device.customerId !== i.customerId) throw notFound('Device', check.deviceSerial);
        if (device.siteId !== i.siteId) throw badInput(`Device ${check.deviceSerial} is not at the inspected site`, { field: 'checklist' });
        const row = existing.find((e) => e.deviceId === device.id);
        const fields = {
          state: check.state,
          findings: check.findings,
          recommendedActions: check.recommendedActions ?? null,
          recordedAt: w.now,
          recordedBy: w.actor,
        };
        if (row) await tx.em.update(InspectionItem, { id: row.id }, fields);
        else
          await tx.em.insert(InspectionItem, {
            id: newId(),
            inspectionId: i.id,
            customerId: i.customerId,
            deviceId: device.id,
            serialNumber: device.serialNumber,
            incidentId: null,
            ...fields,
          });
      }
      const faulty = input.checklist.filter((c) => c.state !== 'OK' && c.state !== 'NOT_CHECKED').length;
      if (i.status === InspectionStatus.DONE) {
        w.event(InspectionEventType.CHECKLIST_AMENDED, `Checklist amended: ${input.checklist.length} device(s), ${faulty} with findings`);
        return;
      }
      const deadlineMs = elapsedDurationMs(i.reportDeadline) ?? 7 * 86_400_000;
      i.status = InspectionStatus.DONE;
      i.visitedAt = visitedAt;
      i.engineer = input.engineer.trim();
      i.reportDueAt = new Date(visitedAt.getTime() + deadlineMs);
      await this.hub.scheduler.cancel(tx, visitKey(i.id));
      w.event(
        InspectionEventType.VISITED,
        `Visited by ${i.engineer} on ${visitedAt.toISOString()}: ${input.checklist.length} device(s) checked, ${faulty} with findings; report due ${i.reportDueAt.toISOString()}`,
      );
      // The visit deadline may have passed while its timer waited for the poll.
      if (visitedAt > i.visitDueAt && !i.visitOverdueAt) await this.visitOverdue(tx, w);
      await this.planReportClock(tx, i, w.now);
    });
  }

  submitReport(principal: Principal, id: string, input: InspectionReportInput): Promise<Inspection> {
    return this.command(principal, id, new Date(), async (w, tx) => {
      const i = w.inspection;
      if (i.status !== InspectionStatus.DONE)
        throw invalidTransition(
          i.status,
          InspectionStatus.REPORTED,
          i.status === InspectionStatus.SCHEDULED
            ? 'Record the visit first'
            : 'The report was already submitted or the inspection cancelled',
        );
      // Same as the timer, in case the report arrives between the deadline and the timer firing.
      if (i.reportDueAt && w.now > i.reportDueAt && !i.reportOverdueAt) await this.reportOverdue(tx, w);
      i.status = InspectionStatus.REPORTED;
      i.reportSubmittedAt = w.now;
      i.reportSubmittedBy = w.actor;
      i.reportSummary = input.summary;
      i.reportRecommendations = input.recommendations ?? null;
      await this.hub.scheduler.cancel(tx, `inspection:${i.id}:REPORT`);
      const onTime = !i.reportDueAt || w.now <= i.reportDueAt;
      w.event(
        InspectionEventType.REPORT_SUBMITTED,
        `Report submitted ${onTime ? 'on time' : 'late'} (due ${i.reportDueAt?.toISOString()})`,
      );
      for (const listener of this.reportedListeners) await listener(tx, i);
    });
  }

  cancel(principal: Principal, id: string, reason: string): Promise<Inspection> {
    if (!reason?.trim()) throw badInput('A reason is required', { field: 'reason' });
    return this.command(principal, id, new Date(), async (w, tx) => {
      if (w.inspection.status !== InspectionStatus.SCHEDULED && w.inspection.status !== InspectionStatus.DONE)
        throw invalidTransition(w.inspection.status, InspectionStatus.CANCELLED, 'Only an inspection not yet reported can be cancelled');
      await this.cancelIn(tx, w, reason.trim());
    });
  }

  /**
   * Opens an incident for a finding, in the transaction that links it (a repeat finds the link). The
   * inspection's own authority: an engineer who may see the inspection (possibly a partner key) reports
   * on the inspected customer's device, so the incident is opened by the system on the inspection's behalf.
   */
  async openIncident(principal: Principal, input: OpenInspectionIncidentInput): Promise<InspectionItem> {
    const inspection = await this.get(principal, input.inspectionId);
    const item = await this.hub.db.manager.findOneBy(InspectionItem, { inspectionId: inspection.id, serialNumber: input.deviceSerial });
    if (!item) throw notFound('InspectionItem', `${inspection.id}/${input.deviceSerial}`);
    if (item.incidentId) return item;
    const summary = (input.summary ?? `Inspection ${inspection.label}: ${item.findings}`).replace(/\s+/g, ' ').trim().slice(0, 500);
    let incidentId: string | null = null;
    await this.command(principal, inspection.id, new Date(), async (w, tx) => {
      const locked = await tx.em.findOne(InspectionItem, { where: { id: item.id }, lock: this.hub.db.lockMode() });
      if (!locked) return;
      incidentId = locked.incidentId;
      if (incidentId) return;
      const incident = await this.hub.get(IncidentCommands).openIncident(tx, systemActor(`inspection, ${principal.name}`), {
        deviceSerial: item.serialNumber,
        severity: input.severity,
        summary,
        description: [item.findings, item.recommendedActions].filter(Boolean).join('\n\nRecommended: '),
        channel: IncidentChannel.API,
        externalRef: `inspection:${item.id}`,
      });
      incidentId = incident.id;
      await tx.em.update(InspectionItem, { id: item.id }, { incidentId: incident.id });
      w.event(InspectionEventType.INCIDENT_OPENED, `Incident ${incident.id} (${incident.severity}) opened for ${item.serialNumber}`);
    });
    return { ...item, incidentId };
  }

  // ===========================================================================
  // Timers
  // ===========================================================================

  async onGenerate({ job, tx, firedAt }: JobContext): Promise<void> {
    const { planId } = job.payload as { planId: string };
    const plan = await tx.em.findOne(InspectionPlan, { where: { id: planId }, lock: this.hub.db.lockMode() });
    if (!plan || !plan.active) return;
    await this.generate(tx, plan, firedAt);
    // Moving its own job keeps it pending (the scheduler only marks the job DONE at the time it fired for).
    await this.hub.scheduler.schedule(tx, {
      kind: GENERATE_JOB,
      key: job.jobKey,
      dueAt: new Date(firedAt.getTime() + GENERATE_EVERY_MS),
      payload: { planId },
    });
  }

  async onVisitDue({ job, tx, firedAt }: JobContext): Promise<void> {
    const { inspectionId } = job.payload as { inspectionId: string };
    await this.system(tx, inspectionId, firedAt, async (w) => {
      if (w.inspection.status === InspectionStatus.SCHEDULED && !w.inspection.visitOverdueAt) await this.visitOverdue(tx, w);
    });
  }

  async onReportClock({ job, tx, firedAt }: JobContext): Promise<void> {
    const { inspectionId, phase } = job.payload as { inspectionId: string; phase: 'WARN' | 'BREACH' };
    await this.system(tx, inspectionId, firedAt, async (w) => {
      const i = w.inspection;
      if (i.status !== InspectionStatus.DONE || !i.reportDueAt) return;
      if (phase === 'WARN' && !i.reportWarnedAt && !i.reportOverdueAt) {
        i.reportWarnedAt = w.now;
        w.event(InspectionEventType.REPORT_WARNING, `Inspection report due ${i.reportDueAt.toISOString()} and not submitted yet`);
      }
      if (phase === 'BREACH' && !i.reportOverdueAt) await this.reportOverdue(tx, w);
    });
  }

  // ===========================================================================
  // Internals
  // ===========================================================================

  private async planReportClock(tx: Tx, i: Inspection, now: Date): Promise<void> {
    const due = i.reportDueAt!;
    const contract = await this.contracts.find(tx.em, i.contractId);
    const warning = warnAt(i.visitedAt!, due, this.contracts.policy(contract).warnAtRatio);
    const at = (d: Date) => (d < now ? now : d);
    if (warning < due && due > now)
      await this.hub.scheduler.schedule(tx, {
        kind: REPORT_JOB,
        key: reportKey(i.id, 'WARN'),
        dueAt: at(warning),
        payload: { inspectionId: i.id, phase: 'WARN' },
      });
    // Strictly after the deadline: a report submitted at the very instant is on time.
    await this.hub.scheduler.schedule(tx, {
      kind: REPORT_JOB,
      key: reportKey(i.id, 'BREACH'),
      dueAt: at(new Date(due.getTime() + 1)),
      payload: { inspectionId: i.id, phase: 'BREACH' },
    });
  }

  private async visitOverdue(tx: Tx, w: InspectionWork): Promise<void> {
    const i = w.inspection;
    i.visitOverdueAt = i.visitDueAt;
    w.event(InspectionEventType.VISIT_OVERDUE, `Inspection ${i.label} not visited by ${i.dueBy} (planned ${i.scheduledDate})`);
    this.escalate(w, 'VISIT', i.visitDueAt);
    await this.hub.scheduler.cancel(tx, visitKey(i.id));
  }

  private async reportOverdue(_tx: Tx, w: InspectionWork): Promise<void> {
    const i = w.inspection;
    i.reportOverdueAt = i.reportDueAt;
    w.event(
      InspectionEventType.REPORT_OVERDUE,
      `Inspection report missed its deadline ${i.reportDueAt!.toISOString()} (${i.reportDeadline} after the visit)`,
    );
    this.escalate(w, 'REPORT', i.reportDueAt!);
  }

  /** Like the incident clocks: a missed deadline tells the next management level, and goes out as an event. */
  private escalate(w: InspectionWork, clock: 'VISIT' | 'REPORT', dueAt: Date): void {
    const i = w.inspection;
    const next = nextManagementLevel(i.managementLevel);
    if (next) {
      w.event(
        InspectionEventType.ESCALATED,
        `${clock === 'VISIT' ? 'Visit' : 'Report'} deadline missed: notify ${next} (was ${i.managementLevel})`,
      );
      i.managementLevel = next as ManagementLevel;
    }
    w.outbound.push(
      makeEnvelope({
        type: INSPECTION_OVERDUE,
        key: i.id,
        source: 'hub',
        payload: {
          inspectionId: i.id,
          customerId: i.customerId,
          siteId: i.siteId,
          centreId: i.centreId,
          contractId: i.contractId,
          label: i.label,
          clock,
          dueAt: dueAt.toISOString(),
          managementLevel: i.managementLevel,
        },
      }),
    );
  }

  private async cancelIn(tx: Tx, w: InspectionWork, reason: string): Promise<void> {
    const i = w.inspection;
    i.status = InspectionStatus.CANCELLED;
    i.cancelledAt = w.now;
    i.cancelReason = reason.slice(0, 500);
    await this.hub.scheduler.cancel(tx, `inspection:${i.id}:`);
    w.event(InspectionEventType.CANCELLED, `Cancelled: ${reason}`);
  }

  private command(principal: Principal, id: string, now: Date, work: (w: InspectionWork, tx: Tx) => Promise<void>): Promise<Inspection> {
    return this.hub.db.transaction(async (tx) => {
      const inspection = await tx.em.findOne(Inspection, { where: { id }, lock: this.hub.db.lockMode() });
      if (!inspection || !canSee(principal, Inspection, inspection)) throw notFound('Inspection', id);
      const w = new InspectionWork(inspection, now, principal.name);
      await work(w, tx);
      await this.flush(tx, w);
      return inspection;
    });
  }

  private async system(tx: Tx, id: string, now: Date, work: (w: InspectionWork) => Promise<void>): Promise<void> {
    const inspection = await tx.em.findOne(Inspection, { where: { id }, lock: this.hub.db.lockMode() });
    if (!inspection) return;
    const w = new InspectionWork(inspection, now, 'inspection-timer');
    await work(w);
    await this.flush(tx, w);
  }

  private async flush(tx: Tx, w: InspectionWork): Promise<void> {
    if (w.events.length === 0 && w.outbound.length === 0) return;
    const { id, ...fields } = w.inspection;
    fields.updatedAt = w.now;
    w.inspection.updatedAt = w.now;
    await tx.em.update(Inspection, { id }, fields);
    const changes = new UnitOfWork(this.hub.outbox);
    for (const e of w.events) changes.timeline(InspectionEvent, e);
    await changes.emit(this.hub.config.kafka.topics.hubEvents, ...w.outbound).record(tx);
  }
}

function ruleOf(plan: InspectionPlan): PlanRule {
  return {
    frequency: plan.frequency,
    timesPerYear: plan.timesPerYear,
    dayOfSlot: plan.dayOfSlot,
    preHolidayPeriods: plan.preHolidayPeriods,
    leadWorkingDays: plan.leadWorkingDays,
    startsOn: plan.startsOn,
    endsOn: plan.endsOn,
  };
}

function invalidTransition(from: InspectionStatus, to: InspectionStatus, message: string): AppError {
  return new AppError(ErrorCode.INVALID_TRANSITION, message, { from, to });
}
