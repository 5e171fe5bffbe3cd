import { In } from 'typeorm';
import type { Principal } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { AppError, badInput, ErrorCode, notFound } from '../../platform/errors';
import { Connection, paginate } from '../../platform/graphql/connection';
import type { Hub } from '../../platform/hub';
import type { JobContext } from '../../platform/scheduler/scheduler';
import { Incident, IncidentEvent } from '../incidents/incident.entity';
import { IncidentEventType, IncidentStatus, IncidentUpdateKind } from '../incidents/incident.enums';
import { ALL_INCIDENTS, INCIDENT_UPDATED, IncidentUpdatePayload } from '../incidents/incidents.events';
import type { Inspection } from '../inspections/inspection.entity';
import { creditedEngineer } from './rules/engineer';
import { SatisfactionSurvey, SurveySource, SurveyStatus, SurveySubject } from './survey.entity';

export const SWEEP_JOB = 'satisfaction.sweep';
const SWEEP_KEY = 'satisfaction:sweep';
/** The live nudge issues surveys within a moment; the sweep only catches what a crash between commit and nudge lost. */
const SWEEP_EVERY_MS = 5 * 60_000;
const SWEEP_BATCH = 200;

export interface SurveyFilter {
  customerId?: string | null;
  status?: SurveyStatus | null;
  subjectType?: SurveySubject | null;
}

/**
 * Surveys after closed incidents and reported inspections. Inspections tell
 * us in their own transaction (InspectionCommands.onReported). The incidents
 * module has no such hook, so closures are picked up from the live update
 * stream at once and, durably, by a periodic sweep for closed incidents
 * without a survey; the unique subject index makes both paths idempotent.
 */
export class SatisfactionService {
  private readonly nudged = new Set<string>();
  private draining: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly hub: Hub) {}

  // ---- queries -----------------------------------------------------------------

  async get(principal: Principal, id: string): Promise<SatisfactionSurvey> {
    const survey = await this.hub.db.manager.findOneBy(SatisfactionSurvey, { id });
    if (!survey || !canSee(principal, SatisfactionSurvey, survey)) throw notFound('SatisfactionSurvey', id);
    return survey;
  }

  list(
    principal: Principal,
    filter: SurveyFilter,
    page: { first?: number | null; after?: string | null },
  ): Promise<Connection<SatisfactionSurvey>> {
    const qb = scopeQuery(this.hub.db.manager.createQueryBuilder(SatisfactionSurvey, 's'), principal, SatisfactionSurvey);
    if (filter.customerId) qb.andWhere('s.customerId = :customerId', { customerId: filter.customerId });
    if (filter.status) qb.andWhere('s.status = :status', { status: filter.status });
    if (filter.subjectType) qb.andWhere('s.subjectType = :subjectType', { subjectType: filter.subjectType });
    return paginate(qb, page, { sortColumn: 'issuedAt', descending: true, maxPageSize: this.hub.config.graphql.maxPageSize });
  }

  async forSubjects(subjectType: SurveySubject, ids: readonly string[]): Promise<Array<SatisfactionSurvey | null>> {
    const rows = await this.hub.db.manager.findBy(SatisfactionSurvey, { subjectType, subjectId: In([...ids]) });
    return ids.map((id) => rows.find((r) => r.subjectId === id) ?? null);
  }

  // ---- commands ----------------------------------------------------------------

  /** The customer's answer (or the desk recording one given by phone). Answered once. */
  answer(principal: Principal, id: string, rating: number, comment?: string | null): Promise<SatisfactionSurvey> {
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw badInput('rating must be 1 to 5', { field: 'rating' });
    return this.hub.db.transaction(async (tx) => {
      const survey = await tx.em.findOne(SatisfactionSurvey, { where: { id }, lock: this.hub.db.lockMode() });
      if (!survey || !canSee(principal, SatisfactionSurvey, survey)) throw notFound('SatisfactionSurvey', id);
      if (survey.status === SurveyStatus.ANSWERED)
        throw new AppError(ErrorCode.CONFLICT, 'The survey was already answered', {
          reason: 'ALREADY_ANSWERED',
          answeredAt: survey.answeredAt?.toISOString(),
        });
      Object.assign(survey, {
        status: SurveyStatus.ANSWERED,
        rating,
        comment: comment?.trim() || null,
        answeredAt: new Date(),
        answeredBy: principal.name,
        source: SurveySource.SURVEY,
      });
      const { id: _id, ...fields } = survey;
      await tx.em.update(SatisfactionSurvey, { id }, fields);
      return survey;
    });
  }

  /** Called in the transaction that submitted the inspection report. */
  async onInspectionReported(tx: Tx, inspection: Inspection): Promise<void> {
    if (await tx.em.findOneBy(SatisfactionSurvey, { subjectType: SurveySubject.INSPECTION, subjectId: inspection.id })) return;
    const now = new Date();
    await tx.em.insert(SatisfactionSurvey, {
      id: newId(),
      subjectType: SurveySubject.INSPECTION,
      subjectId: inspection.id,
      customerId: inspection.customerId,
      centreId: inspection.centreId,
      engineer: inspection.engineer,
      subjectLabel: `Inspection ${inspection.label}`.slice(0, 500),
      subjectClosedAt: inspection.reportSubmittedAt ?? now,
      issuedAt: now,
      status: SurveyStatus.ISSUED,
      rating: null,
      comment: null,
      answeredAt: null,
      answeredBy: null,
      source: null,
    });
  }

  /** Issues the survey of a closed incident, linking a rating given at closure. Idempotent. */
  async ensureIncidentSurvey(tx: Tx, incidentId: string): Promise<SatisfactionSurvey | null> {
    const existing = await tx.em.findOneBy(SatisfactionSurvey, { subjectType: SurveySubject.INCIDENT, subjectId: incidentId });
    if (existing) return existing;
    const incident = await tx.em.findOneBy(Incident, { id: incidentId });
    if (!incident || incident.status !== IncidentStatus.CLOSED) return null;
    const moves = await tx.em.find(IncidentEvent, {
      where: { incidentId, type: IncidentEventType.STATUS_CHANGED },
      select: { seq: true, toStatus: true, actor: true },
    });
    const rated = incident.satisfaction !== null;
    const closedAt = incident.closedAt ?? incident.updatedAt;
    const survey = Object.assign(new SatisfactionSurvey(), {
      id: newId(),
      subjectType: SurveySubject.INCIDENT,
      subjectId: incident.id,
      customerId: incident.customerId,
      centreId: incident.assignedCentreId,
      engineer: creditedEngineer(moves),
      subjectLabel: incident.summary.slice(0, 500),
      subjectClosedAt: closedAt,
      issuedAt: new Date(),
      status: rated ? SurveyStatus.ANSWERED : SurveyStatus.ISSUED,
      rating: incident.satisfaction,
      comment: rated ? incident.customerComment : null,
      answeredAt: rated ? closedAt : null,
      answeredBy: rated ? incident.closedBy : null,
      source: rated ? SurveySource.CLOSURE : null,
    });
    await tx.em.insert(SatisfactionSurvey, survey);
    return survey;
  }

  /** Closed incidents without a survey, oldest first, a batch at a time. */
  async sweep(tx: Tx): Promise<number> {
    const missing = await tx.em
      .createQueryBuilder(Incident, 'i')
      .select(['i.id'])
      .where('i.status = :closed', { closed: IncidentStatus.CLOSED })
      .andWhere(`NOT EXISTS (SELECT 1 FROM satisfaction_surveys s WHERE s.subjectType = :incident AND s.subjectId = i.id)`, {
        incident: SurveySubject.INCIDENT,
      })
      .orderBy('i.closedAt', 'ASC')
      .limit(SWEEP_BATCH)
      .getMany();
    for (const { id } of missing) await this.ensureIncidentSurvey(tx, id);
    return missing.length;
  }

  async onSweep({ job, tx, firedAt }: JobContext): Promise<void> {
    const issued = await this.sweep(tx);
    // A full batch means more are waiting: come back at once rather than in five minutes.
    const next = issued >= SWEEP_BATCH ? firedAt.getTime() + 1000 : firedAt.getTime() + SWEEP_EVERY_MS;
    await this.hub.scheduler.schedule(tx, { kind: SWEEP_JOB, key: job.jobKey, dueAt: new Date(next) });
  }

  // ---- live nudge ----------------------------------------------------------------

  /** Starts the sweep job and listens for closures on the live stream. */
  async start(): Promise<void> {
    await this.hub.db.transaction(async (tx) => {
      const [pending] = await this.hub.scheduler.pending({ keys: [SWEEP_KEY] });
      if (!pending) await this.hub.scheduler.schedule(tx, { kind: SWEEP_JOB, key: SWEEP_KEY, dueAt: new Date(Date.now() + 1000) });
    });
    const stream = this.hub.pubsub.subscribe(INCIDENT_UPDATED, ALL_INCIDENTS);
    this.hub.onStop(async () => {
      this.stopped = true;
      await stream.return();
      await this.draining;
    });
    void (async () => {
      // The loop body never waits: a slow database must not back up the live stream for everyone else.
      for await (const value of stream) {
        const update = value as IncidentUpdatePayload;
        if (update.kind === IncidentUpdateKind.STATUS_CHANGED && update.incident.status === IncidentStatus.CLOSED) {
          this.nudged.add(update.incident.id);
          this.drain();
        }
      }
    })().catch((error) => this.hub.log.error({ err: error }, 'satisfaction: live stream ended'));
  }

  private drain(): void {
    if (this.draining || this.stopped) return;
    this.draining = (async () => {
      while (this.nudged.size > 0 && !this.stopped) {
        const [id] = this.nudged;
        this.nudged.delete(id);
        try {
          await this.hub.db.transaction((tx) => this.ensureIncidentSurvey(tx, id));
        } catch (error) {
          // Another instance issued it first (unique subject), or the database is away: the sweep settles it.
          this.hub.log.debug({ err: error, incidentId: id }, 'satisfaction: survey not issued from the live nudge');
        }
      }
    })().finally(() => {
      this.draining = null;
      // A closure that arrived as the loop was finishing.
      if (this.nudged.size > 0) this.drain();
    });
  }
}
