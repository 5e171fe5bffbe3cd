import { Incident } from './incident.entity';
import type { IncidentSnapshot } from './incidents.events';

/** The incident as live updates carry it (instants as ISO strings), and back. */

const DATE_FIELDS = [
  'emergencyActivatedAt',
  'nextProgressDueAt',
  'lastProgressAt',
  'occurredAt',
  'reportedAt',
  'nextDueAt',
  'acknowledgedAt',
  'restoredAt',
  'closedAt',
  'updatedAt',
] as const;

export function snapshotOf(incident: Incident): IncidentSnapshot {
  const out: Record<string, unknown> = { ...incident };
  for (const f of DATE_FIELDS) out[f] = incident[f] ? (incident[f] as Date).toISOString() : null;
  return JSON.parse(JSON.stringify(out)) as IncidentSnapshot;
}

export function incidentFromSnapshot(snapshot: IncidentSnapshot): Incident {
  const out = Object.assign(new Incident(), snapshot) as unknown as Record<string, unknown>;
  for (const f of DATE_FIELDS) out[f] = snapshot[f] ? new Date(snapshot[f] as string) : null;
  return out as unknown as Incident;
}
