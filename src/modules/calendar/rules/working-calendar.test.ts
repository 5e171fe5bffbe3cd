import {
  InvalidCalendarDataError,
  calendarFromEntries,
  classifyDay,
  countWorkingDaysAfter,
  createWorkingCalendar,
  epochDayOf,
  isKnownDate,
  isValidIsoDate,
  isWorkingDay,
  isoDateOfEpochDay,
  nthWorkingDayAfter,
  weekdayOfEpochDay,
} from './working-calendar';

// Synthetic data shaped like 2025 National Day, so these tests do not depend on the package.
const cal = createWorkingCalendar({
  region: 'TEST',
  knownYears: [2025],
  holidays: ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08'],
  makeUpWorkdays: ['2025-09-28', '2025-10-11'],
});

describe('isWorkingDay', () => {
  it.each([
    ['2025-09-26', true, 'ordinary Friday'],
    ['2025-09-27', false, 'ordinary Saturday'],
    ['2025-09-28', true, 'make-up Sunday'],
    ['2025-10-01', false, 'weekday holiday'],
    ['2025-10-04', false, 'holiday on a Saturday'],
    ['2025-10-09', true, 'first day back'],
    ['2025-10-11', true, 'make-up Saturday'],
    ['2025-10-12', false, 'ordinary Sunday'],
    ['2027-10-01', true, 'unknown year falls back to weekdays (Friday)'],
    ['2027-10-02', false, 'unknown year weekend (Saturday)'],
  ])('%s → %s (%s)', (date, expected) => {
    expect(isWorkingDay(cal, date)).toBe(expected);
  });

  it('honours a custom weekend (Friday/Saturday)', () => {
    const gulf = createWorkingCalendar({ region: 'X', knownYears: [2025], weekend: [5, 6] });
    expect(isWorkingDay(gulf, '2025-09-26')).toBe(false); // Friday
    expect(isWorkingDay(gulf, '2025-09-28')).toBe(true); // Sunday
  });

  it('rejects malformed dates instead of guessing', () => {
    expect(() => isWorkingDay(cal, '2025-02-30')).toThrow(RangeError);
    expect(() => isWorkingDay(cal, '2025-9-1')).toThrow(RangeError);
  });
});

describe('isKnownDate', () => {
  it.each([
    ['2025-01-01', true],
    ['2025-12-31', true],
    ['2024-12-31', false],
    ['2026-01-01', false],
  ])('%s → %s', (date, expected) => {
    expect(isKnownDate(cal, date)).toBe(expected);
  });
});

describe('classifyDay', () => {
  it.each([
    ['2025-09-26', 'WORKDAY'],
    ['2025-09-27', 'WEEKEND'],
    ['2025-09-28', 'MAKEUP_WORKDAY'],
    ['2025-10-04', 'HOLIDAY'],
  ] as const)('%s → %s', (date, kind) => {
    expect(classifyDay(cal, date)).toBe(kind);
  });
});

describe('createWorkingCalendar validation', () => {
  it('defaults the weekend to Saturday/Sunday and sorts known years', () => {
    const c = createWorkingCalendar({ region: 'X', knownYears: [2026, 2025, 2026] });
    expect(c.weekend).toEqual([6, 7]);
    expect(c.knownYears).toEqual([2025, 2026]);
  });

  it.each([
    [{ holidays: ['2025-13-01'] }, 'INVALID_DATE'],
    [{ weekend: [0] }, 'INVALID_WEEKDAY'],
    [{ weekend: [1, 2, 3, 4, 5, 6, 7] }, 'NO_WORKING_WEEKDAY'],
    [{ knownYears: [2025.5] }, 'INVALID_YEAR'],
    [{ holidays: ['2025-10-11'], makeUpWorkdays: ['2025-10-11'] }, 'HOLIDAY_AND_WORKDAY'],
  ])('%j → %s', (patch, code) => {
    let thrown: unknown;
    try {
      createWorkingCalendar({ region: 'X', knownYears: [2025], ...patch });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InvalidCalendarDataError);
    expect((thrown as InvalidCalendarDataError).issues.map((i) => i.code)).toContain(code);
  });

  it('builds from stored entries', () => {
    const c = calendarFromEntries(
      'X',
      [2025],
      [
        { date: '2025-10-01', kind: 'HOLIDAY', name: '国庆节' },
        { date: '2025-10-11', kind: 'MAKEUP_WORKDAY' },
      ],
    );
    expect(isWorkingDay(c, '2025-10-01')).toBe(false);
    expect(isWorkingDay(c, '2025-10-11')).toBe(true);
  });
});

describe('working-day counting', () => {
  it('counts working days after the start day, through the end day', () => {
    // Tue 30 Sep → Oct 9, 10, 11 (make-up Sat), 13, 14 = 5 working days by 14 Oct
    expect(countWorkingDaysAfter(cal, '2025-09-30', '2025-10-14')).toEqual({ days: 5, calendarIncomplete: false });
    expect(countWorkingDaysAfter(cal, '2025-09-30', '2025-09-30').days).toBe(0);
    expect(countWorkingDaysAfter(cal, '2025-12-30', '2026-01-02')).toEqual({ days: 3, calendarIncomplete: true });
  });

  it('finds the n-th working day after a date', () => {
    expect(nthWorkingDayAfter(cal, '2025-09-30', 1).date).toBe('2025-10-09');
    expect(nthWorkingDayAfter(cal, '2025-09-30', 3).date).toBe('2025-10-11');
    expect(nthWorkingDayAfter(cal, '2025-09-26', 1).date).toBe('2025-09-28');
    expect(nthWorkingDayAfter(cal, '2025-12-31', 1)).toEqual({ date: '2026-01-01', calendarIncomplete: true });
    expect(() => nthWorkingDayAfter(cal, '2025-09-30', 0)).toThrow(RangeError);
  });
});

describe('civil date arithmetic', () => {
  it.each([
    ['1970-01-01', 0, 4],
    ['2000-02-29', 11016, 2],
    ['2025-10-01', 20362, 3],
    ['1969-12-31', -1, 3],
  ])('%s is epoch day %d, weekday %d', (iso, day, weekday) => {
    expect(epochDayOf(iso)).toBe(day);
    expect(isoDateOfEpochDay(day)).toBe(iso);
    expect(weekdayOfEpochDay(day)).toBe(weekday);
  });

  it('round-trips every day across leap years', () => {
    const start = epochDayOf('1999-12-25');
    for (let d = start; d < start + 3000; d++) {
      expect(epochDayOf(isoDateOfEpochDay(d))).toBe(d);
    }
  });

  it.each([
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['1900-02-29', false],
    ['2025-04-31', false],
    ['2025-00-10', false],
    ['25-01-01', false],
  ])('isValidIsoDate(%s) → %s', (s, expected) => {
    expect(isValidIsoDate(s)).toBe(expected);
  });
});
