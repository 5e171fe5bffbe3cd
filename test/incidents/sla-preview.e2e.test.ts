import { startTestHub, TestHub } from '../support/hub';
import { createContract, createWorld, PREMIUM_7X24, STANDARD_5X8, World } from './fixtures';

/**
 * Deadlines through the API on the calendar stored in the database (imported
 * from the chinese-days package by importCalendarYear). Times are Beijing time.
 */
describe('slaPreview on the stored working-day calendar', () => {
  let t: TestHub;
  let w: World;
  let standard: string;
  let premium: string;

  const PREVIEW = `query($c: ID!, $s: Severity!, $at: DateTimeISO!, $site: ID) {
    slaPreview(contractId: $c, severity: $s, at: $at, siteId: $site) {
      calendarRegion calendarIncomplete distanceClass
      response { dueAt target startsAt calendarIncomplete }
      onSite { dueAt target }
      restore { dueAt target budgetMs calendarIncomplete }
    }
  }`;
  const preview = async (contract: string, severity: string, at: string, site?: string) =>
    (await t.ok(PREVIEW, { c: contract, s: severity, at, site })).slaPreview;
  const utc = (beijing: string) => new Date(beijing).toISOString();

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t);
    for (const year of [2025, 2026])
      await t.ok(`mutation($y: Int!) { importCalendarYear(region: "CN", year: $y) { complete } }`, { y: year });
    standard = await createContract(t, { plan: STANDARD_5X8, coverage: 'BUSINESS_HOURS', calendarRegion: 'CN' });
    premium = await createContract(t, { plan: PREMIUM_7X24 });
  });
  afterAll(() => t?.stop());

  const cases: Array<{
    name: string;
    plan: 'standard' | 'premium';
    severity: string;
    at: string;
    clock: 'response' | 'onSite' | 'restore';
    due: string;
  }> = [
    // Qingming 2026: Sat 4 - Mon 6 April off.
    {
      name: '5x8 P1 response, Friday 17:00 before a public holiday',
      plan: 'standard',
      severity: 'P1',
      at: '2026-04-03T17:00:00+08:00',
      clock: 'response',
      due: '2026-04-03T17:30:00+08:00',
    },
    {
      name: '5x8 P1 restore PT4H, Friday 17:00 before a public holiday: 30 min Friday, rest on Tuesday',
      plan: 'standard',
      severity: 'P1',
      at: '2026-04-03T17:00:00+08:00',
      clock: 'restore',
      due: '2026-04-07T12:00:00+08:00',
    },
    {
      name: '5x8 P2 restore P1D, Friday 17:00 before a public holiday: next working day, same time',
      plan: 'standard',
      severity: 'P2',
      at: '2026-04-03T17:00:00+08:00',
      clock: 'restore',
      due: '2026-04-07T17:00:00+08:00',
    },
    // National Day 2025: make-up days Sun 28 Sep and Sat 11 Oct.
    {
      name: '5x8 P1 response on a make-up Saturday',
      plan: 'standard',
      severity: 'P1',
      at: '2025-10-11T10:00:00+08:00',
      clock: 'response',
      due: '2025-10-11T10:30:00+08:00',
    },
    {
      name: '5x8 P1 restore on a make-up Saturday',
      plan: 'standard',
      severity: 'P1',
      at: '2025-10-11T10:00:00+08:00',
      clock: 'restore',
      due: '2025-10-11T14:00:00+08:00',
    },
    {
      name: '5x8 P1 response on a make-up Sunday',
      plan: 'standard',
      severity: 'P1',
      at: '2025-09-28T09:00:00+08:00',
      clock: 'response',
      due: '2025-09-28T09:30:00+08:00',
    },
    {
      name: '5x8 P1 response on an ordinary Saturday waits for Monday',
      plan: 'standard',
      severity: 'P1',
      at: '2025-10-18T10:00:00+08:00',
      clock: 'response',
      due: '2025-10-20T09:00:00+08:00',
    },
    {
      name: '5x8 P3 restore P2D across National Day (1-8 Oct off)',
      plan: 'standard',
      severity: 'P3',
      at: '2025-09-30T15:00:00+08:00',
      clock: 'restore',
      due: '2025-10-10T15:00:00+08:00',
    },
    // Spring Festival 2026: 15-23 Feb off, make-up Saturdays 14 and 28 Feb.
    {
      name: '5x8 P2 restore P1D from the Friday before Spring Festival lands on the make-up Saturday',
      plan: 'standard',
      severity: 'P2',
      at: '2026-02-13T16:00:00+08:00',
      clock: 'restore',
      due: '2026-02-14T16:00:00+08:00',
    },
    {
      name: '5x8 P3 restore P2D across Spring Festival',
      plan: 'standard',
      severity: 'P3',
      at: '2026-02-13T16:00:00+08:00',
      clock: 'restore',
      due: '2026-02-24T16:00:00+08:00',
    },
    {
      name: '5x8 P2 restore P1D from the make-up Saturday evening jumps the festival',
      plan: 'standard',
      severity: 'P2',
      at: '2026-02-14T17:00:00+08:00',
      clock: 'restore',
      due: '2026-02-24T17:00:00+08:00',
    },
    {
      name: '5x8 P1 response before opening time',
      plan: 'standard',
      severity: 'P1',
      at: '2026-04-13T07:00:00+08:00',
      clock: 'response',
      due: '2026-04-13T09:00:00+08:00',
    },
    // 7x24 ignores the calendar: holidays, weekends and nights all count.
    {
      name: '7x24 P1 restore on the eve of a holiday',
      plan: 'premium',
      severity: 'P1',
      at: '2026-04-03T17:00:00+08:00',
      clock: 'restore',
      due: '2026-04-03T21:00:00+08:00',
    },
    {
      name: '7x24 P3 restore P1D is 24 hours, through a holiday',
      plan: 'premium',
      severity: 'P3',
      at: '2026-04-03T17:00:00+08:00',
      clock: 'restore',
      due: '2026-04-04T17:00:00+08:00',
    },
    {
      name: '7x24 P2 restore during Spring Festival',
      plan: 'premium',
      severity: 'P2',
      at: '2026-02-17T03:00:00+08:00',
      clock: 'restore',
      due: '2026-02-17T11:00:00+08:00',
    },
  ];

  it.each(cases)('$name', async ({ plan, severity, at, clock, due }) => {
    const p = await preview(plan === 'standard' ? standard : premium, severity, at);
    expect(p[clock].dueAt).toBe(utc(due));
    expect(p.calendarIncomplete).toBe(false);
  });

  it('varies the on-site target with the site distance class', async () => {
    const at = '2026-04-03T17:00:00+08:00';
    const urban = await preview(standard, 'P1', at, w.siteA);
    const suburban = await preview(standard, 'P1', at, w.siteASuburban);
    const remote = await preview(standard, 'P1', at, w.siteARemote);
    expect([urban.onSite.target, suburban.onSite.target, remote.onSite.target]).toEqual(['PT4H', 'PT8H', 'P1D']);
    expect(urban.onSite.dueAt).toBe(utc('2026-04-07T12:00:00+08:00'));
    expect(suburban.onSite.dueAt).toBe(utc('2026-04-07T16:00:00+08:00'));
    expect(remote.onSite.dueAt).toBe(utc('2026-04-07T17:00:00+08:00'));
    expect(remote.distanceClass).toBe('REMOTE');
  });

  it('has no on-site deadline for a remote-only severity', async () => {
    expect((await preview(standard, 'P4', '2026-04-03T17:00:00+08:00')).onSite).toBeNull();
  });

  it('falls back to weekdays past the last known year and says so, until the year is imported', async () => {
    const at = '2026-12-31T16:00:00+08:00';
    const before = await preview(standard, 'P2', at);
    // 2027 is unknown: New Year's Day (a Friday) is taken as a working day.
    expect(before.restore.dueAt).toBe(utc('2027-01-01T16:00:00+08:00'));
    expect(before.restore.calendarIncomplete).toBe(true);
    expect(before.calendarIncomplete).toBe(true);
    expect((await t.ok(`{ workingCalendar(region: "CN", year: 2027) { complete days { date } } }`)).workingCalendar).toEqual({
      complete: false,
      days: [],
    });

    await t.ok(
      `mutation { importCalendarYear(region: "CN", year: 2027, days: [{ date: "2027-01-01", kind: HOLIDAY, name: "元旦" }]) { complete } }`,
    );
    const after = await preview(standard, 'P2', at);
    expect(after.restore.dueAt).toBe(utc('2027-01-04T16:00:00+08:00'));
    expect(after.calendarIncomplete).toBe(false);
  });

  it('uses a company-specific day added by an operator, and forgets it when removed', async () => {
    const at = '2026-04-13T16:00:00+08:00';
    expect((await preview(standard, 'P2', at)).restore.dueAt).toBe(utc('2026-04-14T16:00:00+08:00'));
    await t.ok(
      `mutation { upsertCalendarDay(input: { region: "CN", date: "2026-04-14", kind: HOLIDAY, name: "Company anniversary" }) { source } }`,
    );
    expect((await preview(standard, 'P2', at)).restore.dueAt).toBe(utc('2026-04-15T16:00:00+08:00'));
    await t.ok(`mutation { removeCalendarDay(region: "CN", date: "2026-04-14") { date } }`);
    expect((await preview(standard, 'P2', at)).restore.dueAt).toBe(utc('2026-04-14T16:00:00+08:00'));
  });

  it('serves the stored calendar and rejects bad calendar input without writing', async () => {
    const cal = (await t.ok(`{ workingCalendar(region: "CN", year: 2026) { complete source days { date kind name } } }`)).workingCalendar;
    expect(cal.complete).toBe(true);
    expect(cal.source).toMatch(/^chinese-days@/);
    expect(cal.days).toContainEqual({ date: '2026-02-14', kind: 'MAKEUP_WORKDAY', name: '春节' });
    expect(cal.days).toContainEqual({ date: '2026-10-01', kind: 'HOLIDAY', name: '国庆节' });

    const noData = await t.gql(`mutation { importCalendarYear(region: "CN", year: 2099) { complete } }`);
    expect(noData.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    const weekday = await t.gql(
      `mutation { upsertCalendarDay(input: { region: "CN", date: "2026-04-15", kind: MAKEUP_WORKDAY }) { date } }`,
    );
    expect(weekday.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const foreign = await t.gql(`mutation { importCalendarYear(region: "US", year: 2026) { complete } }`);
    expect(foreign.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const wrongYear = await t.gql(
      `mutation { importCalendarYear(region: "US", year: 2026, days: [{ date: "2025-12-25", kind: HOLIDAY }]) { complete } }`,
    );
    expect(wrongYear.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.ok(`{ workingCalendar(region: "US", year: 2026) { complete } }`)).workingCalendar.complete).toBe(false);
    const us = await t.ok(
      `mutation { importCalendarYear(region: "US", year: 2026, days: [{ date: "2026-12-25", kind: HOLIDAY, name: "Christmas" }]) { complete days { date } } }`,
    );
    expect(us.importCalendarYear).toEqual({ complete: true, days: [{ date: '2026-12-25' }] });

    const customer = await t.gql(
      `mutation { upsertCalendarDay(input: { region: "CN", date: "2026-04-14", kind: HOLIDAY }) { date } }`,
      {},
      w.keyA,
    );
    expect(customer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('rejects an invalid contract plan with every problem listed, and stores nothing', async () => {
    const count = async () => (await t.ok(`{ contracts { id } }`)).contracts.length;
    const before = await count();
    const bad = await t.gql(`mutation($i: CreateContractInput!) { createContract(input: $i) { id } }`, {
      i: {
        code: 'BROKEN-1',
        name: 'broken',
        coverage: { type: 'BUSINESS_HOURS', windows: [{ start: '17:30', end: '08:30' }] },
        targets: [
          { severity: 'P1', response: 'PT2H', restore: 'P1M' },
          { severity: 'P2', response: 'PT1H', restore: 'PT8H' },
          { severity: 'P3', response: 'PT1H', restore: 'PT8H' },
          { severity: 'P4', response: 'PT1H', restore: 'PT8H' },
        ],
      },
    });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const fields = (bad.errors?.[0].extensions?.problems as Array<{ field: string }>).map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['coverage', 'targets.P1.restore']));
    expect(await count()).toBe(before);
  });
});
