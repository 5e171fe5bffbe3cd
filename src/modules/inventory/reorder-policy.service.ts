import { badInput } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { DepotsService } from './depots.service';
import { PartsService } from './parts.service';
import { StockService } from './stock.service';
import { AlertsService } from './alerts.service';
import type { SetReorderPolicyInput } from './inventory.inputs';
import { PartCondition } from './part.entity';
import { Stock } from './stock.entity';

/** A stock line's reorder point and quantity; a change re-evaluates its low-stock alert. */
export class ReorderPolicyService {
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
  private get stock() {
    return this.hub.get(StockService);
  }

  async setReorderPolicy(input: SetReorderPolicyInput): Promise<Stock> {
    if (input.condition === PartCondition.DEFECTIVE) throw badInput('Defective stock is not reordered', { field: 'condition' });
    const part = await this.parts.require(this.em, input.partNumber);
    return this.hub.db.transaction(async (tx) => {
      await this.depots.requireExists(tx.em, input.depotId);
      const line = await this.stock.ensureLine(tx, input.depotId, part.id, input.condition);
      await tx.em.update(
        Stock,
        { id: line.id },
        { reorderPoint: input.reorderPoint, reorderQuantity: input.reorderQuantity, updatedAt: new Date() },
      );
      const now = await this.stock.lockedLine(tx, line.id);
      // A new point can put the line below (or above) it without any movement.
      await this.hub.get(AlertsService).evaluateLowStock(tx, now);
      return now;
    });
  }
}
