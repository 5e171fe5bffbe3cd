import { In } from 'typeorm';
import type { Principal } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { notFound } from '../../platform/errors';
import { groupByKey } from '../../platform/graphql/batch';
import { Connection, paginate } from '../../platform/graphql/connection';
import type { Hub } from '../../platform/hub';
import { Inspection, InspectionEvent, InspectionItem, InspectionPlan } from './inspection.entity';
import type { InspectionFilter } from './inspections.inputs';

/**
 * Reads of plans and inspections, scoped to the caller. Changes live in InspectionPlans (plans and
 * generation), InspectionCommands (visits, reports, findings) and InspectionTimers (clocks).
 */
export class InspectionsService {
  constructor(private readonly hub: Hub) {}

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
}
