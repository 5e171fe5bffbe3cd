import { getWorkdaysInRange, isWorkday } from 'chinese-days';
import { CHINESE_DAYS_YEARS, chineseWorkingCalendar, loadChineseCalendarDays } from './chinese-days-source';
import { isKnownDate, isWorkingDay, isoDateOfEpochDay, epochDayOf } from './working-calendar';

describe('CHINESE_DAYS_YEARS', () => {
  it('covers 2004 through 2026 in the installed package version', () => {
    expect(CHINESE_DAYS_YEARS[0]).toBe(2004);
    expect(CHINESE_DAYS_YEARS).toContain(2025);
    expect(CHINESE_DAYS_YEARS).toContain(2026);
    expect(CHINESE_DAYS_YEARS.at(-1)).toBeGreaterThanOrEqual(2026);
    expect([...CHINESE_DAYS_YEARS]).toEqual([...CHINESE_DAYS_YEARS].sort((a, b) => a - b));
  });
});

describe('loadChineseCalendarDays', () => {
  const days2025 = loadChineseCalendarDays([2025]);
  const byDate = new Map(days2025.map((d) => [d.date, d]));

  it('returns only the requested years, sorted by date', () => {
    expect(days2025.every((d) => d.date.startsWith('2025-'))).toBe(true);
    const dates = days2025.map((d) => d.date);
    expect(dates).toEqual([...dates].sort());
  });

  // State Council notice 国办发明电〔2024〕12号: Oct 1-8 off, Sep 28 (Sun) and Oct 11 (Sat) worked.
  it('has 2025 National Day / Mid-autumn as Oct 1-8 with make-up days Sep 28 and Oct 11', () => {
    const octHolidays = days2025.filter((d) => d.kind === 'HOLIDAY' && d.date >= '2025-09-01' && d.date <= '2025-10-31').map((d) => d.date);
    expect(octHolidays).toEqual([
      '2025-10-01',
      '2025-10-02',
      '2025-10-03',
      '2025-10-04',
      '2025-10-05',
      '2025-10-06',
      '2025-10-07',
      '2025-10-08',
    ]);
    expect(byDate.get('2025-09-28')).toMatchObject({ kind: 'MAKEUP_WORKDAY', name: '国庆节', nameEn: 'National Day' });
    expect(byDate.get('2025-10-11')).toMatchObject({ kind: 'MAKEUP_WORKDAY', name: '国庆节' });
    expect(byDate.get('2025-10-06')).toMatchObject({ kind: 'HOLIDAY', name: '中秋' });
  });

  it('has all 2025 make-up days (Spring Festival, Labour Day, National Day)', () => {
    expect(days2025.filter((d) => d.kind === 'MAKEUP_WORKDAY').map((d) => d.date)).toEqual([
      '2025-01-26',
      '2025-02-08',
      '2025-04-27',
      '2025-09-28',
      '2025-10-11',
    ]);
  });

  it('has 2026 Spring Festival Feb 15-23 with make-up Saturdays Feb 14 and 28', () => {
    const d2026 = loadChineseCalendarDays([2026]);
    const spring = d2026.filter((d) => d.name === '春节');
    expect(spring.filter((d) => d.kind === 'HOLIDAY').map((d) => d.date)).toEqual([
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
      '2026-02-23',
    ]);
    expect(spring.filter((d) => d.kind === 'MAKEUP_WORKDAY').map((d) => d.date)).toEqual(['2026-02-14', '2026-02-28']);
  });

  it('returns nothing for years the package does not cover', () => {
    expect(loadChineseCalendarDays([1999, 2099])).toEqual([]);
  });

  it('defaults to every covered year', () => {
    const all = loadChineseCalendarDays();
    expect(new Set(all.map((d) => Number(d.date.slice(0, 4))))).toEqual(new Set(CHINESE_DAYS_YEARS));
  });
});

describe('chineseWorkingCalendar agrees with the package for every day', () => {
  const cal = chineseWorkingCalendar([2025, 2026]);

  it.each([2025, 2026])('%i: isWorkingDay matches chinese-days isWorkday on all 365 days', (year) => {
    const first = epochDayOf(`${year}-01-01`);
    const last = epochDayOf(`${year}-12-31`);
    const mismatches: string[] = [];
    for (let d = first; d <= last; d++) {
      const iso = isoDateOfEpochDay(d);
      if (isWorkingDay(cal, iso) !== isWorkday(iso)) mismatches.push(iso);
    }
    expect(mismatches).toEqual([]);
    // 261 weekdays − 18 weekday holidays + 5 make-up days = 248 (hand-counted for 2025)
    expect(getWorkdaysInRange(`${year}-01-01`, `${year}-12-31`)).toHaveLength(248);
  });

  it('knows only the requested, covered years', () => {
    const c = chineseWorkingCalendar([2025, 2099]);
    expect(c.knownYears).toEqual([2025]);
    expect(isKnownDate(c, '2025-06-01')).toBe(true);
    expect(isKnownDate(c, '2026-06-01')).toBe(false);
    expect(c.region).toBe('CN');
  });
});
