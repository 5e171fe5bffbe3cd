import type { EntityManager } from 'typeorm';
import type { Tx } from '../../../platform/db/database';
import type { Hub } from '../../../platform/hub';
import { CalendarDay } from '../../calendar/calendar.entity';
import { CalendarService } from '../../calendar/calendar.service';
import { CHINA_REGION, CHINESE_DAYS_YEARS, chineseWorkingCalendar } from '../../calendar/rules/chinese-days-source';
import { createWorkingCalendar, type WorkingCalendar } from '../../calendar/rules/working-calendar';

/**
 * The site's working calendar for the repair clock. With the calendar module in
 * the hub (its entities registered) the calendar is the one stored per region;
 * a hub built without it (some tests, a trimmed deployment) falls back to the
 * official mainland-China data bundled with the package, Monday-Friday elsewhere.
 */
export class RmaCalendars {
  private fallback = new Map<string, WorkingCalendar>();

  constructor(private readonly hub: Hub) {}

  get stored(): boolean {
    return this.hub.db.dataSource.hasMetadata(CalendarDay);
  }

  /** Pass the transaction's manager to see a calendar change made in it (the calendar module's change hook does). */
  calendarFor(region: string, em?: EntityManager): Promise<WorkingCalendar> {
    if (this.stored) return this.hub.get(CalendarService).calendar(region, em);
    return Promise.resolve(this.fallbackFor(region));
  }

  /**
   * For code inside a transaction that does not change the calendar: the cached
   * calendar, else loaded through the transaction's connection. Never waits for
   * a second pool connection while holding one (pool exhaustion under load).
   */
  calendarInTx(region: string, em: EntityManager): Promise<WorkingCalendar> {
    if (this.stored) return this.hub.get(CalendarService).calendarInTx(region, em);
    return Promise.resolve(this.fallbackFor(region));
  }

  private fallbackFor(region: string): WorkingCalendar {
    let calendar = this.fallback.get(region);
    if (!calendar) {
      calendar =
        region === CHINA_REGION || region.startsWith(`${CHINA_REGION}-`)
          ? chineseWorkingCalendar(CHINESE_DAYS_YEARS)
          : createWorkingCalendar({ region, knownYears: [] });
      this.fallback.set(region, calendar);
    }
    return calendar;
  }

  /** Re-plans work when a region's calendar changes, in the transaction of the change. */
  onChange(listener: (tx: Tx, region: string) => Promise<void>): void {
    if (this.stored) this.hub.get(CalendarService).onChange(listener);
  }
}
