/**
 * Which of an incident's new timeline entries call for telling people, and
 * what the message says. Pure.
 */
import type { Incident, IncidentEvent } from '../../incidents/incident.entity';
import { IncidentEventType } from '../../incidents/incident.enums';
import type { ManagementLevel } from '../../sla/rules/escalation';
import type { ClockKind } from '../../sla/rules/sla-clock';
import type { NotificationCause } from './recipients';
import type { MessageFacts } from './render';

/** A reason to tell people, derived from one timeline entry. */
export interface IncidentCause {
  readonly cause: NotificationCause;
  /** Unique per cause: the timeline entry it came from. */
  readonly key: string;
  /** The management level whose people are told. */
  readonly level: ManagementLevel;
  readonly facts: Omit<MessageFacts, 'site' | 'timeZone'>;
}

export const WATCHED_EVENTS: ReadonlySet<string> = new Set([
  IncidentEventType.CLOCK_WARNING,
  IncidentEventType.CLOCK_BREACHED,
  IncidentEventType.ESCALATED,
  IncidentEventType.PROGRESS_OVERDUE,
  IncidentEventType.PROGRESS_POSTED,
]);

/**
 * Turns an incident's new timeline entries into notification causes. Pure.
 * A breach is told to the level that missed it; the escalation that follows
 * (same change) to the level reached.
 */
export function causesOf(
  incident: Incident,
  events: readonly Pick<IncidentEvent, 'seq' | 'type' | 'details' | 'at' | 'clock' | 'message'>[],
): IncidentCause[] {
  const details = (e: Pick<IncidentEvent, 'details'>) => (e.details ? (JSON.parse(e.details) as Record<string, unknown>) : {});
  const levelStep = events
    .map((e) => ({ e, d: details(e) }))
    .find(({ e, d }) => e.type === IncidentEventType.ESCALATED && d.kind === 'RAISE_MANAGEMENT_LEVEL');
  const levelBefore = (levelStep?.d.from as ManagementLevel | undefined) ?? incident.managementLevel;
  const severityStep = events.map((e) => details(e)).find((d) => d.kind === 'RAISE_SEVERITY');
  const severityBefore = (severityStep?.from as string | undefined) ?? incident.severity;
  const base = { ref: incident.externalRef ?? incident.id.slice(0, 8), severity: incident.severity, summary: incident.summary };
  const out: IncidentCause[] = [];
  for (const e of events) {
    if (!WATCHED_EVENTS.has(e.type)) continue;
    const d = details(e);
    const key = `incident:${incident.id}:${e.seq}`;
    const facts = { ...base, at: e.at, clock: (e.clock as ClockKind | null) ?? null };
    switch (e.type) {
      case IncidentEventType.CLOCK_WARNING:
        out.push({
          cause: 'BREACH_WARNING',
          key,
          level: incident.managementLevel,
          facts: { ...facts, dueAt: new Date(String(d.dueAt)), remainingMs: Number(d.remainingMs) },
        });
        break;
      case IncidentEventType.CLOCK_BREACHED:
        out.push({
          cause: 'BREACH',
          key,
          level: levelBefore,
          facts: { ...facts, severity: severityBefore, dueAt: new Date(String(d.dueAt)) },
        });
        break;
      case IncidentEventType.ESCALATED:
        if (d.kind !== 'RAISE_MANAGEMENT_LEVEL') break;
        out.push({
          cause: 'ESCALATION',
          key,
          level: d.to as ManagementLevel,
          facts: {
            ...facts,
            fromLevel: d.from as ManagementLevel,
            toLevel: d.to as ManagementLevel,
            trigger: d.trigger as MessageFacts['trigger'],
            periodMs: e.at.getTime() - incident.reportedAt.getTime(),
          },
        });
        break;
      case IncidentEventType.PROGRESS_OVERDUE:
        out.push({ cause: 'EMERGENCY_UPDATE_MISSED', key, level: levelBefore, facts: { ...facts, dueAt: new Date(String(d.dueAt)) } });
        break;
      case IncidentEventType.PROGRESS_POSTED:
        if (incident.emergencyActive)
          out.push({ cause: 'EMERGENCY_UPDATE', key, level: incident.managementLevel, facts: { ...facts, progress: e.message } });
        break;
    }
  }
  return out;
}
