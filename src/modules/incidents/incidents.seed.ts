import { systemActor } from '../../platform/auth/actor';
import type { DemoContext, Hub } from '../../platform/hub';
import { EmergencyKind, IncidentChannel, IncidentStatus } from './incident.enums';
import { Severity } from '../sla/sla.enums';
import { IncidentCommands } from './incident.commands';
import type { ReportIncidentInput } from './incidents.inputs';

const DESK = systemActor('demo service desk');

/** Three live incidents: an emergency on the bank's storage, a monitoring alert at a remote site, an acknowledged P3. */
export async function seedIncidents(hub: Hub, demo: DemoContext): Promise<void> {
  const commands = hub.get(IncidentCommands);
  const open = (input: ReportIncidentInput) => hub.db.transaction((tx) => commands.openIncident(tx, DESK, input));
  const emergency = await open({
    deviceSerial: 'SN-UN5500-0001',
    severity: Severity.P1,
    summary: 'Storage pool offline after dual controller failure; core banking volumes unavailable',
    channel: IncidentChannel.PHONE,
    emergency: EmergencyKind.DATA_LOSS,
    externalRef: 'HD-BANK-20001',
  });
  const alert = await open({
    deviceSerial: 'SN-DL380-0002',
    severity: Severity.P2,
    summary: 'iLO reports predictive failure on DIMM slot 12',
    channel: IncidentChannel.MONITORING,
    externalRef: 'NMS-ALERT-77812',
  });
  const routine = await open({
    deviceSerial: 'SN-2288H-0001',
    severity: Severity.P3,
    summary: 'Redundant PSU 2 shows amber LED',
    channel: IncidentChannel.EMAIL,
  });
  await hub.db.transaction((tx) => commands.acknowledge(tx, DESK, routine.id, 'Engineer Wang will call the machine room'));
  await hub.db.transaction((tx) => commands.transition(tx, DESK, emergency.id, IncidentStatus.ACKNOWLEDGED, 'Storage specialist engaged'));
  Object.assign(demo, { incidents: { emergency, alert, routine } });
}
