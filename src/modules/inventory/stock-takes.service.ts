import { createHash } from 'node:crypto';
import { EntityManager, In } from 'typeorm';
import type { Principal } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { AppError, badInput, conflict, ErrorCode, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { actorOf, assertDepotAccess } from './access';
import { DepotsService } from './depots.service';
import type { RecordStockTakeInput, StockTakeFilter } from './inventory.inputs';
import { Part } from './part.entity';
import { decideStockTakeLine, DEFAULT_STOCK_TAKE_THRESHOLD } from './rules/stock-take';
import { MovementType } from './stock.entity';
import { StockTake, StockTakeLine, StockTakeLineStatus, StockTakeStatus } from './stock-take.entity';
import { StockService } from './stock.service';
import { isDuplicateKey } from '../../platform/db/duplicate-key';
import { groupByKey } from '../../platform/graphql/batch';

/** Same depot and the same counts, whatever the order of the lines. */
function fingerprintOf(input: RecordStockTakeInput): string {
  const lines = input.lines.map((l) => `${l.partNumber}|${l.condition}|${l.countedQuantity}`).sort();
  return createHash('sha256')
    .update(JSON.stringify([input.depotId, lines]))
    .digest('hex');
}

export class StockTakesService {
  constructor(private readonly hub: Hub) {}

  private get em() {
    return this.hub.db.manager;
  }
  private get stock() {
    return this.hub.get(StockService);
  }

  /**
   * Books a count. Each line's difference to the books is adjusted at once when
   * small; a large one (or a count below what is reserved) waits for approval.
   * The idempotency key makes a re-submitted count a no-op.
   */
  async record(principal: Principal, input: RecordStockTakeInput): Promise<StockTake> {
    assertDepotAccess(principal, input.depotId);
    const seen = new Set<string>();
    for (const line of input.lines) {
      const key = `${line.partNumber}|${line.condition}`;
      if (seen.has(key)) throw badInput(`${line.partNumber} (${line.condition}) is counted twice`, { field: 'lines' });
      seen.add(key);
    }
    const fingerprint = fingerprintOf(input);
    try {
      return await this.hub.db.transaction(
        async (tx) =>
          (await this.replay(tx.em, principal, input.idempotencyKey, fingerprint)) ?? this.recordInTx(tx, principal, input, fingerprint),
      );
    } catch (error) {
      if (isDuplicateKey(error)) {
        const winner = await this.replay(this.em, principal, input.idempotencyKey, fingerprint);
        if (winner) return winner;
      }
      throw error;
    }
  }

  private async recordInTx(tx: Tx, principal: Principal, input: RecordStockTakeInput, fingerprint: string): Promise<StockTake> {
    await this.hub.get(DepotsService).requireExists(tx.em, input.depotId);
    const partNumbers = [...new Set(input.lines.map((l) => l.partNumber))];
    const parts = await tx.em.findBy(Part, { partNumber: In(partNumbers) });
    const missing = partNumbers.filter((pn) => !parts.some((p) => p.partNumber === pn));
    if (missing.length > 0) throw notFound('Part', missing.join(','));
    const partId = new Map(parts.map((p) => [p.partNumber, p.id]));

    const countedAt = new Date();
    const take = Object.assign(new StockTake(), {
      id: newId(),
      idempotencyKey: input.idempotencyKey,
      fingerprint,
      depotId: input.depotId,
      status: StockTakeStatus.COMPLETED,
      reason: input.reason,
      countedBy: actorOf(principal),
      countedAt,
      decidedBy: null,
      decidedAt: null,
    });
    // First write: a concurrent re-submission waits on the key and then finds this one.
    await tx.em.insert(StockTake, take);

    const lines: StockTakeLine[] = [];
    for (const input_ of input.lines) {
      const book = await this.stock.ensureLine(tx, input.depotId, partId.get(input_.partNumber)!, input_.condition);
      const decision = decideStockTakeLine(book.onHand, input_.countedQuantity, DEFAULT_STOCK_TAKE_THRESHOLD, book.reserved);
      const line = Object.assign(new StockTakeLine(), {
        id: newId(),
        stockTakeId: take.id,
        stockId: book.id,
        partId: book.partId,
        condition: book.condition,
        bookQuantity: book.onHand,
        countedQuantity: input_.countedQuantity,
        difference: decision.difference,
        status:
          decision.outcome === 'MATCHED'
            ? StockTakeLineStatus.MATCHED
            : decision.outcome === 'ADJUST'
              ? StockTakeLineStatus.APPLIED
              : StockTakeLineStatus.PENDING_APPROVAL,
        movementId: null as string | null,
      });
      if (decision.outcome === 'ADJUST') line.movementId = await this.adjust(tx, take, line, actorOf(principal));
      lines.push(line);
    }
    await tx.em.insert(StockTakeLine, lines);
    if (lines.some((l) => l.status === StockTakeLineStatus.PENDING_APPROVAL)) {
      take.status = StockTakeStatus.PENDING_APPROVAL;
      await tx.em.update(StockTake, { id: take.id }, { status: take.status });
    }
    return take;
  }

  /** Books the difference recorded at count time: movements since then are already in the books. */
  private async adjust(tx: Tx, take: StockTake, line: StockTakeLine, actor: string): Promise<string> {
    const movement = await this.stock.move(tx, {
      line: { id: line.stockId, depotId: take.depotId, partId: line.partId, condition: line.condition },
      type: MovementType.ADJUSTMENT,
      onHandDelta: line.difference,
      reservedDelta: 0,
      actor,
      reason: `stock-take ${take.idempotencyKey}: counted ${line.countedQuantity}, books said ${line.bookQuantity} (${take.reason})`,
      stockTakeId: take.id,
      shortfall: (now) =>
        new AppError(
          ErrorCode.CONFLICT,
          `Adjusting by ${line.difference} would leave fewer units than are reserved; release reservations first`,
          {
            stockId: now.id,
            onHand: now.onHand,
            reserved: now.reserved,
            difference: line.difference,
          },
        ),
    });
    return movement.id;
  }

  private async replay(em: EntityManager, principal: Principal, key: string, fingerprint: string): Promise<StockTake | null> {
    const existing = await em.findOneBy(StockTake, { idempotencyKey: key });
    if (!existing) return null;
    if (existing.fingerprint !== fingerprint || !canSee(principal, StockTake, existing))
      throw conflict('This idempotencyKey was already used for a different stock-take', { field: 'idempotencyKey', idempotencyKey: key });
    return existing;
  }

  approve(principal: Principal, id: string): Promise<StockTake> {
    return this.decide(principal, id, true);
  }

  reject(principal: Principal, id: string): Promise<StockTake> {
    return this.decide(principal, id, false);
  }

  private decide(principal: Principal, id: string, approve: boolean): Promise<StockTake> {
    return this.hub.db.transaction(async (tx) => {
      const take = await tx.em.findOneBy(StockTake, { id });
      if (!take || !canSee(principal, StockTake, take)) throw notFound('StockTake', id);
      const target = approve ? StockTakeStatus.COMPLETED : StockTakeStatus.REJECTED;
      if (take.status === target) return take;
      if (take.status !== StockTakeStatus.PENDING_APPROVAL)
        throw new AppError(ErrorCode.INVALID_TRANSITION, `Stock-take ${id} is ${take.status}`, { status: take.status });
      const decidedAt = new Date();
      const changed = await tx.em
        .createQueryBuilder()
        .update(StockTake)
        .set({ status: target, decidedBy: actorOf(principal), decidedAt })
        .where('id = :id AND status = :pending', { id, pending: StockTakeStatus.PENDING_APPROVAL })
        .execute();
      if (changed.affected !== 1) {
        const now = await tx.em.findOneOrFail(StockTake, { where: { id }, lock: this.hub.db.lockMode() });
        if (now.status === target) return now;
        throw new AppError(ErrorCode.INVALID_TRANSITION, `Stock-take ${id} is ${now.status}`, { status: now.status });
      }
      const pending = await tx.em.findBy(StockTakeLine, { stockTakeId: id, status: StockTakeLineStatus.PENDING_APPROVAL });
      for (const line of pending) {
        const movementId = approve ? await this.adjust(tx, take, line, `${actorOf(principal)} (approved)`) : null;
        await tx.em.update(
          StockTakeLine,
          { id: line.id },
          { status: approve ? StockTakeLineStatus.APPLIED : StockTakeLineStatus.REJECTED, movementId },
        );
      }
      return Object.assign(take, { status: target, decidedBy: actorOf(principal), decidedAt });
    });
  }

  list(principal: Principal, filter: StockTakeFilter): Promise<StockTake[]> {
    const qb = scopeQuery(this.em.createQueryBuilder(StockTake, 't'), principal, StockTake);
    if (filter.depotId) qb.andWhere('t.depotId = :depotId', { depotId: filter.depotId });
    if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
    return qb.orderBy('t.countedAt', 'DESC').addOrderBy('t.id', 'DESC').limit(this.hub.config.graphql.maxPageSize).getMany();
  }

  async linesByTakeIds(ids: readonly string[]): Promise<StockTakeLine[][]> {
    const rows = await this.em.find(StockTakeLine, { where: { stockTakeId: In([...ids]) } });
    return groupByKey(ids, rows, (r) => r.stockTakeId);
  }
}
