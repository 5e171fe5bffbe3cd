import type { EntityManager } from 'typeorm';
import type { Principal } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { insertRow } from '../../platform/db/raw-sql';
import { AppError, badInput, conflict, ErrorCode, notFound } from '../../platform/errors';
import { Connection, paginate } from '../../platform/graphql/connection';
import type { Hub } from '../../platform/hub';
import { actorOf, assertDepotAccess, requireOneOf } from './access';
import { StockAlertKind } from './alert.entity';
import { AlertsService } from './alerts.service';
import { DepotsService } from './depots.service';
import type { DispatchReservationInput, ReservationFilter, ReservePartsInput } from './inventory.inputs';
import { PartCondition } from './part.entity';
import { PartsService } from './parts.service';
import { Reservation, ReservationStatus } from './reservation.entity';
import { checkDuration } from './rules/duration';
import { MovementType, Stock } from './stock.entity';
import { insufficientStock, StockLineKey, StockService } from './stock.service';
import { isDuplicateKey } from '../../platform/db/duplicate-key';
import { IncidentsService } from '../incidents/incidents.service';

export const HOLD_EXPIRY_JOB = 'inventory.reservation.holdExpired';
export const SPARES_LATE_JOB = 'inventory.reservation.sparesLate';
const holdKey = (id: string) => `inventory:reservation:${id}:hold`;
const lateKey = (id: string) => `inventory:reservation:${id}:late`;
const SCHEDULER_ACTOR = 'scheduler';

const RELEASED = [ReservationStatus.RELEASED, ReservationStatus.EXPIRED];
const SHIPPED = [ReservationStatus.DISPATCHED, ReservationStatus.DELIVERED];

function invalidTransition(reservation: Reservation, action: string) {
  return new AppError(ErrorCode.INVALID_TRANSITION, `Reservation ${reservation.id} is ${reservation.status}; cannot ${action}`, {
    status: reservation.status,
    action,
  });
}

const purposeOf = (r: Pick<Reservation, 'incidentId' | 'rmaNumber'>) =>
  [r.incidentId ? `incident ${r.incidentId}` : null, r.rmaNumber ? `RMA ${r.rmaNumber}` : null].filter(Boolean).join(' / ');

/**
 * Reservations hold stock for an incident or RMA until dispatch. Durable jobs
 * are not cancelled when a reservation moves on: each handler re-checks the
 * state with a conditional UPDATE and does nothing if it has changed. That
 * keeps the lock order of every command the same as the scheduler's (job row,
 * then reservation, then stock), so the two cannot deadlock on MariaDB.
 */
export class ReservationsService {
  constructor(private readonly hub: Hub) {}

  private get em() {
    return this.hub.db.manager;
  }
  private get stock() {
    return this.hub.get(StockService);
  }

  async reserve(principal: Principal, input: ReservePartsInput): Promise<Reservation> {
    assertDepotAccess(principal, input.depotId);
    requireOneOf({ incidentId: input.incidentId, rmaNumber: input.rmaNumber });
    if (input.incidentId) await this.hub.get(IncidentsService).assertReferable(principal, input.incidentId);
    if (input.condition === PartCondition.DEFECTIVE)
      throw badInput('Defective stock cannot be reserved as a spare', { field: 'condition' });
    const hold = checkDuration(input.holdFor);
    if (!hold.ok)
      throw badInput(`holdFor ${JSON.stringify(input.holdFor)} is not a positive ISO-8601 duration of days, hours or minutes`, {
        field: 'holdFor',
        reason: hold.reason,
      });
    let partId: string | null = null;
    try {
      return await this.hub.db.transaction(async (tx) => {
        const line = await this.stock.lineByPartNumber(tx, input.depotId, input.partNumber, input.condition);
        if (!line) return this.withoutLine(tx, principal, input);
        partId = line.partId;
        return this.reserveInTx(tx, principal, input, line, hold.ms);
      });
    } catch (error) {
      // The key is taken: a retry, or a concurrent request with the same key that committed first.
      // The retry check is not made up front because retries are rare and every first attempt would pay for it.
      if (partId && isDuplicateKey(error)) {
        const knownPartId = partId;
        // In a transaction of its own: on SQLite a read outside one shares the connection with
        // whichever transaction is in flight and could see a reservation about to roll back.
        const earlier = await this.hub.db.transaction((tx) => this.replay(tx.em, principal, input, knownPartId));
        if (earlier) return earlier;
      }
      throw error;
    }
  }

  /**
   * Writes in the order that keeps the stock line locked for the shortest time:
   * the reservation first (its unique key makes a concurrent retry wait there
   * and then fail as a duplicate, instead of taking stock it would have to give
   * back), the hold-expiry job, and the stock movement last, right before commit.
   */
  private async reserveInTx(
    tx: Tx,
    principal: Principal,
    input: ReservePartsInput,
    line: StockLineKey,
    holdMs: number,
  ): Promise<Reservation> {
    const now = new Date();
    const reservation = Object.assign(new Reservation(), {
      id: newId(),
      idempotencyKey: input.idempotencyKey,
      stockId: line.id,
      depotId: input.depotId,
      partId: line.partId,
      condition: input.condition,
      quantity: input.quantity,
      incidentId: input.incidentId ?? null,
      rmaNumber: input.rmaNumber ?? null,
      status: ReservationStatus.HELD,
      holdFor: input.holdFor,
      holdUntil: new Date(now.getTime() + holdMs),
      reservedBy: actorOf(principal),
      createdAt: now,
      releasedAt: null,
      releaseReason: null,
      dispatchedAt: null,
      carrier: null,
      trackingNumber: null,
      eta: null,
      deliveryDeadline: null,
      deliveredAt: null,
      lateAlertAt: null,
    });
    // The two inserts are sent together (one round trip of ours instead of two); the guarded UPDATE
    // stays last so the stock line is locked only from it to the commit. Should either insert fail,
    // the transaction rolls back the other.
    await Promise.all([
      insertRow(tx.em, Reservation, reservation),
      this.hub.scheduler.scheduleNew(tx, {
        kind: HOLD_EXPIRY_JOB,
        key: holdKey(reservation.id),
        dueAt: reservation.holdUntil,
        payload: { reservationId: reservation.id },
      }),
    ]);
    await this.stock.move(tx, {
      line,
      type: MovementType.RESERVATION,
      onHandDelta: 0,
      reservedDelta: input.quantity,
      actor: actorOf(principal),
      reason: `held for ${purposeOf(reservation)}`,
      reservationId: reservation.id,
      incidentId: reservation.incidentId,
      rmaNumber: reservation.rmaNumber,
      shortfall: (now) => insufficientStock(now, input.quantity, input.partNumber, input.condition),
    });
    return reservation;
  }

  /** No stock line for the request: say why, in the order a caller can act on (unknown part, reused key, unknown depot, no stock). */
  private async withoutLine(tx: Tx, principal: Principal, input: ReservePartsInput): Promise<Reservation> {
    const part = await this.hub.get(PartsService).require(tx.em, input.partNumber);
    const earlier = await this.replay(tx.em, principal, input, part.id);
    if (earlier) return earlier;
    await this.hub.get(DepotsService).requireExists(tx.em, input.depotId);
    throw insufficientStock(null, input.quantity, part.partNumber, input.condition);
  }

  /** The reservation an earlier request with this key made; CONFLICT when the key came with other parameters. */
  private async replay(em: EntityManager, principal: Principal, input: ReservePartsInput, partId: string): Promise<Reservation | null> {
    const existing = await em.findOneBy(Reservation, { idempotencyKey: input.idempotencyKey });
    if (!existing) return null;
    const same =
      existing.depotId === input.depotId &&
      existing.partId === partId &&
      existing.condition === input.condition &&
      existing.quantity === input.quantity &&
      existing.incidentId === (input.incidentId ?? null) &&
      existing.rmaNumber === (input.rmaNumber ?? null) &&
      existing.holdFor === input.holdFor;
    if (!same || !canSee(principal, Reservation, existing))
      throw conflict('This idempotencyKey was already used for a different reservation', {
        field: 'idempotencyKey',
        idempotencyKey: input.idempotencyKey,
      });
    return existing;
  }

  async release(principal: Principal, id: string, reason?: string | null): Promise<Reservation> {
    return this.hub.db.transaction(async (tx) => {
      const reservation = await this.visible(tx.em, principal, id);
      const ended = await this.endHold(tx, reservation, ReservationStatus.RELEASED, reason ?? 'released', actorOf(principal));
      if (ended) return ended;
      const now = await this.current(tx, id);
      if (RELEASED.includes(now.status)) return now;
      throw invalidTransition(now, 'release');
    });
  }

  /** Scheduler handler: the hold ran out before dispatch. */
  async expire(tx: Tx, id: string): Promise<void> {
    const reservation = await tx.em.findOneBy(Reservation, { id });
    if (!reservation) return;
    await this.endHold(
      tx,
      reservation,
      ReservationStatus.EXPIRED,
      `hold of ${reservation.holdFor} expired before dispatch`,
      SCHEDULER_ACTOR,
    );
  }

  /** HELD → RELEASED/EXPIRED and the stock back to available, or null when the reservation was no longer HELD. */
  private async endHold(
    tx: Tx,
    reservation: Reservation,
    status: ReservationStatus,
    reason: string,
    actor: string,
  ): Promise<Reservation | null> {
    const releasedAt = new Date();
    const releaseReason = reason.slice(0, 300);
    const changed = await tx.em
      .createQueryBuilder()
      .update(Reservation)
      .set({ status, releasedAt, releaseReason })
      .where('id = :id AND status = :held', { id: reservation.id, held: ReservationStatus.HELD })
      .execute();
    if (changed.affected !== 1) return null;
    await this.stock.move(tx, {
      line: this.lineOf(reservation),
      type: MovementType.RELEASE,
      onHandDelta: 0,
      reservedDelta: -reservation.quantity,
      actor,
      reason: releaseReason,
      reservationId: reservation.id,
      incidentId: reservation.incidentId,
      rmaNumber: reservation.rmaNumber,
      shortfall: () => new Error(`stock line ${reservation.stockId} holds less than reservation ${reservation.id}`),
    });
    return Object.assign(reservation, { status, releasedAt, releaseReason });
  }

  async dispatch(principal: Principal, input: DispatchReservationInput): Promise<Reservation> {
    let deadlineMs: number | null = null;
    if (!input.deliveryDeadline) {
      const within = checkDuration(input.deliveryWithin);
      if (!within.ok)
        throw badInput(`deliveryWithin ${JSON.stringify(input.deliveryWithin)} is not a positive ISO-8601 duration`, {
          field: 'deliveryWithin',
          reason: within.reason,
        });
      deadlineMs = within.ms;
    }
    return this.hub.db.transaction(async (tx) => {
      const reservation = await this.visible(tx.em, principal, input.reservationId);
      if (SHIPPED.includes(reservation.status)) return reservation;
      if (reservation.status !== ReservationStatus.HELD) throw invalidTransition(reservation, 'dispatch');
      const dispatchedAt = new Date();
      const fields = {
        status: ReservationStatus.DISPATCHED,
        dispatchedAt,
        carrier: input.carrier,
        trackingNumber: input.trackingNumber ?? null,
        eta: input.eta ?? null,
        deliveryDeadline: input.deliveryDeadline ?? new Date(dispatchedAt.getTime() + deadlineMs!),
      };
      const changed = await tx.em
        .createQueryBuilder()
        .update(Reservation)
        .set(fields)
        .where('id = :id AND status = :held', { id: reservation.id, held: ReservationStatus.HELD })
        .execute();
      if (changed.affected !== 1) {
        const now = await this.current(tx, reservation.id);
        if (SHIPPED.includes(now.status)) return now;
        throw invalidTransition(now, 'dispatch');
      }
      await this.stock.move(tx, {
        line: this.lineOf(reservation),
        type: MovementType.DISPATCH,
        onHandDelta: -reservation.quantity,
        reservedDelta: -reservation.quantity,
        actor: actorOf(principal),
        reason: `shipped via ${input.carrier}${input.trackingNumber ? ` (${input.trackingNumber})` : ''} for ${purposeOf(reservation)}`,
        reservationId: reservation.id,
        incidentId: reservation.incidentId,
        rmaNumber: reservation.rmaNumber,
        shortfall: () => new Error(`stock line ${reservation.stockId} holds less than reservation ${reservation.id}`),
      });
      await this.hub.scheduler.schedule(tx, {
        kind: SPARES_LATE_JOB,
        key: lateKey(reservation.id),
        dueAt: fields.deliveryDeadline,
        payload: { reservationId: reservation.id },
      });
      return Object.assign(reservation, fields);
    });
  }

  async confirmDelivery(principal: Principal, id: string, deliveredAt?: Date | null): Promise<Reservation> {
    return this.hub.db.transaction(async (tx) => {
      const reservation = await this.visible(tx.em, principal, id);
      if (reservation.status === ReservationStatus.DELIVERED) return reservation;
      if (reservation.status !== ReservationStatus.DISPATCHED) throw invalidTransition(reservation, 'confirm delivery');
      const at = deliveredAt ?? new Date();
      if (reservation.dispatchedAt && at < reservation.dispatchedAt)
        throw badInput('deliveredAt is before the dispatch', { field: 'deliveredAt' });
      const changed = await tx.em
        .createQueryBuilder()
        .update(Reservation)
        .set({ status: ReservationStatus.DELIVERED, deliveredAt: at })
        .where('id = :id AND status = :dispatched', { id, dispatched: ReservationStatus.DISPATCHED })
        .execute();
      if (changed.affected !== 1) {
        const now = await this.current(tx, id);
        if (now.status === ReservationStatus.DELIVERED) return now;
        throw invalidTransition(now, 'confirm delivery');
      }
      await this.hub.get(AlertsService).resolve(tx, { kind: StockAlertKind.SPARES_LATE, reservationId: id });
      return Object.assign(reservation, { status: ReservationStatus.DELIVERED, deliveredAt: at });
    });
  }

  /** Scheduler handler: the spares-on-site deadline passed; alert once if delivery is still unconfirmed. */
  async checkLate(tx: Tx, id: string): Promise<void> {
    const lateAlertAt = new Date();
    const changed = await tx.em
      .createQueryBuilder()
      .update(Reservation)
      .set({ lateAlertAt })
      .where('id = :id AND status = :dispatched AND lateAlertAt IS NULL', { id, dispatched: ReservationStatus.DISPATCHED })
      .execute();
    if (changed.affected !== 1) return;
    const r = await tx.em.findOneByOrFail(Reservation, { id });
    await this.hub.get(AlertsService).raise(tx, {
      kind: StockAlertKind.SPARES_LATE,
      depotId: r.depotId,
      stockId: r.stockId,
      partId: r.partId,
      condition: r.condition,
      reservationId: r.id,
      message: `Spares for ${purposeOf(r)} shipped via ${r.carrier ?? 'unknown carrier'} are not confirmed on site by ${r.deliveryDeadline?.toISOString()}`,
    });
  }

  list(
    principal: Principal,
    filter: ReservationFilter,
    page: { first?: number | null; after?: string | null },
  ): Promise<Connection<Reservation>> {
    const qb = scopeQuery(this.em.createQueryBuilder(Reservation, 'r'), principal, Reservation);
    if (filter.depotId) qb.andWhere('r.depotId = :depotId', { depotId: filter.depotId });
    if (filter.status) qb.andWhere('r.status = :status', { status: filter.status });
    if (filter.incidentId) qb.andWhere('r.incidentId = :incidentId', { incidentId: filter.incidentId });
    if (filter.rmaNumber) qb.andWhere('r.rmaNumber = :rmaNumber', { rmaNumber: filter.rmaNumber });
    if (filter.idempotencyKey) qb.andWhere('r.idempotencyKey = :key', { key: filter.idempotencyKey });
    return paginate(qb, page, { sortColumn: 'createdAt', descending: true, maxPageSize: this.hub.config.graphql.maxPageSize });
  }

  async get(principal: Principal, id: string): Promise<Reservation> {
    return this.visible(this.em, principal, id);
  }

  private async visible(em: EntityManager, principal: Principal, id: string): Promise<Reservation> {
    const reservation = await em.findOneBy(Reservation, { id });
    if (!reservation || !canSee(principal, Reservation, reservation)) throw notFound('Reservation', id);
    return reservation;
  }

  /** The row as committed now (a locking read on MySQL sees past the transaction's snapshot). */
  private current(tx: Tx, id: string): Promise<Reservation> {
    return tx.em.findOneOrFail(Reservation, { where: { id }, lock: this.hub.db.lockMode() });
  }

  private lineOf(r: Reservation): Pick<Stock, 'id' | 'depotId' | 'partId' | 'condition'> {
    return { id: r.stockId, depotId: r.depotId, partId: r.partId, condition: r.condition };
  }
}
