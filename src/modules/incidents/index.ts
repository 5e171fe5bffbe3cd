import type { Hub, HubModule } from '../../platform/hub';
import { CalendarService } from '../calendar/calendar.service';
import { ContractsService } from '../contracts/contracts.service';
import { EmergencyReport, Incident, IncidentDiagnosis, IncidentEscalation, IncidentEvent } from './incident.entity';
import { DeviceIncidentsResolver, IncidentResolver } from './incidents.resolver';
import { seedIncidents } from './incidents.seed';
import { CLOCK_TIMER, PROGRESS_TIMER } from './incident-changes';
import { IncidentReplanning } from './incident.replanning';
import { IncidentTimers } from './incident.timers';

export const incidentsModule: HubModule = {
  name: 'incidents',
  entities: [Incident, IncidentEvent, IncidentEscalation, IncidentDiagnosis, EmergencyReport],
  resolvers: [IncidentResolver, DeviceIncidentsResolver],
  register(hub: Hub) {
    const timers = hub.get(IncidentTimers);
    const replanning = hub.get(IncidentReplanning);
    hub.scheduler.register(CLOCK_TIMER, (job) => timers.onClockTimer(job));
    hub.scheduler.register(PROGRESS_TIMER, (job) => timers.onProgressTimer(job));
    hub.get(CalendarService).onChange((tx, region) => replanning.onCalendarChanged(tx, region));
    hub.get(ContractsService).onTargetsChanged((tx, contract) => replanning.onContractChanged(tx, contract));
  },
  seed: seedIncidents,
};

/**
 * The incidents module's public API: reads (principal-scoped, IncidentsService) and commands taking
 * `(tx, actor, ...)` (IncidentCommands; `hub.get(IncidentCommands).openIncident(tx, actor, input)` opens
 * an incident inside the caller's transaction).
 */
export { Incident, IncidentEvent } from './incident.entity';
export { IncidentChannel, IncidentStatus } from './incident.enums';
export { IncidentCommands } from './incident.commands';
export { IncidentsService } from './incidents.service';
export type { ReportIncidentInput } from './incidents.inputs';
