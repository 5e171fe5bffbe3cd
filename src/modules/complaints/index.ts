import type { HubModule } from '../../platform/hub';
import { Complaint, ComplaintEvent, ComplaintPolicy } from './complaint.entity';
import { ComplaintResolver } from './complaints.resolver';
import { seedComplaints } from './complaints.seed';
import { COMPLAINT_CLOCK_JOB, ComplaintsService } from './complaints.service';

/** The complaint line: complaints linked to incidents or RMAs, with first-reply and resolution clocks that escalate. */
export const complaintsModule: HubModule = {
  name: 'complaints',
  entities: [Complaint, ComplaintEvent, ComplaintPolicy],
  resolvers: [ComplaintResolver],
  register(hub) {
    const service = hub.get(ComplaintsService);
    hub.scheduler.register(COMPLAINT_CLOCK_JOB, (job) => service.onClockTimer(job));
  },
  seed: seedComplaints,
};

export { Complaint, ComplaintCategory, ComplaintStatus } from './complaint.entity';
export { ComplaintsService } from './complaints.service';
