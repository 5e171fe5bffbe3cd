/**
 * A closed quarter (Q1 2026, Beijing time) of stored history for customer A,
 * written straight into the tables with hand-chosen timestamps so every
 * report figure can be worked out by hand (the expected values and their
 * derivation are in reports.e2e.test.ts). Customer B gets one row of each
 * kind, which A's reports must never count.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Complaint } from '../../src/modules/complaints/complaint.entity';
import { Incident, IncidentDiagnosis, IncidentEscalation } from '../../src/modules/incidents/incident.entity';
import type { StoredClock } from '../../src/modules/incidents/incident-sla';
import { businessHoursCoverage, COVERAGE_24X7 } from '../../src/modules/sla/rules/coverage';
import { Inspection } from '../../src/modules/inspections/inspection.entity';
import { Loan } from '../../src/modules/loaners/loaner.entity';
import { Rma } from '../../src/modules/rma/rma.entity';
import { SatisfactionSurvey } from '../../src/modules/satisfaction/survey.entity';
import { CALM_7X24, createContract, createWorld, World } from '../incidents/fixtures';
import type { TestHub } from '../support/hub';
import { createCentres, importCalendar } from './helpers';

const H = 3_600_000;
const M = 60_000;
const at = (iso: string) => new Date(iso);

/**
 * One statement per row: a multi-row insert lets TypeORM write generated values
 * back onto the objects, and it mixed up the ids of the objects we keep using.
 */
async function insertAll<T extends object>(em: EntityManager, entity: new () => T, rows: T[]): Promise<void> {
  for (const row of rows) await em.insert(entity, row as never);
}
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

export interface ReportFixture {
  world: World;
  contract24: string;
  contract58: string;
  centre1: string;
  centre2: string;
  incidents: Record<'I1' | 'I2' | 'I3' | 'I4' | 'I5' | 'I6' | 'I7' | 'I8', string>;
}

function clock(kind: StoredClock['kind'], target: string, startedAt: Date, budgetMs: number, stop?: Date, breachedAt?: Date): StoredClock {
  return {
    kind,
    target,
    startedAt: startedAt.toISOString(),
    budgetMs,
    pauses: [],
    ...(stop ? { stoppedAt: stop.toISOString() } : {}),
    ...(breachedAt ? { breachedAt: breachedAt.toISOString(), breachHandledAt: breachedAt.toISOString() } : {}),
    lastEventAt: (stop ?? breachedAt ?? startedAt).toISOString(),
  };
}

export async function seedReportFixture(t: TestHub): Promise<ReportFixture> {
  const world = await createWorld(t);
  await importCalendar(t, [2026]);
  const contract24 = await createContract(t, { plan: CALM_7X24, customerId: world.customerA });
  const contract58 = await createContract(t, {
    plan: CALM_7X24,
    customerId: world.customerA,
    coverage: 'BUSINESS_HOURS',
    calendarRegion: 'CN',
  });
  const { partner: centre1, otherPartner: centre2 } = await createCentres(t);
  const bh = businessHoursCoverage([{ start: '08:30', end: '17:30' }], 'Asia/Shanghai');
  if (!bh.ok) throw new Error('coverage');
  // One transaction: the satisfaction sweep must not see closed incidents before their fixture surveys exist.
  return t.app.hub.db.transaction(async ({ em }) => {
    // ---- incidents ---------------------------------------------------------------
    const incident = (
      o: Partial<Incident> & Pick<Incident, 'customerId' | 'siteId' | 'severity' | 'status' | 'reportedAt' | 'clocks'>,
    ): Incident =>
      Object.assign(new Incident(), {
        id: randomUUID(),
        deviceId: null,
        contractId: contract24,
        assignedCentreId: null,
        supportTier: 1,
        managementLevel: 'ENGINEER',
        channel: 'API',
        summary: 'Fixture incident',
        description: null,
        externalRef: null,
        emergencyKind: null,
        emergencyActive: false,
        emergencyActivatedAt: null,
        nextProgressDueAt: null,
        lastProgressAt: null,
        occurredAt: null,
        reportedBy: 'fixture',
        coverage: COVERAGE_24X7,
        calendarRegion: 'CN',
        distanceClass: 'URBAN',
        jobKeys: [],
        nextDueAt: null,
        breached: false,
        calendarIncomplete: false,
        acknowledgedAt: null,
        restoredAt: null,
        closedAt: null,
        closedBy: null,
        closureConsentRef: null,
        satisfaction: null,
        customerComment: null,
        eventSeq: 0,
        updatedAt: o.reportedAt,
        ...o,
      });
    const A = { customerId: world.customerA, siteId: world.siteA };
    const t1 = at('2026-03-02T01:00:00Z');
    const t2 = at('2026-03-10T02:00:00Z');
    const t3 = at('2026-03-20T00:00:00Z');
    const t4 = at('2026-02-20T00:00:00Z');
    const t5 = at('2026-03-13T09:00:00Z'); // Friday 17:00 in Beijing, half an hour before the 5x8 day ends
    const rows = {
      I1: incident({
        ...A,
        summary: 'I1 disk failure',
        severity: 'P2' as never,
        status: 'CLOSED' as never,
        reportedAt: t1,
        assignedCentreId: centre1,
        closedAt: plus(t1, 5 * H),
        clocks: {
          RESPONSE: clock('RESPONSE', 'PT1H', t1, H, plus(t1, 30 * M)),
          ON_SITE: clock('ON_SITE', 'PT2H', t1, 2 * H, plus(t1, H)),
          RESTORE: clock('RESTORE', 'PT4H', t1, 4 * H, plus(t1, 3 * H)),
        },
      }),
      I2: incident({
        ...A,
        summary: 'I2 controller down',
        severity: 'P1' as never,
        status: 'RESTORED' as never,
        reportedAt: t2,
        assignedCentreId: centre1,
        supportTier: 2,
        managementLevel: 'TEAM_LEAD' as never,
        clocks: {
          RESPONSE: clock('RESPONSE', 'PT1H', t2, H, plus(t2, 2 * H), plus(t2, H)),
          ON_SITE: clock('ON_SITE', 'PT2H', t2, 2 * H, plus(t2, 1.5 * H)),
          RESTORE: clock('RESTORE', 'PT4H', t2, 4 * H, plus(t2, 5 * H), plus(t2, 4 * H)),
        },
      }),
      I3: incident({
        ...A,
        summary: 'I3 SAN path flapping',
        severity: 'P1' as never,
        status: 'IN_PROGRESS' as never,
        reportedAt: t3,
        assignedCentreId: centre2,
        clocks: {
          RESPONSE: clock('RESPONSE', 'PT30M', t3, 30 * M, plus(t3, 10 * M)),
          RESTORE: clock('RESTORE', 'PT4H', t3, 4 * H, undefined, plus(t3, 4 * H)),
        },
      }),
      I4: incident({
        ...A,
        summary: 'I4 fan noise',
        severity: 'P4' as never,
        status: 'CLOSED' as never,
        reportedAt: t4,
        assignedCentreId: centre1,
        clocks: {
          RESPONSE: clock('RESPONSE', 'PT4H', t4, 4 * H, plus(t4, 3 * H)),
          RESTORE: clock('RESTORE', 'P3D', t4, 72 * H, plus(t4, 24 * H)),
        },
      }),
      // 5x8: response stopped Mon 16 Mar 10:30 Beijing (0.5 h Friday + 2 h Monday); restore Tue 17 Mar 16:00 (0.5 + 9 + 7.5 = 17 h of the 18 h P2D budget).
      I5: incident({
        ...A,
        summary: 'I5 PSU alarm',
        severity: 'P3' as never,
        status: 'RESTORED' as never,
        reportedAt: t5,
        contractId: contract58,
        coverage: bh.value,
        clocks: {
          RESPONSE: clock('RESPONSE', 'PT4H', t5, 4 * H, at('2026-03-16T02:30:00Z')),
          RESTORE: clock('RESTORE', 'P2D', t5, 18 * H, at('2026-03-17T08:00:00Z')),
        },
      }),
      I6: incident({
        ...A,
        summary: 'I6 cancelled',
        severity: 'P3' as never,
        status: 'CANCELLED' as never,
        reportedAt: at('2026-03-05T00:00:00Z'),
        clocks: { RESPONSE: clock('RESPONSE', 'PT1H', at('2026-03-05T00:00:00Z'), H) },
      }),
      I7: incident({
        customerId: world.customerB,
        siteId: world.siteB,
        summary: 'I7 other customer',
        severity: 'P1' as never,
        status: 'CLOSED' as never,
        reportedAt: at('2026-03-06T00:00:00Z'),
        clocks: { RESPONSE: clock('RESPONSE', 'PT1H', at('2026-03-06T00:00:00Z'), H, at('2026-03-06T02:00:00Z')) },
      }),
      I8: incident({
        ...A,
        summary: 'I8 next quarter',
        severity: 'P2' as never,
        status: 'NEW' as never,
        reportedAt: at('2026-04-02T00:00:00Z'),
        clocks: { RESPONSE: clock('RESPONSE', 'PT1H', at('2026-04-02T00:00:00Z'), H) },
      }),
    };
    await insertAll(em, Incident, Object.values(rows));
    const escalation = (i: Incident, seq: number, kind: string, clockKind: string, from: string, to: string, when: Date) =>
      Object.assign(new IncidentEscalation(), {
        id: randomUUID(),
        incidentId: i.id,
        customerId: i.customerId,
        seq,
        at: when,
        kind,
        trigger: 'CLOCK_BREACH',
        clock: clockKind,
        fromValue: from,
        toValue: to,
        reason: `${clockKind} deadline missed`,
        jobKey: null,
      });
    await insertAll(em, IncidentEscalation, [
      escalation(rows.I2, 1, 'RAISE_SEVERITY', 'RESPONSE', 'P2', 'P1', plus(t2, H)),
      escalation(rows.I2, 2, 'RAISE_MANAGEMENT_LEVEL', 'RESPONSE', 'ENGINEER', 'TEAM_LEAD', plus(t2, H)),
      escalation(rows.I2, 3, 'RAISE_SUPPORT_TIER', 'RESTORE', '1', '2', plus(t2, 4 * H)),
      escalation(rows.I3, 1, 'RAISE_MANAGEMENT_LEVEL', 'RESTORE', 'ENGINEER', 'TEAM_LEAD', plus(t3, 4 * H)),
    ]);
    await em.insert(IncidentDiagnosis, {
      id: randomUUID(),
      incidentId: rows.I1.id,
      customerId: world.customerA,
      findings: 'Disk 3 reports media errors <script>alert(1)</script>',
      cause: 'Worn-out disk',
      actions: 'Replaced disk 3, rebuilt RAID',
      partsUsed: [{ partNumber: 'HDD-1.2T-10K', description: '1.2 TB 10k SAS', quantity: 1, serialNumber: 'WX123' }],
      recordedBy: 'engineer zhao',
      recordedAt: plus(t1, 4 * H),
      revision: 1,
    });

    // ---- RMAs and a loan ------------------------------------------------------------
    const rma = (o: Partial<Rma> & Pick<Rma, 'number' | 'requestedAt'>): Rma =>
      Object.assign(new Rma(), {
        id: randomUUID(),
        status: 'RETURNED_TO_CUSTOMER',
        disposition: 'REPAIR',
        dispositionReason: 'FIRST_FAILURE',
        referenceRmaId: null,
        customerId: world.customerA,
        deviceId: world.deviceA1.id,
        serialNumber: world.deviceA1.serial,
        siteId: world.siteA,
        incidentId: null,
        centreId: centre1,
        originCentreId: centre1,
        problem: 'Fixture',
        faultyPartNumbers: [],
        createdBy: 'fixture',
        outOfServiceAt: o.requestedAt,
        statusChangedAt: o.requestedAt,
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
        loanerThresholdWorkingDays: 5,
        loanerDeadline: null,
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
        createdAt: o.requestedAt,
        updatedAt: o.requestedAt,
        ...o,
      });
    const r1 = rma({ number: 'FX-RMA-1', requestedAt: at('2026-03-02T01:00:00Z'), serviceRestoredAt: at('2026-03-05T08:00:00Z') });
    await insertAll(em, Rma, [
      r1,
      rma({
        number: 'FX-RMA-2',
        requestedAt: at('2026-03-09T02:00:00Z'),
        serviceRestoredAt: at('2026-03-20T06:00:00Z'),
        loanerRequired: true,
        loanerDueAt: at('2026-03-17T16:00:00Z'),
        loanerDeliveredAt: at('2026-03-17T03:00:00Z'),
      }),
      rma({
        number: 'FX-RMA-3',
        requestedAt: at('2026-02-10T02:00:00Z'),
        serviceRestoredAt: at('2026-02-27T02:00:00Z'),
        status: 'REPLACED',
        disposition: 'REPLACE_WITH_NEW',
        dispositionReason: 'SECOND_QUALIFYING_FAILURE_IN_WARRANTY',
        referenceRmaId: r1.id,
        replacedAt: at('2026-02-27T02:00:00Z'),
        loanerRequired: true,
        loanerDueAt: at('2026-02-19T16:00:00Z'),
        loanerDeliveredAt: at('2026-02-25T02:00:00Z'),
      }),
      rma({ number: 'FX-RMA-4', requestedAt: at('2026-03-16T02:00:00Z'), status: 'EXPIRED', expiredAt: at('2026-03-30T00:00:00Z') }),
      rma({
        number: 'FX-RMA-5',
        requestedAt: at('2026-03-23T02:00:00Z'),
        status: 'IN_REPAIR',
        loanerRequired: true,
        loanerDueAt: at('2026-03-30T16:00:00Z'),
      }),
      rma({
        number: 'FX-RMA-B',
        requestedAt: at('2026-03-03T00:00:00Z'),
        customerId: world.customerB,
        deviceId: world.deviceB1.id,
        serialNumber: world.deviceB1.serial,
        siteId: world.siteB,
        status: 'EXPIRED',
        expiredAt: at('2026-03-20T00:00:00Z'),
      }),
    ]);
    await em.insert(Loan, {
      id: randomUUID(),
      loanerId: randomUUID(),
      depotId: randomUUID(),
      customerId: world.customerA,
      deviceId: world.deviceA1.id,
      deviceSerial: world.deviceA1.serial,
      rmaNumber: 'FX-RMA-2',
      incidentId: null,
      matchKind: 'SAME_MODEL' as never,
      status: 'RETURNED' as never,
      openDeviceId: null,
      assignedBy: 'fixture',
      assignedAt: at('2026-03-16T08:00:00Z'),
      shippedAt: at('2026-03-16T10:00:00Z'),
      deliveredAt: at('2026-03-17T03:00:00Z'),
      dueBackAt: at('2026-03-27T16:00:00Z'),
      overdueAlertAt: null,
      returnedAt: at('2026-03-30T02:00:00Z'),
    });

    // ---- inspections ------------------------------------------------------------------
    const inspection = (
      o: Partial<Inspection> & Pick<Inspection, 'occurrenceKey' | 'scheduledDate' | 'dueBy' | 'visitDueAt'>,
    ): Inspection =>
      Object.assign(new Inspection(), {
        id: randomUUID(),
        planId: 'fixture-plan',
        contractId: contract24,
        customerId: world.customerA,
        siteId: world.siteA,
        centreId: centre1,
        kind: 'ROUTINE',
        label: o.occurrenceKey,
        holidayPeriod: null,
        status: 'SCHEDULED',
        managementLevel: 'ENGINEER',
        visitedAt: null,
        engineer: null,
        visitOverdueAt: null,
        reportDeadline: 'P7D',
        reportDueAt: null,
        reportWarnedAt: null,
        reportOverdueAt: null,
        reportSubmittedAt: null,
        reportSubmittedBy: null,
        reportSummary: null,
        reportRecommendations: null,
        cancelledAt: null,
        cancelReason: null,
        eventSeq: 0,
        createdAt: at('2025-12-01T00:00:00Z'),
        updatedAt: at('2025-12-01T00:00:00Z'),
        ...o,
      });
    const n1 = inspection({
      occurrenceKey: 'R:2026-Q1',
      scheduledDate: '2026-01-12',
      dueBy: '2026-03-31',
      visitDueAt: at('2026-03-31T16:00:00Z'),
      status: 'REPORTED' as never,
      visitedAt: at('2026-01-12T03:00:00Z'),
      engineer: 'zhao',
      reportDueAt: at('2026-01-19T03:00:00Z'),
      reportSubmittedAt: at('2026-01-16T03:00:00Z'),
    });
    const n2 = inspection({
      occurrenceKey: 'H:SPRING_FESTIVAL:2026',
      kind: 'PRE_HOLIDAY' as never,
      scheduledDate: '2026-02-13',
      dueBy: '2026-02-14',
      visitDueAt: at('2026-02-14T16:00:00Z'),
      status: 'REPORTED' as never,
      centreId: centre2,
      visitedAt: at('2026-02-13T02:00:00Z'),
      engineer: 'wang',
      reportDueAt: at('2026-02-20T02:00:00Z'),
      reportSubmittedAt: at('2026-02-24T02:00:00Z'),
      reportOverdueAt: at('2026-02-20T02:00:00Z'),
    });
    await insertAll(em, Inspection, [
      n1,
      n2,
      inspection({
        occurrenceKey: 'H:TWO_SESSIONS:2026',
        kind: 'PRE_HOLIDAY' as never,
        scheduledDate: '2026-02-28',
        dueBy: '2026-03-02',
        visitDueAt: at('2026-03-02T16:00:00Z'),
        status: 'DONE' as never,
        visitedAt: at('2026-03-03T02:00:00Z'),
        visitOverdueAt: at('2026-03-02T16:00:00Z'),
        reportDueAt: at('2026-03-10T02:00:00Z'),
        reportOverdueAt: at('2026-03-10T02:00:00Z'),
      }),
      inspection({
        occurrenceKey: 'X:cancelled',
        scheduledDate: '2026-03-15',
        dueBy: '2026-03-31',
        visitDueAt: at('2026-03-31T16:00:00Z'),
        status: 'CANCELLED' as never,
        cancelledAt: at('2026-03-10T00:00:00Z'),
        cancelReason: 'site closed',
      }),
      inspection({
        occurrenceKey: 'X:missed',
        scheduledDate: '2026-03-05',
        dueBy: '2026-03-20',
        visitDueAt: at('2026-03-20T16:00:00Z'),
        visitOverdueAt: at('2026-03-20T16:00:00Z'),
      }),
      inspection({
        occurrenceKey: 'X:other-customer',
        customerId: world.customerB,
        siteId: world.siteB,
        scheduledDate: '2026-03-05',
        dueBy: '2026-03-20',
        visitDueAt: at('2026-03-20T16:00:00Z'),
      }),
    ]);

    // ---- satisfaction surveys -------------------------------------------------------------
    const survey = (
      o: Partial<SatisfactionSurvey> & Pick<SatisfactionSurvey, 'subjectType' | 'subjectId' | 'subjectClosedAt'>,
    ): SatisfactionSurvey =>
      Object.assign(new SatisfactionSurvey(), {
        id: randomUUID(),
        customerId: world.customerA,
        centreId: centre1,
        engineer: null,
        subjectLabel: 'fixture',
        issuedAt: o.subjectClosedAt,
        status: o.rating ? 'ANSWERED' : 'ISSUED',
        rating: null,
        comment: null,
        answeredAt: o.rating ? plus(o.subjectClosedAt, H) : null,
        answeredBy: o.rating ? 'customer' : null,
        source: o.rating ? 'SURVEY' : null,
        ...o,
      });
    await insertAll(em, SatisfactionSurvey, [
      survey({
        subjectType: 'INCIDENT' as never,
        subjectId: rows.I1.id,
        subjectClosedAt: at('2026-03-05T00:00:00Z'),
        engineer: 'wang',
        rating: 5,
      }),
      survey({
        subjectType: 'INCIDENT' as never,
        subjectId: rows.I4.id,
        subjectClosedAt: at('2026-02-25T00:00:00Z'),
        engineer: 'li',
        rating: 3,
      }),
      survey({ subjectType: 'INSPECTION' as never, subjectId: n1.id, subjectClosedAt: at('2026-01-16T03:00:00Z'), engineer: 'zhao' }),
      survey({
        subjectType: 'INSPECTION' as never,
        subjectId: n2.id,
        subjectClosedAt: at('2026-02-24T02:00:00Z'),
        engineer: 'wang',
        centreId: centre2,
        rating: 4,
      }),
      survey({
        subjectType: 'INCIDENT' as never,
        subjectId: rows.I7.id,
        subjectClosedAt: at('2026-03-07T00:00:00Z'),
        customerId: world.customerB,
        engineer: 'wang',
        rating: 1,
      }),
    ]);

    // ---- complaints ------------------------------------------------------------------------
    const complaint = (o: Partial<Complaint> & Pick<Complaint, 'category' | 'filedAt'>): Complaint =>
      Object.assign(new Complaint(), {
        id: randomUUID(),
        customerId: world.customerA,
        summary: 'fixture complaint',
        description: null,
        incidentId: null,
        rmaId: null,
        rmaNumber: null,
        centreId: centre1,
        status: 'OPEN',
        managementLevel: 'ENGINEER',
        filedBy: 'customer',
        firstReplyTarget: 'PT15M',
        firstReplyDueAt: plus(o.filedAt, 15 * M),
        firstRepliedAt: null,
        firstReplyWarnedAt: null,
        firstReplyBreachedAt: null,
        resolutionTarget: 'P2D',
        resolutionDueAt: plus(o.filedAt, 48 * H),
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
        updatedAt: o.filedAt,
        ...o,
      });
    const k1 = at('2026-03-02T01:00:00Z');
    const k2 = at('2026-03-10T00:00:00Z');
    const k3 = at('2026-03-25T00:00:00Z');
    await insertAll(em, Complaint, [
      complaint({
        category: 'RESPONSE_SPEED' as never,
        filedAt: k1,
        status: 'CLOSED' as never,
        firstRepliedAt: plus(k1, 10 * M),
        resolvedAt: plus(k1, 24 * H),
        handlingRating: 4,
        ratedAt: plus(k1, 25 * H),
      }),
      complaint({
        category: 'ATTITUDE' as never,
        filedAt: k2,
        status: 'CLOSED' as never,
        firstRepliedAt: plus(k2, 40 * M),
        resolvedAt: plus(k2, 72 * H),
        handlingRating: 2,
        ratedAt: plus(k2, 73 * H),
      }),
      complaint({ category: 'BROKEN_PROMISE' as never, filedAt: k3, status: 'REPLIED' as never, firstRepliedAt: plus(k3, 5 * M) }),
      complaint({ category: 'QUALITY' as never, filedAt: at('2026-03-11T00:00:00Z'), customerId: world.customerB }),
    ]);

    return {
      world,
      contract24,
      contract58,
      centre1,
      centre2,
      incidents: Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.id])) as ReportFixture['incidents'],
    };
  });
}
