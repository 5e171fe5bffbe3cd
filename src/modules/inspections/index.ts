import type { HubModule } from '../../platform/hub';
import { Inspection, InspectionEvent, InspectionItem, InspectionPlan } from './inspection.entity';
import { InspectionItemResolver, InspectionPlanResolver, InspectionResolver } from './inspections.resolver';
import { seedInspections } from './inspections.seed';
import { GENERATE_JOB, REPORT_JOB, VISIT_JOB } from './inspection-changes';
import { InspectionPlans } from './inspection-plans';
import { InspectionTimers } from './inspection.timers';

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
    const plans = hub.get(InspectionPlans);
    const timers = hub.get(InspectionTimers);
    hub.scheduler.register(GENERATE_JOB, (job) => plans.onGenerate(job));
    hub.scheduler.register(VISIT_JOB, (job) => timers.onVisitDue(job));
    hub.scheduler.register(REPORT_JOB, (job) => timers.onReportClock(job));
  },
  seed: seedInspections,
};

export { Inspection, InspectionEvent, InspectionItem, InspectionPlan, InspectionStatus } from './inspection.entity';
export { InspectionCommands } from './inspection.commands';
export { InspectionsService } from './inspections.service';
