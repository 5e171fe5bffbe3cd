import { Brackets, type EntityManager } from 'typeorm';
import { type Actor } from '../../platform/auth/actor';
import { isStaff, Role, type Principal } from '../../platform/auth/principal';
import { newId } from '../../platform/db/columns';
import { isDuplicateKey } from '../../platform/db/duplicate-key';
import { badInput, conflict, forbidden, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { DepotsService } from './depots.service';
import { PartsService } from './parts.service';
import { StockService } from './stock.service';
import { actorCanActOnDepot, assertActorDepotAccess, bookedBy } from './access';
import type { TransferFilter, TransferStockInput } from './inventory.inputs';
import { PartCondition } from './part.entity';
import { insufficientStock } from './stock.service';
import { MovementType } from './stock.entity';
import { StockTransfer, TransferStatus } from './transfer.entity';

/** Stock moved between depots: sent (TRANSFER_OUT), in transit, booked in by the receiving depot (TRANSFER_IN). */
export class TransfersService {
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

  async transfer(actor: Actor, input: TransferStockInput): Promise<StockTransfer> {
    assertActorDepotAccess(actor, input.fromDepotId);
    if (input.fromDepotId === input.toDepotId) throw badInput('A transfer needs two different depots', { field: 'toDepotId' });
    if (input.condition === PartCondition.DEFECTIVE && !input.reason)
      throw badInput('Say why defective stock is moved (e.g. consolidation for vendor return)', { field: 'reason' });
    const part = await this.parts.require(this.em, input.partNumber);
    const replay = async (em: EntityManager) => {
      if (!input.idempotencyKey) return null;
      const existing = await em.findOneBy(StockTransfer, { idempotencyKey: input.idempotencyKey });
      if (!existing) return null;
      const same =
        existing.fromDepotId === input.fromDepotId &&
        existing.toDepotId === input.toDepotId &&
        existing.partId === part.id &&
        existing.condition === input.condition &&
        existing.quantity === input.quantity;
      if (!same || !actorCanActOnDepot(actor, existing.fromDepotId))
        throw conflict('This idempotencyKey was already used for a different request', { field: 'idempotencyKey' });
      return existing;
    };
    try {
      return await this.hub.db.transaction(async (tx) => {
        const earlier = await replay(tx.em);
        if (earlier) return earlier;
        await this.depots.requireExists(tx.em, input.fromDepotId);
        await this.depots.requireExists(tx.em, input.toDepotId);
        const transfer = Object.assign(new StockTransfer(), {
          id: newId(),
          idempotencyKey: input.idempotencyKey ?? null,
          fromDepotId: input.fromDepotId,
          toDepotId: input.toDepotId,
          partId: part.id,
          condition: input.condition,
          quantity: input.quantity,
          status: TransferStatus.IN_TRANSIT,
          reason: input.reason ?? null,
          createdBy: bookedBy(actor),
          createdAt: new Date(),
          receivedAt: null,
          receivedBy: null,
        });
        await tx.em.insert(StockTransfer, transfer);
        const line = await this.stock.findLine(tx.em, input.fromDepotId, part.id, input.condition);
        if (!line) throw insufficientStock(null, input.quantity, part.partNumber, input.condition);
        await this.stock.move(tx, {
          line,
          type: MovementType.TRANSFER_OUT,
          onHandDelta: -input.quantity,
          reservedDelta: 0,
          actor: bookedBy(actor),
          reason: input.reason ?? `transfer to depot ${input.toDepotId}`,
          transferId: transfer.id,
          shortfall: (now) => insufficientStock(now, input.quantity, part.partNumber, input.condition),
        });
        return transfer;
      });
    } catch (error) {
      if (isDuplicateKey(error)) {
        const existing = await replay(this.em);
        if (existing) return existing;
      }
      throw error;
    }
  }

  async receiveTransfer(actor: Actor, transferId: string): Promise<StockTransfer> {
    return this.hub.db.transaction(async (tx) => {
      const transfer = await tx.em.findOneBy(StockTransfer, { id: transferId });
      if (!transfer || !this.actorCanSeeTransfer(actor, transfer)) throw notFound('StockTransfer', transferId);
      if (!actorCanActOnDepot(actor, transfer.toDepotId)) throw forbidden('Only the receiving depot books a transfer in');
      if (transfer.status === TransferStatus.RECEIVED) return transfer;
      const receivedAt = new Date();
      const changed = await tx.em
        .createQueryBuilder()
        .update(StockTransfer)
        .set({ status: TransferStatus.RECEIVED, receivedAt, receivedBy: bookedBy(actor) })
        .where('id = :id AND status = :inTransit', { id: transfer.id, inTransit: TransferStatus.IN_TRANSIT })
        .execute();
      // Someone else booked it in meanwhile: the retry sees the outcome, not an error.
      if (changed.affected !== 1) return tx.em.findOneByOrFail(StockTransfer, { id: transfer.id });
      const line = await this.stock.ensureLine(tx, transfer.toDepotId, transfer.partId, transfer.condition);
      await this.stock.move(tx, {
        line,
        type: MovementType.TRANSFER_IN,
        onHandDelta: transfer.quantity,
        reservedDelta: 0,
        actor: bookedBy(actor),
        reason: `transfer from depot ${transfer.fromDepotId}`,
        transferId: transfer.id,
        shortfall: () => new Error('a transfer-in cannot make stock negative'),
      });
      return Object.assign(transfer, { status: TransferStatus.RECEIVED, receivedAt, receivedBy: bookedBy(actor) });
    });
  }

  private actorCanSeeTransfer(actor: Actor, transfer: StockTransfer): boolean {
    return actorCanActOnDepot(actor, transfer.fromDepotId) || actorCanActOnDepot(actor, transfer.toDepotId);
  }

  listTransfers(principal: Principal, filter: TransferFilter): Promise<StockTransfer[]> {
    const qb = this.em.createQueryBuilder(StockTransfer, 't');
    if (!isStaff(principal)) {
      const ids = principal.role === Role.WAREHOUSE ? principal.visibleScopeIds : [];
      if (ids.length === 0) return Promise.resolve([]);
      qb.andWhere(new Brackets((w) => w.where('t.fromDepotId IN (:...ids)', { ids }).orWhere('t.toDepotId IN (:...ids)', { ids })));
    }
    if (filter.depotId)
      qb.andWhere(
        new Brackets((w) => w.where('t.fromDepotId = :d', { d: filter.depotId }).orWhere('t.toDepotId = :d', { d: filter.depotId })),
      );
    if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
    return qb.orderBy('t.createdAt', 'DESC').addOrderBy('t.id', 'DESC').limit(this.hub.config.graphql.maxPageSize).getMany();
  }
}
