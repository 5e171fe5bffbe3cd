import { In } from 'typeorm';
import { Role, type Principal } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { badInput, notFound } from '../../platform/errors';
import { groupByKey } from '../../platform/graphql/batch';
import { Connection, paginate } from '../../platform/graphql/connection';
import type { Hub } from '../../platform/hub';
import { CalendarService } from '../calendar/calendar.service';
import type { WorkingCalendar } from '../calendar/rules/working-calendar';
import type { ServiceContract } from '../contracts/contract.entity';
import { ContractsService, coverageLabel } from '../contracts/contracts.service';
import { DistanceClass, Site } from '../customers/customer.entity';
import { addCoveredMs, coveredBudgetMs, nextCoveredInstant } from '../sla/rules/business-time';
import { CLOCK_KINDS, type ClockKind } from '../sla/rules/sla-clock';
import { Severity } from '../sla/sla.enums';
import { EmergencyReport, Incident, IncidentDiagnosis, IncidentEscalation, IncidentEvent } from './incident.entity';
import { status, type SlaContext } from './incident-sla';
import type { IncidentFilter } from './incidents.inputs';

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

/** Reads of incidents (scoped to the principal) and the SLA preview. Changes go through IncidentCommands. */
export class IncidentsService {
  constructor(private readonly hub: Hub) {}

  private get contracts(): ContractsService {
    return this.hub.get(ContractsService);
  }
  private get calendars(): CalendarService {
    return this.hub.get(CalendarService);
  }

  /** Not found and not visible look the same to a tenant. */
  async get(principal: Principal, id: string): Promise<Incident> {
    const incident = await this.hub.db.manager.findOneBy(Incident, { id });
    if (!incident || !canSee(principal, Incident, incident)) throw notFound('Incident', id);
    return incident;
  }

  /** Another module references an incident: it must exist and be visible; depots (WAREHOUSE keys) serve every customer's incidents. */
  async assertReferable(principal: Principal, id: string): Promise<void> {
    const incident = await this.hub.db.manager.findOneBy(Incident, { id });
    if (!incident || !(principal.role === Role.WAREHOUSE || canSee(principal, Incident, incident))) throw notFound('Incident', id);
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
  async slaPreview(
    principal: Principal,
    contractId: string,
    severity: Severity,
    at: Date,
    siteId?: string | null,
  ): Promise<SlaPreviewResult> {
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
}
