import { Brackets, EntityManager, In } from 'typeorm';
import type { Principal } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { AppError, badInput, conflict, ErrorCode, notFound } from '../../platform/errors';
import { Connection, paginate } from '../../platform/graphql/connection';
import type { Hub } from '../../platform/hub';
import { Device, Site } from '../customers/customer.entity';
import { requireOneOf } from '../inventory/access';
import { StockAlertKind } from '../inventory/alert.entity';
import { AlertsService } from '../inventory/alerts.service';
import { DepotsService } from '../inventory/depots.service';
import { isDuplicateKey } from '../../platform/db/duplicate-key';
import { inTx, savepoint } from '../../platform/db/savepoint';
import { UnitOfWork } from '../../platform/db/unit-of-work';
import { Loan, Loaner, LoanerMatch, LoanerState, LoanStatus } from './loaner.entity';
import type { LoanerFilter, LoanFilter, RegisterLoanerInput } from './loaners.inputs';
import { loanerMatch, rankLoaners } from './rules/loaner-choice';

export const LOANER_UPDATED = 'LOANER_UPDATED';
/** Subscribers without a depot listen here; the filter narrows a WAREHOUSE key to its own depots. */
export const ALL_DEPOTS = '*';
export const LOAN_OVERDUE_JOB = 'loaners.loan.overdue';
const overdueKey = (loanId: string) => `loaners:loan:${loanId}:overdue`;

const OPEN = [LoanStatus.RESERVED, LoanStatus.IN_TRANSIT, LoanStatus.ON_LOAN];

export type LoanerPayload = Omit<Loaner, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };
export const toLoanerPayload = (l: Loaner): LoanerPayload => ({
  ...l,
  createdAt: l.createdAt.toISOString(),
  updatedAt: l.updatedAt.toISOString(),
});
export const fromLoanerPayload = (p: LoanerPayload): Loaner =>
  Object.assign(new Loaner(), { ...p, createdAt: new Date(p.createdAt), updatedAt: new Date(p.updatedAt) });

/** What the RMA module (5-working-day rule) and `assignLoaner` pass in. */
export interface ProposeAndAssignInput {
  rmaNumber?: string | null;
  incidentId?: string | null;
  /** Serial of the customer's unit under repair. */
  deviceSerial: string;
  /** When given, the device must belong to this customer (guards against a mistyped serial). */
  customerId?: string | null;
  /** A specific loaner instead of the best free one. */
  loanerSerial?: string | null;
  /** Booked as `assignedBy`; default "rma". */
  actor?: string;
}

/** Loaner state changes that go with each loan transition (AVAILABLE/MAINTENANCE/RETIRED are the pool's own). */
const LOAN_TRANSITIONS = {
  ship: { from: [LoanStatus.RESERVED], to: LoanStatus.IN_TRANSIT, loanerFrom: [LoanerState.RESERVED], loanerTo: LoanerState.IN_TRANSIT },
  deliver: {
    from: [LoanStatus.RESERVED, LoanStatus.IN_TRANSIT],
    to: LoanStatus.ON_LOAN,
    loanerFrom: [LoanerState.RESERVED, LoanerState.IN_TRANSIT],
    loanerTo: LoanerState.ON_LOAN,
  },
  cancel: { from: [LoanStatus.RESERVED], to: LoanStatus.CANCELLED, loanerFrom: [LoanerState.RESERVED], loanerTo: LoanerState.AVAILABLE },
} as const;

/** Pool states a person may set by hand; the others follow loans. */
const MANUAL_STATES: Partial<Record<LoanerState, LoanerState[]>> = {
  [LoanerState.AVAILABLE]: [LoanerState.MAINTENANCE],
  [LoanerState.MAINTENANCE]: [LoanerState.AVAILABLE],
  [LoanerState.RETIRED]: [LoanerState.AVAILABLE, LoanerState.MAINTENANCE],
};

export class LoanersService {
  constructor(private readonly hub: Hub) {}

  private get em() {
    return this.hub.db.manager;
  }

  listLoaners(principal: Principal, filter: LoanerFilter): Promise<Loaner[]> {
    const qb = scopeQuery(this.em.createQueryBuilder(Loaner, 'l'), principal, Loaner);
    if (filter.depotId) qb.andWhere('l.depotId = :depotId', { depotId: filter.depotId });
    if (filter.state) qb.andWhere('l.state = :state', { state: filter.state });
    if (filter.model) qb.andWhere('l.model = :model', { model: filter.model });
    if (filter.equivalenceClass) qb.andWhere('l.equivalenceClass = :cls', { cls: filter.equivalenceClass });
    return qb.orderBy('l.serialNumber').getMany();
  }

  async register(input: RegisterLoanerInput): Promise<Loaner> {
    const now = new Date();
    const loaner = Object.assign(new Loaner(), {
      id: newId(),
      serialNumber: input.serialNumber,
      vendor: input.vendor,
      model: input.model,
      equivalenceClass: input.equivalenceClass ?? input.model,
      depotId: input.depotId,
      state: LoanerState.AVAILABLE,
      notes: input.notes ?? null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.hub.db.transaction(async (tx) => {
        await this.hub.get(DepotsService).requireExists(tx.em, input.depotId);
        await tx.em.insert(Loaner, loaner);
        await this.publishAfterCommit(tx, loaner);
      });
    } catch (error) {
      if (isDuplicateKey(error)) throw conflict(`Loaner ${input.serialNumber} is already registered`, { field: 'serialNumber' });
      throw error;
    }
    return loaner;
  }

  /** Maintenance, back to the pool, retirement. Loaners out on loan change state through their loan. */
  async setState(principal: Principal, serialNumber: string, state: LoanerState, notes?: string | null): Promise<Loaner> {
    const allowedFrom = MANUAL_STATES[state];
    if (!allowedFrom) throw badInput(`${state} follows a loan; it cannot be set by hand`, { field: 'state' });
    return this.hub.db.transaction(async (tx) => {
      const loaner = await tx.em.findOneBy(Loaner, { serialNumber });
      if (!loaner || !canSee(principal, Loaner, loaner)) throw notFound('Loaner', serialNumber);
      if (loaner.state === state) return loaner;
      const changed = await tx.em
        .createQueryBuilder()
        .update(Loaner)
        .set({ state, updatedAt: new Date(), ...(notes ? { notes } : {}) })
        .where('id = :id AND state IN (:...from)', { id: loaner.id, from: allowedFrom })
        .execute();
      if (changed.affected !== 1) {
        const now = await tx.em.findOneOrFail(Loaner, { where: { id: loaner.id }, lock: this.hub.db.lockMode() });
        throw new AppError(ErrorCode.INVALID_TRANSITION, `Loaner ${serialNumber} is ${now.state}; cannot become ${state}`, {
          state: now.state,
          allowedFrom,
        });
      }
      return this.reloadAndPublish(tx, loaner.id);
    });
  }

  /**
   * Lends a loaner for a unit under repair: the same model if one is free,
   * else an equivalent, from the depot nearest the unit's site. Taking the
   * loaner is a conditional UPDATE (state AVAILABLE → RESERVED), so concurrent
   * assignments never take the same unit. A unit has at most one open loan
   * (unique index): asking again for the same repair returns that loan, asking
   * for another repair of the same unit is a CONFLICT.
   *
   * With `tx` the work joins the caller's transaction inside a savepoint: a
   * failure (typed AppError) undoes only this, and the caller decides.
   */
  async proposeAndAssign(tx: Tx | undefined, input: ProposeAndAssignInput): Promise<Loan> {
    requireOneOf({ rmaNumber: input.rmaNumber, incidentId: input.incidentId });
    const run = (t: Tx) => this.assignInTx(t, input);
    try {
      return tx ? await savepoint(tx, run) : await this.hub.db.transaction(run);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // A concurrent request for the same unit committed its loan first.
      const em = tx?.em ?? this.em;
      const device = await em.findOneByOrFail(Device, { serialNumber: input.deviceSerial });
      const open = await em.findOne(Loan, { where: { openDeviceId: device.id }, lock: tx ? this.hub.db.lockMode() : undefined });
      if (!open) throw error;
      return this.sameRepairOrConflict(em, open, input);
    }
  }

  private async assignInTx(tx: Tx, input: ProposeAndAssignInput): Promise<Loan> {
    const device = await tx.em.findOneBy(Device, { serialNumber: input.deviceSerial });
    if (!device) throw notFound('Device', input.deviceSerial);
    if (input.customerId && device.customerId !== input.customerId)
      throw badInput(`Device ${input.deviceSerial} does not belong to customer ${input.customerId}`, { field: 'deviceSerial' });
    const open = await tx.em.findOneBy(Loan, { openDeviceId: device.id });
    if (open) return this.sameRepairOrConflict(tx.em, open, input);

    const site = await tx.em.findOneByOrFail(Site, { id: device.siteId });
    const delivery = await this.hub.get(DepotsService).deliveryToSite(tx.em, site);
    const minutes = new Map([...delivery].map(([depotId, d]) => [depotId, d.minutes]));
    let candidates: Loaner[];
    if (input.loanerSerial) {
      const wanted = await tx.em.findOneBy(Loaner, { serialNumber: input.loanerSerial });
      if (!wanted) throw notFound('Loaner', input.loanerSerial);
      if (!loanerMatch(device, wanted))
        throw badInput(
          `Loaner ${wanted.serialNumber} (${wanted.model}) is neither a ${device.model} nor of class ${device.equivalenceClass}`,
          {
            field: 'loanerSerial',
          },
        );
      candidates = [wanted];
    } else {
      candidates = await tx.em
        .createQueryBuilder(Loaner, 'l')
        .where('l.state = :available', { available: LoanerState.AVAILABLE })
        .andWhere(
          new Brackets((w) =>
            w.where('l.model = :model', { model: device.model }).orWhere('l.equivalenceClass = :cls', { cls: device.equivalenceClass }),
          ),
        )
        .getMany();
    }
    const now = new Date();
    const loan = Object.assign(new Loan(), {
      id: newId(),
      loanerId: '',
      depotId: '',
      customerId: device.customerId,
      deviceId: device.id,
      deviceSerial: device.serialNumber,
      rmaNumber: input.rmaNumber ?? null,
      incidentId: input.incidentId ?? null,
      matchKind: LoanerMatch.SAME_MODEL,
      status: LoanStatus.RESERVED,
      openDeviceId: device.id,
      assignedBy: (input.actor ?? 'rma').slice(0, 120),
      assignedAt: now,
      shippedAt: null,
      deliveredAt: null,
      dueBackAt: null,
      overdueAlertAt: null,
      returnedAt: null,
    });
    // Inserted before a loaner is chosen: the unique open-loan slot of the unit makes a concurrent
    // request for the same repair wait here and then find this loan, rather than race for a loaner.
    await tx.em.insert(Loan, loan);
    for (const candidate of rankLoaners(device, candidates, minutes)) {
      if (!(await this.lockIfFree(tx, candidate.id))) continue;
      const taken = await tx.em
        .createQueryBuilder()
        .update(Loaner)
        .set({ state: LoanerState.RESERVED, updatedAt: now })
        .where('id = :id AND state = :available', { id: candidate.id, available: LoanerState.AVAILABLE })
        .execute();
      if (taken.affected !== 1) continue;
      const chosen = {
        loanerId: candidate.id,
        depotId: candidate.depotId,
        matchKind: candidate.match === 'SAME_MODEL' ? LoanerMatch.SAME_MODEL : LoanerMatch.EQUIVALENT,
      };
      await tx.em.update(Loan, { id: loan.id }, chosen);
      await this.reloadAndPublish(tx, candidate.id);
      return Object.assign(loan, chosen);
    }
    if (input.loanerSerial) {
      const wanted = candidates[0];
      throw conflict(`Loaner ${wanted.serialNumber} is not available`, { field: 'loanerSerial', state: wanted.state });
    }
    throw new AppError(
      ErrorCode.INSUFFICIENT_STOCK,
      `No loaner of model ${device.model} or class ${device.equivalenceClass} is available`,
      {
        resource: 'LOANER',
        available: 0,
        model: device.model,
        equivalenceClass: device.equivalenceClass,
      },
    );
  }

  /**
   * MySQL/MariaDB: lock the loaner if it is free and nobody else holds it,
   * without waiting. Requests rank the same loaners in different orders (each
   * from its own site), so waiting for one another's rows could deadlock;
   * skipping a row another request is taking just moves on to the next best.
   * SQLite runs one transaction at a time and needs no lock.
   */
  private async lockIfFree(tx: Tx, loanerId: string): Promise<boolean> {
    if (this.hub.db.dialect !== 'mysql') return true;
    const row = await tx.em
      .createQueryBuilder(Loaner, 'l')
      .select(['l.id'])
      .where('l.id = :id AND l.state = :available', { id: loanerId, available: LoanerState.AVAILABLE })
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getOne();
    return row !== null;
  }

  private async sameRepairOrConflict(em: EntityManager, open: Loan, input: ProposeAndAssignInput): Promise<Loan> {
    const sameRepair =
      (!!input.rmaNumber && open.rmaNumber === input.rmaNumber) || (!!input.incidentId && open.incidentId === input.incidentId);
    const loaner = input.loanerSerial ? await em.findOneBy(Loaner, { id: open.loanerId }) : null;
    if (sameRepair && (!loaner || loaner.serialNumber === input.loanerSerial)) return open;
    throw conflict(`Device ${open.deviceSerial} already has open loan ${open.id}`, {
      loanId: open.id,
      rmaNumber: open.rmaNumber,
      incidentId: open.incidentId,
    });
  }

  ship(principal: Principal, loanId: string): Promise<Loan> {
    return this.transition(principal, loanId, 'ship', { shippedAt: new Date() });
  }

  deliver(principal: Principal, loanId: string, deliveredAt?: Date | null): Promise<Loan> {
    return this.transition(principal, loanId, 'deliver', { deliveredAt: deliveredAt ?? new Date() });
  }

  cancel(principal: Principal, loanId: string): Promise<Loan> {
    return this.transition(principal, loanId, 'cancel', { openDeviceId: null, returnedAt: new Date() });
  }

  /** The loaner is back at its depot; it goes to MAINTENANCE (wipe, check) unless it needs none. */
  async returnLoaner(principal: Principal, loanId: string, needsMaintenance: boolean): Promise<Loan> {
    return this.hub.db.transaction(async (tx) => {
      const loan = await this.visibleLoan(tx.em, principal, loanId);
      if (loan.status === LoanStatus.RETURNED) return loan;
      const fields = { status: LoanStatus.RETURNED, openDeviceId: null, returnedAt: new Date() };
      const done = await this.apply(
        tx,
        loan,
        [LoanStatus.IN_TRANSIT, LoanStatus.ON_LOAN],
        fields,
        [LoanerState.IN_TRANSIT, LoanerState.ON_LOAN],
        needsMaintenance ? LoanerState.MAINTENANCE : LoanerState.AVAILABLE,
      );
      if (!done) return this.settled(tx, loanId, LoanStatus.RETURNED, 'return');
      await this.hub.get(AlertsService).resolve(tx, { kind: StockAlertKind.LOAN_OVERDUE, loanId });
      return done;
    });
  }

  private transition(principal: Principal, loanId: string, action: keyof typeof LOAN_TRANSITIONS, extra: Partial<Loan>): Promise<Loan> {
    const t = LOAN_TRANSITIONS[action];
    return this.hub.db.transaction(async (tx) => {
      const loan = await this.visibleLoan(tx.em, principal, loanId);
      if (loan.status === t.to) return loan;
      const done = await this.apply(tx, loan, [...t.from], { status: t.to, ...extra }, [...t.loanerFrom], t.loanerTo);
      return done ?? this.settled(tx, loanId, t.to, action);
    });
  }

  /** Loan and loaner move together, each by a conditional UPDATE; null when the loan was not in a `from` status. */
  private async apply(
    tx: Tx,
    loan: Loan,
    from: LoanStatus[],
    fields: Partial<Loan>,
    loanerFrom: LoanerState[],
    loanerTo: LoanerState,
  ): Promise<Loan | null> {
    const changed = await tx.em
      .createQueryBuilder()
      .update(Loan)
      .set(fields)
      .where('id = :id AND status IN (:...from)', { id: loan.id, from })
      .execute();
    if (changed.affected !== 1) return null;
    const moved = await tx.em
      .createQueryBuilder()
      .update(Loaner)
      .set({ state: loanerTo, updatedAt: new Date() })
      .where('id = :id AND state IN (:...from)', { id: loan.loanerId, from: loanerFrom })
      .execute();
    if (moved.affected !== 1) throw new Error(`loaner ${loan.loanerId} is out of step with loan ${loan.id}`);
    await this.reloadAndPublish(tx, loan.loanerId);
    return Object.assign(loan, fields);
  }

  /** After a lost race: the outcome someone else reached is fine if it is the one asked for. */
  private async settled(tx: Tx, loanId: string, wanted: LoanStatus, action: string): Promise<Loan> {
    const now = await tx.em.findOneOrFail(Loan, { where: { id: loanId }, lock: this.hub.db.lockMode() });
    if (now.status === wanted) return now;
    throw new AppError(ErrorCode.INVALID_TRANSITION, `Loan ${loanId} is ${now.status}; cannot ${action}`, { status: now.status, action });
  }

  /**
   * Sets when the loaner must be back (the RMA module calls this once the
   * repaired unit is returned). A durable job raises a LOAN_OVERDUE alert if
   * the loan is still open then; moving the date moves the job.
   */
  async setDueBack(tx: Tx | undefined, input: { loanId: string; dueBackAt: Date; principal?: Principal }): Promise<Loan> {
    return inTx(this.hub.db, tx, async (t) => {
      const loan = input.principal
        ? await this.visibleLoan(t.em, input.principal, input.loanId)
        : await t.em.findOneBy(Loan, { id: input.loanId });
      if (!loan) throw notFound('Loan', input.loanId);
      const changed = await t.em
        .createQueryBuilder()
        .update(Loan)
        .set({ dueBackAt: input.dueBackAt, overdueAlertAt: null })
        .where('id = :id AND status IN (:...open)', { id: loan.id, open: OPEN })
        .execute();
      if (changed.affected !== 1)
        throw new AppError(ErrorCode.INVALID_TRANSITION, `Loan ${loan.id} is ${loan.status}; it has no due-back date any more`, {
          status: loan.status,
        });
      await this.hub.get(AlertsService).resolve(t, { kind: StockAlertKind.LOAN_OVERDUE, loanId: loan.id });
      await this.hub.scheduler.schedule(t, {
        kind: LOAN_OVERDUE_JOB,
        key: overdueKey(loan.id),
        dueAt: input.dueBackAt,
        payload: { loanId: loan.id },
      });
      return Object.assign(loan, { dueBackAt: input.dueBackAt, overdueAlertAt: null });
    });
  }

  /** Scheduler handler: alert once if the loan is still open after its due-back date. */
  async checkOverdue(tx: Tx, loanId: string): Promise<void> {
    const now = new Date();
    const changed = await tx.em
      .createQueryBuilder()
      .update(Loan)
      .set({ overdueAlertAt: now })
      .where('id = :id AND status IN (:...open) AND overdueAlertAt IS NULL AND dueBackAt <= :now', { id: loanId, open: OPEN, now })
      .execute();
    if (changed.affected !== 1) return;
    const loan = await tx.em.findOneByOrFail(Loan, { id: loanId });
    const loaner = await tx.em.findOneByOrFail(Loaner, { id: loan.loanerId });
    await this.hub.get(AlertsService).raise(tx, {
      kind: StockAlertKind.LOAN_OVERDUE,
      depotId: loan.depotId,
      loanId: loan.id,
      message: `Loaner ${loaner.serialNumber} lent for ${loan.deviceSerial}${loan.rmaNumber ? ` (RMA ${loan.rmaNumber})` : ''} was due back ${loan.dueBackAt?.toISOString()}`,
    });
  }

  listLoans(principal: Principal, filter: LoanFilter, page: { first?: number | null; after?: string | null }): Promise<Connection<Loan>> {
    const qb = scopeQuery(this.em.createQueryBuilder(Loan, 'n'), principal, Loan);
    if (filter.status) qb.andWhere('n.status = :status', { status: filter.status });
    if (filter.customerId) qb.andWhere('n.customerId = :customerId', { customerId: filter.customerId });
    if (filter.depotId) qb.andWhere('n.depotId = :depotId', { depotId: filter.depotId });
    if (filter.rmaNumber) qb.andWhere('n.rmaNumber = :rmaNumber', { rmaNumber: filter.rmaNumber });
    if (filter.incidentId) qb.andWhere('n.incidentId = :incidentId', { incidentId: filter.incidentId });
    if (filter.deviceSerial) qb.andWhere('n.deviceSerial = :deviceSerial', { deviceSerial: filter.deviceSerial });
    if (filter.overdueOnly) qb.andWhere('n.status IN (:...open) AND n.dueBackAt < :now', { open: OPEN, now: new Date() });
    return paginate(qb, page, { sortColumn: 'assignedAt', descending: true, maxPageSize: this.hub.config.graphql.maxPageSize });
  }

  /** The open loan for an RMA, if any (for the RMA module). */
  openLoanForRma(em: EntityManager, rmaNumber: string): Promise<Loan | null> {
    return em.findOneBy(Loan, { rmaNumber, status: In(OPEN) });
  }

  private async visibleLoan(em: EntityManager, principal: Principal, id: string): Promise<Loan> {
    const loan = await em.findOneBy(Loan, { id });
    if (!loan || !canSee(principal, Loan, loan)) throw notFound('Loan', id);
    return loan;
  }

  private async reloadAndPublish(tx: Tx, loanerId: string): Promise<Loaner> {
    const loaner = await tx.em.findOneByOrFail(Loaner, { id: loanerId });
    await this.publishAfterCommit(tx, loaner);
    return loaner;
  }

  private publishAfterCommit(tx: Tx, loaner: Loaner): Promise<void> {
    const payload = toLoanerPayload(loaner);
    return new UnitOfWork(this.hub.outbox)
      .afterCommit(() => this.hub.pubsub.publishToEach(LOANER_UPDATED, [loaner.depotId, ALL_DEPOTS], payload))
      .record(tx);
  }

  async loanersByIds(ids: readonly string[]): Promise<Array<Loaner | Error>> {
    const rows = await this.em.findBy(Loaner, { id: In([...ids]) });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? notFound('Loaner', id));
  }
}
