import type { Hub, HubModule } from '../../platform/hub';
import { CalendarService } from '../calendar/calendar.service';
import { ContractsService } from '../contracts/contracts.service';
import { EmergencyReport, Incident, IncidentDiagnosis, IncidentEscalation, IncidentEvent } from './incident.entity';
import { DeviceIncidentsResolver, IncidentResolver } from './incidents.resolver';
import { seedIncidents } from './incidents.seed';
import { CLOCK_TIMER, IncidentsService, PROGRESS_TIMER } from './incidents.service';

export const incidentsModule: HubModule = {
  name: 'incidents',
  entities: [Incident, IncidentEvent, IncidentEscalation, IncidentDiagnosis, EmergencyReport],
  resolvers: [IncidentResolver, DeviceIncidentsResolver],
  register(hub: Hub) {
    const service = hub.get(IncidentsService);
    hub.scheduler.register(CLOCK_TIMER, (job) => service.onClockTimer(job));
    hub.scheduler.register(PROGRESS_TIMER, (job) => service.onProgressTimer(job));
    hub.get(CalendarService).onChange((tx, region) => service.onCalendarChanged(tx, region));
    hub.get(ContractsService).onTargetsChanged((tx, contract) => service.onContractChanged(tx, contract));
  },
  seed: seedIncidents,
};
