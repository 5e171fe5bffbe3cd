import { DateTime } from 'luxon';
import { In, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { isStaff, Principal, Role } from '../../platform/auth/principal';
import { scopeQuery } from '../../platform/auth/scope';
import { badInput, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { CalendarService } from '../calendar/calendar.service';
import type { WorkingCalendar } from '../calendar/rules/working-calendar';
import { Customer, Device, Site } from '../customers/customer.entity';
import { EmergencyReport, Incident, IncidentDiagnosis, IncidentEscalation, IncidentEvent } from '../incidents/incident.entity';
import { IncidentStatus } from '../incidents/incident.enums';
import { status as clockStatusOf, SlaContext, StoredClock } from '../incidents/incident-sla';
import { IncidentsService } from '../incidents/incidents.service';
import { DEFAULT_ESCALATION_POLICY } from '../sla/rules/escalation';
import { CLOCK_KINDS } from '../sla/rules/sla-clock';
import { Complaint } from '../complaints/complaint.entity';
import { Inspection } from '../inspections/inspection.entity';
import { Loan } from '../loaners/loaner.entity';
import { Rma } from '../rma/rma.entity';
import { SatisfactionSurvey } from '../satisfaction/survey.entity';
import { SupportCentre } from '../support-network/support-centre.entity';
import { inspectionFigures, InspectionFact } from './rules/inspections';
import { asOfFor, Bucket, bucketOf, bucketsOf, civilRange, Range } from './rules/periods';
import { isSecondFailure, loanerOutcome, RmaFact, rmaFigures, workingDaysBetween } from './rules/rma';
import { complaintFigures, ComplaintFact, ratingFigures } from './rules/satisfaction';
import { ClockFact, IncidentFact, slaFigures } from './rules/sla';
import {
  InspectionReportView,
  ReportRangeInput,
  ReportScopeView,
  RmaReportView,
  SatisfactionGroupBy,
  SatisfactionReportView,
  SlaBreachView,
  SlaComplianceReportView,
} from './reports.views';

interface Scope {
  range: Range;
  asOf: Date;
  input: ReportRangeInput;
  customerId: string | null;
  contractId: string | null;
  centreId: string | null;
}

/** One incident with everything its printable diagnosis or emergency report shows. */
export interface IncidentDocument {
  incident: Incident;
  customer: Customer | null;
  site: Site | null;
  deviceSerial: string | null;
  timeline: IncidentEvent[];
  escalations: IncidentEscalation[];
  diagnosis: IncidentDiagnosis | null;
  emergencyReport: EmergencyReport | null;
}

/**
 * Reports computed from stored history. Every figure comes from stored
 * timestamps through the pure rules; the only use of the current time is to
 * judge outcomes still open while a range has not ended yet (asOfFor), so a
 * report over a closed period gives the same numbers whenever it is run, as
 * long as the facts in it do not change.
 */
export class ReportsService {
  constructor(private readonly hub: Hub) {}

  private get em() {
    return this.hub.db.manager;
  }

  // ---- SLA compliance ------------------------------------------------------------

  async slaCompliance(principal: Principal, input: ReportRangeInput, now = new Date()): Promise<SlaComplianceReportView> {
    const scope = await this.scope(principal, input, now);
    const qb = this.within(scopeQuery(this.em.createQueryBuilder(Incident, 'i'), principal, Incident), 'i.reportedAt', scope.range);
    if (scope.customerId) qb.andWhere('i.customerId = :customerId', { customerId: scope.customerId });
    if (scope.contractId) qb.andWhere('i.contractId = :contractId', { contractId: scope.contractId });
    if (scope.centreId) qb.andWhere('i.assignedCentreId = :centreId', { centreId: scope.centreId });
    const rows = await qb.orderBy('i.reportedAt', 'ASC').addOrderBy('i.id', 'ASC').getMany();
    const incidents = rows.filter((i) => i.status !== IncidentStatus.CANCELLED);
    const calendars = await this.calendarsFor(incidents.map((i) => i.calendarRegion));
    const escalations = incidents.length
      ? await this.em.find(IncidentEscalation, { where: { incidentId: In(incidents.map((i) => i.id)) }, order: { seq: 'ASC' } })
      : [];

    const facts: Array<IncidentFact & { reportedAt: Date }> = [];
    const breaches: SlaBreachView[] = [];
    for (const incident of incidents) {
      const ctx: SlaContext = {
        coverage: incident.coverage,
        calendar: calendars.get(incident.calendarRegion)!,
        policy: DEFAULT_ESCALATION_POLICY,
      };
      const clocks: ClockFact[] = [];
      for (const kind of CLOCK_KINDS) {
        const stored = incident.clocks[kind];
        if (!stored || stored.cancelledAt) continue;
        const { fact, dueAt, breachedAt } = clockFact(incident.id, stored, ctx, scope.asOf);
        clocks.push(fact);
        if (fact.outcome === 'BREACHED')
          breaches.push({
            incidentId: incident.id,
            summary: incident.summary,
            severity: incident.severity,
            clock: kind,
            target: stored.target,
            dueAt,
            breachedAt,
            stoppedAt: stored.stoppedAt ? new Date(stored.stoppedAt) : null,
            escalations: escalations.filter((e) => e.incidentId === incident.id && e.clock === kind),
          });
      }
      facts.push({ id: incident.id, severity: incident.severity, clocks, reportedAt: incident.reportedAt });
    }
    const pending = facts.some((f) => f.clocks.some((c) => c.outcome === 'PENDING'));
    return {
      scope: this.scopeView(scope, !pending),
      cancelledIncidents: rows.length - incidents.length,
      total: slaFigures(facts),
      periods: this.buckets(scope).map((b) => ({ ...b, figures: slaFigures(facts.filter((f) => inBucket(f.reportedAt, b))) })),
      breaches,
    };
  }

  // ---- RMA and loaners -------------------------------------------------------------

  async rmaLoaner(principal: Principal, input: ReportRangeInput, now = new Date()): Promise<RmaReportView> {
    const scope = await this.scope(principal, input, now);
    const qb = this.within(scopeQuery(this.em.createQueryBuilder(Rma, 'r'), principal, Rma), 'r.requestedAt', scope.range);
    if (scope.customerId) qb.andWhere('r.customerId = :customerId', { customerId: scope.customerId });
    if (scope.centreId) qb.andWhere('r.centreId = :centreId', { centreId: scope.centreId });
    const rmas = await qb.orderBy('r.requestedAt', 'ASC').addOrderBy('r.id', 'ASC').getMany();
    const sites = rmas.length ? await this.em.findBy(Site, { id: In([...new Set(rmas.map((r) => r.siteId))]) }) : [];
    const calendars = await this.calendarsFor(sites.map((s) => s.calendarRegion));
    const facts = rmas.map((r): RmaFact & { requestedAt: Date } => {
      const site = sites.find((s) => s.id === r.siteId);
      const restored = r.serviceRestoredAt && r.serviceRestoredAt <= scope.asOf ? r.serviceRestoredAt : null;
      const turnaround =
        restored && site ? workingDaysBetween(calendars.get(site.calendarRegion)!, r.outOfServiceAt, restored, site.timeZone) : null;
      return {
        number: r.number,
        status: r.status,
        disposition: r.disposition,
        dispositionReason: r.dispositionReason,
        serviceRestoredAt: r.serviceRestoredAt,
        turnaroundWorkingDays: turnaround,
        loanerRequired: r.loanerRequired,
        loanerDueAt: r.loanerDueAt,
        loanerDeliveredAt: r.loanerDeliveredAt,
        expiredAt: r.expiredAt,
        requestedAt: r.requestedAt,
      };
    });

    const loanQb = this.within(scopeQuery(this.em.createQueryBuilder(Loan, 'l'), principal, Loan), 'l.assignedAt', scope.range);
    if (scope.customerId) loanQb.andWhere('l.customerId = :customerId', { customerId: scope.customerId });
    let loans = await loanQb.getMany();
    // Loans belong to depots, not centres: for one centre, only the loans of its RMAs.
    if (scope.centreId) loans = loans.filter((l) => l.rmaNumber && rmas.some((r) => r.number === l.rmaNumber));

    return {
      scope: this.scopeView(
        scope,
        facts.every((f) => f.serviceRestoredAt !== null || f.expiredAt !== null || f.status === 'REJECTED'),
      ),
      total: rmaFigures(facts, loans, scope.asOf),
      periods: this.buckets(scope).map((b) => ({
        ...b,
        figures: rmaFigures(
          facts.filter((f) => inBucket(f.requestedAt, b)),
          loans.filter((l) => inBucket(l.assignedAt, b)),
          scope.asOf,
        ),
      })),
      rmas: rmas.map((r, i) => ({
        number: r.number,
        serialNumber: r.serialNumber,
        status: r.status,
        requestedAt: r.requestedAt,
        referenceRmaId: isSecondFailure(r) ? r.referenceRmaId : null,
        replacedAt: r.replacedAt,
        expiredAt: r.expiredAt,
        turnaroundWorkingDays: facts[i].turnaroundWorkingDays,
        loanerCompliance: loanerOutcome(facts[i], scope.asOf),
        calendarIncomplete: r.calendarIncomplete,
      })),
    };
  }

  // ---- inspections ---------------------------------------------------------------------

  async inspections(principal: Principal, input: ReportRangeInput, now = new Date()): Promise<InspectionReportView> {
    const scope = await this.scope(principal, input, now);
    // Inspections are planned on civil dates of the site; the range's dates compare directly.
    const qb = scopeQuery(this.em.createQueryBuilder(Inspection, 'n'), principal, Inspection).andWhere(
      'n.scheduledDate >= :from AND n.scheduledDate <= :to',
      { from: input.from, to: input.to },
    );
    if (scope.customerId) qb.andWhere('n.customerId = :customerId', { customerId: scope.customerId });
    if (scope.contractId) qb.andWhere('n.contractId = :contractId', { contractId: scope.contractId });
    if (scope.centreId) qb.andWhere('n.centreId = :centreId', { centreId: scope.centreId });
    const rows = await qb.orderBy('n.scheduledDate', 'ASC').addOrderBy('n.id', 'ASC').getMany();
    const facts = rows.map((n) => ({
      ...(n as InspectionFact),
      at: DateTime.fromISO(n.scheduledDate, { zone: input.timeZone }).toJSDate(),
    }));
    const total = inspectionFigures(facts, scope.asOf);
    return {
      scope: this.scopeView(scope, total.visitPending === 0 && total.reportPending === 0),
      total,
      periods: this.buckets(scope).map((b) => ({
        ...b,
        figures: inspectionFigures(
          facts.filter((f) => inBucket(f.at, b)),
          scope.asOf,
        ),
      })),
    };
  }

  // ---- satisfaction and complaints ---------------------------------------------------------

  async satisfaction(
    principal: Principal,
    input: ReportRangeInput,
    groupBy: SatisfactionGroupBy,
    now = new Date(),
  ): Promise<SatisfactionReportView> {
    const scope = await this.scope(principal, input, now);
    const sq = this.within(
      scopeQuery(this.em.createQueryBuilder(SatisfactionSurvey, 's'), principal, SatisfactionSurvey),
      's.subjectClosedAt',
      scope.range,
    );
    if (scope.customerId) sq.andWhere('s.customerId = :customerId', { customerId: scope.customerId });
    if (scope.centreId) sq.andWhere('s.centreId = :centreId', { centreId: scope.centreId });
    const surveys = await sq.orderBy('s.subjectClosedAt', 'ASC').addOrderBy('s.id', 'ASC').getMany();
    const cq = this.within(scopeQuery(this.em.createQueryBuilder(Complaint, 'c'), principal, Complaint), 'c.filedAt', scope.range);
    if (scope.customerId) cq.andWhere('c.customerId = :customerId', { customerId: scope.customerId });
    if (scope.centreId) cq.andWhere('c.centreId = :centreId', { centreId: scope.centreId });
    const complaints = await cq.orderBy('c.filedAt', 'ASC').addOrderBy('c.id', 'ASC').getMany();

    const buckets = this.buckets(scope);
    const keyOf = (s: SatisfactionSurvey): string => {
      switch (groupBy) {
        case SatisfactionGroupBy.CUSTOMER:
          return s.customerId;
        case SatisfactionGroupBy.CENTRE:
          return s.centreId ?? '-';
        case SatisfactionGroupBy.ENGINEER:
          return s.engineer ?? '-';
        case SatisfactionGroupBy.PERIOD:
          return bucketOf(s.subjectClosedAt, input.period, input.timeZone).key;
      }
    };
    const keys =
      groupBy === SatisfactionGroupBy.PERIOD
        ? buckets.map((b) => b.key)
        : [...new Set(surveys.map(keyOf))].sort((a, b) => a.localeCompare(b));
    const labels = await this.labels(groupBy, keys);
    const complaintFacts: Array<ComplaintFact & { filedAt: Date }> = complaints;
    const open = complaints.some((c) => !c.resolvedAt) || surveys.some((s) => s.rating === null);
    return {
      scope: this.scopeView(scope, !open),
      groupBy,
      ratings: ratingFigures(surveys, scope.asOf),
      groups: keys.map((key) => ({
        key,
        label: labels.get(key) ?? key,
        figures: ratingFigures(
          surveys.filter((s) => keyOf(s) === key),
          scope.asOf,
        ),
      })),
      complaints: complaintFigures(complaintFacts, scope.asOf),
      complaintPeriods: buckets.map((b) => ({
        key: b.key,
        figures: complaintFigures(
          complaintFacts.filter((c) => inBucket(c.filedAt, b)),
          scope.asOf,
        ),
      })),
    };
  }

  // ---- one incident ------------------------------------------------------------------------

  /** The incident the principal may see, with its diagnosis, emergency report, timeline and escalations. */
  async incidentDocument(principal: Principal, incidentId: string): Promise<IncidentDocument> {
    const incidents = this.hub.get(IncidentsService);
    const incident = await incidents.get(principal, incidentId);
    const [[timeline], [escalations], [diagnosis], [emergencyReport], customer, site, device] = await Promise.all([
      incidents.eventsFor([incident.id]),
      incidents.escalationsFor([incident.id]),
      incidents.diagnosesFor([incident.id]),
      incidents.emergencyReportsFor([incident.id]),
      this.em.findOneBy(Customer, { id: incident.customerId }),
      this.em.findOneBy(Site, { id: incident.siteId }),
      incident.deviceId ? this.em.findOneBy(Device, { id: incident.deviceId }) : Promise.resolve(null),
    ]);
    return {
      incident,
      customer,
      site,
      deviceSerial: device?.serialNumber ?? null,
      timeline,
      escalations,
      diagnosis,
      emergencyReport,
    };
  }

  // ---- internals --------------------------------------------------------------------------

  /** Validates the range and narrows tenant keys: a customer reports on itself, a partner on its centres. */
  private async scope(principal: Principal, input: ReportRangeInput, now: Date): Promise<Scope> {
    const r = civilRange(input.from, input.to, input.timeZone);
    if (!r.ok) throw badInput(r.error.message, { field: r.error.field });
    let customerId = input.customerId ?? null;
    const centreId = input.centreId ?? null;
    if (!isStaff(principal)) {
      if (principal.role === Role.CUSTOMER) {
        if (customerId && !principal.visibleScopeIds.includes(customerId)) throw notFound('Customer', customerId);
        customerId ??= principal.scopeId;
      }
      if (principal.role === Role.PARTNER && centreId && !principal.visibleScopeIds.includes(centreId))
        throw notFound('SupportCentre', centreId);
    }
    return { range: r.value, asOf: asOfFor(r.value, now), input, customerId, contractId: input.contractId ?? null, centreId };
  }

  private scopeView(scope: Scope, decided: boolean): ReportScopeView {
    return {
      from: scope.input.from,
      to: scope.input.to,
      timeZone: scope.input.timeZone,
      period: scope.input.period,
      customerId: scope.customerId,
      contractId: scope.contractId,
      centreId: scope.centreId,
      asOf: scope.asOf,
      final: decided && scope.asOf.getTime() === scope.range.end.getTime(),
    };
  }

  private buckets(scope: Scope): Bucket[] {
    return bucketsOf(scope.range, scope.input.period, scope.input.timeZone);
  }

  private within<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, column: string, range: Range): SelectQueryBuilder<T> {
    return qb.andWhere(`${column} >= :rangeStart AND ${column} < :rangeEnd`, { rangeStart: range.start, rangeEnd: range.end });
  }

  private async calendarsFor(regions: string[]): Promise<Map<string, WorkingCalendar>> {
    const out = new Map<string, WorkingCalendar>();
    for (const region of new Set(regions)) out.set(region, await this.hub.get(CalendarService).calendar(region));
    return out;
  }

  private async labels(groupBy: SatisfactionGroupBy, keys: string[]): Promise<Map<string, string>> {
    const ids = keys.filter((k) => k !== '-');
    if (groupBy === SatisfactionGroupBy.CUSTOMER && ids.length)
      return new Map((await this.em.findBy(Customer, { id: In(ids) })).map((c) => [c.id, `${c.code} ${c.name}`]));
    if (groupBy === SatisfactionGroupBy.CENTRE && ids.length)
      return new Map((await this.em.findBy(SupportCentre, { id: In(ids) })).map((c) => [c.id, `${c.code} ${c.name}`]));
    return new Map(keys.map((k) => [k, k === '-' ? '(none)' : k]));
  }
}

/** Met or breached from the stop when the clock stopped; otherwise breached or pending as of asOf. */
function clockFact(
  incidentId: string,
  stored: StoredClock,
  ctx: SlaContext,
  asOf: Date,
): { fact: ClockFact; dueAt: Date; breachedAt: Date | null } {
  const kind = stored.kind;
  if (stored.stoppedAt) {
    const st = clockStatusOf(stored, new Date(stored.stoppedAt), ctx);
    return {
      fact: { incidentId, clock: kind, outcome: st.breached ? 'BREACHED' : 'MET', usedMs: st.usedMs },
      dueAt: st.dueAt,
      breachedAt: st.breachedAt ?? null,
    };
  }
  const st = clockStatusOf(stored, asOf, ctx);
  return {
    fact: { incidentId, clock: kind, outcome: st.breached ? 'BREACHED' : 'PENDING', usedMs: null },
    dueAt: st.dueAt,
    breachedAt: st.breachedAt ?? null,
  };
}

const inBucket = (at: Date, b: Bucket) => at >= b.start && at < b.end;
