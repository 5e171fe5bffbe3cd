import { systemActor } from '../../platform/auth/actor';
import type { DemoContext, Hub } from '../../platform/hub';
import type { Customer } from '../customers/customer.entity';
import type { Incident } from '../incidents/incident.entity';
import { ComplaintCategory } from './complaint.entity';
import { ComplaintsService } from './complaints.service';

const DESK = systemActor('demo service desk');

/** The bank complains about the response to its storage emergency, taken by phone by the desk. */
export async function seedComplaints(hub: Hub, demo: DemoContext): Promise<void> {
  const customers = demo.customers as { bank: Customer } | undefined;
  const incidents = demo.incidents as { emergency: Incident } | undefined;
  if (!customers || !incidents) return;
  const complaint = await hub.get(ComplaintsService).file(DESK, {
    customerId: customers.bank.id,
    category: ComplaintCategory.RESPONSE_SPEED,
    summary: 'Nobody called back for 40 minutes while core banking volumes were down',
    incidentId: incidents.emergency.id,
  });
  Object.assign(demo, { complaints: { bank: complaint } });
}
