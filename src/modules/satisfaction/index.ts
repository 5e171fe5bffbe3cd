import type { HubModule } from '../../platform/hub';
import { InspectionCommands } from '../inspections/inspection.commands';
import { IncidentSurveyResolver, InspectionSurveyResolver, SatisfactionResolver } from './satisfaction.resolver';
import { SatisfactionService, SWEEP_JOB } from './satisfaction.service';
import { SatisfactionSurvey } from './survey.entity';

/** Satisfaction surveys after closed incidents (linking the closure rating) and reported inspections. */
export const satisfactionModule: HubModule = {
  name: 'satisfaction',
  entities: [SatisfactionSurvey],
  resolvers: [SatisfactionResolver, IncidentSurveyResolver, InspectionSurveyResolver],
  register(hub) {
    const service = hub.get(SatisfactionService);
    hub.scheduler.register(SWEEP_JOB, (job) => service.onSweep(job));
    hub.get(InspectionCommands).onReported((tx, inspection) => service.onInspectionReported(tx, inspection));
  },
  start: (hub) => hub.get(SatisfactionService).start(),
};

export { SatisfactionSurvey, SurveyStatus, SurveySubject } from './survey.entity';
export { SatisfactionService } from './satisfaction.service';
