import { actorCanSee, actorLabel, type Actor } from '../../platform/auth/actor';
import { In } from 'typeorm';
import { isStaff, Principal, Role } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { UnitOfWork } from '../../platform/db/unit-of-work';
import { AppError, badInput, ErrorCode, notFound } from '../../platform/errors';
import { Connection, paginate } from '../../platform/graphql/connection';
import type { Hub } from '../../platform/hub';
import { EventEnvelope, makeEnvelope } from '../../platform/kafka/event-bus';
import type { JobContext } from '../../platform/scheduler/scheduler';
import { Customer } from '../customers/customer.entity';
import { ManagementLevel } from '../incidents/incident.enums';
import { Incident } from '../incidents/incident.entity';
import { elapsedDurationMs, nextManagementLevel, warnAt } from '../inspections/rules/deadline';
import { Rma } from '../rma/rma.entity';
import {
  ComplaintAction,
  ComplaintClock,
  complaintStep,
  ComplaintTargets,
  DEFAULT_COMPLAINT_TARGETS,
  validateComplaintTargets,
} from './rules/complaint-rules';
import { Complaint, ComplaintClockKind, ComplaintEvent, ComplaintEventType, ComplaintPolicy, ComplaintStatus } from './complaint.entity';
import type { ComplaintFilter, ComplaintPolicyInput, FileComplaintInput, RateComplaintInput } from './complaints.inputs';
import { groupByKey } from '../../platform/graphql/batch';

export const COMPLAINT_CLOCK_JOB = 'complaints.clock';
export const COMPLAINT_CLOCK_BREACHED = 'ComplaintClockBreached';
const DEFAULT_SCOPE = 'DEFAULT';
/** Warnings go out at the same share of the allowed time as the incident clocks' default policy. */
const WARN_AT_RATIO = 0.75;

const clockKey = (id: string, clock: ComplaintClock, phase: 'WARN' | 'BREACH') => `complaint:${id}:${clock}:${phase}`;

interface ClockFields {
  due: 'firstReplyDueAt' | 'resolutionDueAt';
  stopped: 'firstRepliedAt' | 'resolvedAt';
  warned: 'firstReplyWarnedAt' | 'resolutionWarnedAt';
  breached: 'firstReplyBreachedAt' | 'resolutionBreachedAt';
  label: string;
}
const CLOCK: Record<ComplaintClock, ClockFields> = {
  FIRST_REPLY: {
    due: 'firstReplyDueAt',
    stopped: 'firstRepliedAt',
    warned: 'firstReplyWarnedAt',
    breached: 'firstReplyBreachedAt',
    label: 'First reply',
  },
  RESOLUTION: {
    due: 'resolutionDueAt',
    stopped: 'resolvedAt',
    warned: 'resolutionWarnedAt',
    breached: 'resolutionBreachedAt',
    label: 'Resolution',
  },
};

class ComplaintWork {
  readonly events: ComplaintEvent[] = [];
  readonly outbound: EventEnvelope[] = [];
  constructor(
    readonly complaint: Complaint,
    readonly now: Date,
    readonly actor: string,
  ) {}

  event(type: ComplaintEventType, message: string, clock: ComplaintClock | null = null): void {
    const c = this.complaint;
    c.eventSeq += 1;
    this.events.push(
      Object.assign(new ComplaintEvent(), {
        id: newId(),
        complaintId: c.id,
        customerId: c.customerId,
        seq: c.eventSeq,
        at: this.now,
        type,
        actor: this.actor,
        clock: clock as ComplaintClockKind | null,
        message: message.slice(0, 4000),
      }),
    );
  }
}

export class ComplaintsService {
  constructor(private readonly hub: Hub) {}

  // ---- queries -----------------------------------------------------------------

  async get(principal: Principal, id: string): Promise<Complaint> {
    const complaint = await this.hub.db.manager.findOneBy(Complaint, { id });
    if (!complaint || !canSee(principal, Complaint, complaint)) throw notFound('Complaint', id);
    return complaint;
  }

  list(
    principal: Principal,
    filter: ComplaintFilter | undefined,
    page: { first?: number | null; after?: string | null },
  ): Promise<Connection<Complaint>> {
    const qb = scopeQuery(this.hub.db.manager.createQueryBuilder(Complaint, 'c'), principal, Complaint);
    const f = filter ?? {};
    if (f.customerId) qb.andWhere('c.customerId = :customerId', { customerId: f.customerId });
    if (f.status?.length) qb.andWhere('c.status IN (:...status)', { status: f.status });
    if (f.category) qb.andWhere('c.category = :category', { category: f.category });
    if (f.incidentId) qb.andWhere('c.incidentId = :incidentId', { incidentId: f.incidentId });
    if (f.breached === true) qb.andWhere('(c.firstReplyBreachedAt IS NOT NULL OR c.resolutionBreachedAt IS NOT NULL)');
    if (f.breached === false) qb.andWhere('c.firstReplyBreachedAt IS NULL AND c.resolutionBreachedAt IS NULL');
    return paginate(qb, page, { sortColumn: 'filedAt', descending: true, maxPageSize: this.hub.config.graphql.maxPageSize });
  }

  async eventsFor(ids: readonly string[]): Promise<ComplaintEvent[][]> {
    const rows = await this.hub.db.manager.find(ComplaintEvent, { where: { complaintId: In([...ids]) }, order: { seq: 'ASC' } });
    return groupByKey(ids, rows, (r) => r.complaintId);
  }

  /** The targets a new complaint of this customer gets: its own, else the default row, else PT15M / P2D. */
  async effectivePolicy(principal: Principal, customerId: string | null | undefined): Promise<ComplaintPolicy> {
    if (!isStaff(principal)) {
      // A customer sees its own targets; other tenants only the default, and never another customer's.
      const own = principal.role === Role.CUSTOMER ? principal.scopeId : null;
      if (customerId && !(own && principal.visibleScopeIds.includes(customerId))) throw notFound('Customer', customerId);
      return this.policyFor(this.hub.db.manager, customerId ?? own);
    }
    return this.policyFor(this.hub.db.manager, customerId ?? null);
  }

  private async policyFor(em: Tx['em'], customerId: string | null): Promise<ComplaintPolicy> {
    const rows = await em.findBy(ComplaintPolicy, { scopeKey: In(customerId ? [customerId, DEFAULT_SCOPE] : [DEFAULT_SCOPE]) });
    const own = rows.find((r) => r.scopeKey === customerId) ?? rows.find((r) => r.scopeKey === DEFAULT_SCOPE);
    return (
      own ??
      Object.assign(new ComplaintPolicy(), {
        id: DEFAULT_SCOPE,
        scopeKey: DEFAULT_SCOPE,
        customerId: null,
        firstReplyTarget: DEFAULT_COMPLAINT_TARGETS.firstReply,
        resolutionTarget: DEFAULT_COMPLAINT_TARGETS.resolution,
        updatedAt: new Date(0),
        updatedBy: 'built-in',
      })
    );
  }

  // ---- commands ----------------------------------------------------------------

  async setPolicy(principal: Principal, input: ComplaintPolicyInput): Promise<ComplaintPolicy> {
    const targets: ComplaintTargets = { firstReply: input.firstReply.trim(), resolution: input.resolution.trim() };
    const problems = validateComplaintTargets(targets);
    if (problems.length > 0) throw badInput(problems[0].message, { field: problems[0].field, problems });
    return this.hub.db.transaction(async (tx) => {
      if (input.customerId && !(await tx.em.findOneBy(Customer, { id: input.customerId }))) throw notFound('Customer', input.customerId);
      const scopeKey = input.customerId ?? DEFAULT_SCOPE;
      const existing = await tx.em.findOne(ComplaintPolicy, { where: { scopeKey }, lock: this.hub.db.lockMode() });
      const row = Object.assign(existing ?? new ComplaintPolicy(), {
        id: existing?.id ?? newId(),
        scopeKey,
        customerId: input.customerId ?? null,
        firstReplyTarget: targets.firstReply,
        resolutionTarget: targets.resolution,
        updatedAt: new Date(),
        updatedBy: principal.name,
      });
      if (existing) await tx.em.update(ComplaintPolicy, { id: row.id }, row);
      else await tx.em.insert(ComplaintPolicy, row);
      return row;
    });
  }

  async file(actor: Actor, input: FileComplaintInput): Promise<Complaint> {
    // A tenant key files for its own customer; staff, the scheduler and the system say which customer.
    const tenant = actor.kind === 'user' && !isStaff(actor.principal) ? actor.principal : null;
    const customerId = tenant ? tenant.scopeId : input.customerId;
    if (!customerId) throw badInput('Say which customer complains', { field: 'customerId' });
    if (tenant && input.customerId && input.customerId !== tenant.scopeId) throw notFound('Customer', input.customerId);
    // Read through the owning modules: a tenant cannot link what it cannot see.
    const incident = input.incidentId ? await this.linked(actor, Incident, { id: input.incidentId }, 'Incident', input.incidentId) : null;
    const rma = input.rmaNumber ? await this.linked(actor, Rma, { number: input.rmaNumber }, 'Rma', input.rmaNumber) : null;
    if (incident && incident.customerId !== customerId) throw badInput("The incident is another customer's", { field: 'incidentId' });
    if (rma && rma.customerId !== customerId) throw badInput("The RMA is another customer's", { field: 'rmaNumber' });
    return this.hub.db.transaction(async (tx) => {
      if (!(await tx.em.findOneBy(Customer, { id: customerId }))) throw notFound('Customer', customerId);
      const policy = await this.policyFor(tx.em, customerId);
      const now = new Date();
      const due = (iso: string) => new Date(now.getTime() + (elapsedDurationMs(iso) ?? 0));
      const complaint = Object.assign(new Complaint(), {
        id: newId(),
        customerId,
        category: input.category,
        summary: input.summary.trim(),
        description: input.description ?? null,
        incidentId: incident?.id ?? null,
        rmaId: rma?.id ?? null,
        rmaNumber: rma?.number ?? null,
        centreId: incident?.assignedCentreId ?? rma?.centreId ?? null,
        status: ComplaintStatus.OPEN,
        managementLevel: ManagementLevel.ENGINEER,
        filedAt: now,
        filedBy: actorLabel(actor).slice(0, 120),
        firstReplyTarget: policy.firstReplyTarget,
        firstReplyDueAt: due(policy.firstReplyTarget),
        firstRepliedAt: null,
        firstReplyWarnedAt: null,
        firstReplyBreachedAt: null,
        resolutionTarget: policy.resolutionTarget,
        resolutionDueAt: due(policy.resolutionTarget),
        resolvedAt: null,
        resolutionWarnedAt: null,
        resolutionBreachedAt: null,
        resolution: null,
        closedAt: null,
        closedBy: null,
        handlingRating: null,
        ratingComment: null,
        ratedAt: null,
        eventSeq: 0,
        updatedAt: now,
      });
      const w = new ComplaintWork(complaint, now, actorLabel(actor).slice(0, 120));
      w.event(
        ComplaintEventType.FILED,
        `${input.category} complaint filed: ${complaint.summary} (first reply due ${complaint.firstReplyDueAt.toISOString()}, resolution due ${complaint.resolutionDueAt.toISOString()})`,
      );
      await tx.em.insert(Complaint, complaint);
      for (const clock of ['FIRST_REPLY', 'RESOLUTION'] as const) await this.planClock(tx, complaint, clock);
      await this.flush(tx, w);
      return complaint;
    });
  }

  /** A linked incident or RMA the actor may see (NOT_FOUND otherwise, as for any other tenant's id). */
  private async linked<T extends object>(actor: Actor, entity: new () => T, where: Partial<T>, name: string, id: string): Promise<T> {
    const row = await this.hub.db.manager.findOneBy(entity, where as never);
    if (!row || !actorCanSee(actor, entity, row)) throw notFound(name, id);
    return row;
  }

  reply(principal: Principal, id: string, message: string): Promise<Complaint> {
    if (!message?.trim()) throw badInput('The reply is empty', { field: 'message' });
    return this.step(principal, id, 'REPLY', (w) => w.event(ComplaintEventType.REPLIED, message.trim()));
  }

  resolve(principal: Principal, id: string, resolution: string): Promise<Complaint> {
    if (!resolution?.trim()) throw badInput('Say how it was resolved', { field: 'resolution' });
    return this.step(principal, id, 'RESOLVE', (w) => {
      w.complaint.resolution = resolution.trim();
      w.event(ComplaintEventType.RESOLVED, resolution.trim());
    });
  }

  close(principal: Principal, id: string, note?: string | null): Promise<Complaint> {
    return this.step(principal, id, 'CLOSE', (w) => {
      w.complaint.closedAt = w.now;
      w.complaint.closedBy = w.actor;
      w.event(ComplaintEventType.CLOSED, note?.trim() || 'Closed without a rating');
    });
  }

  /** The customer rates how the complaint was handled; it closes the case. */
  rate(principal: Principal, id: string, input: RateComplaintInput): Promise<Complaint> {
    return this.step(principal, id, 'RATE', (w) => {
      const c = w.complaint;
      if (c.handlingRating !== null) throw new AppError(ErrorCode.CONFLICT, 'The handling was already rated', { reason: 'ALREADY_RATED' });
      c.handlingRating = input.rating;
      c.ratingComment = input.comment ?? null;
      c.ratedAt = w.now;
      c.closedAt ??= w.now;
      c.closedBy ??= w.actor;
      w.event(ComplaintEventType.RATED, `Handling rated ${input.rating}/5${input.comment ? `: ${input.comment}` : ''}`);
    });
  }

  // ---- timers ------------------------------------------------------------------

  async onClockTimer({ job, tx, firedAt }: JobContext): Promise<void> {
    const { complaintId, clock, phase } = job.payload as { complaintId: string; clock: ComplaintClock; phase: 'WARN' | 'BREACH' };
    const complaint = await tx.em.findOne(Complaint, { where: { id: complaintId }, lock: this.hub.db.lockMode() });
    if (!complaint) return;
    const f = CLOCK[clock];
    if (complaint[f.stopped]) return;
    const w = new ComplaintWork(complaint, firedAt, 'complaint-timer');
    if (phase === 'WARN' && !complaint[f.warned] && !complaint[f.breached]) {
      complaint[f.warned] = firedAt;
      w.event(
        ComplaintEventType.CLOCK_WARNING,
        `${f.label} due ${complaint[f.due].toISOString()} (${this.targetOf(complaint, clock)}) and not done yet`,
        clock,
      );
    }
    if (phase === 'BREACH' && !complaint[f.breached]) this.breach(w, clock);
    await this.flush(tx, w);
  }

  // ---- internals ---------------------------------------------------------------

  private step(principal: Principal, id: string, action: ComplaintAction, work: (w: ComplaintWork) => void): Promise<Complaint> {
    return this.hub.db.transaction(async (tx) => {
      const complaint = await tx.em.findOne(Complaint, { where: { id }, lock: this.hub.db.lockMode() });
      if (!complaint || !canSee(principal, Complaint, complaint)) throw notFound('Complaint', id);
      if (action === 'RATE' && principal.role !== Role.CUSTOMER)
        throw new AppError(ErrorCode.FORBIDDEN, 'Only the customer rates the handling');
      const r = complaintStep(complaint.status, action);
      if (!r.ok)
        throw new AppError(ErrorCode.INVALID_TRANSITION, `A complaint cannot be ${action.toLowerCase()}d while ${complaint.status}`, {
          from: r.error.from,
          action,
          allowedFrom: r.error.allowedFrom,
        });
      const w = new ComplaintWork(complaint, new Date(), principal.name);
      complaint.status = r.value.to as ComplaintStatus;
      work(w);
      for (const clock of r.value.stops) {
        const f = CLOCK[clock];
        complaint[f.stopped] = w.now;
        // Stopped past due before the timer fired: the breach is still recorded and escalated.
        if (!complaint[f.breached] && w.now > complaint[f.due]) this.breach(w, clock);
        await this.hub.scheduler.cancel(tx, `complaint:${complaint.id}:${clock}:`);
      }
      await this.flush(tx, w);
      return complaint;
    });
  }

  private breach(w: ComplaintWork, clock: ComplaintClock): void {
    const c = w.complaint;
    const f = CLOCK[clock];
    c[f.breached] = c[f.due];
    w.event(
      ComplaintEventType.CLOCK_BREACHED,
      `${f.label} deadline missed: due ${c[f.due].toISOString()} (${this.targetOf(c, clock)})`,
      clock,
    );
    const next = nextManagementLevel(c.managementLevel);
    if (next) {
      w.event(ComplaintEventType.ESCALATED, `${f.label} deadline missed: notify ${next} (was ${c.managementLevel})`, clock);
      c.managementLevel = next as ManagementLevel;
    }
    w.outbound.push(
      makeEnvelope({
        type: COMPLAINT_CLOCK_BREACHED,
        key: c.id,
        source: 'hub',
        payload: {
          complaintId: c.id,
          customerId: c.customerId,
          centreId: c.centreId,
          category: c.category,
          clock,
          dueAt: c[f.due].toISOString(),
          managementLevel: c.managementLevel,
        },
      }),
    );
  }

  private targetOf(c: Complaint, clock: ComplaintClock): string {
    return clock === 'FIRST_REPLY' ? c.firstReplyTarget : c.resolutionTarget;
  }

  private async planClock(tx: Tx, c: Complaint, clock: ComplaintClock): Promise<void> {
    const due = c[CLOCK[clock].due];
    const payload = (phase: 'WARN' | 'BREACH') => ({ complaintId: c.id, clock, phase });
    await this.hub.scheduler.schedule(tx, {
      kind: COMPLAINT_CLOCK_JOB,
      key: clockKey(c.id, clock, 'WARN'),
      dueAt: warnAt(c.filedAt, due, WARN_AT_RATIO),
      payload: payload('WARN'),
    });
    // One millisecond past due: a reply at the very instant is on time.
    await this.hub.scheduler.schedule(tx, {
      kind: COMPLAINT_CLOCK_JOB,
      key: clockKey(c.id, clock, 'BREACH'),
      dueAt: new Date(due.getTime() + 1),
      payload: payload('BREACH'),
    });
  }

  private async flush(tx: Tx, w: ComplaintWork): Promise<void> {
    const { id, ...fields } = w.complaint;
    fields.updatedAt = w.now;
    w.complaint.updatedAt = w.now;
    await tx.em.update(Complaint, { id }, fields);
    const changes = new UnitOfWork(this.hub.outbox);
    for (const e of w.events) changes.timeline(ComplaintEvent, e);
    await changes.emit(this.hub.config.kafka.topics.hubEvents, ...w.outbound).record(tx);
  }
}
