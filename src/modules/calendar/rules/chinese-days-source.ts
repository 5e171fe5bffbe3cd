/**
 * Official Chinese public holidays and 调休 make-up working days, taken from the
 * `chinese-days` package's bundled data file (dist/chinese-days.json, which its
 * README documents as the public data format). We read the data file rather
 * than calling isHoliday()/isWorkday() day by day because the functions merge
 * weekends into "holiday" and cannot tell a make-up day from an ordinary
 * weekday; the file keeps the two lists apart, with the festival names.
 *
 * Shape of the file: { holidays, workdays, inLieuDays }, each a map
 * 'YYYY-MM-DD' → 'English name,中文名,days'. `inLieuDays` is a subset of
 * `holidays` (days off that are paid back by make-up days) and adds nothing a
 * working calendar needs.
 */
import chineseDaysData from 'chinese-days/dist/chinese-days.json';
import { CalendarDayEntry, WorkingCalendar, calendarFromEntries } from './working-calendar';

export interface ChineseCalendarDay extends CalendarDayEntry {
  readonly name: string;
  readonly nameEn: string;
}

interface ChineseDaysFile {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const data = chineseDaysData as unknown as ChineseDaysFile;

function parseName(raw: string): { name: string; nameEn: string } {
  const [en = '', zh = ''] = raw.split(',');
  return { name: zh || en, nameEn: en || zh };
}

function yearsIn(...maps: Record<string, string>[]): number[] {
  const years = new Set<number>();
  for (const m of maps) for (const d of Object.keys(m)) years.add(Number(d.slice(0, 4)));
  return [...years].sort((a, b) => a - b);
}

/**
 * Years the installed package has official arrangements for. Every year has at
 * least New Year's Day, so "has a holiday entry" is a safe signal that the
 * State Council notice for that year was loaded.
 */
export const CHINESE_DAYS_YEARS: readonly number[] = Object.freeze(yearsIn(data.holidays));

export const CHINA_REGION = 'CN';

/**
 * Holiday and make-up-workday entries for the given years (default: all years
 * the package covers), sorted by date. Years the package does not cover yield
 * nothing; callers must not list them as known years.
 */
export function loadChineseCalendarDays(years: readonly number[] = CHINESE_DAYS_YEARS): ChineseCalendarDay[] {
  const wanted = new Set(years);
  const out: ChineseCalendarDay[] = [];
  const add = (map: Record<string, string>, kind: CalendarDayEntry['kind']) => {
    for (const [date, raw] of Object.entries(map)) {
      if (wanted.has(Number(date.slice(0, 4)))) out.push({ date, kind, ...parseName(raw) });
    }
  };
  add(data.holidays, 'HOLIDAY');
  add(data.workdays, 'MAKEUP_WORKDAY');
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * Convenience for tests and bootstrap: a mainland-China calendar straight from
 * the package. Only years the package really covers become known years.
 */
export function chineseWorkingCalendar(years: readonly number[] = CHINESE_DAYS_YEARS): WorkingCalendar {
  const covered = years.filter((y) => CHINESE_DAYS_YEARS.includes(y));
  return calendarFromEntries(CHINA_REGION, covered, loadChineseCalendarDays(covered));
}
