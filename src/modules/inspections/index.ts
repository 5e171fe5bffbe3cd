import type { HubModule } from '../../platform/hub';
import { Inspection, InspectionEvent, InspectionItem, InspectionPlan } from './inspection.entity';
import { InspectionItemResolver, InspectionPlanResolver, InspectionResolver } from './inspections.resolver';
import { seedInspections } from './inspections.seed';
import { GENERATE_JOB, InspectionsService, REPORT_JOB, VISIT_JOB } from './inspections.service';

/**
 * Preventive inspections. Plans generate their visits ahead of time (a daily
 * durable job per plan); each visit has a visit deadline and, once visited, a
 * report deadline, both escalating through the scheduler like incident clocks.
 */
export const inspectionsModule: HubModule = {
  name: 'inspections',
  entities: [InspectionPlan, Inspection, InspectionItem, InspectionEvent],
  resolvers: [InspectionPlanResolver, InspectionResolver, InspectionItemResolver],
  register(hub) {
    const service = hub.get(InspectionsService);
    hub.scheduler.register(GENERATE_JOB, (job) => service.onGenerate(job));
    hub.scheduler.register(VISIT_JOB, (job) => service.onVisitDue(job));
    hub.scheduler.register(REPORT_JOB, (job) => service.onReportClock(job));
  },
  seed: seedInspections,
};

export { Inspection, InspectionEvent, InspectionItem, InspectionPlan, InspectionStatus } from './inspection.entity';
export { InspectionsService } from './inspections.service';
