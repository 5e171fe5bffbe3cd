/**
 * Start days of the named periods the contracts ask for extra inspections
 * before. The public holidays come from the region's calendar data (the
 * chinese-days names, stored in Chinese with the English name as fallback):
 * the first holiday day carrying the festival's name starts the period, so a
 * year's own arrangement (Spring Festival moves every year, National Day may
 * absorb Mid-autumn) is followed exactly.
 *
 * The Two Sessions are not a holiday and have no calendar entry: the CPPCC
 * opens on 4 March and the NPC on 5 March, and the heightened-readiness period
 * starts as delegates arrive, so it is taken as starting on 3 March.
 *
 * For a year the calendar has no data for, the fixed-date holidays fall back to
 * their official first day (1 January, 1 May, 1 October); Spring Festival
 * follows the lunar calendar and cannot be guessed, so it is reported missing.
 */
import type { IsoDate } from '../../calendar/rules/working-calendar';
import { HolidayPeriod, PeriodStart } from './schedule';

export interface NamedDay {
  readonly date: IsoDate;
  readonly kind: 'HOLIDAY' | 'MAKEUP_WORKDAY';
  readonly name: string | null;
}

const NAMES: Partial<Record<HolidayPeriod, readonly string[]>> = {
  NEW_YEAR: ['元旦', "New Year's Day"],
  SPRING_FESTIVAL: ['春节', 'Spring Festival'],
  LABOUR_DAY: ['劳动节', 'Labour Day'],
  NATIONAL_DAY: ['国庆节', 'National Day'],
};

const FIXED_START: Partial<Record<HolidayPeriod, string>> = {
  NEW_YEAR: '01-01',
  TWO_SESSIONS: '03-03',
  LABOUR_DAY: '05-01',
  NATIONAL_DAY: '10-01',
};

export interface PeriodStarts {
  readonly starts: PeriodStart[];
  /** Periods that could not be placed (a lunar holiday in a year without calendar data). */
  readonly missing: ReadonlyArray<{ period: HolidayPeriod; year: number }>;
}

/**
 * Period starts for the given years. `days` are the calendar's holiday entries
 * (any years); `knownYears` are the years the calendar has official data for.
 */
export function periodStarts(days: readonly NamedDay[], knownYears: readonly number[], years: readonly number[]): PeriodStarts {
  const starts: PeriodStart[] = [];
  const missing: Array<{ period: HolidayPeriod; year: number }> = [];
  const sorted = [...days].filter((d) => d.kind === 'HOLIDAY' && d.name).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (const year of years) {
    for (const period of ['NEW_YEAR', 'SPRING_FESTIVAL', 'TWO_SESSIONS', 'LABOUR_DAY', 'NATIONAL_DAY'] as const) {
      const names = NAMES[period];
      const fromData =
        names && knownYears.includes(year)
          ? sorted.find((d) => d.date.startsWith(`${year}-`) && names.includes(d.name as string))?.date
          : undefined;
      const fixed = FIXED_START[period];
      const startsOn = fromData ?? (fixed ? `${year}-${fixed}` : undefined);
      if (startsOn) starts.push({ period, year, startsOn });
      else missing.push({ period, year });
    }
  }
  return { starts, missing };
}
