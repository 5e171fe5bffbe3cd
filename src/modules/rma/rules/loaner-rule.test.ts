import { chineseWorkingCalendar } from '../../calendar/rules/chinese-days-source';
import { loanerDeadline, loanerRequired, repairWorkingDays } from './loaner-rule';

const calendar = chineseWorkingCalendar([2025, 2026]);
const sh = (local: string) => new Date(`${local}+08:00`);

describe('repairWorkingDays (start day not counted, each later working day counts from its midnight)', () => {
  it.each([
    // [case, unit left, back/now, working days]
    ['same day', '2025-11-17T10:00', '2025-11-17T16:00', 0],
    ['next day', '2025-11-17T10:00', '2025-11-18T09:00', 1],
    ['Monday to next Monday', '2025-11-17T10:00', '2025-11-24T17:00', 5],
    ['Friday to Monday skips the weekend', '2025-11-14T10:00', '2025-11-17T10:00', 1],
    // Oct 9, 10, 11 (make-up Saturday), 13, 14
    ['over National Day 2025 incl. make-up Saturday', '2025-09-30T10:00', '2025-10-14T18:00', 5],
    ['over National Day 2025, one day more', '2025-09-30T10:00', '2025-10-15T09:00', 6],
    // Sat Feb 14 (make-up), Feb 15-23 off, Feb 24, 25
    ['over Spring Festival 2026', '2026-02-13T10:00', '2026-02-25T12:00', 3],
    ['return before start', '2025-11-17T10:00', '2025-11-16T10:00', 0],
  ])('%s: %s → %s = %d', (_case, start, until, days) => {
    expect(repairWorkingDays({ repairStart: sh(start), until: sh(until), calendar })).toEqual({
      workingDays: days,
      calendarIncomplete: false,
    });
  });

  it('uses the site time zone for the day boundary', () => {
    // Thu 13 Nov 23:30 in Beijing is already Fri 14 Nov 00:30 in Tokyo.
    const repairStart = new Date('2025-11-13T15:30:00Z');
    const until = new Date('2025-11-14T06:00:00Z');
    expect(repairWorkingDays({ repairStart, until, calendar }).workingDays).toBe(1);
    expect(repairWorkingDays({ repairStart, until, calendar, timeZone: 'Asia/Tokyo' }).workingDays).toBe(0);
  });
});

describe('loanerDeadline: the moment the threshold is exceeded', () => {
  it.each([
    ['ordinary week', '2025-11-17T10:00', 5, '2025-11-25T00:00'],
    // Working days after 30 Sep: Oct 9, 10, 11 (Sat, make-up), 13, 14 → exceeded when Oct 15 begins.
    ['across National Day 2025', '2025-09-30T10:00', 5, '2025-10-15T00:00'],
    // After Fri 13 Feb 2026: Sat 14 (make-up), Tue 24, Wed 25, Thu 26, Fri 27 → 6th is Sat 28 (make-up).
    ['across Spring Festival 2026', '2026-02-13T10:00', 5, '2026-02-28T00:00'],
    ['custom threshold 3', '2025-11-17T10:00', 3, '2025-11-21T00:00'],
    ['threshold 0 = any working day away', '2025-11-14T10:00', 0, '2025-11-17T00:00'],
  ])('%s: start %s, threshold %d → %s Beijing', (_case, start, threshold, deadline) => {
    const r = loanerDeadline({ repairStart: sh(start), calendar, thresholdWorkingDays: threshold });
    expect(r.deadline.toISOString()).toBe(sh(deadline).toISOString());
    expect(r.calendarIncomplete).toBe(false);
  });

  it('flags a deadline that needs calendar data past the known years', () => {
    const r = loanerDeadline({ repairStart: sh('2026-12-28T10:00'), calendar });
    expect(r.calendarIncomplete).toBe(true);
    // Dec 29, 30, 31, then fallback Fri 1 Jan 2027 and Mon 4 Jan → exceeded on Tue 5 Jan.
    expect(r.deadline.toISOString()).toBe(sh('2027-01-05T00:00').toISOString());
  });

  it('rejects a nonsensical threshold', () => {
    expect(() => loanerDeadline({ repairStart: sh('2025-11-17T10:00'), calendar, thresholdWorkingDays: -1 })).toThrow(RangeError);
  });
});

describe('loanerRequired', () => {
  it.each([
    ['back on the 5th working day after National Day', '2025-10-14T17:00', false, 5],
    ['still away when the 6th working day begins', '2025-10-15T00:00', true, 6],
    ['still away one second earlier', '2025-10-14T23:59:59', false, 5],
    ['not affected by the holiday itself', '2025-10-08T12:00', false, 0],
  ])('%s (%s) → required %s', (_case, until, required, days) => {
    const r = loanerRequired({ repairStart: sh('2025-09-30T10:00'), until: sh(until), calendar });
    expect(r).toEqual({
      required,
      workingDays: days,
      thresholdWorkingDays: 5,
      deadline: sh('2025-10-15T00:00'),
      calendarIncomplete: false,
    });
  });

  it('agrees with loanerDeadline at every hour around the deadline', () => {
    const start = sh('2026-02-13T10:00');
    const { deadline } = loanerDeadline({ repairStart: start, calendar });
    for (let t = deadline.getTime() - 72 * 3_600_000; t <= deadline.getTime() + 72 * 3_600_000; t += 3_600_000) {
      expect(loanerRequired({ repairStart: start, until: new Date(t), calendar }).required).toBe(t >= deadline.getTime());
    }
  });
});
