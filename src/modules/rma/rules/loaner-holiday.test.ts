/**
 * The 5-working-day loaner rule across China's National Day Golden Week 2025
 * (holidays 1-8 October, make-up working days Sunday 28 September and
 * Saturday 11 October), with the official calendar data.
 */
import { chineseWorkingCalendar } from '../../calendar/rules/chinese-days-source';
import { loanerDeadline, loanerRequired } from './loaner-rule';

const calendar = chineseWorkingCalendar([2025]);
const zone = 'Asia/Shanghai';
// Monday 29 September 2025, 10:00 in Shanghai.
const repairStart = new Date('2025-09-29T02:00:00Z');

describe('5-working-day loaner rule across a public holiday', () => {
  it('skips the Golden Week and counts the make-up Saturday: the threshold is exceeded on Tuesday 14 October', () => {
    // Working days after the start: 30 Sep (1), 9 Oct (2), 10 Oct (3), Sat 11 Oct make-up (4), 13 Oct (5), 14 Oct (6).
    const { deadline, calendarIncomplete } = loanerDeadline({ repairStart, calendar, timeZone: zone });
    expect(deadline.toISOString()).toBe('2025-10-13T16:00:00.000Z'); // 14 Oct 00:00 Shanghai
    expect(calendarIncomplete).toBe(false);
  });

  it('is not required on day 5 even though 14 calendar days passed, and is on day 6', () => {
    expect(loanerRequired({ repairStart, until: new Date('2025-10-13T15:59:59Z'), calendar, timeZone: zone })).toMatchObject({
      required: false,
      workingDays: 5,
    });
    expect(loanerRequired({ repairStart, until: new Date('2025-10-13T16:00:00Z'), calendar, timeZone: zone })).toMatchObject({
      required: true,
      workingDays: 6,
    });
  });

  it('would have been due a week earlier without the holiday (weekdays-only calendar)', () => {
    const plain = chineseWorkingCalendar([]);
    expect(loanerDeadline({ repairStart, calendar: plain, timeZone: zone }).deadline.toISOString()).toBe('2025-10-06T16:00:00.000Z');
  });
});
