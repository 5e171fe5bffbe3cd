import { In } from 'typeorm';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { insertRows } from '../../platform/db/insert';
import { savepoint } from '../../platform/db/savepoint';
import { AppError, badInput, ErrorCode, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import type { WorkingCalendar } from '../calendar/rules/working-calendar';
import { Device, Site } from '../customers/customer.entity';
import { SupportCentre } from '../support-network/support-centre.entity';
import { SupportNetworkService } from '../support-network/support-network.service';
import { RmaCalendars } from './links/calendar';
import { RmaIncidents } from './links/incidents';
import { RmaLoaners } from './links/loaners';
import { HUB_ACTOR, jsonSafe, RmaChanges, type ActorInfo } from './rma.changes';
import { Rma, RmaPart } from './rma.entity';
import type { InboundRmaEvent, PartUsed } from './rma.events';
import { durationMs, RmaSettings } from './rma.settings';
import { LATE_RECORDABLE, type InboundEventType } from './rules/applicability';
import { factsOf, type FactEvent } from './rules/event-facts';
import { decideDisposition } from './rules/disposition';
import { loanerDueAt } from './rules/loaner-compliance';
import { loanerDeadline, loanerRequired, type LoanerDeadline } from './rules/loaner-rule';
import { checkReplacementPart, describeViolations, type PartCondition, type PartSource } from './rules/parts-policy';
import {
  AWAITING_RETURN_STATUSES,
  isTerminal,
  TERMINAL_RMA_STATUSES,
  transition,
  type RmaStatus,
  type StatusTrigger,
} from './rules/state-machine';

export const JOB_LOANER_DEADLINE = 'rma.loaner-deadline';
export const JOB_VALIDITY_EXPIRY = 'rma.validity-expiry';
export const loanerJobKey = (rmaId: string) => `rma:${rmaId}:loaner`;
export const expiryJobKey = (rmaId: string) => `rma:${rmaId}:expiry`;

export interface CreateRmaSpec {
  number: string;
  serialNumber: string;
  incidentId: string | null;
  centreId: string;
  faultyPartNumbers: string[];
  problem: string;
  outOfServiceAt: Date;
  requestedAt: Date;
  thresholdWorkingDays: number;
  by: ActorInfo;
  eventId: string | null;
  payload: Record<string, unknown> | null;
  /** requestRma asks the centre to act (RmaRequested); a centre's own RMA only hears of hub overrides. */
  announce: 'REQUEST_TO_CENTRE' | 'CENTRE_CREATED';
  /** Read ahead for a batch: the device, its site, and its serial's earlier RMAs as the transaction sees them now. */
  known?: { device: Device; site: Site; history: Rma[] };
}

/** Which timestamp records that an event type happened (for "already recorded" and late facts). */
const RECORDED_BY: Partial<Record<InboundEventType, keyof Rma>> = {
  RmaApproved: 'approvedAt',
  RmaRejected: 'rejectedAt',
  AdvanceReplacementShipped: 'advanceShippedAt',
  DefectiveReceived: 'defectiveReceivedAt',
  RepairStarted: 'repairStartedAt',
  RepairCompleted: 'repairCompletedAt',
  UnitReturned: 'returnedAt',
  UnitReplaced: 'replacedAt',
  LoanerDelivered: 'loanerDeliveredAt',
};

export function recordedTypes(rma: Rma): InboundEventType[] {
  const out: InboundEventType[] = ['RmaCreated'];
  for (const [type, column] of Object.entries(RECORDED_BY) as Array<[InboundEventType, keyof Rma]>) if (rma[column]) out.push(type);
  return out;
}

/**
 * The RMA domain: every change of an RMA, each step inside the caller's transaction: creation
 * (second-failure disposition, loaner deadline), the effect of each event, and the hub's own decisions
 * (loaner required, expiry). What a change leaves behind is recorded through RmaChanges.
 */
export class RmaLifecycle {
  constructor(private readonly hub: Hub) {}

  private get settings() {
    return this.hub.get(RmaSettings);
  }
  private get network() {
    return this.hub.get(SupportNetworkService);
  }
  private get calendars() {
    return this.hub.get(RmaCalendars);
  }
  private get changes() {
    return this.hub.get(RmaChanges);
  }

  /** The RMAs of these serial numbers, oldest failure first (the second-failure rule reads them). */
  historyOf(tx: Tx, serialNumbers: readonly string[]): Promise<Rma[]> {
    return tx.em.find(Rma, { where: { serialNumber: In([...serialNumbers]) }, order: { outOfServiceAt: 'ASC' } });
  }

  async deviceBySerial(tx: Tx, serialNumber: string): Promise<{ device: Device; site: Site }> {
    const device = await tx.em.findOneBy(Device, { serialNumber });
    if (!device) throw notFound('Device', serialNumber);
    const site = await tx.em.findOneBy(Site, { id: device.siteId });
    if (!site) throw notFound('Site', device.siteId);
    return { device, site };
  }

  /** In the transaction of a calendar change (re-plan): sees that change, bypassing the cache. */
  async loanerDeadlineFor(site: Site, outOfServiceAt: Date, threshold: number, tx: Tx): Promise<LoanerDeadline> {
    const calendar = await this.calendars.calendarFor(site.calendarRegion, tx.em);
    return this.deadlineWith(calendar, site, outOfServiceAt, threshold);
  }

  private deadlineWith(calendar: WorkingCalendar, site: Site, outOfServiceAt: Date, threshold: number): LoanerDeadline {
    return loanerDeadline({ repairStart: outOfServiceAt, calendar, timeZone: site.timeZone, thresholdWorkingDays: threshold });
  }

  async create(tx: Tx, spec: CreateRmaSpec): Promise<Rma> {
    const { device, site } = spec.known ?? (await this.deviceBySerial(tx, spec.serialNumber));
    const network = await this.network.networkCovering(tx.em, { ids: [spec.centreId] });
    const centre = network.find((c) => c.id === spec.centreId);
    if (!centre) throw notFound('SupportCentre', spec.centreId);
    if (spec.incidentId) await this.checkIncident(tx, spec.incidentId, device);

    const history = spec.known?.history ?? (await this.historyOf(tx, [device.serialNumber]));
    const decision = decideDisposition({
      serialNumber: device.serialNumber,
      failedAt: spec.outOfServiceAt,
      warrantyEnd: device.warrantyEnd,
      history: history.map((r) => ({ id: r.id, status: r.status, failedAt: r.outOfServiceAt, approvedAt: r.approvedAt })),
      timeZone: site.timeZone,
    });
    const reference = decision.disposition === 'REPLACE_WITH_NEW' ? (history.find((r) => r.id === decision.referenceRmaId) ?? null) : null;
    const calendar = await this.calendars.calendarInTx(site.calendarRegion, tx.em);
    const { deadline, calendarIncomplete } = this.deadlineWith(calendar, site, spec.outOfServiceAt, spec.thresholdWorkingDays);
    const now = new Date();

    const rma = Object.assign(new Rma(), {
      id: newId(),
      number: spec.number,
      status: 'REQUESTED' as RmaStatus,
      disposition: decision.disposition,
      dispositionReason: decision.reason,
      referenceRmaId: reference?.id ?? null,
      customerId: device.customerId,
      deviceId: device.id,
      serialNumber: device.serialNumber,
      siteId: site.id,
      incidentId: spec.incidentId,
      centreId: centre.id,
      originCentreId: centre.id,
      problem: spec.problem,
      faultyPartNumbers: spec.faultyPartNumbers,
      createdBy: spec.by.label.slice(0, 120),
      requestedAt: spec.requestedAt,
      outOfServiceAt: spec.outOfServiceAt,
      statusChangedAt: spec.requestedAt,
      approvedAt: null,
      validUntil: null,
      advanceShippedAt: null,
      defectiveReceivedAt: null,
      repairStartedAt: null,
      repairCompletedAt: null,
      returnedAt: null,
      replacedAt: null,
      rejectedAt: null,
      expiredAt: null,
      rejectionReason: null,
      serviceRestoredAt: null,
      replacementSerialNumber: null,
      loanerThresholdWorkingDays: spec.thresholdWorkingDays,
      loanerDeadline: deadline,
      calendarIncomplete,
      projectedCompletionAt: null,
      loanerRequired: false,
      loanerRequiredAt: null,
      loanerBasis: null,
      loanerDueAt: null,
      loanerAssignmentId: null,
      loanerSerialNumber: null,
      loanerModel: null,
      loanerMatch: null,
      loanerDepotId: null,
      loanerAssignedAt: null,
      loanerDeliveredAt: null,
      partsWaiverReference: null,
      partsWaiverSignedBy: null,
      partsWaiverAt: null,
      partsWaiverRecordedBy: null,
      eventSeq: 0,
      createdAt: now,
      updatedAt: now,
    });
    const change = this.changes.of(tx, rma);
    change.timeline({
      type: 'RmaCreated',
      eventId: spec.eventId,
      by: spec.by,
      fromStatus: null,
      toStatus: 'REQUESTED',
      occurredAt: spec.requestedAt,
      payload: { ...spec.payload, disposition: decision.disposition, dispositionReason: decision.reason },
    });
    await insertRows(tx, Rma, [rma]);
    if (spec.faultyPartNumbers.length > 0) {
      await insertRows(
        tx,
        RmaPart,
        spec.faultyPartNumbers.map((partNumber) =>
          Object.assign(new RmaPart(), {
            id: newId(),
            rmaId: rma.id,
            kind: 'FAULTY' as const,
            partNumber,
            description: null,
            condition: null,
            source: null,
            manufacturer: null,
            serialNumber: null,
            quantity: 1,
            waiverApplied: false,
            recordedAt: now,
            recordedBy: rma.createdBy,
          }),
        ),
      );
    }
    // The key names the RMA just made: it cannot exist yet.
    await this.hub.scheduler.scheduleNew(tx, {
      kind: JOB_LOANER_DEADLINE,
      key: loanerJobKey(rma.id),
      dueAt: deadline,
      payload: { rmaId: rma.id, number: rma.number },
    });

    if (spec.announce === 'REQUEST_TO_CENTRE') {
      change.outbound('RmaRequested', {
        rmaNumber: rma.number,
        centreCode: centre.code,
        customerId: rma.customerId,
        incidentId: rma.incidentId,
        serialNumber: rma.serialNumber,
        vendor: device.vendor,
        model: device.model,
        faultyPartNumbers: rma.faultyPartNumbers,
        problem: rma.problem,
        disposition: rma.disposition,
        referenceRmaNumber: reference?.number ?? null,
        outOfServiceAt: rma.outOfServiceAt.toISOString(),
        loanerThresholdWorkingDays: rma.loanerThresholdWorkingDays,
        loanerDeadline: deadline.toISOString(),
      });
    } else if (rma.disposition === 'REPLACE_WITH_NEW') {
      change.outbound('RmaDispositionDecided', {
        rmaNumber: rma.number,
        serialNumber: rma.serialNumber,
        disposition: rma.disposition,
        reason: rma.dispositionReason,
        referenceRmaNumber: reference?.number ?? null,
      });
    }
    return change.record();
  }

  private async checkIncident(tx: Tx, incidentId: string, device: Device): Promise<void> {
    const incident = await this.hub.get(RmaIncidents).find(tx.em, incidentId);
    if (incident === undefined) return;
    if (!incident) throw notFound('Incident', incidentId);
    if (incident.customerId !== device.customerId)
      throw badInput('The device belongs to another customer than the incident', { field: 'deviceSerial' });
    if (incident.deviceId && incident.deviceId !== device.id)
      throw badInput("The serial number is not the incident's device", { field: 'deviceSerial' });
  }

  /** The effect of an event the applicability rule accepted (APPLY). */
  async apply(tx: Tx, rma: Rma, event: InboundRmaEvent, by: ActorInfo, escalateTo: SupportCentre | null): Promise<Rma> {
    const change = this.changes.of(tx, rma);
    const at = event.occurredAt;
    const base = { eventId: event.eventId, by, occurredAt: at, payload: jsonSafe(event.payload) };
    if (event.type === 'RmaEscalated') return this.escalate(tx, rma, escalateTo, { ...base, reason: event.payload.reason ?? null });
    if (event.type === 'RmaCreated') throw new AppError(ErrorCode.CONFLICT, `RMA ${rma.number} already exists`);
    if (event.type === 'LoanerDelivered') {
      await this.recordFacts(tx, rma, event, by);
      change.timeline({ ...base, type: event.type, fromStatus: rma.status, toStatus: rma.status });
      return change.persist();
    }

    const moved = transition(rma.status, event.type);
    if (!moved.ok)
      throw new AppError(ErrorCode.INVALID_TRANSITION, `${event.type} does not apply in status ${rma.status}`, { status: rma.status });
    await this.recordFacts(tx, rma, event, by);
    if (event.type === 'RmaApproved')
      await this.hub.scheduler.schedule(tx, {
        kind: JOB_VALIDITY_EXPIRY,
        key: expiryJobKey(rma.id),
        dueAt: rma.validUntil!,
        payload: { rmaId: rma.id, number: rma.number },
      });

    rma.status = moved.to;
    rma.statusChangedAt = at;
    change.timeline({ ...base, type: event.type, fromStatus: moved.from, toStatus: moved.to });
    if (moved.restsIn !== moved.to) {
      rma.status = moved.restsIn;
      change.timeline({
        ...base,
        eventId: null,
        by: HUB_ACTOR,
        type: 'StatusSettled',
        fromStatus: moved.to,
        toStatus: moved.restsIn,
        payload: null,
      });
    }
    if (isTerminal(rma.status)) await this.hub.scheduler.cancel(tx, `rma:${rma.id}:`);
    await change.persist();
    if (event.type === 'RepairStarted' && rma.projectedCompletionAt) await this.checkProjection(tx, rma);
    return rma;
  }

  /**
   * A step overtaken by a later one (RECORD_LATE): all its facts, as if it had come in order, but no
   * status change. A late approval does not start the validity clock of an RMA no longer waiting for
   * its defective unit, and a late repair start does not project a loaner for a repair already over.
   */
  async recordLate(tx: Tx, rma: Rma, event: InboundRmaEvent, by: ActorInfo): Promise<Rma> {
    if (!(LATE_RECORDABLE as readonly string[]).includes(event.type) || event.type === 'RmaCreated' || event.type === 'RmaEscalated')
      throw new AppError(ErrorCode.INVALID_TRANSITION, `${event.type} cannot be recorded late`);
    const change = this.changes.of(tx, rma);
    await this.recordFacts(tx, rma, event, by);
    if (event.type === 'RmaApproved' && AWAITING_RETURN_STATUSES.includes(rma.status))
      await this.hub.scheduler.schedule(tx, {
        kind: JOB_VALIDITY_EXPIRY,
        key: expiryJobKey(rma.id),
        dueAt: rma.validUntil!,
        payload: { rmaId: rma.id, number: rma.number },
      });
    change.timeline({
      type: event.type,
      eventId: event.eventId,
      by,
      fromStatus: rma.status,
      toStatus: rma.status,
      occurredAt: event.occurredAt,
      late: true,
      payload: jsonSafe(event.payload),
    });
    return change.persist();
  }

  /** Sets the facts the event records (rules/event-facts), with what they entail: parts used, the validity clock, service restored. */
  private async recordFacts(tx: Tx, rma: Rma, event: InboundRmaEvent & { type: FactEvent['type'] }, by: ActorInfo): Promise<void> {
    const facts = factsOf(rma, event as FactEvent, { validityMs: this.settings.validityMs, durationMs });
    if (!facts.ok) throw badInput(facts.reason, { field: facts.field });
    if (event.type === 'UnitReplaced')
      this.assertPartAllowed(rma, { condition: event.payload.condition, source: event.payload.source }, 'replacement unit');
    if (event.type === 'RepairCompleted') await this.recordPartsUsed(tx, rma, event.payload.partsUsed, by);
    if (event.type === 'DefectiveReceived') await this.hub.scheduler.cancel(tx, expiryJobKey(rma.id));
    const firstRestore = !rma.serviceRestoredAt;
    Object.assign(rma, facts.changes);
    if (facts.restoresService) await this.serviceRestored(tx, rma, firstRestore, event.occurredAt);
  }

  async escalate(
    tx: Tx,
    rma: Rma,
    target: SupportCentre | null,
    e: { eventId: string | null; by: ActorInfo; occurredAt: Date; reason: string | null; payload?: Record<string, unknown> | null },
  ): Promise<Rma> {
    const change = this.changes.of(tx, rma);
    const to = target ?? (await this.network.escalationTargetOf(rma.centreId, tx.em));
    const from = await this.centre(tx, rma.centreId);
    await this.network.recordEscalation(tx, {
      subjectType: 'RMA',
      subjectId: rma.id,
      fromCentreId: from.id,
      toCentreId: to.id,
      reason: e.reason,
      escalatedBy: e.by.label,
      occurredAt: e.occurredAt,
    });
    rma.centreId = to.id;
    change.timeline({
      type: 'RmaEscalated',
      eventId: e.eventId,
      by: e.by,
      fromStatus: rma.status,
      toStatus: rma.status,
      occurredAt: e.occurredAt,
      payload: { ...(e.payload ?? {}), fromCentreCode: from.code, toCentreCode: to.code, reason: e.reason },
    });
    change.outbound('RmaEscalated', {
      rmaNumber: rma.number,
      fromCentreCode: from.code,
      toCentreCode: to.code,
      toTier: to.tier,
      reason: e.reason,
      escalatedBy: e.by.label,
    });
    return change.persist();
  }

  /** Validity window passed while the defective unit was still out: the RMA expires and the centre is told. */
  async expire(tx: Tx, rma: Rma, now: Date): Promise<boolean> {
    if (!AWAITING_RETURN_STATUSES.includes(rma.status) || !rma.validUntil || rma.validUntil.getTime() > now.getTime()) return false;
    const moved = transition(rma.status, 'Expire' satisfies StatusTrigger);
    if (!moved.ok) return false;
    const change = this.changes.of(tx, rma);
    rma.status = moved.to;
    rma.statusChangedAt = now;
    rma.expiredAt = now;
    change.timeline({
      type: 'RmaExpired',
      eventId: null,
      by: HUB_ACTOR,
      fromStatus: moved.from,
      toStatus: moved.to,
      occurredAt: now,
      payload: { validUntil: rma.validUntil.toISOString() },
    });
    const centre = await this.centre(tx, rma.centreId);
    change.outbound('RmaExpired', {
      rmaNumber: rma.number,
      serialNumber: rma.serialNumber,
      customerId: rma.customerId,
      centreCode: centre.code,
      validUntil: rma.validUntil.toISOString(),
      expiredAt: now.toISOString(),
    });
    await this.hub.scheduler.cancel(tx, `rma:${rma.id}:`);
    await change.persist();
    return true;
  }

  /** The loaner deadline job: the repair has (or has not, if the calendar moved) exceeded its threshold. */
  async checkLoanerDeadline(tx: Tx, rma: Rma, now: Date): Promise<void> {
    const change = this.changes.of(tx, rma);
    if (rma.loanerRequired || rma.serviceRestoredAt || isTerminal(rma.status)) return;
    const site = await tx.em.findOneByOrFail(Site, { id: rma.siteId });
    const calendar = await this.calendars.calendarInTx(site.calendarRegion, tx.em);
    const decision = loanerRequired({
      repairStart: rma.outOfServiceAt,
      until: now,
      calendar,
      timeZone: site.timeZone,
      thresholdWorkingDays: rma.loanerThresholdWorkingDays,
    });
    if (decision.required) {
      await this.markLoanerRequired(tx, rma, 'ACTUAL', now, site);
      return;
    }
    // The calendar changed under the job (a day became a holiday): wait for the new deadline.
    rma.loanerDeadline = decision.deadline;
    rma.calendarIncomplete = decision.calendarIncomplete;
    await this.hub.scheduler.schedule(tx, {
      kind: JOB_LOANER_DEADLINE,
      key: loanerJobKey(rma.id),
      dueAt: decision.deadline,
      payload: { rmaId: rma.id, number: rma.number },
    });
    await change.persist();
  }

  private async checkProjection(tx: Tx, rma: Rma): Promise<void> {
    if (rma.loanerRequired || rma.serviceRestoredAt || !rma.projectedCompletionAt) return;
    const site = await tx.em.findOneByOrFail(Site, { id: rma.siteId });
    const calendar = await this.calendars.calendarInTx(site.calendarRegion, tx.em);
    const projected = loanerRequired({
      repairStart: rma.outOfServiceAt,
      until: rma.projectedCompletionAt,
      calendar,
      timeZone: site.timeZone,
      thresholdWorkingDays: rma.loanerThresholdWorkingDays,
    });
    if (projected.required) await this.markLoanerRequired(tx, rma, 'PROJECTED', new Date(), site);
  }

  /**
   * The repair (projected or actual) exceeds the threshold: raise the alert, ask
   * the loaners module for a unit, and track the promise. The loaner proposal
   * runs in a savepoint so a refusal there (no unit anywhere) leaves the alert.
   */
  async markLoanerRequired(tx: Tx, rma: Rma, basis: 'ACTUAL' | 'PROJECTED', now: Date, knownSite?: Site): Promise<void> {
    if (rma.loanerRequired) return;
    const change = this.changes.of(tx, rma);
    const site = knownSite ?? (await tx.em.findOneByOrFail(Site, { id: rma.siteId }));
    const device = await tx.em.findOneByOrFail(Device, { id: rma.deviceId });
    const centre = await this.centre(tx, rma.centreId);
    const deadline = rma.loanerDeadline ?? now;
    rma.loanerRequired = true;
    rma.loanerRequiredAt = now;
    rma.loanerBasis = basis;
    rma.loanerDueAt = loanerDueAt(deadline, site.timeZone);
    change.timeline({
      type: 'LoanerRequired',
      eventId: null,
      by: HUB_ACTOR,
      fromStatus: rma.status,
      toStatus: rma.status,
      occurredAt: now,
      payload: { basis, deadline: deadline.toISOString(), dueAt: rma.loanerDueAt.toISOString() },
    });
    change.outbound('LoanerRequired', {
      rmaNumber: rma.number,
      serialNumber: rma.serialNumber,
      model: device.model,
      equivalenceClass: device.equivalenceClass,
      customerId: rma.customerId,
      siteId: rma.siteId,
      centreCode: centre.code,
      basis,
      thresholdWorkingDays: rma.loanerThresholdWorkingDays,
      deadline: deadline.toISOString(),
      dueAt: rma.loanerDueAt.toISOString(),
      projectedCompletionAt: rma.projectedCompletionAt?.toISOString() ?? null,
    });
    await this.hub.scheduler.cancel(tx, loanerJobKey(rma.id));
    try {
      const assignment = await savepoint(tx, (inner) =>
        this.hub.get(RmaLoaners).propose(inner, {
          rmaNumber: rma.number,
          incidentId: rma.incidentId,
          deviceSerial: rma.serialNumber,
          customerId: rma.customerId,
        }),
      );
      if (assignment) {
        Object.assign(rma, {
          loanerAssignmentId: assignment.assignmentId,
          loanerSerialNumber: assignment.loanerSerialNumber,
          loanerModel: assignment.model,
          loanerMatch: assignment.match,
          loanerDepotId: assignment.depotId,
          loanerAssignedAt: now,
        });
        change.timeline({
          type: 'LoanerAssigned',
          eventId: null,
          by: HUB_ACTOR,
          fromStatus: rma.status,
          toStatus: rma.status,
          occurredAt: now,
          payload: jsonSafe(assignment),
        });
        change.outbound('LoanerAssigned', { rmaNumber: rma.number, ...assignment });
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      change.timeline({
        type: 'LoanerUnavailable',
        eventId: null,
        by: HUB_ACTOR,
        fromStatus: rma.status,
        toStatus: rma.status,
        occurredAt: now,
        payload: { code: error.code, message: error.message },
      });
    }
    await change.persist();
  }

  /**
   * The customer has a working unit (rma.serviceRestoredAt is set): the repair clock stops, a loaner
   * not yet owed never will be, and a loaner already lent is due back at its depot.
   */
  private async serviceRestored(tx: Tx, rma: Rma, first: boolean, at: Date): Promise<void> {
    if (!rma.loanerRequired) await this.hub.scheduler.cancel(tx, loanerJobKey(rma.id));
    if (first && rma.loanerAssignmentId) {
      const dueBackAt = new Date(at.getTime() + this.settings.loanerReturnWithinMs);
      try {
        await savepoint(tx, (inner) => this.hub.get(RmaLoaners).dueBack(inner, rma.loanerAssignmentId!, dueBackAt));
      } catch (error) {
        // The loan was already closed by hand (returned, cancelled): nothing to chase.
        if (!(error instanceof AppError)) throw error;
        this.hub.log.info({ rmaNumber: rma.number, loanId: rma.loanerAssignmentId, code: error.code }, 'loaner due-back not set');
      }
    }
  }

  assertPartAllowed(rma: Rma, part: { condition: PartCondition; source: PartSource }, what: string): boolean {
    const decision = checkReplacementPart(part, rma.partsWaiverAt ? { recordedAt: rma.partsWaiverAt } : null);
    if (!decision.allowed)
      throw new AppError(ErrorCode.PARTS_POLICY_VIOLATION, `${what}: ${describeViolations(decision.violations)}`, {
        rmaNumber: rma.number,
        violations: decision.violations,
      });
    return decision.waiverApplied;
  }

  async recordPartsUsed(tx: Tx, rma: Rma, parts: readonly PartUsed[], by: ActorInfo): Promise<RmaPart[]> {
    const rows = parts.map((p) => {
      const waiverApplied = this.assertPartAllowed(rma, p, `part ${p.partNumber}`);
      return Object.assign(new RmaPart(), {
        id: newId(),
        rmaId: rma.id,
        kind: 'REPLACEMENT' as const,
        partNumber: p.partNumber,
        description: p.description ?? null,
        condition: p.condition,
        source: p.source,
        manufacturer: p.manufacturer ?? null,
        serialNumber: p.serialNumber ?? null,
        quantity: p.quantity,
        waiverApplied,
        recordedAt: new Date(),
        recordedBy: by.label.slice(0, 120),
      });
    });
    if (rows.length > 0) await insertRows(tx, RmaPart, rows);
    return rows;
  }

  /**
   * A region's calendar changed: open repairs at its sites get their loaner
   * deadline recomputed, in the transaction of the change.
   */
  async replanRegion(tx: Tx, region: string): Promise<void> {
    const open = await tx.em
      .createQueryBuilder(Rma, 'r')
      .innerJoin(Site, 's', 's.id = r.siteId')
      .where('s.calendarRegion = :region', { region })
      .andWhere('r.status NOT IN (:...terminal)', { terminal: TERMINAL_RMA_STATUSES })
      .andWhere('r.serviceRestoredAt IS NULL')
      .andWhere('r.loanerRequired = 0')
      .getMany();
    if (open.length === 0) return;
    const sites = await tx.em.findBy(Site, { id: In([...new Set(open.map((r) => r.siteId))]) });
    for (const rma of open) {
      const site = sites.find((s) => s.id === rma.siteId)!;
      const { deadline, calendarIncomplete } = await this.loanerDeadlineFor(site, rma.outOfServiceAt, rma.loanerThresholdWorkingDays, tx);
      if (rma.loanerDeadline?.getTime() === deadline.getTime() && rma.calendarIncomplete === calendarIncomplete) continue;
      await tx.em.update(Rma, { id: rma.id }, { loanerDeadline: deadline, calendarIncomplete, updatedAt: new Date() });
      await this.hub.scheduler.schedule(tx, {
        kind: JOB_LOANER_DEADLINE,
        key: loanerJobKey(rma.id),
        dueAt: deadline,
        payload: { rmaId: rma.id, number: rma.number },
      });
    }
  }

  /** A centre an RMA refers to, from the cached network (centres are never removed). */
  private async centre(tx: Tx, id: string): Promise<SupportCentre> {
    const centre = (await this.network.networkCovering(tx.em, { ids: [id] })).find((c) => c.id === id);
    if (!centre) throw notFound('SupportCentre', id);
    return centre;
  }
}
