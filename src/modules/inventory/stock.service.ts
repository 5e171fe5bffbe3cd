import { EntityManager } from 'typeorm';
import { actorCanSee, type Actor } from '../../platform/auth/actor';
import type { Principal } from '../../platform/auth/principal';
import { scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import { DecideAfterRollback, type Tx } from '../../platform/db/database';
import { columnValue, execute, insertRow, quotedNames, selectById } from '../../platform/db/raw-sql';
import { AppError, conflict, ErrorCode } from '../../platform/errors';
import { Connection, paginate } from '../../platform/graphql/connection';
import type { Hub } from '../../platform/hub';
import { assertActorDepotAccess, bookedBy } from './access';
import { AlertsService } from './alerts.service';
import { DepotsService } from './depots.service';
import type { MovementFilter, ReceiveStockInput, ReturnDefectivePartInput, StockFilter } from './inventory.inputs';
import { Part, PartCondition } from './part.entity';
import { PartsService } from './parts.service';
import { lowStockUnchangedSql } from './rules/low-stock';
import { countsAfterMove } from './rules/stock-move';
import { MovementType, Stock, StockMovement } from './stock.entity';
import { isDuplicateKey } from '../../platform/db/duplicate-key';

export type StockLineKey = Pick<Stock, 'id' | 'depotId' | 'partId' | 'condition'>;

/** Lines found by depot, part number and condition; neither lines nor part numbers are ever deleted or renamed. */
const LINE_DIRECTORY_LIMIT = 50_000;

export interface MoveSpec {
  line: StockLineKey;
  type: MovementType;
  onHandDelta: number;
  reservedDelta: number;
  actor: string;
  reason?: string | null;
  reservationId?: string | null;
  transferId?: string | null;
  stockTakeId?: string | null;
  incidentId?: string | null;
  rmaNumber?: string | null;
  idempotencyKey?: string | null;
  /** What to throw when the change would take onHand, reserved or available below zero. */
  shortfall: (line: Stock) => Error;
}

export const available = (line: Pick<Stock, 'onHand' | 'reserved'>): number => line.onHand - line.reserved;

export function insufficientStock(
  line: Pick<Stock, 'onHand' | 'reserved' | 'depotId'> | null,
  requested: number,
  partNumber: string,
  condition: PartCondition,
) {
  const have = line ? available(line) : 0;
  return new AppError(ErrorCode.INSUFFICIENT_STOCK, `Only ${have} of ${partNumber} (${condition}) available, ${requested} requested`, {
    available: have,
    requested,
    partNumber,
    condition,
  });
}

/**
 * The stock ledger. Every change of a stock line goes through `move`: one
 * movement row and one guarded UPDATE in the caller's transaction. The guard
 * (new onHand, reserved and available all >= 0) is checked by the database on
 * the row it locks for the update, so concurrent requests on MySQL/MariaDB can
 * never both take the last unit, and no read-then-write window exists.
 */
export class StockService {
  private readonly lineDirectory = new Map<string, StockLineKey>();

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

  findLine(em: EntityManager, depotId: string, partId: string, condition: PartCondition): Promise<Stock | null> {
    return em.findOneBy(Stock, { depotId, partId, condition });
  }

  /**
   * The line of a part (by part number) in one condition at one depot, or null
   * when there is none (or no such part or depot). A line, once committed, keeps
   * its id, depot, part and condition for good, so found lines are remembered;
   * the lookup runs in the caller's transaction so a line another transaction
   * has created but not committed is never remembered.
   */
  async lineByPartNumber(tx: Tx, depotId: string, partNumber: string, condition: PartCondition): Promise<StockLineKey | null> {
    const key = `${depotId}\u0000${partNumber}\u0000${condition}`;
    const known = this.lineDirectory.get(key);
    if (known) return known;
    const s = quotedNames(tx.em, Stock);
    const p = quotedNames(tx.em, Part);
    const rows: Array<{ id: string; partId: string }> = await tx.em.query(
      `SELECT s.${s.col('id')} AS id, s.${s.col('partId')} AS partId FROM ${s.table} s INNER JOIN ${p.table} p ON p.${p.col('id')} = s.${s.col('partId')}
        WHERE s.${s.col('depotId')} = ? AND p.${p.col('partNumber')} = ? AND s.${s.col('condition')} = ?`,
      [depotId, partNumber, condition],
    );
    if (rows.length === 0) return null;
    const line: StockLineKey = { id: rows[0].id, depotId, partId: rows[0].partId, condition };
    if (this.lineDirectory.size >= LINE_DIRECTORY_LIMIT) this.lineDirectory.clear();
    this.lineDirectory.set(key, line);
    return line;
  }

  /** The line as it is now, locked on MySQL (a current read, not the transaction's snapshot). */
  async lockedLine(tx: Tx, id: string): Promise<Stock> {
    return tx.em.findOneOrFail(Stock, { where: { id }, lock: this.hub.db.lockMode() });
  }

  /**
   * Finds or creates a line, returned as it is now (locked on MySQL). Creation
   * is an upsert whose update part is a no-op: on MySQL/MariaDB it takes an
   * exclusive lock on a row a concurrent request just inserted, so the requests
   * queue. (A locking read of the missing key, or INSERT IGNORE, would leave
   * them holding gap or shared locks and deadlock when they go on to update.)
   */
  async ensureLine(tx: Tx, depotId: string, partId: string, condition: PartCondition): Promise<Stock> {
    const existing = await this.findLine(tx.em, depotId, partId, condition);
    if (existing) return this.hub.db.dialect === 'mysql' ? this.lockedLine(tx, existing.id) : existing;
    await tx.em
      .createQueryBuilder()
      .insert()
      .into(Stock)
      .values({
        id: newId(),
        depotId,
        partId,
        condition,
        onHand: 0,
        reserved: 0,
        reorderPoint: 0,
        reorderQuantity: 0,
        alertOpen: false,
        updatedAt: new Date(),
      })
      .orUpdate(['updatedAt'], ['depotId', 'partId', 'condition'])
      .execute();
    return tx.em.findOneOrFail(Stock, { where: { depotId, partId, condition }, lock: this.hub.db.lockMode() });
  }

  /**
   * Books one movement: its row, then the guarded UPDATE of the line. The
   * UPDATE takes the line's row lock on MySQL/MariaDB, so a command on a busy
   * line (reserveParts) calls this last, right before its commit. The UPDATE also
   * requires that the low-stock alert state stays as it is, which is the usual
   * case: then the line is not read at all. When it does not match (a shortfall,
   * or the alert is to be raised or cleared) the line, now locked, is read and
   * the rules decide.
   */
  async move(tx: Tx, spec: MoveSpec): Promise<StockMovement> {
    const now = new Date();
    const movement = Object.assign(new StockMovement(), {
      id: newId(),
      stockId: spec.line.id,
      depotId: spec.line.depotId,
      partId: spec.line.partId,
      condition: spec.line.condition,
      type: spec.type,
      quantity: Math.max(Math.abs(spec.onHandDelta), Math.abs(spec.reservedDelta)),
      onHandDelta: spec.onHandDelta,
      reservedDelta: spec.reservedDelta,
      reservationId: spec.reservationId ?? null,
      transferId: spec.transferId ?? null,
      stockTakeId: spec.stockTakeId ?? null,
      incidentId: spec.incidentId ?? null,
      rmaNumber: spec.rmaNumber ?? null,
      actor: spec.actor.slice(0, 120),
      reason: spec.reason ? spec.reason.slice(0, 500) : null,
      idempotencyKey: spec.idempotencyKey ?? null,
      createdAt: now,
    });
    await insertRow(tx.em, StockMovement, movement);
    if ((await this.applyToLine(tx, spec, now, 'alert state unchanged')) === 1) return movement;
    // Refused: a shortfall (on a busy line the usual case), or a change of the alert state. The refused
    // UPDATE holds the line's row lock until the transaction ends, so the transaction rolls back before
    // anything is read to tell the two apart; only an alert change runs the work again and decides here.
    const fact = `stock line ${spec.line.id} refused the guarded update`;
    if (tx.learned && !tx.learned.has(fact)) throw new DecideAfterRollback(fact, (em) => this.afterRefusal(em, spec));
    const line = await selectById(tx.em, Stock, spec.line.id, { forUpdate: this.hub.db.dialect === 'mysql' });
    if (!line) throw new Error(`stock line ${spec.line.id} does not exist`);
    const after = countsAfterMove(line, { onHand: spec.onHandDelta, reserved: spec.reservedDelta });
    if (!after) throw spec.shortfall(line);
    if ((await this.applyToLine(tx, spec, now, 'any alert state')) !== 1) throw spec.shortfall(line);
    Object.assign(line, after, { updatedAt: now });
    await this.hub.get(AlertsService).evaluateLowStock(tx, line);
    return movement;
  }

  /** After a refused movement was rolled back: the shortfall's error, or 'retry' when the line can take it (an alert change, or units freed since). */
  private async afterRefusal(em: EntityManager, spec: MoveSpec): Promise<Error | 'retry'> {
    const line = await selectById(em, Stock, spec.line.id, { forUpdate: false });
    if (!line) return new Error(`stock line ${spec.line.id} does not exist`);
    return countsAfterMove(line, { onHand: spec.onHandDelta, reserved: spec.reservedDelta }) ? 'retry' : spec.shortfall(line);
  }

  /** The guarded UPDATE (see countsAfterMove); answers 1 if it changed the line, 0 if the guard refused. */
  private applyToLine(tx: Tx, spec: MoveSpec, now: Date, alert: 'alert state unchanged' | 'any alert state'): Promise<number> {
    const { table, col } = quotedNames(tx.em, Stock);
    const onHand = `(${col('onHand')} + ?)`;
    const reserved = `(${col('reserved')} + ?)`;
    const d = [spec.onHandDelta, spec.reservedDelta];
    let sql =
      `UPDATE ${table} SET ${col('onHand')} = ${onHand}, ${col('reserved')} = ${reserved}, ${col('updatedAt')} = ?` +
      ` WHERE ${col('id')} = ? AND ${onHand} >= 0 AND ${reserved} >= 0 AND ${onHand} - ${reserved} >= 0`;
    const parameters: unknown[] = [...d, columnValue(tx.em, Stock, 'updatedAt', now), spec.line.id, ...d, ...d];
    if (alert === 'alert state unchanged') {
      // The rule's SQL names the available stock twice: two more pairs of deltas.
      sql += ` AND ${lowStockUnchangedSql({ available: `${onHand} - ${reserved}`, reorderPoint: col('reorderPoint'), alertOpen: col('alertOpen') })}`;
      parameters.push(...d, ...d);
    }
    return execute(tx.em, sql, parameters);
  }

  async receive(actor: Actor, input: ReceiveStockInput): Promise<Stock> {
    assertActorDepotAccess(actor, input.depotId);
    const part = await this.parts.require(this.em, input.partNumber);
    return this.keyed(
      actor,
      input.idempotencyKey,
      (m) =>
        m.type === MovementType.RECEIPT &&
        m.depotId === input.depotId &&
        m.partId === part.id &&
        m.condition === input.condition &&
        m.quantity === input.quantity,
      async (tx) => {
        await this.depots.requireExists(tx.em, input.depotId);
        const line = await this.ensureLine(tx, input.depotId, part.id, input.condition);
        await this.move(tx, {
          line,
          type: MovementType.RECEIPT,
          onHandDelta: input.quantity,
          reservedDelta: 0,
          actor: bookedBy(actor),
          reason: input.reason ?? 'goods received',
          idempotencyKey: input.idempotencyKey,
          shortfall: () => new Error('a receipt cannot make stock negative'),
        });
        return this.lockedLine(tx, line.id);
      },
    );
  }

  /** A failed part taken back from site for an RMA goes into the depot's DEFECTIVE stock (for return to the vendor). */
  async returnDefective(actor: Actor, input: ReturnDefectivePartInput): Promise<Stock> {
    assertActorDepotAccess(actor, input.depotId);
    const part = await this.parts.require(this.em, input.partNumber);
    return this.keyed(
      actor,
      input.idempotencyKey,
      (m) =>
        m.type === MovementType.RETURN &&
        m.depotId === input.depotId &&
        m.partId === part.id &&
        m.quantity === input.quantity &&
        m.rmaNumber === input.rmaNumber,
      async (tx) => {
        await this.depots.requireExists(tx.em, input.depotId);
        const line = await this.ensureLine(tx, input.depotId, part.id, PartCondition.DEFECTIVE);
        const serial = input.serialNumber ? ` (serial ${input.serialNumber})` : '';
        await this.move(tx, {
          line,
          type: MovementType.RETURN,
          onHandDelta: input.quantity,
          reservedDelta: 0,
          actor: bookedBy(actor),
          reason: `${input.reason ?? 'defective part returned'}${serial}`,
          rmaNumber: input.rmaNumber,
          idempotencyKey: input.idempotencyKey,
          shortfall: () => new Error('a return cannot make stock negative'),
        });
        return this.lockedLine(tx, line.id);
      },
    );
  }

  /** Retry-safe single-movement commands: the key is stored on the movement, whose unique index settles concurrent retries. */
  private async keyed(
    actor: Actor,
    key: string | undefined,
    sameRequest: (m: StockMovement) => boolean,
    work: (tx: Tx) => Promise<Stock>,
  ): Promise<Stock> {
    try {
      // Checked inside the transaction: on SQLite a read outside it could see another transaction's uncommitted rows.
      return await this.hub.db.transaction(async (tx) => (key && (await this.replayMovement(tx.em, actor, key, sameRequest))) || work(tx));
    } catch (error) {
      if (key && isDuplicateKey(error)) {
        const replay = await this.replayMovement(this.em, actor, key, sameRequest);
        if (replay) return replay;
      }
      throw error;
    }
  }

  private async replayMovement(
    em: EntityManager,
    actor: Actor,
    key: string,
    sameRequest: (m: StockMovement) => boolean,
  ): Promise<Stock | null> {
    const movement = await em.findOneBy(StockMovement, { idempotencyKey: key });
    if (!movement) return null;
    if (!actorCanSee(actor, StockMovement, movement) || !sameRequest(movement))
      throw conflict('This idempotencyKey was already used for a different request', { field: 'idempotencyKey', idempotencyKey: key });
    return em.findOneByOrFail(Stock, { id: movement.stockId });
  }

  listStock(principal: Principal, filter: StockFilter): Promise<Stock[]> {
    const qb = scopeQuery(this.em.createQueryBuilder(Stock, 's'), principal, Stock).innerJoin(Part, 'p', 'p.id = s.partId');
    if (filter.depotId) qb.andWhere('s.depotId = :depotId', { depotId: filter.depotId });
    if (filter.partNumber) qb.andWhere('p.partNumber = :partNumber', { partNumber: filter.partNumber });
    if (filter.condition) qb.andWhere('s.condition = :condition', { condition: filter.condition });
    if (filter.belowReorderPoint) qb.andWhere('s.onHand - s.reserved < s.reorderPoint');
    return qb.orderBy('p.partNumber').addOrderBy('s.depotId').addOrderBy('s.condition').getMany();
  }

  async listMovements(
    principal: Principal,
    filter: MovementFilter,
    page: { first?: number | null; after?: string | null },
  ): Promise<Connection<StockMovement>> {
    const qb = scopeQuery(this.em.createQueryBuilder(StockMovement, 'm'), principal, StockMovement);
    if (filter.depotId) qb.andWhere('m.depotId = :depotId', { depotId: filter.depotId });
    if (filter.partNumber) {
      const part = await this.em.findOneBy(Part, { partNumber: filter.partNumber });
      qb.andWhere('m.partId = :partId', { partId: part?.id ?? '-' });
    }
    if (filter.stockId) qb.andWhere('m.stockId = :stockId', { stockId: filter.stockId });
    if (filter.type) qb.andWhere('m.type = :type', { type: filter.type });
    if (filter.reservationId) qb.andWhere('m.reservationId = :reservationId', { reservationId: filter.reservationId });
    if (filter.incidentId) qb.andWhere('m.incidentId = :incidentId', { incidentId: filter.incidentId });
    if (filter.rmaNumber) qb.andWhere('m.rmaNumber = :rmaNumber', { rmaNumber: filter.rmaNumber });
    return paginate(qb, page, { sortColumn: 'createdAt', descending: true, maxPageSize: this.hub.config.graphql.maxPageSize });
  }
}
