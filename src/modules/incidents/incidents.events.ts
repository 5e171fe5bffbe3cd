/**
 * What the incidents module sends out: Kafka events through the outbox (SLA
 * breaches and escalations, for the customers' and partners' own systems) and
 * live updates for `incidentUpdated` subscriptions.
 */
import { makeEnvelope, EventEnvelope } from '../../platform/kafka/event-bus';
import type { IncidentUpdateKind } from './incident.enums';

export const INCIDENT_SLA_BREACHED = 'IncidentSlaBreached';
export const INCIDENT_ESCALATED = 'IncidentEscalated';

export interface IncidentSlaBreachedPayload {
  incidentId: string;
  customerId: string;
  siteId: string;
  deviceId: string | null;
  contractId: string;
  severity: string;
  clock: string;
  target: string;
  dueAt: string;
  breachedAt: string;
}

export interface IncidentEscalatedPayload {
  incidentId: string;
  customerId: string;
  assignedCentreId: string | null;
  kind: string;
  trigger: string;
  clock: string | null;
  from: string;
  to: string;
  reason: string;
  at: string;
  /** The incident's levels once the escalation (all steps of one breach) is applied. */
  severity: string;
  managementLevel: string;
  supportTier: number;
}

export const slaBreachedEvent = (payload: IncidentSlaBreachedPayload): EventEnvelope<IncidentSlaBreachedPayload> =>
  makeEnvelope({ type: INCIDENT_SLA_BREACHED, key: payload.incidentId, source: 'hub', payload });

export const escalatedEvent = (payload: IncidentEscalatedPayload): EventEnvelope<IncidentEscalatedPayload> =>
  makeEnvelope({ type: INCIDENT_ESCALATED, key: payload.incidentId, source: 'hub', payload });

// ---- live updates -------------------------------------------------------------

export const INCIDENT_UPDATED = 'INCIDENT_UPDATED';
/** Staff subscribers (and partners, filtered per event) listen on this id. */
export const ALL_INCIDENTS = '*';

/** The incident row as it crosses the live bus: JSON-safe, dates as ISO strings. */
export type IncidentSnapshot = Record<string, unknown> & { id: string; customerId: string; assignedCentreId: string | null };

export interface IncidentUpdatePayload {
  kind: IncidentUpdateKind;
  message: string;
  at: string;
  clock: string | null;
  incident: IncidentSnapshot;
}
