import { In } from 'typeorm';
import type { Principal } from '../../platform/auth/principal';
import { scopeQuery } from '../../platform/auth/scope';
import { badInput } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { Depot } from './depot.entity';
import { DepotsService } from './depots.service';
import type { FindSpareArgs } from './inventory.inputs';
import type { SpareOption } from './inventory.types';
import { PartCondition } from './part.entity';
import { PartsService } from './parts.service';
import { rankSpares } from './rules/spare-ranking';
import { Stock } from './stock.entity';
import { available } from './stock.service';

/** Where a spare can come from in time: the principal's visible stock, ranked by the spare-ranking rule. */
export class SpareSearchService {
  constructor(private readonly hub: Hub) {}

  private get em() {
    return this.hub.db.manager;
  }
  private get parts() {
    return this.hub.get(PartsService);
  }
  private get depots() {
    return this.hub.get(DepotsService);
  }

  async findSpare(principal: Principal, input: FindSpareArgs): Promise<SpareOption[]> {
    if (input.condition === PartCondition.DEFECTIVE) throw badInput('Defective stock is no spare', { field: 'condition' });
    const part = await this.parts.require(this.em, input.partNumber);
    const site = await this.depots.requireSite(this.em, input.siteId);
    const conditions = input.condition ? [input.condition] : [PartCondition.NEW, PartCondition.REFURBISHED];
    const lines = await scopeQuery(this.em.createQueryBuilder(Stock, 's'), principal, Stock)
      .andWhere('s.partId = :partId', { partId: part.id })
      .andWhere('s.condition IN (:...conditions)', { conditions })
      .andWhere('s.onHand - s.reserved >= :quantity', { quantity: input.quantity })
      .getMany();
    if (lines.length === 0) return [];
    const [delivery, depots] = await Promise.all([
      this.depots.deliveryToSite(this.em, site),
      this.em.findBy(Depot, { id: In([...new Set(lines.map((l) => l.depotId))]) }),
    ]);
    const depotById = new Map(depots.map((d) => [d.id, d]));
    const ranked = rankSpares(
      lines.map((line) => ({
        line,
        depotId: line.depotId,
        depotCode: depotById.get(line.depotId)!.code,
        condition: line.condition as PartCondition.NEW | PartCondition.REFURBISHED,
        available: available(line),
        deliveryMinutes: delivery.get(line.depotId)?.minutes ?? null,
      })),
      { now: new Date(), deadline: input.deadline, quantity: input.quantity },
    );
    return ranked.map((r) => ({
      depot: depotById.get(r.depotId)!,
      stock: r.line,
      condition: r.line.condition,
      available: r.available,
      deliveryTime: delivery.get(r.depotId)?.deliveryTime ?? null,
      deliveryMinutes: r.deliveryMinutes,
      estimatedArrival: r.estimatedArrival,
      meetsDeadline: r.meetsDeadline,
    }));
  }
}
