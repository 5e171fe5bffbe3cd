import type { Principal } from '../../platform/auth/principal';
import { scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { Connection, paginate } from '../../platform/graphql/connection';
import type { Hub } from '../../platform/hub';
import { makeEnvelope } from '../../platform/kafka/event-bus';
import { AlertStatus, ReplenishmentSuggestion, StockAlert, StockAlertKind, SuggestionStatus } from './alert.entity';
import type { StockAlertFilter, SuggestionFilter } from './inventory.inputs';
import { INVENTORY_EVENTS, STOCK_ALERT_TOPIC, StockAlertRaisedPayload } from './inventory.events';
import { lowStockTransition, suggestedReorderQuantity } from './rules/low-stock';
import { Stock } from './stock.entity';
import { sqlBool } from '../../platform/db/raw-sql';
import { UnitOfWork } from '../../platform/db/unit-of-work';

/** What crosses the live bus: JSON-safe (dates as ISO strings). */
export type StockAlertPayload = Omit<StockAlert, 'raisedAt' | 'resolvedAt'> & { raisedAt: string; resolvedAt: string | null };

export const toAlertPayload = (a: StockAlert): StockAlertPayload => ({
  ...a,
  raisedAt: a.raisedAt.toISOString(),
  resolvedAt: a.resolvedAt ? a.resolvedAt.toISOString() : null,
});

export const fromAlertPayload = (p: StockAlertPayload): StockAlert =>
  Object.assign(new StockAlert(), { ...p, raisedAt: new Date(p.raisedAt), resolvedAt: p.resolvedAt ? new Date(p.resolvedAt) : null });

export type NewAlert = Pick<StockAlert, 'kind' | 'depotId' | 'message'> &
  Partial<Pick<StockAlert, 'stockId' | 'partId' | 'condition' | 'reservationId' | 'loanId' | 'available' | 'reorderPoint'>>;

/**
 * The depot alert feed. Other modules (loaners) raise their alerts here too,
 * so a depot has one feed and one subscription.
 */
export class AlertsService {
  constructor(private readonly hub: Hub) {}

  async raise(tx: Tx, input: NewAlert): Promise<StockAlert> {
    const alert = Object.assign(new StockAlert(), {
      id: newId(),
      stockId: null,
      partId: null,
      condition: null,
      reservationId: null,
      loanId: null,
      available: null,
      reorderPoint: null,
      ...input,
      message: input.message.slice(0, 500),
      status: AlertStatus.OPEN,
      raisedAt: new Date(),
      resolvedAt: null,
    });
    await tx.em.insert(StockAlert, alert);
    const payload: StockAlertRaisedPayload = {
      alertId: alert.id,
      kind: alert.kind,
      depotId: alert.depotId,
      stockId: alert.stockId,
      partId: alert.partId,
      reservationId: alert.reservationId,
      loanId: alert.loanId,
      message: alert.message,
      raisedAt: alert.raisedAt.toISOString(),
    };
    await new UnitOfWork(this.hub.outbox)
      .emit(
        this.hub.config.kafka.topics.hubEvents,
        makeEnvelope({ type: INVENTORY_EVENTS.STOCK_ALERT_RAISED, key: alert.depotId, source: this.hub.config.instanceId, payload }),
      )
      .afterCommit(() => this.hub.pubsub.publish(STOCK_ALERT_TOPIC, alert.depotId, toAlertPayload(alert)))
      .record(tx);
    return alert;
  }

  /** Resolves open alerts matching the criteria (e.g. the SPARES_LATE alert of a reservation once it is delivered). */
  async resolve(tx: Tx, where: { kind: StockAlertKind; stockId?: string; reservationId?: string; loanId?: string }): Promise<number> {
    const qb = tx.em
      .createQueryBuilder()
      .update(StockAlert)
      .set({ status: AlertStatus.RESOLVED, resolvedAt: new Date() })
      .where('kind = :kind AND status = :open', { kind: where.kind, open: AlertStatus.OPEN });
    if (where.stockId) qb.andWhere('stockId = :stockId', { stockId: where.stockId });
    if (where.reservationId) qb.andWhere('reservationId = :reservationId', { reservationId: where.reservationId });
    if (where.loanId) qb.andWhere('loanId = :loanId', { loanId: where.loanId });
    return (await qb.execute()).affected ?? 0;
  }

  /**
   * Called after every change of a stock line, with the line as it now is (and
   * locked). The flip of `alertOpen` is itself a conditional UPDATE, so however
   * many reservations push a line below its reorder point, one alert and one
   * replenishment suggestion are created.
   */
  async evaluateLowStock(tx: Tx, line: Stock): Promise<void> {
    const available = line.onHand - line.reserved;
    const transition = lowStockTransition({ available, reorderPoint: line.reorderPoint, alertOpen: line.alertOpen });
    if (transition === 'NONE') return;
    const raise = transition === 'RAISE';
    const flipped = await tx.em
      .createQueryBuilder()
      .update(Stock)
      .set({ alertOpen: raise })
      .where('id = :id AND alertOpen = :was', { id: line.id, was: sqlBool(!raise) })
      .execute();
    if ((flipped.affected ?? 0) !== 1) return;
    line.alertOpen = raise;
    if (!raise) {
      await this.resolve(tx, { kind: StockAlertKind.LOW_STOCK, stockId: line.id });
      await tx.em
        .createQueryBuilder()
        .update(ReplenishmentSuggestion)
        .set({ status: SuggestionStatus.CLOSED, closedAt: new Date() })
        .where('stockId = :stockId AND status = :open', { stockId: line.id, open: SuggestionStatus.OPEN })
        .execute();
      return;
    }
    const alert = await this.raise(tx, {
      kind: StockAlertKind.LOW_STOCK,
      depotId: line.depotId,
      stockId: line.id,
      partId: line.partId,
      condition: line.condition,
      available,
      reorderPoint: line.reorderPoint,
      message: `Available stock ${available} is below the reorder point ${line.reorderPoint}`,
    });
    await tx.em.insert(
      ReplenishmentSuggestion,
      Object.assign(new ReplenishmentSuggestion(), {
        id: newId(),
        depotId: line.depotId,
        stockId: line.id,
        partId: line.partId,
        condition: line.condition,
        alertId: alert.id,
        quantity: suggestedReorderQuantity({ available, reorderPoint: line.reorderPoint, reorderQuantity: line.reorderQuantity }),
        available,
        reorderPoint: line.reorderPoint,
        status: SuggestionStatus.OPEN,
        createdAt: new Date(),
        closedAt: null,
      }),
    );
  }

  listAlerts(
    principal: Principal,
    filter: StockAlertFilter,
    page: { first?: number | null; after?: string | null },
  ): Promise<Connection<StockAlert>> {
    const qb = scopeQuery(this.hub.db.manager.createQueryBuilder(StockAlert, 'a'), principal, StockAlert);
    if (filter.depotId) qb.andWhere('a.depotId = :depotId', { depotId: filter.depotId });
    if (filter.kind) qb.andWhere('a.kind = :kind', { kind: filter.kind });
    if (filter.status) qb.andWhere('a.status = :status', { status: filter.status });
    return paginate(qb, page, { sortColumn: 'raisedAt', descending: true, maxPageSize: this.hub.config.graphql.maxPageSize });
  }

  listSuggestions(principal: Principal, filter: Partial<SuggestionFilter>): Promise<ReplenishmentSuggestion[]> {
    const qb = scopeQuery(this.hub.db.manager.createQueryBuilder(ReplenishmentSuggestion, 's'), principal, ReplenishmentSuggestion);
    if (filter.depotId) qb.andWhere('s.depotId = :depotId', { depotId: filter.depotId });
    qb.andWhere('s.status = :status', { status: filter.status ?? SuggestionStatus.OPEN });
    return qb.orderBy('s.createdAt', 'DESC').addOrderBy('s.id', 'DESC').getMany();
  }
}
