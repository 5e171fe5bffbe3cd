/**
 * Everything the alert connectors need from the incidents module, in one place. The connector acts as
 * itself (a connector actor scoped to its customer): the incidents module refuses a device or incident
 * of another customer with NOT_FOUND.
 */
import type { Tx } from '../../../platform/db/database';
import type { Actor } from '../../../platform/auth/actor';
import type { Hub } from '../../../platform/hub';
import { Incident } from '../../incidents/incident.entity';
import { IncidentChannel, IncidentEventType, IncidentStatus } from '../../incidents/incident.enums';
import { IncidentCommands } from '../../incidents/incident.commands';
import type { Severity } from '../../sla/sla.enums';

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

/** Opens the incident in a transaction of its own; idempotent per externalRef (a repeat returns the first incident). */
export async function openIncidentForDevice(
  hub: Hub,
  actor: ConnectorActor,
  request: OpenIncidentRequest,
): Promise<{ id: string; customerId: string }> {
  const occurredAt = request.occurredAt && request.occurredAt.getTime() <= Date.now() ? request.occurredAt : null;
  const incident = await hub.get(IncidentCommands).reportIncident(actor, {
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

export async function recordAlertRepeated(
  hub: Hub,
  tx: Tx,
  actor: ConnectorActor,
  incidentId: string,
  info: { count: number; lastSeenAt: Date; firingAgain: boolean },
): Promise<void> {
  const message = `monitoring: alert ${info.firingAgain ? 'firing again' : 'repeated'} (count ${info.count}, last seen ${info.lastSeenAt.toISOString()})`;
  await hub.get(IncidentCommands).recordMonitoringSignal(tx, actor, incidentId, {
    type: IncidentEventType.MONITORING_ALERT,
    message,
    details: { count: info.count, lastSeenAt: info.lastSeenAt.toISOString() },
    clearedAt: null,
  });
}

export async function recordMonitoringCleared(hub: Hub, tx: Tx, actor: ConnectorActor, incidentId: string, at: Date): Promise<void> {
  await hub.get(IncidentCommands).recordMonitoringSignal(tx, actor, incidentId, {
    type: IncidentEventType.MONITORING_CLEARED,
    message: 'monitoring cleared (the incident stays open until the customer consents to closure)',
    details: { clearedAt: at.toISOString() },
    clearedAt: at,
  });
}
