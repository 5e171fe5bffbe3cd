import type { Incident } from '../../incidents/incident.entity';
import { causesOf } from './causes';

const at = new Date('2026-03-02T02:00:00Z');
const ev = (seq: number, type: string, details: Record<string, unknown> | null, message = '') => ({
  seq,
  type,
  details: details ? JSON.stringify(details) : null,
  at,
  clock: 'RESPONSE',
  message,
});
const incident = (over: Partial<Incident> = {}) =>
  ({
    id: 'inc-1',
    managementLevel: 'TEAM_LEAD',
    severity: 'P3',
    summary: 'PSU failed',
    externalRef: null,
    reportedAt: new Date(at.getTime() - 3600_000),
    emergencyActive: false,
    ...over,
  }) as Incident;

describe('causesOf', () => {
  it('tells a breach to the level and severity that missed it, the escalation to the level reached', () => {
    const causes = causesOf(incident(), [
      ev(3, 'CLOCK_BREACHED', { dueAt: '2026-03-02T01:59:00Z', usedMs: 1 }),
      ev(5, 'SEVERITY_CHANGED', { kind: 'RAISE_SEVERITY', from: 'P4', to: 'P3' }),
      ev(7, 'ESCALATED', { kind: 'RAISE_MANAGEMENT_LEVEL', trigger: 'CLOCK_BREACH', from: 'ENGINEER', to: 'TEAM_LEAD' }),
    ] as never);
    expect(causes.map((c) => [c.cause, c.key, c.level, c.facts.severity])).toEqual([
      ['BREACH', 'incident:inc-1:3', 'ENGINEER', 'P4'],
      ['ESCALATION', 'incident:inc-1:7', 'TEAM_LEAD', 'P3'],
    ]);
    expect(causes[0].facts.dueAt).toEqual(new Date('2026-03-02T01:59:00Z'));
    expect(causes[1].facts).toMatchObject({ fromLevel: 'ENGINEER', toLevel: 'TEAM_LEAD', trigger: 'CLOCK_BREACH', periodMs: 3600_000 });
  });

  it('ignores entries nobody is told about, and support-tier steps', () => {
    expect(
      causesOf(incident(), [
        ev(1, 'REPORTED', null),
        ev(2, 'ESCALATED', { kind: 'RAISE_SUPPORT_TIER', from: '1', to: '2' }),
        ev(3, 'PROGRESS_POSTED', null, 'replaced the PSU'),
      ] as never),
    ).toEqual([]);
  });

  it('an emergency progress note goes out as an update, a missed one as a miss', () => {
    const causes = causesOf(incident({ emergencyActive: true }), [
      ev(4, 'PROGRESS_POSTED', null, 'replaced the PSU'),
      ev(6, 'PROGRESS_OVERDUE', { dueAt: '2026-03-02T01:00:00Z' }),
    ] as never);
    expect(causes.map((c) => [c.cause, c.level, c.facts.progress ?? null])).toEqual([
      ['EMERGENCY_UPDATE', 'TEAM_LEAD', 'replaced the PSU'],
      ['EMERGENCY_UPDATE_MISSED', 'TEAM_LEAD', null],
    ]);
  });
});
