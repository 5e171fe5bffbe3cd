import { chooseCentre } from './centre-choice';
import { civilDateOf, deadlineStatus, elapsedDurationMs, endOfCivilDay, nextManagementLevel, warnAt } from './deadline';

const t = (iso: string) => new Date(iso);

describe('wall-clock deadlines', () => {
  const facts = { startedAt: t('2026-03-02T02:00:00Z'), dueAt: t('2026-03-09T02:00:00Z'), stoppedAt: null };

  it('runs, then breaches once past due; a stop on or before due is met, after due is breached', () => {
    expect(deadlineStatus(facts, t('2026-03-05T02:00:00Z'))).toEqual({
      outcome: 'RUNNING',
      elapsedMs: 3 * 86_400_000,
      remainingMs: 4 * 86_400_000,
      overdueMs: 0,
    });
    expect(deadlineStatus(facts, t('2026-03-09T02:00:00Z')).outcome).toBe('RUNNING');
    expect(deadlineStatus(facts, t('2026-03-09T02:00:00.001Z')).outcome).toBe('BREACHED');
    expect(deadlineStatus({ ...facts, stoppedAt: t('2026-03-09T02:00:00Z') }, t('2026-04-01T00:00:00Z')).outcome).toBe('MET');
    expect(deadlineStatus({ ...facts, stoppedAt: t('2026-03-10T02:00:00Z') }, t('2026-04-01T00:00:00Z'))).toEqual({
      outcome: 'BREACHED',
      elapsedMs: 8 * 86_400_000,
      remainingMs: 0,
      overdueMs: 86_400_000,
    });
  });

  it('ignores a stop that happened after asOf (what was true then)', () => {
    const late = { ...facts, stoppedAt: t('2026-03-20T00:00:00Z') };
    expect(deadlineStatus(late, t('2026-03-04T00:00:00Z')).outcome).toBe('RUNNING');
    expect(deadlineStatus(late, t('2026-03-31T00:00:00Z')).outcome).toBe('BREACHED');
  });

  it('warns at the share of the allowed time', () => {
    expect(warnAt(t('2026-03-02T00:00:00Z'), t('2026-03-02T00:00:02Z'), 0.75).toISOString()).toBe('2026-03-02T00:00:01.500Z');
  });

  it('reads ISO durations as elapsed time and refuses months and zero', () => {
    expect(elapsedDurationMs('P7D')).toBe(7 * 86_400_000);
    expect(elapsedDurationMs('PT15M')).toBe(900_000);
    expect(elapsedDurationMs('PT2S')).toBe(2000);
    expect(elapsedDurationMs('P1M')).toBeNull();
    expect(elapsedDurationMs('PT0S')).toBeNull();
    expect(elapsedDurationMs('soon')).toBeNull();
  });

  it('ends a civil day at local midnight', () => {
    expect(endOfCivilDay('2026-09-30', 'Asia/Shanghai').toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(civilDateOf(t('2026-09-30T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-10-01');
  });

  it('climbs the management ladder one rung at a time', () => {
    expect(nextManagementLevel('ENGINEER')).toBe('TEAM_LEAD');
    expect(nextManagementLevel('SERVICE_MANAGER')).toBe('DIRECTOR');
    expect(nextManagementLevel('DIRECTOR')).toBeNull();
  });
});

describe('centre for a site', () => {
  const centres = [
    { id: 'oem', code: 'T3', tier: 3, region: 'CN' },
    { id: 'east2', code: 'T2-E', tier: 2, region: 'CN-EAST' },
    { id: 'sh-b', code: 'T1-SH-02', tier: 1, region: 'CN-EAST' },
    { id: 'sh-a', code: 'T1-SH-01', tier: 1, region: 'CN-EAST' },
    { id: 'north2', code: 'T2-N', tier: 2, region: 'CN-NORTH' },
  ];
  it('prefers the local partner, then the regional centre, then the top', () => {
    expect(chooseCentre(centres, 'CN-EAST')?.id).toBe('sh-a');
    expect(chooseCentre(centres, 'CN-NORTH')?.id).toBe('north2');
    expect(chooseCentre(centres, 'CN-WEST')?.id).toBe('oem');
    expect(chooseCentre([], 'CN-EAST')).toBeNull();
  });
});
