import { Duration } from 'luxon';
import { chineseWorkingCalendar } from '../../calendar/rules/chinese-days-source';
import { createWorkingCalendar } from '../../calendar/rules/working-calendar';
import {
  addBusinessDuration,
  addCoveredMs,
  businessElapsed,
  coveredBudgetMs,
  coveredElapsed,
  isCovered,
  nextCoveredInstant,
} from './business-time';
import { BusinessHoursCoverage, CHINA_5X8, COVERAGE_24X7 } from './coverage';
import { InvalidDurationError } from './sla-duration';

const cal = chineseWorkingCalendar([2025, 2026]);
/** Wall time in Beijing. */
const sh = (local: string) => new Date(`${local}+08:00`);
const iso = (d: Date) => d.toISOString();
const H = 3_600_000;

describe('addBusinessDuration — 5x8 (08:30-17:30 Asia/Shanghai) with the real Chinese calendar', () => {
  it.each([
    // [case, reported, duration, due (Beijing), why]
    ['plain weekday', '2025-11-18T09:00', 'PT4H', '2025-11-18T13:00'],
    ['report outside hours starts at next opening', '2025-11-18T07:00', 'PT30M', '2025-11-18T09:00'],
    ['report after closing rolls to next morning', '2025-11-18T20:00', 'PT30M', '2025-11-19T09:00'],
    ['ordinary Friday 17:00 rolls over the weekend', '2025-11-14T17:00', 'PT1H', '2025-11-17T09:00'],
    // Fri 26 Sep: 30 min left; Sat 27 off; Sun 28 is the National Day make-up working day.
    ['Friday 17:00 before National Day, next day is a make-up Sunday', '2025-09-26T17:00', 'PT1H', '2025-09-28T09:00'],
    // Tue 30 Sep: 30 min; Oct 1-8 holiday; Thu Oct 9 08:30 + 3.5 h.
    ['P2 4h reported the evening before National Day', '2025-09-30T17:00', 'PT4H', '2025-10-09T12:00'],
    // Fri 30 May: 30 min; Dragon Boat May 31-Jun 2 (Mon); Tue Jun 3.
    ['Friday 17:00 before Dragon Boat long weekend', '2025-05-30T17:00', 'PT1H', '2025-06-03T09:00'],
    ['reported on a holiday', '2025-10-03T10:00', 'PT30M', '2025-10-09T09:00'],
    ['report on make-up Saturday counts that Saturday', '2025-10-11T10:00', 'PT4H', '2025-10-11T14:00'],
    ['make-up Saturday afternoon spills into Monday', '2025-10-11T16:00', 'PT4H', '2025-10-13T11:00'],
    ['ordinary Saturday is not covered', '2025-10-18T10:00', 'PT4H', '2025-10-20T12:30'],
    // Mon 27 Jan 2025 (Sun 26 was a make-up day): 1.5 h; Jan 28-Feb 4 Spring Festival; Wed Feb 5.
    ['across Spring Festival 2025', '2025-01-27T16:00', 'PT4H', '2025-02-05T11:00'],
    // Fri 13 Feb 2026: 0.5 h; Sat 14 make-up: 9 h; Feb 15-23 off; Tue Feb 24 08:30 + 0.5 h.
    ['across Spring Festival 2026 through the make-up Saturday', '2026-02-13T17:00', 'PT10H', '2026-02-24T09:00'],
    ['New Year 2026 make-up Sunday Jan 4', '2025-12-31T17:00', 'PT1H', '2026-01-04T09:00'],
    ['seconds', '2025-11-18T17:29:58', 'PT5S', '2025-11-19T08:30:03'],
    ['budget ending exactly at closing is due at closing, not next morning', '2025-11-17T08:30', 'PT9H', '2025-11-17T17:30'],
    ['report at closing time', '2025-11-17T17:30', 'PT5S', '2025-11-18T08:30:05'],
    ['zero duration is due immediately, even outside hours', '2025-11-17T20:00', 'PT0S', '2025-11-17T20:00'],
  ])('%s: %s + %s → %s', (_case, reported, duration, due) => {
    const r = addBusinessDuration(sh(reported), duration, CHINA_5X8, cal);
    expect(iso(r.due)).toBe(iso(sh(due)));
    expect(r.calendarIncomplete).toBe(false);
  });
});

describe('day units in business-hours plans mean working days', () => {
  it.each([
    ['P1D from Friday 17:00 is Monday 17:00', '2025-11-14T17:00', 'P1D', '2025-11-17T17:00'],
    ['P1D from Tuesday 10:00 is Wednesday 10:00', '2025-11-18T10:00', 'P1D', '2025-11-19T10:00'],
    ['P1D over National Day', '2025-09-30T17:00', 'P1D', '2025-10-09T17:00'],
    ['P3D lands on the make-up Saturday', '2025-09-30T17:00', 'P3D', '2025-10-11T17:00'],
    ['P4D', '2025-09-30T17:00', 'P4D', '2025-10-13T17:00'],
    ['P1D over Spring Festival 2025', '2025-01-27T16:00', 'P1D', '2025-02-05T16:00'],
    ['P1DT2H = next working day, then 2 covered hours', '2025-11-14T17:00', 'P1DT2H', '2025-11-18T10:00'],
    ['P1D reported outside hours = one full working day from next opening', '2025-11-14T20:00', 'P1D', '2025-11-17T17:30'],
    ['P0.5D = half a working day', '2025-11-18T08:30', 'P0.5D', '2025-11-18T13:00'],
    ['P5D = one working week', '2025-11-17T10:00', 'P5D', '2025-11-24T10:00'],
  ])('%s', (_case, reported, duration, due) => {
    expect(iso(addBusinessDuration(sh(reported), duration, CHINA_5X8, cal).due)).toBe(iso(sh(due)));
  });

  it('P1D is one working day of covered time (9 h for 08:30-17:30), not 24 h', () => {
    expect(coveredBudgetMs('P1D', CHINA_5X8)).toBe(9 * H);
    expect(coveredBudgetMs('P1DT2H', CHINA_5X8)).toBe(11 * H);
    expect(coveredBudgetMs('P1D', COVERAGE_24X7)).toBe(24 * H);
  });
});

describe('multiple windows per day (lunch break)', () => {
  const split: BusinessHoursCoverage = {
    kind: 'BUSINESS_HOURS',
    windows: [
      { start: '13:30', end: '17:30' },
      { start: '08:30', end: '12:00' },
    ],
    timeZone: 'Asia/Shanghai',
  };
  it.each([
    ['2025-11-18T11:30', 'PT1H', '2025-11-18T14:00'],
    ['2025-11-18T12:30', 'PT1H', '2025-11-18T14:30'],
    ['2025-11-18T11:00', 'PT1H', '2025-11-18T12:00'],
    ['2025-11-18T10:00', 'P1D', '2025-11-19T10:00'],
  ])('%s + %s → %s', (reported, duration, due) => {
    expect(iso(addBusinessDuration(sh(reported), duration, split, cal).due)).toBe(iso(sh(due)));
  });
  it('P1D is 7.5 covered hours', () => {
    expect(coveredBudgetMs('P1D', split)).toBe(7.5 * H);
  });
});

describe('7x24 ignores the calendar entirely', () => {
  it.each([
    ['on a National Day holiday', '2025-10-04T03:00', 'PT4H', '2025-10-04T07:00'],
    ['over Spring Festival', '2026-02-14T22:00', 'P1D', '2026-02-15T22:00'],
    ['fractional day', '2025-11-18T00:00', 'P0.5D', '2025-11-18T12:00'],
    ['far past known years', '2030-12-31T23:00', 'PT2H', '2031-01-01T01:00'],
  ])('%s', (_case, reported, duration, due) => {
    const r = addBusinessDuration(sh(reported), duration, COVERAGE_24X7, cal);
    expect(iso(r.due)).toBe(iso(sh(due)));
    expect(r.calendarIncomplete).toBe(false);
  });

  it('elapsed is wall time', () => {
    expect(businessElapsed(sh('2025-10-01T00:00'), sh('2025-10-08T00:00'), COVERAGE_24X7, cal)).toBe(7 * 24 * H);
  });
});

describe('past the last known calendar year', () => {
  it('falls back to weekdays and flags calendarIncomplete', () => {
    // 2027-01-01 is a Friday; without official data it counts as a working day.
    const r = addBusinessDuration(sh('2026-12-31T17:00'), 'PT1H', CHINA_5X8, cal);
    expect(iso(r.due)).toBe(iso(sh('2027-01-01T09:00')));
    expect(r.calendarIncomplete).toBe(true);
  });

  it('does not flag deadlines that stay inside known years', () => {
    expect(addBusinessDuration(sh('2026-12-30T10:00'), 'PT4H', CHINA_5X8, cal).calendarIncomplete).toBe(false);
  });

  it('flags elapsed ranges touching unknown years', () => {
    expect(coveredElapsed(sh('2026-12-31T09:00'), sh('2027-01-04T09:00'), CHINA_5X8, cal)).toEqual({
      ms: 8.5 * H + 9 * H + 0.5 * H,
      calendarIncomplete: true,
    });
  });
});

describe('businessElapsed', () => {
  it.each([
    ['same window', '2025-11-18T09:00', '2025-11-18T10:30', 1.5 * H],
    ['overnight counts nothing', '2025-11-18T17:30', '2025-11-19T08:30', 0],
    ['Friday 17:00 to make-up Sunday 09:00', '2025-09-26T17:00', '2025-09-28T09:00', 1 * H],
    ['whole National Day break', '2025-09-30T17:30', '2025-10-09T08:30', 0],
    ['reversed range', '2025-11-18T10:00', '2025-11-18T09:00', 0],
  ])('%s', (_case, from, to, ms) => {
    expect(businessElapsed(sh(from), sh(to), CHINA_5X8, cal)).toBe(ms);
  });

  it.each([2025, 2026])('a full year %i is 248 working days × 9 h', (year) => {
    expect(businessElapsed(sh(`${year}-01-01T00:00`), sh(`${year + 1}-01-01T00:00`), CHINA_5X8, cal)).toBe(248 * 9 * H);
  });

  it('is the inverse of addBusinessDuration', () => {
    const starts = ['2025-09-26T17:00', '2025-01-27T16:00', '2025-10-11T16:00', '2026-02-13T12:34'];
    for (const s of starts) {
      for (const d of ['PT5S', 'PT30M', 'PT4H', 'P1D', 'PT37H', 'P30D']) {
        const start = sh(s);
        const { due } = addBusinessDuration(start, d, CHINA_5X8, cal);
        expect(businessElapsed(start, due, CHINA_5X8, cal)).toBe(coveredBudgetMs(d, CHINA_5X8));
      }
    }
  });
});

describe('time zones other than Beijing (DST)', () => {
  const berlinCal = createWorkingCalendar({ region: 'DE', knownYears: [2025] });

  it('puts windows on local wall time across the spring-forward weekend', () => {
    const berlin: BusinessHoursCoverage = {
      kind: 'BUSINESS_HOURS',
      windows: [{ start: '09:00', end: '17:00' }],
      timeZone: 'Europe/Berlin',
    };
    // Fri 28 Mar 16:00 CET (15:00Z) + 2 h → Mon 31 Mar 10:00 CEST (08:00Z)
    expect(iso(addBusinessDuration(new Date('2025-03-28T15:00:00Z'), 'PT2H', berlin, berlinCal).due)).toBe('2025-03-31T08:00:00.000Z');
  });

  it('counts a 23-hour and a 25-hour day correctly for an all-day window', () => {
    const allDay = createWorkingCalendar({ region: 'X', knownYears: [2025], weekend: [] });
    const berlin: BusinessHoursCoverage = {
      kind: 'BUSINESS_HOURS',
      windows: [{ start: '00:00', end: '24:00' }],
      timeZone: 'Europe/Berlin',
    };
    expect(businessElapsed(new Date('2025-03-29T23:00:00Z'), new Date('2025-03-30T22:00:00Z'), berlin, allDay)).toBe(23 * H);
    const ny: BusinessHoursCoverage = { kind: 'BUSINESS_HOURS', windows: [{ start: '00:00', end: '24:00' }], timeZone: 'America/New_York' };
    expect(businessElapsed(new Date('2025-11-02T04:00:00Z'), new Date('2025-11-03T05:00:00Z'), ny, allDay)).toBe(25 * H);
  });
});

describe('coverage helpers', () => {
  it.each([
    ['2025-11-18T09:00', true],
    ['2025-11-18T17:30', false],
    ['2025-11-18T08:30', true],
    ['2025-10-01T10:00', false],
    ['2025-10-11T10:00', true],
  ])('isCovered(%s) → %s', (t, expected) => {
    expect(isCovered(sh(t), CHINA_5X8, cal)).toBe(expected);
  });

  it.each([
    ['2025-11-18T09:00', '2025-11-18T09:00'],
    ['2025-11-18T18:00', '2025-11-19T08:30'],
    ['2025-09-30T17:30', '2025-10-09T08:30'],
    ['2025-10-10T18:00', '2025-10-11T08:30'],
  ])('counting for a report at %s starts at %s', (t, start) => {
    expect(iso(nextCoveredInstant(sh(t), CHINA_5X8, cal).at)).toBe(iso(sh(start)));
  });
});

describe('inputs', () => {
  it('accepts luxon Durations', () => {
    expect(iso(addBusinessDuration(sh('2025-11-18T09:00'), Duration.fromObject({ minutes: 90 }), CHINA_5X8, cal).due)).toBe(
      iso(sh('2025-11-18T10:30')),
    );
  });

  it.each(['P1M', 'P1W', 'P1Y', '-PT1H', 'PT1X', '4h', ''])('rejects %j with a typed error', (bad) => {
    expect(() => addBusinessDuration(sh('2025-11-18T09:00'), bad, CHINA_5X8, cal)).toThrow(InvalidDurationError);
  });

  it('rejects negative raw budgets', () => {
    expect(() => addCoveredMs(sh('2025-11-18T09:00'), -1, CHINA_5X8, cal)).toThrow(RangeError);
  });
});

describe('long spans', () => {
  it('walks year-long spans day by day to the same due time as the raw budget', () => {
    // Speed is measured by `npm run bench` (SLA pass), not asserted here.
    addBusinessDuration(sh('2025-01-02T09:00'), 'P30D', CHINA_5X8, cal);
    businessElapsed(sh('2025-01-01T00:00'), sh('2026-12-31T00:00'), CHINA_5X8, cal);
    expect(iso(addBusinessDuration(sh('2025-01-02T09:00'), 'PT2000H', CHINA_5X8, cal).due)).toBe(
      iso(addCoveredMs(sh('2025-01-02T09:00'), 2000 * H, CHINA_5X8, cal).due),
    );
  });
});
