import { inspectionFigures } from './inspections';
import { chineseWorkingCalendar } from '../../calendar/rules/chinese-days-source';
import { rmaFigures, workingDaysBetween } from './rma';
import { complaintFigures, ratingFigures } from './satisfaction';
import { ClockFact, IncidentFact, slaFigures } from './sla';

const H = 3_600_000;
const t = (iso: string) => new Date(iso);
const asOf = t('2026-03-31T16:00:00Z'); // end of Q1 2026 in Beijing

describe('SLA compliance figures', () => {
  const clock = (incidentId: string, c: ClockFact['clock'], outcome: ClockFact['outcome'], usedH: number | null): ClockFact => ({
    incidentId,
    clock: c,
    outcome,
    usedMs: usedH === null ? null : usedH * H,
  });
  // The same five incidents as the e2e fixture (test/service-ops/report-fixture.ts).
  const incidents: IncidentFact[] = [
    {
      id: 'I1',
      severity: 'P2',
      clocks: [clock('I1', 'RESPONSE', 'MET', 0.5), clock('I1', 'ON_SITE', 'MET', 1), clock('I1', 'RESTORE', 'MET', 3)],
    },
    {
      id: 'I2',
      severity: 'P1',
      clocks: [clock('I2', 'RESPONSE', 'BREACHED', 2), clock('I2', 'ON_SITE', 'MET', 1.5), clock('I2', 'RESTORE', 'BREACHED', 5)],
    },
    { id: 'I3', severity: 'P1', clocks: [clock('I3', 'RESPONSE', 'MET', 1 / 6), clock('I3', 'RESTORE', 'BREACHED', null)] },
    { id: 'I4', severity: 'P4', clocks: [clock('I4', 'RESPONSE', 'MET', 3), clock('I4', 'RESTORE', 'MET', 24)] },
    { id: 'I5', severity: 'P3', clocks: [clock('I5', 'RESPONSE', 'MET', 2.5), clock('I5', 'RESTORE', 'MET', 17)] },
  ];

  it('counts, met %, average and p90 per clock, hand-checked', () => {
    const f = slaFigures(incidents);
    expect(f.incidents).toBe(5);
    // RESPONSE: 4 of 5 met = 80 %; times 1/6, 0.5, 2, 2.5, 3 h: mean 8.1667/5 = 1.633 → 1.63; p90 rank ceil(4.5)=5 → 3.
    // ON_SITE: 2 of 2 met; mean (1 + 1.5)/2 = 1.25; p90 rank ceil(1.8)=2 → 1.5.
    // RESTORE: 3 of 5 met = 60 %; I3 breached while running has no time: 3, 5, 17, 24 → mean 12.25; p90 rank ceil(3.6)=4 → 24.
    expect(f.clocks).toEqual([
      { clock: 'RESPONSE', measured: 5, met: 4, breached: 1, pending: 0, metPercent: 80, averageHours: 1.63, p90Hours: 3 },
      { clock: 'ON_SITE', measured: 2, met: 2, breached: 0, pending: 0, metPercent: 100, averageHours: 1.25, p90Hours: 1.5 },
      { clock: 'RESTORE', measured: 5, met: 3, breached: 2, pending: 0, metPercent: 60, averageHours: 12.25, p90Hours: 24 },
    ]);
    expect(f.bySeverity.map((s) => [s.severity, s.incidents])).toEqual([
      ['P1', 2],
      ['P2', 1],
      ['P3', 1],
      ['P4', 1],
    ]);
    // P1: responses 1 met (I3), 1 breached (I2) = 50 %.
    expect(f.bySeverity[0].clocks[0]).toMatchObject({ met: 1, breached: 1, metPercent: 50 });
  });

  it('a pending clock is neither met nor breached, and an empty period has no percentages', () => {
    const f = slaFigures([{ id: 'X', severity: 'P3', clocks: [clock('X', 'RESPONSE', 'PENDING', null)] }]);
    expect(f.clocks[0]).toEqual({
      clock: 'RESPONSE',
      measured: 0,
      met: 0,
      breached: 0,
      pending: 1,
      metPercent: null,
      averageHours: null,
      p90Hours: null,
    });
    expect(slaFigures([]).clocks[2].metPercent).toBeNull();
  });
});

describe('RMA and loaner figures', () => {
  it('counts turnaround in working days of the site calendar (Beijing dates)', () => {
    const cal = chineseWorkingCalendar([2026]);
    const tz = 'Asia/Shanghai';
    // Out Mon 2 Mar, back Thu 5 Mar: 3, 4, 5 Mar.
    expect(workingDaysBetween(cal, t('2026-03-02T01:00:00Z'), t('2026-03-05T08:00:00Z'), tz)).toBe(3);
    // Out Tue 10 Feb, back Fri 27 Feb across Spring Festival (15-23 Feb off, Sat 14 Feb worked): 11, 12, 13, 14, 24, 25, 26, 27.
    expect(workingDaysBetween(cal, t('2026-02-10T02:00:00Z'), t('2026-02-27T02:00:00Z'), tz)).toBe(8);
    // Back the same day: 0. 23:30 UTC on 1 Mar is already Mon 2 Mar in Beijing.
    expect(workingDaysBetween(cal, t('2026-03-01T23:30:00Z'), t('2026-03-02T09:00:00Z'), tz)).toBe(0);
  });

  const base = {
    status: 'RETURNED_TO_CUSTOMER',
    disposition: 'REPAIR',
    dispositionReason: 'FIRST_FAILURE',
    loanerRequired: false,
    loanerDueAt: null,
    loanerDeliveredAt: null,
    expiredAt: null,
  };
  it('turnaround in working days, loaner rule outcomes, second failures, expiries, late loans', () => {
    const f = rmaFigures(
      [
        { ...base, number: 'R1', serviceRestoredAt: t('2026-03-05T08:00:00Z'), turnaroundWorkingDays: 3 },
        {
          ...base,
          number: 'R2',
          serviceRestoredAt: t('2026-03-20T06:00:00Z'),
          turnaroundWorkingDays: 9,
          loanerRequired: true,
          loanerDueAt: t('2026-03-17T16:00:00Z'),
          loanerDeliveredAt: t('2026-03-17T03:00:00Z'),
        },
        {
          ...base,
          number: 'R3',
          status: 'REPLACED',
          disposition: 'REPLACE_WITH_NEW',
          dispositionReason: 'SECOND_QUALIFYING_FAILURE_IN_WARRANTY',
          serviceRestoredAt: t('2026-02-27T02:00:00Z'),
          turnaroundWorkingDays: 8,
          loanerRequired: true,
          loanerDueAt: t('2026-02-19T16:00:00Z'),
          loanerDeliveredAt: t('2026-02-25T02:00:00Z'),
        },
        {
          ...base,
          number: 'R4',
          status: 'EXPIRED',
          serviceRestoredAt: null,
          turnaroundWorkingDays: null,
          expiredAt: t('2026-03-30T00:00:00Z'),
        },
        {
          ...base,
          number: 'R5',
          status: 'IN_REPAIR',
          serviceRestoredAt: null,
          turnaroundWorkingDays: null,
          loanerRequired: true,
          loanerDueAt: t('2026-03-30T16:00:00Z'),
        },
      ],
      [{ dueBackAt: t('2026-03-27T16:00:00Z'), returnedAt: t('2026-03-30T02:00:00Z') }],
      asOf,
    );
    // Turnaround 3, 9, 8: mean 6.67, p90 rank ceil(2.7)=3 → 9. Loaners: R2 kept, R3 late, R5 breached (due passed, nothing delivered) → 1/3.
    expect(f).toEqual({
      rmas: 5,
      restored: 3,
      turnaroundAverageWorkingDays: 6.67,
      turnaroundP90WorkingDays: 9,
      turnaroundMaxWorkingDays: 9,
      loanerRequired: 3,
      loanerKept: 1,
      loanerLate: 1,
      loanerBreached: 1,
      loanerPending: 0,
      loanerCompliancePercent: 33.3,
      secondFailureReplacements: 1,
      expired: 1,
      loans: 1,
      loansLate: 1,
    });
  });
});

describe('inspection figures', () => {
  const base = { status: 'REPORTED', kind: 'ROUTINE', createdAt: t('2025-12-01T00:00:00Z'), cancelledAt: null };
  it('planned vs done vs reported on time', () => {
    const f = inspectionFigures(
      [
        {
          ...base,
          visitDueAt: t('2026-03-31T16:00:00Z'),
          visitedAt: t('2026-01-12T03:00:00Z'),
          reportDueAt: t('2026-01-19T03:00:00Z'),
          reportSubmittedAt: t('2026-01-16T03:00:00Z'),
        },
        {
          ...base,
          kind: 'PRE_HOLIDAY',
          visitDueAt: t('2026-02-14T16:00:00Z'),
          visitedAt: t('2026-02-13T02:00:00Z'),
          reportDueAt: t('2026-02-20T02:00:00Z'),
          reportSubmittedAt: t('2026-02-24T02:00:00Z'),
        },
        {
          ...base,
          status: 'DONE',
          kind: 'PRE_HOLIDAY',
          visitDueAt: t('2026-03-02T16:00:00Z'),
          visitedAt: t('2026-03-03T02:00:00Z'),
          reportDueAt: t('2026-03-10T02:00:00Z'),
          reportSubmittedAt: null,
        },
        {
          ...base,
          status: 'CANCELLED',
          visitDueAt: t('2026-03-31T16:00:00Z'),
          visitedAt: null,
          reportDueAt: null,
          reportSubmittedAt: null,
          cancelledAt: t('2026-03-10T00:00:00Z'),
        },
        {
          ...base,
          status: 'SCHEDULED',
          visitDueAt: t('2026-03-20T16:00:00Z'),
          visitedAt: null,
          reportDueAt: null,
          reportSubmittedAt: null,
        },
      ],
      asOf,
    );
    // Visits: two on time, one late (3 Mar for 2 Mar), one never made by its 20 Mar deadline → 2/4 = 50 %.
    // Reports of the three visits: one on time, one late (24 Feb for 20 Feb), one still missing past 10 Mar → 1/3.
    expect(f).toEqual({
      planned: 4,
      preHoliday: 2,
      cancelled: 1,
      visited: 3,
      visitedOnTime: 2,
      visitLate: 2,
      visitPending: 0,
      visitOnTimePercent: 50,
      reported: 2,
      reportedOnTime: 1,
      reportLate: 2,
      reportPending: 0,
      reportOnTimePercent: 33.3,
    });
  });
});

describe('satisfaction and complaint figures', () => {
  it('ratings: response rate, average and distribution', () => {
    const answered = (rating: number) => ({ rating, answeredAt: t('2026-03-01T00:00:00Z') });
    expect(ratingFigures([answered(5), answered(3), { rating: null, answeredAt: null }, answered(4)], asOf)).toEqual({
      issued: 4,
      responses: 3,
      responseRatePercent: 75,
      average: 4,
      distribution: [0, 0, 1, 1, 1],
    });
  });

  it('complaints: first-reply and resolution clocks, handling rating', () => {
    const m = 60_000;
    const filed = (iso: string) => t(iso);
    const k1 = filed('2026-03-02T01:00:00Z');
    const k2 = filed('2026-03-10T00:00:00Z');
    const k3 = filed('2026-03-25T00:00:00Z');
    const at = (d: Date, ms: number) => new Date(d.getTime() + ms);
    const f = complaintFigures(
      [
        {
          category: 'RESPONSE_SPEED',
          filedAt: k1,
          firstReplyDueAt: at(k1, 15 * m),
          firstRepliedAt: at(k1, 10 * m),
          resolutionDueAt: at(k1, 48 * H),
          resolvedAt: at(k1, 24 * H),
          handlingRating: 4,
          ratedAt: at(k1, 25 * H),
        },
        {
          category: 'ATTITUDE',
          filedAt: k2,
          firstReplyDueAt: at(k2, 15 * m),
          firstRepliedAt: at(k2, 40 * m),
          resolutionDueAt: at(k2, 48 * H),
          resolvedAt: at(k2, 72 * H),
          handlingRating: 2,
          ratedAt: at(k2, 73 * H),
        },
        {
          category: 'BROKEN_PROMISE',
          filedAt: k3,
          firstReplyDueAt: at(k3, 15 * m),
          firstRepliedAt: at(k3, 5 * m),
          resolutionDueAt: at(k3, 48 * H),
          resolvedAt: null,
          handlingRating: null,
          ratedAt: null,
        },
      ],
      asOf,
    );
    // First replies 10, 40, 5 min: 2 met of 3 = 66.7 %, mean 18.33, p90 rank 3 → 40.
    // Resolutions: K1 met, K2 late, K3 open past its 27 Mar deadline → 1/3. Ratings 4 and 2 → 3.
    expect(f).toEqual({
      filed: 3,
      byCategory: [
        { category: 'RESPONSE_SPEED', count: 1 },
        { category: 'ATTITUDE', count: 1 },
        { category: 'BROKEN_PROMISE', count: 1 },
        { category: 'QUALITY', count: 0 },
        { category: 'OTHER', count: 0 },
      ],
      firstReplyMet: 2,
      firstReplyBreached: 1,
      firstReplyPending: 0,
      firstReplyMetPercent: 66.7,
      averageFirstReplyMinutes: 18.33,
      p90FirstReplyMinutes: 40,
      resolved: 2,
      resolutionMet: 1,
      resolutionBreached: 2,
      resolutionPending: 0,
      resolutionMetPercent: 33.3,
      handlingRated: 2,
      averageHandlingRating: 3,
    });
  });
});
