import { actorLabel, partnerActor, type Actor } from '../../platform/auth/actor';
import { selectByIds, selectWhereIn } from '../../platform/db/raw-sql';
import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { isStaff, Role, type Principal } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { paginate, type Connection } from '../../platform/graphql/connection';
import { AppError, badInput, conflict, ErrorCode, forbidden, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { makeEnvelope } from '../../platform/kafka/event-bus';
import { assertNotInFuture } from '../../platform/reported-time';
import { RmaIncidents } from './links/incidents';
import { Rma, RmaEvent, RmaPart } from './rma.entity';
import type {
  ApproveRmaInput,
  RecordPartsWaiverInput,
  RecordReplacementPartInput,
  RecordRmaEventInput,
  RequestRmaInput,
  RmaFilter,
} from './rma.inputs';
import { HUB_ACTOR, RmaChanges, type ActorInfo } from './rma.changes';
import { RmaLifecycle } from './rma.lifecycle';
import { RmaStreams } from './rma.streams';
import { graphqlSourceOf, RmaEventProcessor, type ProcessOutcome } from './rma.processor';
import { RmaSettings } from './rma.settings';
import type { InboundEventType } from './rules/applicability';
import { isTerminal, TERMINAL_RMA_STATUSES } from './rules/state-machine';
import { groupByKey } from '../../platform/graphql/batch';

export interface SerialHistory {
  serialNumber: string;
  rmas: Rma[];
  events: RmaEvent[];
}

const operator = (principal: Principal): ActorInfo => ({ ...HUB_ACTOR, label: `operator:${principal.name}`.slice(0, 120) });
/** The RMA timeline's view of a command's actor: the hub acting for a key, the scheduler or the system. */
const hubActing = (actor: Actor): ActorInfo => ({ ...HUB_ACTOR, label: `operator:${actorLabel(actor)}`.slice(0, 120) });

/**
 * RMA commands and queries. Commands that correspond to a centre's event
 * (approve, escalate, record an event) are submitted as that event, so the
 * operator path and the Kafka path share one code path and one set of rules.
 */
export class RmaService {
  constructor(private readonly hub: Hub) {}

  private get lifecycle() {
    return this.hub.get(RmaLifecycle);
  }
  private get streams() {
    return this.hub.get(RmaStreams);
  }
  private get processor() {
    return this.hub.get(RmaEventProcessor);
  }

  async requestRma(actor: Actor, input: RequestRmaInput): Promise<Rma> {
    const now = new Date();
    assertNotInFuture(input.outOfServiceAt, 'outOfServiceAt', now);
    return this.hub.db.transaction(async (tx) => {
      let centreId = input.centreId ?? null;
      if (input.incidentId && !centreId) {
        const incident = await this.hub.get(RmaIncidents).find(tx.em, input.incidentId);
        if (incident === null) throw notFound('Incident', input.incidentId);
        centreId = incident?.assignedCentreId ?? null;
      }
      if (!centreId) throw badInput('centreId is required when the incident has no assigned centre', { field: 'centreId' });
      const number = await this.streams.nextNumber(tx, now);
      await this.streams.lock(tx, number, { fresh: true });
      return this.lifecycle.create(tx, {
        number,
        serialNumber: input.deviceSerial,
        incidentId: input.incidentId ?? null,
        centreId,
        faultyPartNumbers: [...new Set(input.faultyPartNumbers)],
        problem: input.problem,
        outOfServiceAt: input.outOfServiceAt ?? now,
        requestedAt: now,
        thresholdWorkingDays: input.loanerThresholdWorkingDays ?? this.hub.get(RmaSettings).loanerThresholdWorkingDays,
        by: hubActing(actor),
        eventId: null,
        payload: { faultyPartNumbers: input.faultyPartNumbers, problem: input.problem },
        announce: 'REQUEST_TO_CENTRE',
      });
    });
  }

  async approveRma(principal: Principal, number: string, input: ApproveRmaInput = {}): Promise<Rma> {
    await this.getRma(principal, number);
    const outcome = await this.submitAs(principal, number, 'RmaApproved', {
      ...(input.validity ? { validity: input.validity } : {}),
      ...(input.validUntil ? { validUntil: input.validUntil.toISOString() } : {}),
      ...(input.note ? { note: input.note } : {}),
      approvedBy: principal.name.slice(0, 120),
    });
    return this.expectApplied(outcome, number);
  }

  async escalateRma(principal: Principal, number: string, reason?: string | null): Promise<Rma> {
    await this.getRma(principal, number);
    const outcome = await this.submitAs(principal, number, 'RmaEscalated', reason ? { reason } : {});
    return this.expectApplied(outcome, number);
  }

  /**
   * Operators record what a centre reported (phone, e-mail); a PARTNER key pushes its own centre's
   * events. Same semantics as the Kafka event, including holding.
   */
  async recordEvent(actor: Actor, input: RecordRmaEventInput): Promise<ProcessOutcome & { eventId: string }> {
    const [envelope] = await this.envelopesFor(actor, [input]);
    return { ...(await this.processor.submit(envelope)), eventId: envelope.eventId };
  }

  /** Up to a page of events in one transaction, as the Kafka consumer applies a batch; refused events are dead-lettered and reported. */
  async recordEvents(actor: Actor, inputs: readonly RecordRmaEventInput[]): Promise<Array<ProcessOutcome & { eventId: string }>> {
    const max = this.hub.config.graphql.maxPageSize;
    if (inputs.length > max) throw badInput(`At most ${max} events per call`, { field: 'inputs', max });
    const envelopes = await this.envelopesFor(actor, inputs);
    const outcomes = await this.processor.submitBatch(envelopes);
    return outcomes.map((outcome, i) => ({ ...outcome, eventId: envelopes[i].eventId }));
  }

  /**
   * Staff act as the hub; a PARTNER key as its centre, and only on RMAs it can see (or, for
   * RmaCreated, a number not in use yet): any other number answers NOT_FOUND and nothing is applied.
   */
  private async envelopesFor(by: Actor, inputs: readonly RecordRmaEventInput[]) {
    const principal = by.kind === 'user' ? by.principal : null;
    let actor: Actor = by;
    if (principal && !isStaff(principal)) {
      if (principal.role !== Role.PARTNER || !principal.scopeId) throw forbidden();
      actor = partnerActor(principal.scopeId);
    }
    if (principal && actor.kind === 'partner') {
      const numbers = [...new Set(inputs.map((i) => i.rmaNumber))];
      const rmas = new Map((await this.hub.db.manager.findBy(Rma, { number: In(numbers) })).map((r) => [r.number, r]));
      for (const number of numbers) {
        const rma = rmas.get(number);
        const creates = inputs.some((i) => i.rmaNumber === number && i.type === 'RmaCreated');
        if (rma ? !canSee(principal, Rma, rma) : !creates) throw notFound('Rma', number);
      }
    }
    const source = graphqlSourceOf(actor);
    return inputs.map((input) =>
      makeEnvelope({
        eventId: input.eventId ?? randomUUID(),
        type: input.type,
        version: input.version,
        occurredAt: (input.occurredAt ?? new Date()).toISOString(),
        source,
        key: input.rmaNumber,
        payload: input.payload,
      }),
    );
  }

  async recordPartsWaiver(principal: Principal, input: RecordPartsWaiverInput): Promise<Rma> {
    return this.hub.db.transaction(async (tx) => {
      await this.streams.lock(tx, input.rmaNumber);
      const rma = await tx.em.findOneBy(Rma, { number: input.rmaNumber });
      if (!rma) throw notFound('Rma', input.rmaNumber);
      if (isTerminal(rma.status))
        throw new AppError(ErrorCode.INVALID_TRANSITION, `The RMA is closed (${rma.status})`, { status: rma.status });
      if (rma.partsWaiverAt) throw conflict(`A parts waiver (${rma.partsWaiverReference}) is already recorded on ${rma.number}`);
      const signedAt = input.signedAt ?? new Date();
      Object.assign(rma, {
        partsWaiverReference: input.reference,
        partsWaiverSignedBy: input.signedBy,
        partsWaiverAt: signedAt,
        partsWaiverRecordedBy: principal.name.slice(0, 120),
      });
      const change = this.hub.get(RmaChanges).of(tx, rma);
      change.timeline({
        type: 'PartsWaiverRecorded',
        eventId: null,
        by: operator(principal),
        fromStatus: rma.status,
        toStatus: rma.status,
        occurredAt: signedAt,
        payload: { reference: input.reference, signedBy: input.signedBy },
      });
      return change.persist();
    });
  }

  /** Enforces the parts rule: NEW and original, or the customer's waiver on record (PARTS_POLICY_VIOLATION otherwise). */
  async recordReplacementPart(principal: Principal, input: RecordReplacementPartInput): Promise<RmaPart> {
    return this.hub.db.transaction(async (tx) => {
      await this.streams.lock(tx, input.rmaNumber);
      const rma = await tx.em.findOneBy(Rma, { number: input.rmaNumber });
      if (!rma) throw notFound('Rma', input.rmaNumber);
      if (rma.status === 'REQUESTED' || isTerminal(rma.status))
        throw new AppError(ErrorCode.INVALID_TRANSITION, `Parts are recorded on an approved, open RMA; ${rma.number} is ${rma.status}`, {
          status: rma.status,
        });
      const by = operator(principal);
      const [part] = await this.lifecycle.recordPartsUsed(tx, rma, [{ ...input, quantity: input.quantity ?? 1 }], by);
      const change = this.hub.get(RmaChanges).of(tx, rma);
      change.timeline({
        type: 'PartRecorded',
        eventId: null,
        by,
        fromStatus: rma.status,
        toStatus: rma.status,
        occurredAt: part.recordedAt,
        payload: { partNumber: part.partNumber, condition: part.condition, source: part.source, waiverApplied: part.waiverApplied },
      });
      await change.persist();
      return part;
    });
  }

  // -------------------------------------------------------------------------

  async getRma(principal: Principal, number: string): Promise<Rma> {
    const rma = await this.hub.db.manager.findOneBy(Rma, { number });
    if (!rma || !canSee(principal, Rma, rma)) throw notFound('Rma', number);
    return rma;
  }

  listRmas(principal: Principal, filter: RmaFilter = {}, page: { first?: number | null; after?: string | null }): Promise<Connection<Rma>> {
    const qb = scopeQuery(this.hub.db.manager.createQueryBuilder(Rma, 'r'), principal, Rma);
    if (filter.status?.length) qb.andWhere('r.status IN (:...statuses)', { statuses: filter.status });
    if (filter.centreId) qb.andWhere('r.centreId = :centreId', { centreId: filter.centreId });
    if (filter.customerId) qb.andWhere('r.customerId = :customerId', { customerId: filter.customerId });
    if (filter.serial) qb.andWhere('r.serialNumber = :serial', { serial: filter.serial });
    if (filter.loanerRequired != null) qb.andWhere(filter.loanerRequired ? 'r.loanerRequired = 1' : 'r.loanerRequired = 0');
    if (filter.overdue != null) {
      const overdue = 'r.status NOT IN (:...terminal) AND r.serviceRestoredAt IS NULL AND r.loanerDeadline <= :now';
      qb.andWhere(filter.overdue ? `(${overdue})` : `NOT (${overdue})`, { terminal: TERMINAL_RMA_STATUSES, now: new Date() });
    }
    return paginate(qb, page, { sortColumn: 'createdAt', descending: true, maxPageSize: this.hub.config.graphql.maxPageSize });
  }

  async historyBySerial(principal: Principal, serialNumber: string): Promise<SerialHistory> {
    const em = this.hub.db.manager;
    const [rmas, events] = await Promise.all([
      scopeQuery(em.createQueryBuilder(Rma, 'r'), principal, Rma)
        .andWhere('r.serialNumber = :serialNumber', { serialNumber })
        .orderBy('r.outOfServiceAt', 'ASC')
        .getMany(),
      scopeQuery(em.createQueryBuilder(RmaEvent, 'e'), principal, RmaEvent)
        .andWhere('e.serialNumber = :serialNumber', { serialNumber })
        .getMany(),
    ]);
    // RMA by RMA (oldest failure first), each in its own timeline order.
    const rank = new Map(rmas.map((r, i) => [r.id, i]));
    events.sort((a, b) => (rank.get(a.rmaId) ?? 0) - (rank.get(b.rmaId) ?? 0) || a.seq - b.seq);
    return { serialNumber, rmas, events };
  }

  // Batch lookups for dataloaders (no scoping: callers reach these rows through an already-scoped RMA).
  async partsByRmaIds(ids: readonly string[]): Promise<RmaPart[][]> {
    const rows = await selectWhereIn(this.hub.db.manager, RmaPart, 'rmaId', ids, ['recordedAt', 'id']);
    return groupByKey(ids, rows, (r) => r.rmaId);
  }
  async eventsByRmaIds(ids: readonly string[]): Promise<RmaEvent[][]> {
    const rows = await selectWhereIn(this.hub.db.manager, RmaEvent, 'rmaId', ids, ['seq']);
    return groupByKey(ids, rows, (r) => r.rmaId);
  }
  async rmasByIds(ids: readonly string[]): Promise<Array<Rma | Error>> {
    const rows = await selectByIds(this.hub.db.manager, Rma, ids, { forUpdate: false });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? notFound('Rma', id));
  }

  // -------------------------------------------------------------------------

  /** Staff act as the hub; a PARTNER key acts as its centre (so the entitlement rule applies to it). */
  private submitAs(principal: Principal, number: string, type: InboundEventType, payload: Record<string, unknown>) {
    let source: string;
    if (isStaff(principal)) source = operator(principal).label;
    else if (principal.role === Role.PARTNER && principal.scopeId) source = `centre:${principal.scopeId}`;
    else throw forbidden();
    return this.processor.submit(makeEnvelope({ type, key: number, source, payload }));
  }

  private expectApplied(outcome: ProcessOutcome, number: string): Rma {
    if ((outcome.kind === 'APPLIED' || outcome.kind === 'RECORDED_LATE' || outcome.kind === 'DUPLICATE') && outcome.rma) return outcome.rma;
    throw new AppError(ErrorCode.INVALID_TRANSITION, `RMA ${number} is not in a state for this yet`, {
      outcome: outcome.kind,
      waitingFor: outcome.kind === 'HELD' ? outcome.waitingFor : null,
    });
  }
}
