import { Between } from 'typeorm';
import { actorLabel, type Actor } from '../../platform/auth/actor';
import type { Principal } from '../../platform/auth/principal';
import { canSee } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { badInput, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import type { JobContext } from '../../platform/scheduler/scheduler';
import { CalendarDay, CalendarDayKind } from '../calendar/calendar.entity';
import { CalendarService } from '../calendar/calendar.service';
import { epochDayOf, isoDateOfEpochDay } from '../calendar/rules/working-calendar';
import { ContractsService } from '../contracts/contracts.service';
import { Site } from '../customers/customer.entity';
import { ManagementLevel } from '../incidents/incident.enums';
import { SupportCentre } from '../support-network/support-centre.entity';
import { SupportNetworkService } from '../support-network/support-network.service';
import { Inspection, InspectionFrequency, InspectionKind, InspectionPlan, InspectionStatus } from './inspection.entity';
import { GENERATE_JOB, InspectionChanges, InspectionWork, VISIT_JOB, planJobKey, visitKey } from './inspection-changes';
import type { CreateInspectionPlanInput } from './inspections.inputs';
import { chooseCentre } from './rules/centre-choice';
import { civilDateOf, elapsedDurationMs, endOfCivilDay } from './rules/deadline';
import { periodStarts } from './rules/holiday-periods';
import { PlanRule, planInspections, validatePlanRule } from './rules/schedule';

/** Generation is idempotent, so running it daily costs little and picks up newly imported calendar years. */
const GENERATE_EVERY_MS = 24 * 3600 * 1000;

/** Inspection plans and the visits they generate ahead of time (a daily durable job per plan). */
export class InspectionPlans {
  constructor(private readonly hub: Hub) {}

  private get contracts() {
    return this.hub.get(ContractsService);
  }
  private get calendars() {
    return this.hub.get(CalendarService);
  }
  private get changes() {
    return this.hub.get(InspectionChanges);
  }

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
        await this.changes.cancel(tx, w, 'plan deactivated');
        await this.changes.flush(tx, w);
      }
      return plan;
    });
  }

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
