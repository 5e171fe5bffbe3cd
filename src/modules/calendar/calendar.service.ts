import { Between, EntityManager, In, Not } from 'typeorm';
import chineseDaysPackage from 'chinese-days/package.json';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { badInput, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { CHINESE_DAYS_YEARS, loadChineseCalendarDays } from './rules/chinese-days-source';
import {
  CalendarDayEntry,
  DEFAULT_WEEKEND,
  WorkingCalendar,
  calendarFromEntries,
  epochDayOf,
  isValidIsoDate,
  weekdayOfEpochDay,
} from './rules/working-calendar';
import { CalendarDay, CalendarDayKind, CalendarDaySource, CalendarYear, WorkingCalendarYearView } from './calendar.entity';
import { CALENDAR_REGION_MESSAGE, CALENDAR_REGION_PATTERN, CalendarDayInput, UpsertCalendarDayInput } from './calendar.inputs';

/**
 * Runs inside the transaction that changed a region's calendar, so dependants
 * (open incidents' deadlines) move in the same commit as the data.
 */
export type CalendarChangeListener = (tx: Tx, region: string) => Promise<void>;

/**
 * Deadlines are computed on every command and every fired job; a short-lived
 * per-instance cache keeps that to one load per region every few seconds. Local
 * writes drop it at once; another instance's writes show up within the TTL (and
 * dependants are re-planned by the writer anyway).
 */
const CACHE_TTL_MS = 5_000;
const PACKAGE_SOURCE = `chinese-days@${(chineseDaysPackage as { version: string }).version}`;

export class CalendarService {
  private readonly cache = new Map<string, { calendar: Promise<WorkingCalendar>; expires: number }>();
  private readonly listeners: CalendarChangeListener[] = [];

  constructor(private readonly hub: Hub) {}

  onChange(listener: CalendarChangeListener): void {
    this.listeners.push(listener);
  }

  /** The region's working calendar. Pass the transaction's manager to see its uncommitted changes (no cache then). */
  calendar(region: string, em?: EntityManager): Promise<WorkingCalendar> {
    if (em) return this.load(region, em);
    const cached = this.cache.get(region);
    if (cached && cached.expires > Date.now()) return cached.calendar;
    const calendar = this.load(region, this.hub.db.manager);
    this.cache.set(region, { calendar, expires: Date.now() + CACHE_TTL_MS });
    calendar.catch(() => this.cache.delete(region));
    return calendar;
  }

  /**
   * For code running inside a transaction: the cached calendar, else loaded through the transaction's
   * manager (and cached). Never asks the pool for a second connection while the transaction holds
   * one: with every pooled connection held by transactions waiting for that, none would ever come.
   */
  calendarInTx(region: string, em: EntityManager): Promise<WorkingCalendar> {
    const cached = this.cache.get(region);
    if (cached && cached.expires > Date.now()) return cached.calendar;
    const calendar = this.load(region, em);
    this.cache.set(region, { calendar, expires: Date.now() + CACHE_TTL_MS });
    calendar.catch(() => this.cache.delete(region));
    return calendar;
  }

  private async load(region: string, em: EntityManager): Promise<WorkingCalendar> {
    const [days, years] = await Promise.all([
      em.find(CalendarDay, { where: { region }, select: { date: true, kind: true } }),
      em.find(CalendarYear, { where: { region }, select: { year: true } }),
    ]);
    return calendarFromEntries(
      region,
      years.map((y) => y.year),
      days.map((d): CalendarDayEntry => ({ date: d.date, kind: d.kind })),
      DEFAULT_WEEKEND,
    );
  }

  async yearView(region: string, year: number): Promise<WorkingCalendarYearView> {
    assertRegion(region);
    assertYear(year);
    const em = this.hub.db.manager;
    const [days, known] = await Promise.all([
      em.find(CalendarDay, { where: { region, date: Between(`${year}-01-01`, `${year}-12-31`) }, order: { date: 'ASC' } }),
      em.findOneBy(CalendarYear, { region, year }),
    ]);
    return { region, year, complete: known !== null, source: known?.source ?? null, days };
  }

  /** Adds or changes one day (a company closure, a correction). It does not make an unknown year known. */
  async upsertDay(input: UpsertCalendarDayInput, actor: string): Promise<CalendarDay> {
    assertRegion(input.region);
    assertDay(input, Number(input.date.slice(0, 4)));
    return this.hub.db.transaction(async (tx) => {
      const existing = await tx.em.findOne(CalendarDay, {
        where: { region: input.region, date: input.date },
        lock: this.hub.db.lockMode(),
      });
      const row = Object.assign(existing ?? new CalendarDay(), {
        id: existing?.id ?? newId(),
        region: input.region,
        date: input.date,
        kind: input.kind,
        name: input.name ?? existing?.name ?? null,
        source: CalendarDaySource.MANUAL,
        updatedAt: new Date(),
        updatedBy: actor,
      });
      if (existing) await tx.em.update(CalendarDay, { id: row.id }, row);
      else await tx.em.insert(CalendarDay, row);
      await this.changed(tx, input.region);
      return row;
    });
  }

  async removeDay(region: string, date: string): Promise<CalendarDay> {
    assertRegion(region);
    return this.hub.db.transaction(async (tx) => {
      const existing = await tx.em.findOne(CalendarDay, { where: { region, date }, lock: this.hub.db.lockMode() });
      if (!existing) throw notFound('CalendarDay', `${region}/${date}`);
      await tx.em.delete(CalendarDay, { id: existing.id });
      await this.changed(tx, region);
      return existing;
    });
  }

  /**
   * Loads a whole year and marks it known. Without `days` the official
   * mainland-China arrangement from the `chinese-days` package is used (for CN
   * and company variants such as CN-HUADONG); with `days` the given list is the
   * year (a newly announced year, another country). Days an operator entered
   * one by one (MANUAL) are kept.
   */
  async importYear(
    region: string,
    year: number,
    days: CalendarDayInput[] | null | undefined,
    actor: string,
  ): Promise<WorkingCalendarYearView> {
    assertRegion(region);
    assertYear(year);
    let entries: Array<{ date: string; kind: CalendarDayKind; name: string | null }>;
    let source: CalendarDaySource;
    let yearSource: string;
    if (days == null) {
      if (region !== 'CN' && !region.startsWith('CN-'))
        throw badInput(`The package data covers mainland China only; pass the days for region ${region}`, { field: 'days' });
      if (!CHINESE_DAYS_YEARS.includes(year))
        throw badInput(`The installed ${PACKAGE_SOURCE} has no data for ${year}; pass the announced days instead`, {
          field: 'year',
          knownYears: [...CHINESE_DAYS_YEARS],
        });
      entries = loadChineseCalendarDays([year]).map((d) => ({ date: d.date, kind: d.kind as CalendarDayKind, name: d.name }));
      source = CalendarDaySource.PACKAGE;
      yearSource = PACKAGE_SOURCE;
    } else {
      const seen = new Set<string>();
      for (const [index, day] of days.entries()) {
        assertDay(day, year, `days.${index}`);
        if (seen.has(day.date)) throw badInput(`${day.date} is listed twice`, { field: `days.${index}.date` });
        seen.add(day.date);
      }
      entries = days.map((d) => ({ date: d.date, kind: d.kind, name: d.name ?? null }));
      source = CalendarDaySource.IMPORT;
      yearSource = 'API';
    }
    await this.hub.db.transaction(async (tx) => {
      const range = Between(`${year}-01-01`, `${year}-12-31`);
      await tx.em.delete(CalendarDay, { region, date: range, source: Not(CalendarDaySource.MANUAL) });
      const manual = await tx.em.find(CalendarDay, { where: { region, date: range }, select: { date: true } });
      const keep = new Set(manual.map((d) => d.date));
      const now = new Date();
      const rows = entries
        .filter((e) => !keep.has(e.date))
        .map((e) => ({ id: newId(), region, date: e.date, kind: e.kind, name: e.name, source, updatedAt: now, updatedBy: actor }));
      for (let i = 0; i < rows.length; i += 200) await tx.em.insert(CalendarDay, rows.slice(i, i + 200));
      const known = await tx.em.findOne(CalendarYear, { where: { region, year }, lock: this.hub.db.lockMode() });
      if (known) await tx.em.update(CalendarYear, { id: known.id }, { source: yearSource, importedAt: now, importedBy: actor });
      else await tx.em.insert(CalendarYear, { id: newId(), region, year, source: yearSource, importedAt: now, importedBy: actor });
      await this.changed(tx, region);
    });
    return this.yearView(region, year);
  }

  /** Years the installed package covers (for seeding and for operators). */
  packageYears(): readonly number[] {
    return CHINESE_DAYS_YEARS;
  }

  /** Which of these regions have at least one known year (cheap check for callers that want to warn). */
  async knownRegions(regions: string[]): Promise<Set<string>> {
    if (regions.length === 0) return new Set();
    const rows = await this.hub.db.manager.find(CalendarYear, { where: { region: In(regions) }, select: { region: true } });
    return new Set(rows.map((r) => r.region));
  }

  private async changed(tx: Tx, region: string): Promise<void> {
    this.cache.delete(region);
    tx.afterCommit(() => {
      this.cache.delete(region);
    });
    for (const listener of this.listeners) await listener(tx, region);
  }
}

function assertRegion(region: string): void {
  if (!CALENDAR_REGION_PATTERN.test(region)) throw badInput(CALENDAR_REGION_MESSAGE, { field: 'region' });
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < 1900 || year > 2200) throw badInput('year must be between 1900 and 2200', { field: 'year' });
}

function assertDay(day: CalendarDayInput, year: number, field = 'date'): void {
  if (!isValidIsoDate(day.date)) throw badInput(`${day.date} is not a calendar date`, { field });
  if (Number(day.date.slice(0, 4)) !== year) throw badInput(`${day.date} is not in ${year}`, { field });
  // A make-up day on a weekday changes nothing; it is almost certainly a typo for another date.
  if (day.kind === CalendarDayKind.MAKEUP_WORKDAY && !DEFAULT_WEEKEND.includes(weekdayOfEpochDay(epochDayOf(day.date))))
    throw badInput(`${day.date} is a weekday; a make-up working day must fall on a weekend`, { field });
}
