import { chineseWorkingCalendar, loadChineseCalendarDays } from '../../calendar/rules/chinese-days-source';
import { createWorkingCalendar } from '../../calendar/rules/working-calendar';
import { periodStarts } from './holiday-periods';
import { HOLIDAY_PERIODS, PlanRule, planInspections, routineInspections, validatePlanRule } from './schedule';

/**
 * Expected dates are read off the official 2026 arrangement (chinese-days data):
 * New Year 1-3 Jan (4 Jan, a Sunday, is worked); Spring Festival 15-23 Feb
 * (Sat 14 Feb and Sat 28 Feb are worked); Labour Day 1-5 May; National Day
 * 1-7 Oct (Sat 10 Oct is worked). 2027 has no data yet.
 */
const cal = chineseWorkingCalendar([2026]);
const days = loadChineseCalendarDays([2026]);
const periods2026and2027 = periodStarts(days, [2026], [2026, 2027]);

const base: PlanRule = {
  frequency: 'QUARTERLY',
  dayOfSlot: 10,
  preHolidayPeriods: [...HOLIDAY_PERIODS],
  leadWorkingDays: 2,
  startsOn: '2026-01-01',
  endsOn: null,
};

describe('named periods from the calendar', () => {
  it('starts each festival on its first holiday day, the Two Sessions on 3 March, and falls back to fixed dates for unknown years', () => {
    expect(periodStarts(days, [2026], [2026]).starts).toEqual([
      { period: 'NEW_YEAR', year: 2026, startsOn: '2026-01-01' },
      { period: 'SPRING_FESTIVAL', year: 2026, startsOn: '2026-02-15' },
      { period: 'TWO_SESSIONS', year: 2026, startsOn: '2026-03-03' },
      { period: 'LABOUR_DAY', year: 2026, startsOn: '2026-05-01' },
      { period: 'NATIONAL_DAY', year: 2026, startsOn: '2026-10-01' },
    ]);
    // 2027 is not in the data: the Gregorian holidays keep their official first day, Spring Festival cannot be placed.
    const unknown = periodStarts(days, [2026], [2027]);
    expect(unknown.starts.map((s) => `${s.period} ${s.startsOn}`)).toEqual([
      'NEW_YEAR 2027-01-01',
      'TWO_SESSIONS 2027-03-03',
      'LABOUR_DAY 2027-05-01',
      'NATIONAL_DAY 2027-10-01',
    ]);
    expect(unknown.missing).toEqual([{ period: 'SPRING_FESTIVAL', year: 2027 }]);
  });

  it("uses the year's own arrangement: 2025 Spring Festival started on 28 January", () => {
    const d2025 = loadChineseCalendarDays([2025]);
    const starts = periodStarts(d2025, [2025], [2025]).starts;
    expect(starts.find((s) => s.period === 'SPRING_FESTIVAL')?.startsOn).toBe('2025-01-28');
    // National Day 2025 absorbs Mid-autumn (6 Oct); the period still starts on 1 October.
    expect(starts.find((s) => s.period === 'NATIONAL_DAY')?.startsOn).toBe('2025-10-01');
  });
});

describe('plan generation across 2026', () => {
  it('a quarterly plan with every pre-holiday extra: 4 routine + 5 extra visits, on working days', () => {
    const plan = planInspections(base, cal, periods2026and2027.starts, '2026-01-01', '2026-12-31');
    expect(plan.map((p) => [p.key, p.scheduledDate, p.dueBy])).toEqual([
      // 10 Jan is a Saturday: the next working day.
      ['R:2026-Q1', '2026-01-12', '2026-03-31'],
      // Spring Festival starts Sun 15 Feb; Sat 14 Feb is a make-up working day (1st before), Fri 13 Feb the 2nd.
      ['H:SPRING_FESTIVAL:2026', '2026-02-13', '2026-02-14'],
      // Two Sessions from Tue 3 Mar: Mon 2 Mar is the 1st working day before, make-up Saturday 28 Feb the 2nd.
      ['H:TWO_SESSIONS:2026', '2026-02-28', '2026-03-02'],
      ['R:2026-Q2', '2026-04-10', '2026-06-30'],
      // Labour Day from Fri 1 May: Thu 30 Apr, Wed 29 Apr.
      ['H:LABOUR_DAY:2026', '2026-04-29', '2026-04-30'],
      ['R:2026-Q3', '2026-07-10', '2026-09-30'],
      // National Day from Thu 1 Oct: Wed 30 Sep, Tue 29 Sep.
      ['H:NATIONAL_DAY:2026', '2026-09-29', '2026-09-30'],
      // Sat 10 Oct is a make-up working day, so the visit stays on it.
      ['R:2026-Q4', '2026-10-10', '2026-12-31'],
      // New Year 2027 (fixed 1 Jan, data not yet published): Thu 31 Dec, Wed 30 Dec.
      ['H:NEW_YEAR:2027', '2026-12-30', '2026-12-31'],
    ]);
    // New Year 2026's extra visit would be on 30 Dec 2025, before the plan starts.
    expect(plan.some((p) => p.key === 'H:NEW_YEAR:2026')).toBe(false);
    expect(plan.filter((p) => p.kind === 'ROUTINE')).toHaveLength(4);
    expect(plan.filter((p) => p.kind === 'PRE_HOLIDAY')).toHaveLength(5);
  });

  it('a monthly plan wanting the 1st: holidays push the visit to the next working day, make-up Sundays count', () => {
    const plan = routineInspections({ ...base, frequency: 'MONTHLY', dayOfSlot: 1 }, cal, '2026-01-01', '2026-12-31');
    expect(plan.map((p) => [p.label, p.scheduledDate])).toEqual([
      ['2026-01', '2026-01-04'], // 1-3 Jan holiday, Sun 4 Jan worked
      ['2026-02', '2026-02-02'], // Sun 1 Feb
      ['2026-03', '2026-03-02'], // Sun 1 Mar
      ['2026-04', '2026-04-01'],
      ['2026-05', '2026-05-06'], // 1-5 May holiday
      ['2026-06', '2026-06-01'],
      ['2026-07', '2026-07-01'],
      ['2026-08', '2026-08-03'], // Sat 1 Aug
      ['2026-09', '2026-09-01'],
      ['2026-10', '2026-10-08'], // 1-7 Oct holiday
      ['2026-11', '2026-11-02'], // Sun 1 Nov
      ['2026-12', '2026-12-01'],
    ]);
  });

  it('three times a year follows four-month slots; five times a year cuts the year into 73-day runs', () => {
    const three = routineInspections(
      { ...base, frequency: 'TIMES_PER_YEAR', timesPerYear: 3, dayOfSlot: 1 },
      cal,
      '2026-01-01',
      '2026-12-31',
    );
    expect(three.map((p) => [p.label, p.scheduledDate, p.dueBy])).toEqual([
      ['2026-1/3', '2026-01-04', '2026-04-30'],
      ['2026-2/3', '2026-05-06', '2026-08-31'],
      ['2026-3/3', '2026-09-01', '2026-12-31'],
    ]);
    const five = routineInspections(
      { ...base, frequency: 'TIMES_PER_YEAR', timesPerYear: 5, dayOfSlot: 1 },
      cal,
      '2026-01-01',
      '2026-12-31',
    );
    // 365 days / 5 = 73: slots start on day 0, 73, 146, 219, 292 of the year.
    expect(five.map((p) => [p.label, p.scheduledDate, p.dueBy])).toEqual([
      ['2026-1/5', '2026-01-04', '2026-03-14'],
      ['2026-2/5', '2026-03-16', '2026-05-26'], // starts Sun 15 Mar
      ['2026-3/5', '2026-05-27', '2026-08-07'],
      ['2026-4/5', '2026-08-10', '2026-10-19'], // starts Sat 8 Aug
      ['2026-5/5', '2026-10-20', '2026-12-31'],
    ]);
  });

  it('a plan starting mid-slot visits from its start (after the holiday), and stops at its end', () => {
    const plan = routineInspections({ ...base, startsOn: '2026-02-20', endsOn: '2026-08-15' }, cal, '2026-01-01', '2026-12-31');
    // 20 Feb is inside the Spring Festival holiday (15-23 Feb): Tue 24 Feb.
    expect(plan.map((p) => [p.label, p.scheduledDate])).toEqual([
      ['2026-Q1', '2026-02-24'],
      ['2026-Q2', '2026-04-10'],
      ['2026-Q3', '2026-07-10'],
    ]);
  });

  it('generating a sub-window gives exactly the visits of the full year that fall in it (idempotent horizons)', () => {
    const year = planInspections(base, cal, periods2026and2027.starts, '2026-01-01', '2026-12-31');
    const parts = [
      ...planInspections(base, cal, periods2026and2027.starts, '2026-01-01', '2026-03-31'),
      ...planInspections(base, cal, periods2026and2027.starts, '2026-04-01', '2026-12-31'),
    ];
    expect(parts).toEqual(year);
  });

  it('without calendar data it still plans on weekdays', () => {
    const plain = createWorkingCalendar({ region: 'XX', knownYears: [] });
    const plan = routineInspections({ ...base, frequency: 'MONTHLY', dayOfSlot: 1 }, plain, '2026-01-01', '2026-03-31');
    expect(plan.map((p) => p.scheduledDate)).toEqual(['2026-01-01', '2026-02-02', '2026-03-02']);
  });

  it('rejects impossible rules', () => {
    expect(validatePlanRule({ ...base, frequency: 'TIMES_PER_YEAR', timesPerYear: 13 }).map((e) => e.field)).toEqual(['timesPerYear']);
    expect(validatePlanRule({ ...base, dayOfSlot: 31 }).map((e) => e.field)).toEqual(['dayOfSlot']);
    expect(validatePlanRule({ ...base, leadWorkingDays: 0 }).map((e) => e.field)).toEqual(['leadWorkingDays']);
    expect(validatePlanRule({ ...base, endsOn: '2025-12-31' }).map((e) => e.field)).toEqual(['endsOn']);
    expect(validatePlanRule(base)).toEqual([]);
  });
});
