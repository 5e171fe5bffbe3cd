import { Role } from '../../src/platform/auth/principal';
import { ReportsService } from '../../src/modules/reports/reports.service';
import { ReportPeriod, ReportRangeInput } from '../../src/modules/reports/reports.views';
import { startTestHub, TestHub } from '../support/hub';
import { ReportFixture, seedReportFixture } from './report-fixture';

/**
 * Report numbers on a stored fixture (report-fixture.ts): Q1 2026 in Beijing
 * time, for customer A. Every expected value below is worked out by hand from
 * the fixture's timestamps; the derivation is next to it.
 */
const Q1 = { from: '2026-01-01', to: '2026-03-31', period: 'MONTH' };

const CLOCK = `clock measured met breached pending metPercent averageHours p90Hours`;
const SLA = `query($r: ReportRangeInput!) { slaComplianceReport(range: $r) {
  scope { from to timeZone asOf final customerId centreId contractId }
  cancelledIncidents
  total { incidents clocks { ${CLOCK} } bySeverity { severity incidents clocks { ${CLOCK} } } }
  periods { key start end figures { incidents clocks { ${CLOCK} } } }
  breaches { incidentId severity clock target dueAt breachedAt stoppedAt escalations { kind fromValue toValue } } } }`;
const RMA_FIGURES = `rmas restored turnaroundAverageWorkingDays turnaroundP90WorkingDays turnaroundMaxWorkingDays loanerRequired loanerKept loanerLate
  loanerBreached loanerPending loanerCompliancePercent secondFailureReplacements expired loans loansLate`;
const RMA = `query($r: ReportRangeInput!) { rmaLoanerReport(range: $r) { scope { final } total { ${RMA_FIGURES} } periods { key figures { ${RMA_FIGURES} } }
  rmas { number status turnaroundWorkingDays loanerCompliance referenceRmaId } } }`;
const INSPECTION_FIGURES = `planned preHoliday cancelled visited visitedOnTime visitLate visitPending visitOnTimePercent reported reportedOnTime reportLate reportPending reportOnTimePercent`;
const INSPECTIONS = `query($r: ReportRangeInput!) { inspectionComplianceReport(range: $r) { total { ${INSPECTION_FIGURES} } periods { key figures { ${INSPECTION_FIGURES} } } } }`;
const RATING = `issued responses responseRatePercent average distribution`;
const COMPLAINT = `filed byCategory { category count } firstReplyMet firstReplyBreached firstReplyPending firstReplyMetPercent averageFirstReplyMinutes
  p90FirstReplyMinutes resolved resolutionMet resolutionBreached resolutionPending resolutionMetPercent handlingRated averageHandlingRating`;
const SATISFACTION = `query($r: ReportRangeInput!, $g: SatisfactionGroupBy!) { satisfactionReport(range: $r, groupBy: $g) {
  ratings { ${RATING} } groups { key label figures { ${RATING} } } complaints { ${COMPLAINT} } complaintPeriods { key figures { filed } } } }`;

const clockFigures = (
  clock: string,
  measured: number,
  met: number,
  breached: number,
  metPercent: number | null,
  averageHours: number | null,
  p90Hours: number | null,
) => ({
  clock,
  measured,
  met,
  breached,
  pending: 0,
  metPercent,
  averageHours,
  p90Hours,
});

describe('reports over a closed quarter', () => {
  let t: TestHub;
  let f: ReportFixture;

  beforeAll(async () => {
    t = await startTestHub();
    f = await seedReportFixture(t);
  });
  afterAll(() => t?.stop());

  it('SLA compliance: met %, average and p90 business hours, breaches with their escalations', async () => {
    const { slaComplianceReport: r } = await t.ok(SLA, { r: Q1 }, f.world.keyA);
    expect(r.scope).toEqual({
      from: '2026-01-01',
      to: '2026-03-31',
      timeZone: 'Asia/Shanghai',
      asOf: '2026-03-31T16:00:00.000Z', // midnight ending 31 March in Beijing
      final: true, // every clock in the quarter stopped or breached
      customerId: f.world.customerA, // a customer key reports on itself
      centreId: null,
      contractId: null,
    });
    // I6 was cancelled; I7 is customer B's; I8 was reported in April.
    expect(r.cancelledIncidents).toBe(1);
    expect(r.total.incidents).toBe(5);
    expect(r.total.clocks).toEqual([
      // Response: I1 0.5 h met, I2 2 h breached (1 h target), I3 10 min met, I4 3 h met, I5 2.5 business hours met
      // (Fri 17:00-17:30 + Mon 08:30-10:30 under 5x8). 4/5 = 80 %; mean (1/6 + 0.5 + 2 + 2.5 + 3)/5 = 1.633 → 1.63;
      // p90 = rank ceil(0.9 × 5) = 5 of the sorted times = 3.
      clockFigures('RESPONSE', 5, 4, 1, 80, 1.63, 3),
      // On site: I1 1 h and I2 1.5 h, both within 2 h. Mean 1.25; p90 rank 2 = 1.5.
      clockFigures('ON_SITE', 2, 2, 0, 100, 1.25, 1.5),
      // Restore: I1 3 h met, I2 5 h breached, I3 breached while still running (no final time), I4 24 h met (P3D),
      // I5 17 business hours met (0.5 + 9 + 7.5 of an 18 h P2D). 3/5 = 60 %; mean (3+5+17+24)/4 = 12.25; p90 rank 4 = 24.
      clockFigures('RESTORE', 5, 3, 2, 60, 12.25, 24),
    ]);
    expect(r.total.bySeverity.map((s: any) => [s.severity, s.incidents, s.clocks[0].metPercent])).toEqual([
      ['P1', 2, 50], // I2 breached, I3 met
      ['P2', 1, 100],
      ['P3', 1, 100],
      ['P4', 1, 100],
    ]);
    expect(r.periods.map((p: any) => [p.key, p.figures.incidents])).toEqual([
      ['2026-01', 0],
      ['2026-02', 1],
      ['2026-03', 4],
    ]);
    expect(r.periods[0].figures.clocks[0]).toEqual(clockFigures('RESPONSE', 0, 0, 0, null, null, null));
    expect(r.periods[1].figures.clocks).toEqual([
      clockFigures('RESPONSE', 1, 1, 0, 100, 3, 3), // I4 alone
      clockFigures('ON_SITE', 0, 0, 0, null, null, null),
      clockFigures('RESTORE', 1, 1, 0, 100, 24, 24),
    ]);
    expect(r.periods[2].figures.clocks).toEqual([
      // March without I4: 0.5, 2, 1/6, 2.5 → 3/4 = 75 %, mean 5.1667/4 = 1.29, p90 rank ceil(3.6) = 4 → 2.5.
      clockFigures('RESPONSE', 4, 3, 1, 75, 1.29, 2.5),
      clockFigures('ON_SITE', 2, 2, 0, 100, 1.25, 1.5),
      // 3, 5, 17 h (I3 has none) → mean 8.33, p90 rank ceil(2.7) = 3 → 17; met 2 of 4 = 50 %.
      clockFigures('RESTORE', 4, 2, 2, 50, 8.33, 17),
    ]);
    expect(r.breaches).toEqual([
      {
        incidentId: f.incidents.I2,
        severity: 'P1',
        clock: 'RESPONSE',
        target: 'PT1H',
        dueAt: '2026-03-10T03:00:00.000Z',
        breachedAt: '2026-03-10T03:00:00.000Z',
        stoppedAt: '2026-03-10T04:00:00.000Z',
        escalations: [
          { kind: 'RAISE_SEVERITY', fromValue: 'P2', toValue: 'P1' },
          { kind: 'RAISE_MANAGEMENT_LEVEL', fromValue: 'ENGINEER', toValue: 'TEAM_LEAD' },
        ],
      },
      {
        incidentId: f.incidents.I2,
        severity: 'P1',
        clock: 'RESTORE',
        target: 'PT4H',
        dueAt: '2026-03-10T06:00:00.000Z',
        breachedAt: '2026-03-10T06:00:00.000Z',
        stoppedAt: '2026-03-10T07:00:00.000Z',
        escalations: [{ kind: 'RAISE_SUPPORT_TIER', fromValue: '1', toValue: '2' }],
      },
      {
        incidentId: f.incidents.I3,
        severity: 'P1',
        clock: 'RESTORE',
        target: 'PT4H',
        dueAt: '2026-03-20T04:00:00.000Z',
        breachedAt: '2026-03-20T04:00:00.000Z',
        stoppedAt: null,
        escalations: [{ kind: 'RAISE_MANAGEMENT_LEVEL', fromValue: 'ENGINEER', toValue: 'TEAM_LEAD' }],
      },
    ]);
  });

  it('the same closed period gives the same numbers whenever it is run', async () => {
    const first = await t.ok(SLA, { r: Q1 });
    const again = await t.ok(SLA, { r: Q1 });
    expect(again).toEqual(first);
    // Run "years later": nothing is judged against the current time for a closed period.
    const service = t.app.hub.get(ReportsService);
    const principal = { keyId: 'k', name: 'auditor', role: Role.ADMIN, scopeId: null, visibleScopeIds: [] };
    const range = Object.assign(new ReportRangeInput(), { ...Q1, period: ReportPeriod.MONTH, timeZone: 'Asia/Shanghai' });
    const now = await service.slaCompliance(principal, range);
    const later = await service.slaCompliance(principal, range, new Date('2031-06-01T00:00:00Z'));
    expect(later).toEqual(now);
    expect(await service.rmaLoaner(principal, range, new Date('2031-06-01T00:00:00Z'))).toEqual(await service.rmaLoaner(principal, range));
    expect(await service.inspections(principal, range, new Date('2031-06-01T00:00:00Z'))).toEqual(
      await service.inspections(principal, range),
    );
  });

  it('filters by centre and contract, and keeps tenants to their own rows', async () => {
    const byCentre = await t.ok(SLA, { r: { ...Q1, centreId: f.centre1 } });
    expect(byCentre.slaComplianceReport.total.incidents).toBe(3); // I1, I2, I4
    const byContract = await t.ok(SLA, { r: { ...Q1, contractId: f.contract58 } });
    expect(byContract.slaComplianceReport.total.clocks[0]).toEqual(clockFigures('RESPONSE', 1, 1, 0, 100, 2.5, 2.5)); // I5
    const b = await t.ok(SLA, { r: Q1 }, f.world.keyB);
    expect(b.slaComplianceReport.total.incidents).toBe(1); // I7
    const peek = await t.gql(SLA, { r: { ...Q1, customerId: f.world.customerA } }, f.world.keyB);
    expect(peek.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const bad = await t.gql(SLA, { r: { ...Q1, to: '2025-12-31' } });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('RMA and loaner report: working-day turnaround, loaner rule, second failures, expiries', async () => {
    const { rmaLoanerReport: r } = await t.ok(RMA, { r: Q1 }, f.world.keyA);
    // Turnaround (site calendar, Beijing dates): R1 Mon 2 → Thu 5 Mar = 3; R2 Mon 9 → Fri 20 Mar = 9;
    // R3 Tue 10 → Fri 27 Feb across Spring Festival = 11, 12, 13, Sat 14 (worked), 24-27 = 8. Mean 6.67, p90 rank 3 = 9.
    // Loaner rule: R2 delivered before its due time (kept), R3 after (late), R5 nothing by 30 Mar (breached) → 1/3.
    expect(r.total).toEqual({
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
      loansLate: 1, // due back 28 Mar, back 30 Mar
    });
    expect(
      r.periods.map((p: any) => [p.key, p.figures.rmas, p.figures.turnaroundAverageWorkingDays, p.figures.loanerCompliancePercent]),
    ).toEqual([
      ['2026-01', 0, null, null],
      ['2026-02', 1, 8, 0], // R3 only: late
      ['2026-03', 4, 6, 50], // R1 3 + R2 9; R2 kept, R5 breached
    ]);
    expect(r.rmas.map((l: any) => [l.number, l.turnaroundWorkingDays, l.loanerCompliance, l.referenceRmaId !== null])).toEqual([
      ['FX-RMA-3', 8, 'LATE', true],
      ['FX-RMA-1', 3, 'NOT_REQUIRED', false],
      ['FX-RMA-2', 9, 'KEPT', false],
      ['FX-RMA-4', null, 'NOT_REQUIRED', false],
      ['FX-RMA-5', null, 'BREACHED', false],
    ]);
  });

  it('inspections: planned vs done vs reported on time', async () => {
    const { inspectionComplianceReport: r } = await t.ok(INSPECTIONS, { r: Q1 }, f.world.keyA);
    // Planned: 4 (one more was cancelled). Visits: N1 and N2 on time, N3 a day late, N5 never → 2/4.
    // Reports: N1 on time, N2 four days late, N3 missing past its deadline → 1/3.
    expect(r.total).toEqual({
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
    expect(r.periods.map((p: any) => [p.key, p.figures.planned, p.figures.visitOnTimePercent, p.figures.reportOnTimePercent])).toEqual([
      ['2026-01', 1, 100, 100],
      ['2026-02', 2, 50, 0],
      ['2026-03', 1, 0, null],
    ]);
  });

  it('satisfaction by engineer, centre and period; complaint handling', async () => {
    const byEngineer = (await t.ok(SATISFACTION, { r: Q1, g: 'ENGINEER' }, f.world.keyA)).satisfactionReport;
    // 4 surveys, 3 answered (5, 3, 4) → 75 %, mean 4. B's rating of 1 is not counted.
    expect(byEngineer.ratings).toEqual({ issued: 4, responses: 3, responseRatePercent: 75, average: 4, distribution: [0, 0, 1, 1, 1] });
    expect(byEngineer.groups.map((g: any) => [g.key, g.figures.issued, g.figures.responses, g.figures.average])).toEqual([
      ['li', 1, 1, 3],
      ['wang', 2, 2, 4.5],
      ['zhao', 1, 0, null],
    ]);
    const byCentre = (await t.ok(SATISFACTION, { r: Q1, g: 'CENTRE' }, f.world.keyA)).satisfactionReport;
    const centre = (id: string) => byCentre.groups.find((g: any) => g.key === id);
    expect(centre(f.centre1).figures).toMatchObject({ issued: 3, responses: 2, average: 4 });
    expect(centre(f.centre1).label).toMatch(/^T1-A-.* Shanghai partner$/);
    const byPeriod = (await t.ok(SATISFACTION, { r: Q1, g: 'PERIOD' }, f.world.keyA)).satisfactionReport;
    expect(byPeriod.groups.map((g: any) => [g.key, g.figures.issued, g.figures.average])).toEqual([
      ['2026-01', 1, null],
      ['2026-02', 2, 3.5],
      ['2026-03', 1, 5],
    ]);
    // Complaints: first replies 10, 40, 5 min against PT15M → 2/3, mean 18.33, p90 rank 3 = 40.
    // Resolutions (P2D): K1 in 1 day, K2 in 3 days (late), K3 still open past 27 Mar → 1/3. Handling ratings 4 and 2.
    expect(byEngineer.complaints).toEqual({
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
    expect(byEngineer.complaintPeriods.map((p: any) => [p.key, p.figures.filed])).toEqual([
      ['2026-01', 0],
      ['2026-02', 0],
      ['2026-03', 3],
    ]);
  });

  describe('CSV and printable pages under /reports', () => {
    const query = new URLSearchParams(Q1).toString();
    const get = (path: string, key?: string | null) =>
      fetch(`${t.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }).then(async (r) => ({
        status: r.status,
        type: r.headers.get('content-type'),
        headers: r.headers,
        body: await r.text(),
      }));

    it('serves the same figures as CSV with the Bearer key', async () => {
      const csv = await get(`/reports/sla-compliance.csv?${query}`, f.world.keyA);
      expect(csv.status).toBe(200);
      expect(csv.type).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="sla-compliance.csv"'.replace(/"/g, ''));
      const lines = csv.body
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines[0]).toBe('period,severity,clock,incidents,measured,met,breached,pending,met %,average h,p90 h');
      expect(lines).toContain('TOTAL,ALL,RESPONSE,5,5,4,1,0,80,1.63,3');
      expect(lines).toContain('TOTAL,ALL,RESTORE,5,5,3,2,0,60,12.25,24');
      expect(lines).toContain('2026-01,ALL,RESPONSE,0,0,0,0,0,,,');
      const breaches = await get(`/reports/sla-compliance.csv?${query}&table=breaches`, f.world.keyA);
      expect(breaches.body.trimEnd().split('\r\n')).toHaveLength(4);
      expect(breaches.body).toContain('RAISE_SEVERITY P2→P1; RAISE_MANAGEMENT_LEVEL ENGINEER→TEAM_LEAD');
      const rma = await get(`/reports/rma-loaners.csv?${query}`, f.world.keyA);
      expect(rma.body).toContain('TOTAL,5,3,6.67,9,9,3,1,1,1,0,33.3,1,1,1,1');
      const satisfaction = await get(`/reports/satisfaction.csv?${query}&groupBy=ENGINEER`, f.world.keyA);
      expect(satisfaction.body).toContain('wang,wang,2,2,100,4.5,0,0,0,1,1');
      const inspections = await get(`/reports/inspections.csv?${query}`, f.world.keyA);
      expect(inspections.body).toContain('TOTAL,4,2,1,3,2,2,0,50,2,1,2,0,33.3');
    });

    const signed = async (path: string, key: string) =>
      (await t.ok(`mutation($p: String!) { signLink(path: $p) { url expiresAt } }`, { p: path }, key)).signLink.url as string;

    it('serves printable pages, also from a signed link (never cached, no referrer, no key in the URL)', async () => {
      const html = await get(await signed(`/reports/sla-compliance.html?${query}`, f.world.keyA));
      expect(html.status).toBe(200);
      expect(html.type).toMatch(/^text\/html/);
      expect(html.headers.get('cache-control')).toBe('no-store');
      expect(html.headers.get('referrer-policy')).toBe('no-referrer');
      expect(html.body).toContain('<h1>SLA compliance</h1>');
      expect(html.body).toContain('<td class="num">80</td>');
      expect(html.body).not.toContain(f.world.keyA);
      const diagnosis = await get(await signed(`/reports/incident-diagnosis.html?incidentId=${f.incidents.I1}`, f.world.keyA));
      expect(diagnosis.status).toBe(200);
      expect(diagnosis.body).toContain('Worn-out disk');
      expect(diagnosis.body).toContain('HDD-1.2T-10K');
      // Customer text is escaped, and the page cannot run scripts anyway.
      expect(diagnosis.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(diagnosis.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      const emergency = await get(`/reports/emergency-report.html?incidentId=${f.incidents.I2}`, t.adminKey);
      expect(emergency.body).toContain('The final emergency report has not been submitted yet.');
      expect(emergency.body).toContain('RAISE_SUPPORT_TIER');
    });

    it("refuses missing and foreign keys, other tenants' ids and bad parameters", async () => {
      expect((await get(`/reports/sla-compliance.csv?${query}`)).status).toBe(401);
      // A key in the URL is refused, even a valid one (proxy logs and browser history would keep it).
      expect((await get(`/reports/sla-compliance.csv?${query}&key=${encodeURIComponent(f.world.keyA)}`)).status).toBe(401);
      expect((await get(`/reports/sla-compliance.html?${query}&key=${encodeURIComponent(f.world.keyA)}`)).status).toBe(401);
      // A signed link opens its own page only: another parameter, another key id or a revoked key fail.
      const link = await signed(`/reports/sla-compliance.html?${query}`, f.world.keyA);
      expect(link).not.toContain(f.world.keyA);
      expect((await get(link.replace('MONTH', 'QUARTER'))).status).toBe(401);
      expect((await get(link.replace('.html', '.csv'))).status).toBe(401);
      expect((await get(`${link}&customerId=${f.world.customerB}`)).status).toBe(401);
      const refused = await t.gql(`mutation { signLink(path: "/graphql?query=x") { url } }`, {}, f.world.keyA);
      expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const shortLived = await t.ok(`mutation { createApiKey(role: OPERATOR, name: "link then revoke") { key apiKey { id } } }`);
      const revokedLink = await signed(`/reports/sla-compliance.csv?${query}`, shortLived.createApiKey.key);
      expect((await get(revokedLink)).status).toBe(200);
      await t.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: shortLived.createApiKey.apiKey.id });
      expect((await get(revokedLink)).status).toBe(401);
      expect((await get(`/reports/sla-compliance.csv?${query}&customerId=${f.world.customerA}`, f.world.keyB)).status).toBe(404);
      expect((await get(`/reports/incident-diagnosis.html?incidentId=${f.incidents.I1}`, f.world.keyB)).status).toBe(404);
      const badPeriod = await get(`/reports/sla-compliance.csv?${query.replace('MONTH', 'WEEK')}`, f.world.keyA);
      expect([badPeriod.status, badPeriod.body]).toEqual([400, 'period must be one of MONTH, QUARTER, HALF_YEAR, YEAR\n']);
      expect((await get(`/reports/sla-compliance.csv?from=2026-01-01`, f.world.keyA)).status).toBe(400);
      expect((await get(`/reports/unknown.csv?${query}`, f.world.keyA)).status).toBe(404);
    });
  });
});
