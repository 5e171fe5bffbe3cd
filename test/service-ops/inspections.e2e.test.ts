import { Role } from '../../src/platform/auth/principal';
import { CHINESE_DAYS_YEARS, chineseWorkingCalendar, loadChineseCalendarDays } from '../../src/modules/calendar/rules/chinese-days-source';
import { epochDayOf, isoDateOfEpochDay } from '../../src/modules/calendar/rules/working-calendar';
import { civilDateOf } from '../../src/modules/inspections/rules/deadline';
import { periodStarts } from '../../src/modules/inspections/rules/holiday-periods';
import { HOLIDAY_PERIODS, planInspections } from '../../src/modules/inspections/rules/schedule';
import { assignToCustomer, CALM_7X24, createContract, createWorld, World } from '../incidents/fixtures';
import { eventually, startTestHub, TestHub } from '../support/hub';
import { createCentres, importCalendar, outboxTypes } from './helpers';

const FIELDS = `id planId occurrenceKey kind label scheduledDate dueBy visitDueAt status managementLevel centreId visitedAt engineer
  reportDueAt reportWarnedAt reportOverdueAt reportSubmittedAt visitOverdueAt visitOverdue reportOverdue reportOnTime
  checklist { serialNumber state findings incidentId incident { id severity status } }
  timeline { seq type actor message }
  satisfactionSurvey { id status subjectType engineer centreId }`;

/** Lists are paged and priced per node: scalar fields only. */
const LIST_FIELDS = `id planId occurrenceKey kind label scheduledDate dueBy visitDueAt status managementLevel centreId`;

const CREATE_PLAN = `mutation($i: CreateInspectionPlanInput!) { createInspectionPlan(input: $i) { id startsOn generatedThrough unplacedPeriods centreId } }`;

/** Real time throughout: PT2S report deadlines and the durable scheduler, no fake clocks. */
describe('preventive inspections', () => {
  let t: TestHub;
  let w: World;
  let contract: string;
  let centres: { oem: string; partner: string; otherPartner: string };
  let planId: string;
  let inspections: Array<Record<string, any>>;
  const thisYear = new Date().getUTCFullYear();
  const knownYears = [thisYear, thisYear + 1].filter((y) => CHINESE_DAYS_YEARS.includes(y));

  const list = async (filter: Record<string, unknown>, key?: string) =>
    (
      await t.ok(
        `query($f: InspectionFilter) { inspections(filter: $f, first: 60) { totalCount edges { node { ${LIST_FIELDS} } } } }`,
        { f: filter },
        key,
      )
    ).inspections;
  const get = async (id: string, key?: string) =>
    (await t.ok(`query($id: ID!) { inspection(id: $id) { ${FIELDS} } }`, { id }, key)).inspection;
  const visit = (id: string, checklist: unknown[], key?: string) =>
    t.gql(
      `mutation($id: ID!, $i: RecordInspectionVisitInput!) { recordInspectionVisit(id: $id, input: $i) { ${FIELDS} } }`,
      { id, i: { engineer: 'Wang Lei', checklist } },
      key,
    );
  const report = (id: string, key?: string) =>
    t.gql(
      `mutation($id: ID!) { submitInspectionReport(id: $id, input: { summary: "All units checked", recommendations: "Replace PSU 2" }) { ${FIELDS} } }`,
      { id },
      key,
    );

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t);
    await importCalendar(t, knownYears);
    contract = await createContract(t, { plan: CALM_7X24, customerId: w.customerA });
    await assignToCustomer(t, contract, w.customerA);
    centres = await createCentres(t);
    const plan = await t.ok(CREATE_PLAN, {
      i: {
        contractId: contract,
        siteId: w.siteA,
        frequency: 'QUARTERLY',
        preHolidayPeriods: [...HOLIDAY_PERIODS],
        horizonDays: 400,
        reportDeadline: 'PT2S',
      },
    });
    planId = plan.createInspectionPlan.id;
    inspections = (await list({ planId })).edges.map((e: { node: unknown }) => e.node);
  });
  afterAll(() => t?.stop());

  it('generates the quarterly visits and the pre-holiday extras up to the horizon, at the local partner centre', async () => {
    const plan = await t.ok(`query($id: ID!) { inspectionPlan(id: $id) { startsOn generatedThrough unplacedPeriods active } }`, {
      id: planId,
    });
    const today = civilDateOf(new Date(), 'Asia/Shanghai');
    const horizon = isoDateOfEpochDay(epochDayOf(today) + 400);
    expect(plan.inspectionPlan).toMatchObject({ startsOn: today, generatedThrough: horizon, active: true });
    // The same rule, fed with the same calendar data the hub imported, says what must exist.
    const years = Array.from({ length: Number(horizon.slice(0, 4)) + 2 - thisYear }, (_, i) => thisYear + i);
    const named = periodStarts(loadChineseCalendarDays(knownYears), knownYears, years);
    const expected = planInspections(
      { frequency: 'QUARTERLY', dayOfSlot: 10, preHolidayPeriods: [...HOLIDAY_PERIODS], leadWorkingDays: 2, startsOn: today, endsOn: null },
      chineseWorkingCalendar(knownYears),
      named.starts,
      today,
      horizon,
    );
    expect(expected.length).toBeGreaterThanOrEqual(8); // 400 days: at least 4 quarters and 4 named periods
    expect(inspections.map((i) => [i.occurrenceKey, i.scheduledDate, i.dueBy])).toEqual(
      expected.map((p) => [p.key, p.scheduledDate, p.dueBy]),
    );
    expect(inspections.filter((i) => i.kind === 'PRE_HOLIDAY').length).toBeGreaterThanOrEqual(4);
    // Spring Festival of a year without calendar data cannot be placed; the plan says so instead of guessing.
    expect(plan.inspectionPlan.unplacedPeriods).toEqual(named.missing.map((m) => `${m.period}:${m.year}`));
    expect(new Set(inspections.map((i) => i.centreId))).toEqual(new Set([centres.partner]));
    expect(new Set(inspections.map((i) => i.status))).toEqual(new Set(['SCHEDULED']));
    // Each visit has its deadline timer, and the plan its daily generation job.
    const jobs = await t.app.hub.scheduler.pending();
    expect(jobs.filter((j) => j.kind === 'inspections.visit-due')).toHaveLength(inspections.length);
    expect(jobs.some((j) => j.jobKey === `inspection-plan:${planId}:generate`)).toBe(true);
  });

  it('the report is due seven days after the visit by default', async () => {
    const other = await t.ok(CREATE_PLAN, { i: { contractId: contract, siteId: w.siteA, frequency: 'MONTHLY', horizonDays: 40 } });
    const first = (await list({ planId: other.createInspectionPlan.id })).edges[0].node;
    const visited = await visit(first.id, []);
    const i = visited.data!.recordInspectionVisit;
    expect(Date.parse(i.reportDueAt) - Date.parse(i.visitedAt)).toBe(7 * 24 * 3600 * 1000);
    await t.ok(`mutation($id: ID!) { deactivateInspectionPlan(id: $id) { active } }`, { id: other.createInspectionPlan.id });
    // Deactivating cancels what was not visited; the visited one keeps its report clock.
    const after = (await list({ planId: other.createInspectionPlan.id })).edges.map((e: any) => e.node.status);
    expect(after[0]).toBe('DONE');
    expect(after.slice(1).every((s: string) => s === 'CANCELLED')).toBe(true);
  });

  it('report clock: warns, then misses its PT2S deadline and escalates; the late report is recorded as late', async () => {
    const target = inspections[0];
    const started = Date.now();
    const r = await visit(target.id, [
      { deviceSerial: w.deviceA1.serial, state: 'FAULTY', findings: 'PSU 2 amber, fan noise', recommendedActions: 'Replace PSU 2' },
    ]);
    expect(r.errors).toBeUndefined();
    expect(r.data!.recordInspectionVisit).toMatchObject({ status: 'DONE', engineer: 'Wang Lei', reportOverdue: false, reportOnTime: null });
    const overdue = await eventually(
      () => get(target.id),
      (i) => !!i.reportOverdueAt,
      8000,
      100,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(overdue.reportOverdueAt).toBe(overdue.reportDueAt);
    expect(overdue.managementLevel).toBe('TEAM_LEAD');
    expect(overdue.reportOverdue).toBe(true);
    expect(overdue.timeline.map((e: { type: string }) => e.type)).toEqual(['VISITED', 'REPORT_WARNING', 'REPORT_OVERDUE', 'ESCALATED']);
    expect(await outboxTypes(t, target.id)).toEqual(['InspectionOverdue']);

    const late = await report(target.id);
    expect(late.data!.submitInspectionReport).toMatchObject({ status: 'REPORTED', reportOnTime: false, managementLevel: 'TEAM_LEAD' });
    // The survey goes out with the report, crediting the visiting engineer and centre.
    expect(late.data!.submitInspectionReport.satisfactionSurvey).toMatchObject({
      status: 'ISSUED',
      subjectType: 'INSPECTION',
      engineer: 'Wang Lei',
      centreId: centres.partner,
    });
    const again = await report(target.id);
    expect(again.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
  });

  it('a report within the deadline is on time and nothing escalates', async () => {
    const target = inspections[1];
    expect((await report(target.id)).errors?.[0].extensions).toMatchObject({ code: 'INVALID_TRANSITION', from: 'SCHEDULED' });
    await visit(target.id, []);
    const r = await report(target.id);
    expect(r.data!.submitInspectionReport).toMatchObject({
      status: 'REPORTED',
      reportOnTime: true,
      managementLevel: 'ENGINEER',
      reportOverdueAt: null,
    });
    // Its clock jobs were cancelled with the report: nothing fires later.
    await new Promise((resolve) => setTimeout(resolve, 2300));
    expect((await get(target.id)).timeline.map((e: { type: string }) => e.type)).toEqual(['VISITED', 'REPORT_SUBMITTED']);
  });

  it('opens an incident for a finding through the incidents module, once', async () => {
    const target = inspections[0];
    const open = `mutation($i: OpenInspectionIncidentInput!) { openIncidentFromInspection(input: $i) { serialNumber incidentId incident { id severity status summary } } }`;
    const input = { inspectionId: target.id, deviceSerial: w.deviceA1.serial, severity: 'P3' };
    const first = (await t.ok(open, { i: input })).openIncidentFromInspection;
    expect(first.incident).toMatchObject({ severity: 'P3', status: 'NEW' });
    expect(first.incident.summary).toMatch(/PSU 2 amber/);
    const second = (await t.ok(open, { i: input })).openIncidentFromInspection;
    expect(second.incidentId).toBe(first.incidentId);
    const incident = await t.ok(`query($id: ID!) { incident(id: $id) { externalRef customerId } }`, { id: first.incidentId });
    expect(incident.incident).toEqual({ externalRef: expect.stringMatching(/^inspection:/), customerId: w.customerA });
    const missing = await t.gql(open, { i: { ...input, deviceSerial: w.deviceB1.serial } });
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it("a customer sees only its own inspections; a partner only its centre's work", async () => {
    const own = await list({}, w.keyA);
    expect(own.totalCount).toBeGreaterThanOrEqual(inspections.length);
    expect((await list({}, w.keyB)).totalCount).toBe(0);
    const denied = await t.gql(`query($id: ID!) { inspection(id: $id) { id } }`, { id: inspections[0].id }, w.keyB);
    expect(denied.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    // Customers cannot record visits at all; a partner only on the inspections assigned to its centre.
    expect((await visit(inspections[2].id, [], w.keyA)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const stranger = await t.createKey(Role.PARTNER, centres.otherPartner);
    expect((await visit(inspections[2].id, [], stranger)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const partner = await t.createKey(Role.PARTNER, centres.partner);
    const byPartner = await visit(inspections[2].id, [{ deviceSerial: w.deviceA1.serial, state: 'OK', findings: 'Clean' }], partner);
    expect(byPartner.data!.recordInspectionVisit.status).toBe('DONE');
    // A device at another customer's site is unknown to this inspection.
    const foreign = await visit(inspections[2].id, [{ deviceSerial: w.deviceB1.serial, state: 'OK', findings: 'x' }]);
    expect(foreign.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('an inspection not visited by the end of its due day goes overdue and escalates (its durable timer)', async () => {
    const target = inspections[3];
    // Fire the scheduler as of the visit deadline instead of waiting for it (the handler runs exactly as the poller would).
    await t.app.hub.scheduler.tick(new Date(Date.parse(target.visitDueAt) + 1));
    const overdue = await get(target.id);
    expect(overdue).toMatchObject({
      status: 'SCHEDULED',
      visitOverdueAt: target.visitDueAt,
      visitOverdue: true,
      managementLevel: 'TEAM_LEAD',
    });
    expect(overdue.timeline.map((e: { type: string }) => e.type)).toEqual(['VISIT_OVERDUE', 'ESCALATED']);
    expect(await outboxTypes(t, target.id)).toEqual(['InspectionOverdue']);
    const filtered = await list({ planId, overdue: true });
    expect(filtered.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining([inspections[0].id, target.id]));
  });
});
