import { Brackets, EntityManager, In } from 'typeorm';
import type { Principal } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import { badInput, conflict, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { Site } from '../customers/customer.entity';
import { Depot, DepotCoverage } from './depot.entity';
import type { CreateDepotInput, DepotCoverageInput } from './inventory.inputs';
import { deliveryMinutesToSite } from './rules/coverage';
import { checkDuration, durationMinutes } from './rules/duration';
import { isDuplicateKey } from '../../platform/db/duplicate-key';
import { groupByKey } from '../../platform/graphql/batch';

export interface SiteDelivery {
  minutes: number;
  deliveryTime: string;
}

export class DepotsService {
  constructor(private readonly hub: Hub) {}

  private get em() {
    return this.hub.db.manager;
  }

  list(principal: Principal): Promise<Depot[]> {
    return scopeQuery(this.em.createQueryBuilder(Depot, 'd'), principal, Depot).orderBy('d.code').getMany();
  }

  async get(principal: Principal, id: string): Promise<Depot> {
    const depot = await this.em.findOneBy(Depot, { id });
    if (!depot || !canSee(principal, Depot, depot)) throw notFound('Depot', id);
    return depot;
  }

  /** Existence only (e.g. the destination of a transfer, which the sender need not be able to read). */
  async requireExists(em: EntityManager, id: string): Promise<Depot> {
    const depot = await em.findOneBy(Depot, { id });
    if (!depot) throw notFound('Depot', id);
    return depot;
  }

  async create(input: CreateDepotInput): Promise<Depot> {
    const depot = Object.assign(new Depot(), {
      id: newId(),
      code: input.code,
      name: input.name,
      region: input.region,
      city: input.city,
      address: input.address ?? null,
      createdAt: new Date(),
    });
    try {
      await this.em.insert(Depot, depot);
    } catch (error) {
      if (isDuplicateKey(error)) throw conflict(`A depot with code ${input.code} exists`, { field: 'code' });
      throw error;
    }
    return depot;
  }

  /** Replaces the depot's coverage as a whole: what the caller sends is what the depot serves. */
  async setCoverage(depotId: string, entries: DepotCoverageInput[]): Promise<DepotCoverage[]> {
    const rows = entries.map((entry, index) => {
      if (!!entry.region === !!entry.siteId)
        throw badInput('Each coverage entry needs exactly one of region or siteId', { field: `coverage.${index}` });
      const duration = checkDuration(entry.deliveryTime);
      if (!duration.ok)
        throw badInput(`deliveryTime ${JSON.stringify(entry.deliveryTime)} is not a positive ISO-8601 duration of days, hours or minutes`, {
          field: `coverage.${index}.deliveryTime`,
          reason: duration.reason,
        });
      return Object.assign(new DepotCoverage(), {
        id: newId(),
        depotId,
        region: entry.region ?? null,
        siteId: entry.siteId ?? null,
        deliveryTime: duration.iso,
        deliveryMinutes: durationMinutes(duration.ms),
      });
    });
    const targets = rows.map((r) => r.region ?? `site:${r.siteId}`);
    if (new Set(targets).size !== targets.length) throw badInput('A region or site appears twice', { field: 'coverage' });
    return this.hub.db.transaction(async (tx) => {
      await this.requireExists(tx.em, depotId);
      const siteIds = rows.flatMap((r) => (r.siteId ? [r.siteId] : []));
      if (siteIds.length > 0) {
        const found = await tx.em.findBy(Site, { id: In(siteIds) });
        const missing = siteIds.filter((id) => !found.some((s) => s.id === id));
        if (missing.length > 0) throw notFound('Site', missing.join(','));
      }
      await tx.em.delete(DepotCoverage, { depotId });
      if (rows.length > 0) await tx.em.insert(DepotCoverage, rows);
      return rows;
    });
  }

  /** Delivery time from each depot that covers the site (by the site itself or its region). */
  async deliveryToSite(em: EntityManager, site: Pick<Site, 'id' | 'region'>): Promise<Map<string, SiteDelivery>> {
    const rows = await em
      .createQueryBuilder(DepotCoverage, 'c')
      .where(new Brackets((w) => w.where('c.siteId = :siteId', { siteId: site.id }).orWhere('c.region = :region', { region: site.region })))
      .getMany();
    const minutes = deliveryMinutesToSite(rows, site);
    const result = new Map<string, SiteDelivery>();
    for (const [depotId, m] of minutes) {
      const row = rows.find((r) => r.depotId === depotId && r.deliveryMinutes === m)!;
      result.set(depotId, { minutes: m, deliveryTime: row.deliveryTime });
    }
    return result;
  }

  async requireSite(em: EntityManager, siteId: string): Promise<Site> {
    const site = await em.findOneBy(Site, { id: siteId });
    if (!site) throw notFound('Site', siteId);
    return site;
  }

  async depotsByIds(ids: readonly string[]): Promise<Array<Depot | Error>> {
    const rows = await this.em.findBy(Depot, { id: In([...ids]) });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? notFound('Depot', id));
  }

  async coverageByDepotIds(ids: readonly string[]): Promise<DepotCoverage[][]> {
    const rows = await this.em.find(DepotCoverage, { where: { depotId: In([...ids]) }, order: { deliveryMinutes: 'ASC' } });
    return groupByKey(ids, rows, (r) => r.depotId);
  }
}
