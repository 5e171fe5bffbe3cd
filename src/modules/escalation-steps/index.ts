import type { Hub, HubModule } from '../../platform/hub';
import { IncidentChanges } from '../incidents/incident-changes';
import { EscalationStepsService, STEP_TIMER } from './escalation-steps.service';

/** Day-based step escalation (no tables of its own: the period is in the contract's escalation plan). */
export const escalationStepsModule: HubModule = {
  name: 'escalation-steps',
  entities: [],
  resolvers: [],
  register(hub: Hub) {
    const service = hub.get(EscalationStepsService);
    hub.scheduler.register(STEP_TIMER, (job) => service.onStepTimer(job));
    hub.get(IncidentChanges).onChange((tx, incident, events) => service.onIncidentChange(tx, incident, events));
  },
};
