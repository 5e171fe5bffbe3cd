import { chineseWorkingCalendar } from '../calendar/rules/chinese-days-source';
import { CHINA_5X8, COVERAGE_24X7 } from '../sla/rules/coverage';
import { DEFAULT_ESCALATION_POLICY } from '../sla/rules/escalation';
import { clockEffects } from './rules/state-machine';
import { applyClockEffects, planTimers, rebaselineClocks, SlaContext, startClocks, status, summarize, timerKey } from './incident-sla';

const H = 3_600_000;
const calendar = chineseWorkingCalendar([2025, 2026]);
const ctx24: SlaContext = { coverage: COVERAGE_24X7, calendar, policy: DEFAULT_ESCALATION_POLICY };
const ctx5x8: SlaContext = { coverage: CHINA_5X8, calendar, policy: DEFAULT_ESCALATION_POLICY };
const at = (iso: string) => new Date(iso);
const t0 = at('2026-04-13T02:00:00Z'); // Monday 10:00 in Beijing

describe('planTimers', () => {
  it('plans a warning at the policy share and the breach at the due time (7x24)', () => {
    const clocks = startClocks({ RESPONSE: { iso: 'PT1H', budgetMs: H } }, t0);
    expect(planTimers(clocks, t0, ctx24)).toEqual([
      { clock: 'RESPONSE', phase: 'WARN', dueAt: new Date(t0.getTime() + 0.75 * H) },
      { clock: 'RESPONSE', phase: 'BREACH', dueAt: new Date(t0.getTime() + H) },
    ]);
  });

  it('counts the warning share in business time (5x8 across the night)', () => {
    const friday = at('2026-04-10T09:20:00Z'); // Friday 17:20 Beijing: 10 covered minutes left that day
    const clocks = startClocks({ RESPONSE: { iso: 'PT30M', budgetMs: 30 * 60_000 } }, friday);
    const [warn, breach] = planTimers(clocks, friday, ctx5x8);
    expect(warn.dueAt.toISOString()).toBe(at('2026-04-13T08:42:30+08:00').toISOString()); // 22.5 min: 10 Friday + 12.5 Monday
    expect(breach.dueAt.toISOString()).toBe(at('2026-04-13T08:50:00+08:00').toISOString());
  });

  it('plans nothing for a paused clock, and warns only once per budget', () => {
    let clocks = startClocks({ RESTORE: { iso: 'PT4H', budgetMs: 4 * H } }, t0);
    const paused = applyClockEffects(clocks, [{ clock: 'RESTORE', action: 'PAUSE' }], new Date(t0.getTime() + H));
    expect(paused.ok && planTimers(paused.value, new Date(t0.getTime() + H), ctx24)).toEqual([]);
    clocks = { RESTORE: { ...clocks.RESTORE!, warnedBudgetMs: 4 * H } };
    expect(planTimers(clocks, t0, ctx24).map((p) => p.phase)).toEqual(['BREACH']);
  });

  it('asks for a breach still to be escalated at the breach instant, and for nothing once it is handled', () => {
    const clocks = startClocks({ RESPONSE: { iso: 'PT1H', budgetMs: H } }, t0);
    const later = new Date(t0.getTime() + 3 * H);
    expect(planTimers(clocks, later, ctx24)).toEqual([{ clock: 'RESPONSE', phase: 'BREACH', dueAt: new Date(t0.getTime() + H) }]);
    const handled = { RESPONSE: { ...clocks.RESPONSE!, breachHandledAt: later.toISOString() } };
    expect(planTimers(handled, later, ctx24)).toEqual([]);
  });
});

describe('applyClockEffects', () => {
  it('treats effects as intents: stopping a stopped clock or resuming a running one changes nothing', () => {
    const clocks = startClocks({ RESPONSE: { iso: 'PT1H', budgetMs: H }, RESTORE: { iso: 'PT4H', budgetMs: 4 * H } }, t0);
    const ack = applyClockEffects(clocks, clockEffects('NEW', 'ACKNOWLEDGED'), new Date(t0.getTime() + 60_000));
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    const again = applyClockEffects(ack.value, clockEffects('AWAITING_CUSTOMER', 'ACKNOWLEDGED'), new Date(t0.getTime() + 120_000));
    expect(again.ok && again.value.RESPONSE).toEqual(ack.value.RESPONSE);
    expect(again.ok && again.value.RESTORE!.pauses).toEqual([]);
  });

  it('never moves a clock back in time (another instance may run a few ms behind)', () => {
    const clocks = startClocks({ RESPONSE: { iso: 'PT1H', budgetMs: H } }, t0);
    const r = applyClockEffects(clocks, [{ clock: 'RESPONSE', action: 'STOP' }], new Date(t0.getTime() - 5));
    expect(r.ok && r.value.RESPONSE!.stoppedAt).toBe(t0.toISOString());
  });
});

describe('rebaselineClocks', () => {
  const report = startClocks(
    { RESPONSE: { iso: 'PT1H', budgetMs: H }, ON_SITE: { iso: 'PT4H', budgetMs: 4 * H }, RESTORE: { iso: 'PT8H', budgetMs: 8 * H } },
    t0,
  );

  it('keeps pauses and used time, leaves stopped clocks alone, cancels a clock the new targets lack', () => {
    let clocks = report;
    const step = (effects: Parameters<typeof applyClockEffects>[1], ms: number) => {
      const r = applyClockEffects(clocks, effects, new Date(t0.getTime() + ms));
      if (!r.ok) throw new Error(r.error.code);
      clocks = r.value;
    };
    step([{ clock: 'RESPONSE', action: 'STOP' }], 10 * 60_000);
    step([{ clock: 'RESTORE', action: 'PAUSE' }], H);
    step([{ clock: 'RESTORE', action: 'RESUME' }], 2 * H);
    const now = new Date(t0.getTime() + 3 * H);
    const r = rebaselineClocks(
      clocks,
      { RESPONSE: { iso: 'PT30M', budgetMs: H / 2 }, RESTORE: { iso: 'PT4H', budgetMs: 4 * H } },
      t0,
      now,
      ctx24,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.RESPONSE).toEqual(clocks.RESPONSE);
    expect(r.value.ON_SITE!.cancelledAt).toBe(now.toISOString());
    expect(r.value.RESTORE!.pauses).toEqual(clocks.RESTORE!.pauses);
    const st = status(r.value.RESTORE!, now, ctx24);
    expect(st.usedMs).toBe(2 * H);
    expect(st.dueAt.getTime()).toBe(now.getTime() + 2 * H);
  });

  it('starts a newly promised clock as if it had run since the report', () => {
    const noOnSite = { RESPONSE: report.RESPONSE, RESTORE: report.RESTORE };
    const now = new Date(t0.getTime() + H);
    const r = rebaselineClocks(
      noOnSite,
      { RESPONSE: { iso: 'PT1H', budgetMs: H }, ON_SITE: { iso: 'PT2H', budgetMs: 2 * H }, RESTORE: { iso: 'PT8H', budgetMs: 8 * H } },
      t0,
      now,
      ctx24,
    );
    expect(r.ok && status(r.value.ON_SITE!, now, ctx24).dueAt.getTime()).toBe(t0.getTime() + 2 * H);
  });
});

describe('summarize', () => {
  it('takes the next deadline from clocks that are counting', () => {
    const clocks = startClocks({ RESPONSE: { iso: 'PT1H', budgetMs: H }, RESTORE: { iso: 'PT4H', budgetMs: 4 * H } }, t0);
    const stopped = applyClockEffects(clocks, [{ clock: 'RESPONSE', action: 'STOP' }], t0);
    expect(stopped.ok && summarize(stopped.value, t0, ctx24)).toEqual({
      breached: false,
      nextDueAt: new Date(t0.getTime() + 4 * H),
      calendarIncomplete: false,
    });
    expect(summarize(clocks, new Date(t0.getTime() + 2 * H), ctx24).breached).toBe(true);
  });
});

describe('timerKey', () => {
  it('has a fixed width so that cancelling one key can never match another', () => {
    const a = timerKey('id', 'RESPONSE:BREACH', new Date(1234));
    const b = timerKey('id', 'RESPONSE:BREACH', new Date(12345));
    expect(a.length).toBe(b.length);
    expect(b.startsWith(a)).toBe(false);
  });
});
