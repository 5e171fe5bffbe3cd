/**
 * Everything the alert connectors need from the incidents module, in one place.
 *
 * Today's incidents module has no command that takes an Actor and joins the caller's transaction, so:
 * - openIncidentForDevice calls IncidentsService.report with a CUSTOMER principal built for the connector
 *   (scoped to the connector's customer only) in report's own transaction; it is idempotent per externalRef,
 *   which the caller uses to make retries and races converge on one incident;
 * - the timeline entries write incident rows directly (incident row locked, eventSeq advanced as the service does).
 * Both go away when the incidents module exports openIncident(tx, actor, input) and a timeline command.
 */
import type { Tx } from '../../../platform/db/database';
import { newId } from '../../../platform/db/columns';
import { Actor, actorLabel } from '../../../platform/auth/actor';
import { Principal, Role } from '../../../platform/auth/principal';
import type { Hub } from '../../../platform/hub';
import { Incident, IncidentEvent } from '../../incidents/incident.entity';
import { IncidentChannel, IncidentEventType, IncidentStatus, Severity } from '../../incidents/incident.enums';
import { IncidentsService } from '../../incidents/incidents.service';

type ConnectorActor = Extract<Actor, { kind: 'connector' }>;

export interface OpenIncidentRequest {
  deviceSerial: string | null;
  siteId: string | null;
  severity: Severity;
  summary: string;
  description: string | null;
  /** Same reference, same incident (retries, concurrent deliveries). */
  externalRef: string;
  occurredAt: Date | null;
}

/** The only principal forged for a connector: a CUSTOMER key of its own customer, never wider. */
function connectorPrincipal(actor: ConnectorActor): Principal {
  return {
    keyId: `connector:${actor.connectorId}`,
    name: actorLabel(actor),
    role: Role.CUSTOMER,
    scopeId: actor.customerId,
    visibleScopeIds: [actor.customerId],
  };
}

export async function openIncidentForDevice(hub: Hub, actor: ConnectorActor, request: OpenIncidentRequest): Promise<{ id: string; customerId: string }> {
  const occurredAt = request.occurredAt && request.occurredAt.getTime() <= Date.now() ? request.occurredAt : null;
  const incident = await hub.get(IncidentsService).report(connectorPrincipal(actor), {
    channel: IncidentChannel.MONITORING,
    severity: request.severity,
    summary: request.summary,
    description: request.description ?? undefined,
    deviceSerial: request.deviceSerial ?? undefined,
    siteId: request.siteId ?? undefined,
    externalRef: request.externalRef,
    occurredAt: occurredAt ?? undefined,
  });
  return { id: incident.id, customerId: incident.customerId };
}

/** Open means not CLOSED or CANCELLED: a RESTORED incident still awaits the customer's consent. */
export async function isIncidentOpen(tx: Tx, incidentId: string): Promise<boolean> {
  const row = await tx.em.findOne(Incident, { select: { id: true, status: true }, where: { id: incidentId } });
  return !!row && row.status !== IncidentStatus.CLOSED && row.status !== IncidentStatus.CANCELLED;
}

export function recordAlertRepeated(hub: Hub, tx: Tx, actor: ConnectorActor, incidentId: string, info: { count: number; lastSeenAt: Date; firingAgain: boolean }) {
  const message = info.firingAgain
    ? `monitoring: alert firing again (count ${info.count}, last seen ${info.lastSeenAt.toISOString()})`
    : `monitoring: alert repeated (count ${info.count}, last seen ${info.lastSeenAt.toISOString()})`;
  return appendTimeline(hub, tx, actor, incidentId, IncidentEventType.MONITORING_ALERT, message, { count: info.count, lastSeenAt: info.lastSeenAt.toISOString() }, { monitoringClearedAt: null });
}

export function recordMonitoringCleared(hub: Hub, tx: Tx, actor: ConnectorActor, incidentId: string, at: Date) {
  return appendTimeline(hub, tx, actor, incidentId, IncidentEventType.MONITORING_CLEARED, 'monitoring cleared (the incident stays open until the customer consents to closure)', { clearedAt: at.toISOString() }, { monitoringClearedAt: at });
}

async function appendTimeline(
  hub: Hub,
  tx: Tx,
  actor: ConnectorActor,
  incidentId: string,
  type: IncidentEventType,
  message: string,
  details: Record<string, unknown>,
  fields: Partial<Pick<Incident, 'monitoringClearedAt'>>,
): Promise<void> {
  const incident = await tx.em.findOne(Incident, { select: { id: true, customerId: true, eventSeq: true }, where: { id: incidentId }, lock: hub.db.lockMode() });
  if (!incident || incident.customerId !== actor.customerId) return;
  const now = new Date();
  const seq = incident.eventSeq + 1;
  await tx.em.update(Incident, { id: incidentId }, { ...fields, eventSeq: seq, updatedAt: now });
  await tx.em.insert(IncidentEvent, {
    id: newId(),
    incidentId,
    customerId: incident.customerId,
    seq,
    at: now,
    type,
    actor: actorLabel(actor),
    fromStatus: null,
    toStatus: null,
    clock: null,
    message,
    details: JSON.stringify(details),
  });
}
