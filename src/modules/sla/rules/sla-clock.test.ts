import { chineseWorkingCalendar } from '../../calendar/rules/chinese-days-source';
import { coveredBudgetMs } from './business-time';
import { CHINA_5X8, COVERAGE_24X7, Coverage } from './coverage';
import {
  ClockEvent,
  ClockResult,
  SlaClock,
  cancelClock,
  clockStatus,
  pauseClock,
  rebaselineClock,
  reopenClock,
  replayClock,
  resumeClock,
  startClock,
  stopClock,
} from './sla-clock';

const cal = chineseWorkingCalendar([2025, 2026]);
const sh = (local: string) => new Date(`${local}+08:00`);
const H = 3_600_000;
const budget = (iso: string, cov: Coverage = CHINA_5X8) => coveredBudgetMs(iso, cov);

function u(r: ClockResult): SlaClock {
  if (!r.ok) throw new Error(`unexpected clock error ${JSON.stringify(r.error)}`);
  return r.value;
}
const status = (c: SlaClock, now: string, cov: Coverage = CHINA_5X8) => clockStatus(c, sh(now), cov, cal);

// Mon 17 / Tue 18 Nov 2025 are ordinary working days; 5x8 is 08:30-17:30 Beijing time.
const restore4h = u(startClock('RESTORE', sh('2025-11-17T09:00'), budget('PT4H')));

describe('running clock', () => {
  it.each([
    // now, usedH, remainingH, warning, breached
    ['2025-11-17T09:00', 0, 4, false, false],
    ['2025-11-17T11:00', 2, 2, false, false],
    ['2025-11-17T12:00', 3, 1, true, false], // 75 % used
    ['2025-11-17T13:00', 4, 0, true, false], // exactly on the deadline is still on time
  ])('at %s: used %dh, remaining %dh, warning %s, breached %s', (now, usedH, remainingH, warning, breached) => {
    const s = status(restore4h, now);
    expect(s.usedMs).toBe(usedH * H);
    expect(s.remainingMs).toBe(remainingH * H);
    expect(s.warning).toBe(warning);
    expect(s.breached).toBe(breached);
    expect(s.dueAt).toEqual(sh('2025-11-17T13:00'));
    expect(s).toMatchObject({ met: false, paused: false, stopped: false, calendarIncomplete: false });
  });

  it('breaches one second after the deadline', () => {
    const s = status(restore4h, '2025-11-17T13:00:01');
    expect(s).toMatchObject({ breached: true, breachedAt: sh('2025-11-17T13:00'), overdueMs: 1000, warning: false });
  });

  it('does not count the night', () => {
    const c = u(startClock('RESTORE', sh('2025-11-17T16:00'), budget('PT4H')));
    const s = status(c, '2025-11-17T20:00');
    expect(s.usedMs).toBe(1.5 * H);
    expect(s.dueAt).toEqual(sh('2025-11-18T11:00'));
  });

  it('is breached after the deadline even if no covered time has passed since (Friday 17:30 → Saturday)', () => {
    const c = u(startClock('RESTORE', sh('2025-11-14T13:30'), budget('PT4H')));
    const s = status(c, '2025-11-15T10:00');
    expect(s).toMatchObject({ usedMs: 4 * H, overdueMs: 0, breached: true, breachedAt: sh('2025-11-14T17:30') });
  });

  it('before its start it has used nothing', () => {
    expect(status(restore4h, '2025-11-17T08:00')).toMatchObject({ usedMs: 0, breached: false, dueAt: sh('2025-11-17T13:00') });
  });

  it('supports a custom warning ratio', () => {
    expect(clockStatus(restore4h, sh('2025-11-17T11:00'), CHINA_5X8, cal, { warnAtRatio: 0.5 }).warning).toBe(true);
  });

  it('flags a deadline past the last known calendar year', () => {
    const c = u(startClock('RESTORE', sh('2026-12-31T16:00'), budget('PT4H')));
    const s = status(c, '2026-12-31T16:30');
    expect(s.dueAt).toEqual(sh('2027-01-01T11:00')); // 1.5 h on 31 Dec, 2.5 h on (fallback working) Fri 1 Jan
    expect(s.calendarIncomplete).toBe(true);
  });
});

describe('7x24 clock', () => {
  it('runs through a public holiday', () => {
    const c = u(startClock('RESTORE', sh('2025-10-01T10:00'), budget('PT4H', COVERAGE_24X7)));
    const s = status(c, '2025-10-01T13:00', COVERAGE_24X7);
    expect(s).toMatchObject({ usedMs: 3 * H, dueAt: sh('2025-10-01T14:00'), warning: true, calendarIncomplete: false });
  });

  it('pauses in wall time', () => {
    let c = u(startClock('RESTORE', sh('2025-10-01T10:00'), 4 * H));
    c = u(pauseClock(c, sh('2025-10-01T11:00')));
    c = u(resumeClock(c, sh('2025-10-02T11:00')));
    expect(status(c, '2025-10-02T12:00', COVERAGE_24X7)).toMatchObject({ usedMs: 2 * H, dueAt: sh('2025-10-02T14:00') });
  });
});

describe('pauses (AWAITING_CUSTOMER)', () => {
  it('excludes paused covered time', () => {
    let c = u(pauseClock(restore4h, sh('2025-11-17T10:00'), 'AWAITING_CUSTOMER'));
    c = u(resumeClock(c, sh('2025-11-17T14:00')));
    expect(status(c, '2025-11-17T15:00')).toMatchObject({ usedMs: 2 * H, dueAt: sh('2025-11-17T17:00') });
  });

  it('while paused reports the deadline as if resumed now', () => {
    const c = u(pauseClock(restore4h, sh('2025-11-17T10:00')));
    expect(status(c, '2025-11-17T12:00')).toMatchObject({ paused: true, usedMs: 1 * H, dueAt: sh('2025-11-17T15:00'), breached: false });
    expect(status(c, '2025-11-18T12:00')).toMatchObject({ paused: true, usedMs: 1 * H, dueAt: sh('2025-11-18T15:00'), breached: false });
  });

  it('saves only covered time when the pause spans the night', () => {
    let c = u(startClock('RESTORE', sh('2025-11-17T16:00'), budget('PT4H')));
    c = u(pauseClock(c, sh('2025-11-17T17:00')));
    c = u(resumeClock(c, sh('2025-11-18T09:00')));
    expect(status(c, '2025-11-18T10:00')).toMatchObject({ usedMs: 2 * H, dueAt: sh('2025-11-18T12:00') });
  });

  it('across National Day', () => {
    // Without the pause: 8.5 h on 30 Sep, 1.5 h on 9 Oct → due 9 Oct 10:00.
    const base = u(startClock('RESTORE', sh('2025-09-30T09:00'), budget('PT10H')));
    expect(status(base, '2025-09-30T09:00').dueAt).toEqual(sh('2025-10-09T10:00'));
    let c = u(pauseClock(base, sh('2025-09-30T16:00')));
    c = u(resumeClock(c, sh('2025-10-09T10:00')));
    expect(status(c, '2025-10-09T10:00')).toMatchObject({ usedMs: 7 * H, dueAt: sh('2025-10-09T13:00') });
  });

  it('accumulates several pauses', () => {
    let c = restore4h;
    c = u(pauseClock(c, sh('2025-11-17T09:30')));
    c = u(resumeClock(c, sh('2025-11-17T10:30')));
    c = u(pauseClock(c, sh('2025-11-17T11:00')));
    c = u(resumeClock(c, sh('2025-11-17T12:00')));
    expect(c.pauses).toHaveLength(2);
    expect(status(c, '2025-11-17T13:00')).toMatchObject({ usedMs: 2 * H, dueAt: sh('2025-11-17T15:00') });
  });

  it('stays breached if the deadline had passed before pausing', () => {
    let c = u(startClock('RESTORE', sh('2025-11-17T09:00'), H));
    c = u(pauseClock(c, sh('2025-11-17T11:00')));
    expect(status(c, '2025-11-17T12:00')).toMatchObject({ paused: true, breached: true, breachedAt: sh('2025-11-17T10:00'), overdueMs: H });
  });

  it('is not breached when paused exactly at the deadline', () => {
    let c = u(startClock('RESTORE', sh('2025-11-17T09:00'), H));
    c = u(pauseClock(c, sh('2025-11-17T10:00')));
    expect(status(c, '2025-11-18T10:00')).toMatchObject({ paused: true, breached: false, usedMs: H, remainingMs: 0 });
  });
});

describe('re-baseline on severity change', () => {
  const p3 = u(startClock('RESTORE', sh('2025-11-17T09:00'), budget('PT8H')));
  const rebase = (c: SlaClock, iso: string, at: string) => u(rebaselineClock(c, budget(iso), sh(at), CHINA_5X8, cal));

  it('P3 → P2 after 3 h: keeps the 3 h used, due = now + (4 h − 3 h)', () => {
    const c = rebase(p3, 'PT4H', '2025-11-17T12:00');
    expect(status(c, '2025-11-17T12:00')).toMatchObject({
      usedMs: 3 * H,
      remainingMs: H,
      dueAt: sh('2025-11-17T13:00'),
      breached: false,
      warning: true,
    });
  });

  it('P3 → P1 after 3 h with a 2 h target: breached immediately, at the moment of the change', () => {
    const c = rebase(p3, 'PT2H', '2025-11-17T12:00');
    expect(status(c, '2025-11-17T12:00')).toMatchObject({
      breached: true,
      breachedAt: sh('2025-11-17T12:00'),
      dueAt: sh('2025-11-17T12:00'),
      overdueMs: H,
    });
  });

  it('used exactly equals the new budget: due now, breached a moment later', () => {
    const c = rebase(p3, 'PT2H', '2025-11-17T11:00');
    expect(status(c, '2025-11-17T11:00')).toMatchObject({ breached: false, dueAt: sh('2025-11-17T11:00') });
    expect(status(c, '2025-11-17T11:00:01')).toMatchObject({ breached: true, breachedAt: sh('2025-11-17T11:00') });
  });

  it('is computed in covered time (evening change → due next morning)', () => {
    const c0 = u(startClock('RESTORE', sh('2025-11-17T16:00'), budget('PT8H')));
    const c = rebase(c0, 'PT4H', '2025-11-17T20:00');
    expect(status(c, '2025-11-17T20:00')).toMatchObject({ usedMs: 1.5 * H, dueAt: sh('2025-11-18T11:00') });
  });

  it('keeps pauses, including an open one', () => {
    let c = u(pauseClock(p3, sh('2025-11-17T10:00')));
    c = u(resumeClock(c, sh('2025-11-17T11:00')));
    c = u(pauseClock(c, sh('2025-11-17T12:00'), 'AWAITING_CUSTOMER'));
    c = rebase(c, 'PT4H', '2025-11-17T13:00');
    expect(c.pauses).toEqual([
      { from: sh('2025-11-17T10:00'), to: sh('2025-11-17T11:00') },
      { from: sh('2025-11-17T12:00'), reason: 'AWAITING_CUSTOMER' },
    ]);
    expect(status(c, '2025-11-17T13:00')).toMatchObject({ paused: true, usedMs: 2 * H, dueAt: sh('2025-11-17T15:00') });
    c = u(resumeClock(c, sh('2025-11-17T14:00')));
    expect(status(c, '2025-11-17T14:00')).toMatchObject({ paused: false, usedMs: 2 * H, dueAt: sh('2025-11-17T16:00') });
  });

  it('a longer budget after a breach does not erase the breach', () => {
    const c = rebase(restore4h, 'PT8H', '2025-11-17T14:00');
    expect(c.breachedAt).toEqual(sh('2025-11-17T13:00'));
    expect(status(c, '2025-11-17T14:00')).toMatchObject({
      breached: true,
      breachedAt: sh('2025-11-17T13:00'),
      dueAt: sh('2025-11-17T17:00'),
    });
    expect(status(u(stopClock(c, sh('2025-11-17T16:00'))), '2025-11-17T16:00')).toMatchObject({ met: false, breached: true });
  });

  it('cannot re-baseline a stopped clock', () => {
    const stopped = u(stopClock(p3, sh('2025-11-17T10:00')));
    expect(rebaselineClock(stopped, H, sh('2025-11-17T11:00'), CHINA_5X8, cal)).toEqual({
      ok: false,
      error: { code: 'CLOCK_STOPPED', kind: 'RESTORE' },
    });
  });
});

describe('stop, reopen, cancel', () => {
  const met = u(stopClock(restore4h, sh('2025-11-17T11:00')));

  it('a clock stopped in time is met, and stays met', () => {
    for (const now of ['2025-11-17T11:00', '2025-11-20T11:00']) {
      expect(status(met, now)).toMatchObject({
        met: true,
        stopped: true,
        breached: false,
        usedMs: 2 * H,
        dueAt: sh('2025-11-17T13:00'),
        warning: false,
      });
    }
  });

  it('a clock stopped late is breached, not met', () => {
    const late = u(stopClock(restore4h, sh('2025-11-17T13:30')));
    expect(status(late, '2025-11-18T09:00')).toMatchObject({
      met: false,
      breached: true,
      breachedAt: sh('2025-11-17T13:00'),
      overdueMs: 0.5 * H,
    });
  });

  it('reopening resumes with the usage at the stop; the restored period does not count', () => {
    const reopened = u(reopenClock(met, sh('2025-11-18T09:00')));
    expect(reopened.stoppedAt).toBeUndefined();
    expect(reopened.pauses).toEqual([{ from: sh('2025-11-17T11:00'), to: sh('2025-11-18T09:00'), reason: 'REOPEN_GAP' }]);
    expect(status(reopened, '2025-11-18T09:00')).toMatchObject({
      met: false,
      stopped: false,
      usedMs: 2 * H,
      dueAt: sh('2025-11-18T11:00'),
    });
    expect(status(reopened, '2025-11-18T11:30')).toMatchObject({ breached: true, breachedAt: sh('2025-11-18T11:00') });
    const metAgain = u(stopClock(reopened, sh('2025-11-18T10:00')));
    expect(status(metAgain, '2025-11-19T10:00')).toMatchObject({ met: true, usedMs: 3 * H });
  });

  it('a stop while paused closes the pause', () => {
    const c = u(stopClock(u(pauseClock(restore4h, sh('2025-11-17T10:00'))), sh('2025-11-17T12:00')));
    expect(c.pauses).toEqual([{ from: sh('2025-11-17T10:00'), to: sh('2025-11-17T12:00') }]);
    expect(status(c, '2025-11-17T15:00')).toMatchObject({ met: true, usedMs: H, paused: false });
  });

  it('a cancelled clock is frozen, neither met nor warning', () => {
    const c = u(cancelClock(restore4h, sh('2025-11-17T12:30')));
    expect(status(c, '2025-11-18T12:00')).toMatchObject({ cancelled: true, met: false, breached: false, warning: false, usedMs: 3.5 * H });
    expect(reopenClock(c, sh('2025-11-18T12:00'))).toEqual({ ok: false, error: { code: 'CLOCK_CANCELLED', kind: 'RESTORE' } });
  });
});

describe('invalid operations return typed errors', () => {
  const paused = u(pauseClock(restore4h, sh('2025-11-17T10:00')));
  it.each<[string, ClockResult, string]>([
    ['pause twice', pauseClock(paused, sh('2025-11-17T11:00')), 'ALREADY_PAUSED'],
    ['resume a running clock', resumeClock(restore4h, sh('2025-11-17T11:00')), 'NOT_PAUSED'],
    ['event before the last one', resumeClock(paused, sh('2025-11-17T09:30')), 'OUT_OF_ORDER'],
    ['pause a stopped clock', pauseClock(u(stopClock(restore4h, sh('2025-11-17T10:00'))), sh('2025-11-17T11:00')), 'CLOCK_STOPPED'],
    ['reopen a running clock', reopenClock(restore4h, sh('2025-11-17T11:00')), 'CLOCK_NOT_STOPPED'],
    ['negative budget', startClock('RESPONSE', sh('2025-11-17T09:00'), -1), 'INVALID_BUDGET'],
    ['NaN budget', startClock('RESPONSE', sh('2025-11-17T09:00'), Number.NaN), 'INVALID_BUDGET'],
  ])('%s → %s', (_case, r, code) => {
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });
});

describe('replayClock', () => {
  it('folds stored events into the same clock as direct calls', () => {
    const events: ClockEvent[] = [
      { type: 'START', at: sh('2025-11-17T09:00'), kind: 'RESTORE', budgetMs: budget('PT8H') },
      { type: 'PAUSE', at: sh('2025-11-17T10:00'), reason: 'AWAITING_CUSTOMER' },
      { type: 'RESUME', at: sh('2025-11-17T11:00') },
      { type: 'REBASELINE', at: sh('2025-11-17T12:00'), budgetMs: budget('PT4H') },
      { type: 'STOP', at: sh('2025-11-17T13:00') },
      { type: 'REOPEN', at: sh('2025-11-18T09:00') },
    ];
    const c = u(replayClock(events, CHINA_5X8, cal));
    expect(status(c, '2025-11-18T09:30')).toMatchObject({ usedMs: 3.5 * H, dueAt: sh('2025-11-18T10:00'), breached: false, warning: true });
    expect(c.pauses).toHaveLength(2);
  });

  it.each<[string, ClockEvent[], string]>([
    ['no START first', [{ type: 'STOP', at: sh('2025-11-17T09:00') }], 'NOT_STARTED'],
    ['empty', [], 'NOT_STARTED'],
    [
      'second START',
      [
        { type: 'START', at: sh('2025-11-17T09:00'), kind: 'RESPONSE', budgetMs: H },
        { type: 'START', at: sh('2025-11-17T10:00'), kind: 'RESPONSE', budgetMs: H },
      ],
      'OUT_OF_ORDER',
    ],
    [
      'stops at the first bad event',
      [
        { type: 'START', at: sh('2025-11-17T09:00'), kind: 'RESPONSE', budgetMs: H },
        { type: 'RESUME', at: sh('2025-11-17T10:00') },
        { type: 'STOP', at: sh('2025-11-17T10:00') },
      ],
      'NOT_PAUSED',
    ],
  ])('%s → %s', (_case, events, code) => {
    const r = replayClock(events, CHINA_5X8, cal);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });
});
