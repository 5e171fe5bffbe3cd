import type { HubContext } from '../../platform/graphql/context';
import { principalOf } from '../../platform/graphql/context';
import type { EmergencyReport, Incident, IncidentDiagnosis, IncidentEscalation, IncidentEvent } from './incident.entity';
import { IncidentsService } from './incidents.service';

/**
 * Per-request loaders for an incident's nested lists: one statement per page
 * whatever its size. They are reached only through an incident the principal
 * may see, so they inherit its authorization.
 */
const service = (ctx: HubContext) => ctx.hub.get(IncidentsService);

export const incidentEventsLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, IncidentEvent[]>('incident.events', (ids) => service(ctx).eventsFor(ids));
export const incidentEscalationsLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, IncidentEscalation[]>('incident.escalations', (ids) => service(ctx).escalationsFor(ids));
export const incidentDiagnosisLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, IncidentDiagnosis | null>('incident.diagnosis', (ids) => service(ctx).diagnosesFor(ids));
export const emergencyReportLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, EmergencyReport | null>('incident.emergencyReport', (ids) => service(ctx).emergencyReportsFor(ids));

/** A device's incidents, scoped to the principal (a nested list, so it is scoped rather than inherited). */
export const deviceIncidentsLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, Incident[]>('device.incidents', (deviceIds) => service(ctx).historyForDevices(principalOf(ctx), deviceIds));
