import { createWorkingCalendar } from '../../calendar/rules/working-calendar';
import { isOnDuty, nextStepDue, parseStepPeriod, validateContact } from './contact-rules';

describe('contact rules', () => {
  it('checks a contact in one pass', () => {
    expect(
      validateContact({
        email: 'ops@bank.example',
        imWebhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x',
        imChannel: 'WECOM',
        onDutyHours: '08:30-17:30',
      }),
    ).toEqual([]);
    expect(
      validateContact({ customerId: 'c', centreId: 'z', email: 'nope', imWebhookUrl: 'file:///etc/passwd', onDutyHours: '8-17' }).map(
        (p) => p.field,
      ),
    ).toEqual(['centreId', 'email', 'imWebhookUrl', 'imChannel', 'onDutyHours']);
  });

  it("reads on-duty hours in the site's zone, night shifts included", () => {
    const at = new Date('2026-03-02T15:00:00Z'); // 23:00 in Shanghai
    expect(isOnDuty('08:30-17:30', at, 'Asia/Shanghai')).toBe(false);
    expect(isOnDuty('22:00-06:00', at, 'Asia/Shanghai')).toBe(true);
    expect(isOnDuty(null, at, 'Asia/Shanghai')).toBe(true);
  });

  it('counts a step period in calendar days or in working days of the calendar', () => {
    // 2026-09-30 (Wed) 10:00 Shanghai; National Day holidays 10-01..10-07 in this calendar, 10-10 (Sat) a make-up day.
    const calendar = createWorkingCalendar({
      region: 'CN',
      knownYears: [2026],
      holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
      makeUpWorkdays: ['2026-10-10'],
    });
    const from = new Date('2026-09-30T02:00:00Z');
    const calendarDay = parseStepPeriod('P1D', 'CALENDAR');
    const workingDay = parseStepPeriod('P1D', 'WORKING');
    if (!calendarDay.ok || !workingDay.ok) throw new Error('valid periods refused');
    expect(nextStepDue(from, calendarDay.value, calendar, 'Asia/Shanghai')).toEqual(new Date('2026-10-01T02:00:00Z'));
    expect(nextStepDue(from, workingDay.value, calendar, 'Asia/Shanghai')).toEqual(new Date('2026-10-08T02:00:00Z'));
    expect(parseStepPeriod('PT12H', 'WORKING')).toMatchObject({ ok: false });
    expect(parseStepPeriod('PT0S', 'CALENDAR')).toMatchObject({ ok: false });
    expect(parseStepPeriod('soon', 'CALENDAR')).toMatchObject({ ok: false });
  });
});
