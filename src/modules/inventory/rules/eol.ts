/**
 * Service contracts promise customers notice of a part's end of supply at least
 * six calendar months ahead, so they can stock up or plan replacement.
 */
import { DateTime } from 'luxon';

export const EOL_NOTICE_MONTHS = 6;

export function earliestEndOfSupply(now: Date, noticeMonths = EOL_NOTICE_MONTHS): Date {
  return DateTime.fromJSDate(now, { zone: 'utc' }).plus({ months: noticeMonths }).toJSDate();
}

export function eolNoticeLongEnough(now: Date, endOfSupply: Date, noticeMonths = EOL_NOTICE_MONTHS): boolean {
  return endOfSupply.getTime() >= earliestEndOfSupply(now, noticeMonths).getTime();
}
