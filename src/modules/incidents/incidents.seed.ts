import { Role } from '../../platform/auth/principal';
import type { Principal } from '../../platform/auth/principal';
import type { DemoContext, Hub } from '../../platform/hub';
import { EmergencyKind, IncidentChannel, IncidentStatus } from './incident.enums';
import { Severity } from '../sla/sla.enums';
import { IncidentsService } from './incidents.service';

const DESK: Principal = { keyId: 'seed', name: 'demo service desk', role: Role.OPERATOR, scopeId: null, visibleScopeIds: [] };

/** Three live incidents: an emergency on the bank's storage, a monitoring alert at a remote site, an acknowledged P3. */
export async function seedIncidents(hub: Hub, demo: DemoContext): Promise<void> {
  const service = hub.get(IncidentsService);
  const emergency = await service.report(DESK, {
    deviceSerial: 'SN-UN5500-0001',
    severity: Severity.P1,
    summary: 'Storage pool offline after dual controller failure; core banking volumes unavailable',
    channel: IncidentChannel.PHONE,
    emergency: EmergencyKind.DATA_LOSS,
    externalRef: 'HD-BANK-20001',
  });
  const alert = await service.report(DESK, {
    deviceSerial: 'SN-DL380-0002',
    severity: Severity.P2,
    summary: 'iLO reports predictive failure on DIMM slot 12',
    channel: IncidentChannel.MONITORING,
    externalRef: 'NMS-ALERT-77812',
  });
  const routine = await service.report(DESK, {
    deviceSerial: 'SN-2288H-0001',
    severity: Severity.P3,
    summary: 'Redundant PSU 2 shows amber LED',
    channel: IncidentChannel.EMAIL,
  });
  await service.acknowledge(DESK, routine.id, 'Engineer Wang will call the machine room');
  await service.transition(DESK, emergency.id, IncidentStatus.ACKNOWLEDGED, 'Storage specialist engaged');
  Object.assign(demo, { incidents: { emergency, alert, routine } });
}
