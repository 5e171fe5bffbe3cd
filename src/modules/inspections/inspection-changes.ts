import type { Principal } from '../../platform/auth/principal';
import { canSee } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { UnitOfWork } from '../../platform/db/unit-of-work';
import { AppError, ErrorCode, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import type { EventEnvelope } from '../../platform/kafka/event-bus';
import { Inspection, InspectionEvent, InspectionEventType, InspectionStatus } from './inspection.entity';

export const GENERATE_JOB = 'inspections.generate';
export const VISIT_JOB = 'inspections.visit-due';
export const REPORT_JOB = 'inspections.report-clock';
export const INSPECTION_OVERDUE = 'InspectionOverdue';

export const visitKey = (id: string) => `inspection:${id}:VISIT`;
export const reportKey = (id: string, phase: 'WARN' | 'BREACH') => `inspection:${id}:REPORT:${phase}`;
export const planJobKey = (planId: string) => `inspection-plan:${planId}:generate`;

/** What one command or timer did to one inspection, written together by InspectionChanges.flush(). */
export class InspectionWork {
  readonly events: InspectionEvent[] = [];
  readonly outbound: EventEnvelope[] = [];
  constructor(
    readonly inspection: Inspection,
    readonly now: Date,
    readonly actor: string,
  ) {}

  event(type: InspectionEventType, message: string): void {
    const i = this.inspection;
    i.eventSeq += 1;
    this.events.push(
      Object.assign(new InspectionEvent(), {
        id: newId(),
        inspectionId: i.id,
        customerId: i.customerId,
        seq: i.eventSeq,
        at: this.now,
        type,
        actor: this.actor,
        message: message.slice(0, 1000),
      }),
    );
  }
}

/** Locks an inspection, lets a command or timer change it, and writes row, timeline and events in one unit of work. */
export class InspectionChanges {
  constructor(private readonly hub: Hub) {}

  command(principal: Principal, id: string, now: Date, work: (w: InspectionWork, tx: Tx) => Promise<void>): Promise<Inspection> {
    return this.hub.db.transaction(async (tx) => {
      const inspection = await tx.em.findOne(Inspection, { where: { id }, lock: this.hub.db.lockMode() });
      if (!inspection || !canSee(principal, Inspection, inspection)) throw notFound('Inspection', id);
      const w = new InspectionWork(inspection, now, principal.name);
      await work(w, tx);
      await this.flush(tx, w);
      return inspection;
    });
  }

  /** For timers: the scheduler's transaction, no caller to check; a vanished inspection is nothing to do. */
  async system(tx: Tx, id: string, now: Date, work: (w: InspectionWork) => Promise<void>): Promise<void> {
    const inspection = await tx.em.findOne(Inspection, { where: { id }, lock: this.hub.db.lockMode() });
    if (!inspection) return;
    const w = new InspectionWork(inspection, now, 'inspection-timer');
    await work(w);
    await this.flush(tx, w);
  }

  async cancel(tx: Tx, w: InspectionWork, reason: string): Promise<void> {
    const i = w.inspection;
    i.status = InspectionStatus.CANCELLED;
    i.cancelledAt = w.now;
    i.cancelReason = reason.slice(0, 500);
    await this.hub.scheduler.cancel(tx, `inspection:${i.id}:`);
    w.event(InspectionEventType.CANCELLED, `Cancelled: ${reason}`);
  }

  async flush(tx: Tx, w: InspectionWork): Promise<void> {
    if (w.events.length === 0 && w.outbound.length === 0) return;
    const { id, ...fields } = w.inspection;
    fields.updatedAt = w.now;
    w.inspection.updatedAt = w.now;
    await tx.em.update(Inspection, { id }, fields);
    const changes = new UnitOfWork(this.hub.outbox);
    for (const e of w.events) changes.timeline(InspectionEvent, e);
    await changes.emit(this.hub.config.kafka.topics.hubEvents, ...w.outbound).record(tx);
  }
}

export function invalidTransition(from: InspectionStatus, to: InspectionStatus, message: string): AppError {
  return new AppError(ErrorCode.INVALID_TRANSITION, message, { from, to });
}
